import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { parseInstant } from '../hours/parse.js';
import { validationFields } from '../http/errors.js';
import { actorOf, formFields, rowId } from '../web/handlers.js';
import { deskSession, type DeskEnv } from '../web/session.js';
import { type CoverDeps, CoverService } from './cover.service.js';
import { COVER_PATH, CoverPage, type CoverProblem } from './cover.views.js';

// Confirmations after a redirect are chosen by a fixed key, never by text from the query string.
const NOTICES: Partial<Record<string, string>> = {
  asked: 'Your colleagues have been asked to cover. You stay on call until one of them accepts.',
  cancelled: 'Your request for cover has been cancelled.',
};

/** The request form as posted: times as `datetime-local` text in office time. */
const coverForm = z.object({
  role: z.enum(['primary', 'backup']).catch('primary'),
  shift: z.string().max(40).catch(''),
  from: z.string().max(40).catch(''),
  to: z.string().max(40).catch(''),
  note: z.string().max(2000).catch(''),
});

/**
 * The desk's cover page (`/desk/cover`, every signed-in user): the signed-in user's coming
 * shifts (they are the rota person whose phone is their account's mobile) with a form asking
 * colleagues for cover (`POST /desk/cover`), and their requests with a cancel button
 * (`POST /desk/cover/{id}/cancel`). A refused form is shown again with its messages (422).
 */
export function coverDeskRoutes(deps: CoverDeps & { cover?: CoverService }) {
  const cover = deps.cover ?? new CoverService(deps);
  const app = new Hono<DeskEnv>();
  const path = COVER_PATH.slice('/desk'.length);

  async function render(c: Context<DeskEnv>, extra: { notice?: string; problem?: CoverProblem } = {}) {
    const session = deskSession(c);
    const person = await cover.personOfMobile(session.user.mobile);
    const overview = person ? await cover.overview(person) : null;
    if (extra.problem) c.status(422);
    return c.html(
      <CoverPage session={session} office={deps.config.office} now={deps.clock()} overview={overview} {...extra} />,
    );
  }

  app.get(path, (c) => render(c, { notice: NOTICES[c.req.query('done') ?? ''] }));

  app.post(path, async (c) => {
    const form = coverForm.parse(await formFields(c));
    const zone = deps.config.office.timezone;
    const read = (t: string) => parseInstant(t, zone)?.toJSDate() ?? new Date(Number.NaN);
    const person = await cover.personOfMobile(deskSession(c).user.mobile);
    const values = { from: form.from, to: form.to, note: form.note };
    if (!person)
      return render(c, { problem: { shift: form.shift, errors: { form: 'You are not on the rota.' }, values } });
    try {
      await cover.request(
        { personId: person.id, role: form.role, from: read(form.from), to: read(form.to), note: form.note },
        actorOf(c),
      );
    } catch (err) {
      const errors = validationFields(err);
      if (!errors) throw err;
      return render(c, { problem: { shift: form.shift, errors, values } });
    }
    return c.redirect(`${COVER_PATH}?done=asked`, 303);
  });

  app.post(`${path}/:id/cancel`, async (c) => {
    const { user } = deskSession(c);
    const person = await cover.personOfMobile(user.mobile);
    await cover.cancel(
      rowId(c, 'request for cover'),
      { personId: person?.id ?? null, manager: user.role === 'manager' },
      actorOf(c),
    );
    return c.redirect(`${COVER_PATH}?done=cancelled`, 303);
  });

  return app;
}
