import { Hono, type Context } from 'hono';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { findByReference } from '../enquiries/enquiries.repository.js';
import { normaliseReference } from '../enquiries/reference.js';
import { AppError, validationFields } from '../http/errors.js';
import { doneHref } from '../web/desk-links.js';
import { actorOf, formFields, rowId } from '../web/handlers.js';
import { deskSession, type DeskEnv } from '../web/session.js';
import { splitForm, type SplitErrors, type SplitField } from './merging.forms.js';
import { threadMessages } from './merging.repository.js';
import { mergePanel, type MergeService } from './merging.service.js';
import { MergePage, SplitPage } from './merging.views.js';

/**
 * Merge and split on the desk (any officer): the merge page (`GET /desk/enquiries/:reference/merge`:
 * the possible duplicates and a reference typed) and its POST (`from`: the enquiry merged into
 * this one), the undo (`POST /desk/merges/:id/undo`), and the split page and its POST
 * (`/desk/enquiries/:reference/split`). Thin: the service checks, moves and audits. A refused
 * form is shown again with the message by its field (422); done, each goes back to the enquiry.
 */
export function mergingRoutes(deps: {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'office' | 'intake'>;
  merging: MergeService;
}) {
  const app = new Hono<DeskEnv>();
  const office = deps.config.office;

  function referenceOf(c: Context): string {
    const ref = normaliseReference(c.req.param('reference') ?? '');
    if (!ref) throw new AppError('not_found', 'That is not an enquiry reference.');
    return ref;
  }

  async function enquiryOf(reference: string) {
    const e = await findByReference(deps.db, reference);
    if (!e) throw new AppError('not_found', `There is no enquiry ${reference}.`);
    return e;
  }

  async function renderMerge(
    c: Context<DeskEnv>,
    reference: string,
    status: 200 | 422,
    error?: string,
    value?: string,
  ) {
    const e = await enquiryOf(reference);
    const session = deskSession(c);
    const now = deps.clock();
    const panel = await mergePanel(deps.db, e, { office, now, csrf: session.session.csrf_token });
    c.status(status);
    return c.html(<MergePage session={session} office={office} now={now} panel={panel} error={error} value={value} />);
  }

  async function renderSplit(
    c: Context<DeskEnv>,
    reference: string,
    status: 200 | 422,
    errors?: SplitErrors,
    values?: Partial<Record<SplitField, string>>,
  ) {
    const e = await enquiryOf(reference);
    const messages = await threadMessages(deps.db, e.id);
    c.status(status);
    return c.html(
      <SplitPage
        session={deskSession(c)}
        office={office}
        now={deps.clock()}
        enquiry={e}
        messages={messages}
        targetHours={Math.round((deps.config.intake.responseTargetWorkingMinutes / 60) * 10) / 10}
        errors={errors}
        values={values}
      />,
    );
  }

  app.get('/enquiries/:reference/merge', (c) => renderMerge(c, referenceOf(c), 200));

  app.post('/enquiries/:reference/merge', async (c) => {
    const reference = referenceOf(c);
    const body = await formFields(c);
    try {
      const { eventId } = await deps.merging.merge(reference, body.from ?? '', actorOf(c));
      return c.redirect(doneHref(reference, 'merged', eventId), 303);
    } catch (err) {
      const fields = validationFields(err);
      if (!fields) throw err;
      return renderMerge(c, reference, 422, fields.from ?? Object.values(fields)[0], body.from ?? '');
    }
  });

  app.post('/merges/:id/undo', async (c) => {
    const { into, eventId } = await deps.merging.undo(rowId(c, 'merge'), actorOf(c));
    return c.redirect(doneHref(into, 'mergeUndone', eventId), 303);
  });

  app.get('/enquiries/:reference/split', (c) => renderSplit(c, referenceOf(c), 200));

  app.post('/enquiries/:reference/split', async (c) => {
    const reference = referenceOf(c);
    const body = await formFields(c);
    try {
      const created = await deps.merging.split(reference, body, actorOf(c));
      return c.redirect(doneHref(created.reference, 'split', created.eventId), 303);
    } catch (err) {
      const fields = validationFields(err);
      if (!fields) throw err;
      return renderSplit(c, reference, 422, fields as SplitErrors, splitForm.typed(body));
    }
  });

  return app;
}
