import { Hono, type Context } from 'hono';
import type { Clock } from '../clock.js';
import { optOutsOf, staffReach } from '../sms/opt-out.repository.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { parseInstant } from '../hours/parse.js';
import { validationFields } from '../http/errors.js';
import { isLongRowId } from '../ids.js';
import { findPersonById } from './rota.repository.js';
import type { RotaService } from './rota.service.js';
import type { RotaGuard } from './rota-guard.service.js';
import type { RotaRole } from './rota.tables.js';
import { NO_TEXTS_NOTICE } from './text-reach.js';
import { deskSession, type DeskEnv } from '../web/session.js';
import { actorOf, formFields, rowId } from '../web/handlers.js';
import { ROTA_OPT_OUT, RotaPage } from './rota.views.js';
import type { EntryField, FormValues, RotaErrors, RotaProblem, ShiftField } from './rota.forms.js';

/** How far ahead the rota page shows. */
export const ROTA_DAYS = 14;

// Confirmations after a redirect are chosen by a fixed key, never by text from the query string.
const ROTA_NOTICES: Partial<Record<string, string>> = {
  shift: 'The shift has been added to the rota.',
  override: 'The override has been added to the rota.',
  person:
    'The person has been added to the staff list and a code sent to their phone. Once they give it to you (or reply with it), they can be put on shifts.',
  phone:
    'The phone number has been changed and a code sent to it. Every shift of theirs now pages the new number; they cannot be given new shifts until it is verified.',
  'code-sent': 'A new code has been sent. It works for 30 minutes.',
  verified: 'The number is verified: they can be put on shifts.',
  removed: 'The person has been taken off the rota. Their shifts no longer count.',
  'shift-updated': 'Shift updated. Pages from now on follow the change.',
  'shift-ended': 'Shift ended now. Pages from now on go to whoever else is on the rota.',
  'shift-deleted': 'Shift deleted.',
};

/**
 * Reads a `datetime-local` value (or anything `parseInstant` takes) as office time. Returns the
 * instant, or a message for the field.
 */
function readTime(text: string | undefined, zone: string, what: 'starts' | 'ends'): Date | string {
  if (!text?.trim()) return `Enter when the shift ${what}`;
  const dt = parseInstant(text, zone);
  if (!dt) return `Enter a date and time that exists in office time (${zone})`;
  return dt.toJSDate();
}

/**
 * The shift form as the service takes it, and the problems found reading it: who (someone on
 * the list or someone new, not neither and not both) and times that exist in office time. An
 * unreadable time is passed on as an invalid Date so the service still checks the rest.
 */
function readShiftForm(body: FormValues<ShiftField | 'override'>, zone: string) {
  const personId = (body.personId ?? '').trim();
  const name = body.name ?? '';
  const phone = body.phone ?? '';
  const isNew = personId === '';
  const problems: RotaErrors<ShiftField> = {};
  if (isNew && !name.trim() && !phone.trim())
    problems.personId = 'Choose who is on call, or enter a new person’s name and phone number';
  if (!isNew && (name.trim() || phone.trim()))
    problems.personId = 'Choose someone on the list or enter someone new, not both';
  const starts = readTime(body.startsAt, zone, 'starts');
  const ends = readTime(body.endsAt, zone, 'ends');
  if (typeof starts === 'string') problems.startsAt = starts;
  if (typeof ends === 'string') problems.endsAt = ends;
  const input = {
    personId: isNew ? null : personId,
    newPerson: isNew && !problems.personId ? { name, phone } : null,
    role: body.role as RotaRole,
    startsAt: typeof starts === 'string' ? new Date(Number.NaN) : starts,
    endsAt: typeof ends === 'string' ? new Date(Number.NaN) : ends,
    override: body.override === 'yes',
    note: body.note ?? null,
  };
  return { input, problems };
}

/** The rota page and its forms (`/desk/rota…`, manager only): shifts, overrides, staff, test pages. */
export function rotaRoutes(deps: {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'office'>;
  rota: RotaService;
  rotaGuard: RotaGuard;
}) {
  const app = new Hono<DeskEnv>();
  const office = deps.config.office;

  async function renderRota(c: Context<DeskEnv>, status: 200 | 422, problem?: RotaProblem, notice?: string) {
    const now = deps.clock();
    const until = new Date(now.getTime() + ROTA_DAYS * 86_400_000);
    const [segments, people, entries] = await Promise.all([
      deps.rota.schedule(now, until),
      deps.rota.listPeople(),
      deps.rota.entriesBetween(now, until),
    ]);
    const phones = [
      ...new Set([
        ...people.map((x) => x.phone),
        ...segments.flatMap((s) => [s.primary.phone, s.backup?.phone ?? s.primary.phone]),
      ]),
    ];
    const [optOutMap, gaps, confirmations, reach] = await Promise.all([
      optOutsOf(deps.db, phones),
      deps.rotaGuard.openGaps(),
      deps.rotaGuard.confirmations(entries.map((e) => e.id)),
      deps.rotaGuard.reach(people.map((x) => x.phone)),
    ]);
    const codesSent = await deps.rota.verifier.pending(people.filter((x) => !x.phone_verified_at).map((x) => x.id));
    const optOuts = new Set(optOutMap.keys());
    c.status(status);
    return c.html(
      <RotaPage
        session={deskSession(c)}
        office={office}
        now={now}
        days={ROTA_DAYS}
        segments={segments}
        people={people}
        entries={entries}
        notice={notice}
        problem={problem}
        optOuts={optOuts}
        gaps={gaps}
        confirmations={confirmations}
        reach={reach}
        codesSent={codesSent}
      />,
    );
  }

  /** After a failed validation, the page again with the form's problems; any other error is rethrown. */
  function refused(c: Context<DeskEnv>, err: unknown, problem: (fields: Record<string, string>) => RotaProblem) {
    const f = validationFields(err);
    if (!f) throw err;
    return renderRota(c, 422, problem(f));
  }

  app.get('/rota', async (c) => {
    const done = c.req.query('done') ?? '';
    let notice = ROTA_NOTICES[done];
    if (done === 'test-page') {
      const id = c.req.query('person') ?? '';
      const person = isLongRowId(id) ? await findPersonById(deps.db, id) : undefined;
      const reach = person ? await staffReach(deps.db, person.phone) : null;
      notice =
        !person || !reach
          ? 'The test page has been queued.'
          : reach.by === 'call'
            ? `A test call to ${person.name} on ${person.phone} has been queued: ${reach.reason === 'no_texts' ? NO_TEXTS_NOTICE : ROTA_OPT_OUT}. It should ring within a minute; if it does not, check the number.`
            : `A test page to ${person.name} on ${person.phone} has been queued. It should arrive within a minute; if it does not, check the number.`;
    }
    return renderRota(c, 200, undefined, notice);
  });

  /** A shift or override, for someone on the staff list or someone new; every problem reported at once. */
  app.post('/rota/shifts', async (c) => {
    const body = await formFields(c);
    const { input, problems } = readShiftForm(body, office.timezone);
    try {
      await deps.rota.addShiftFromDesk(input, problems, actorOf(c));
    } catch (err) {
      return refused(c, err, (errors) => ({ form: 'shift', errors, values: body }));
    }
    return c.redirect(`/desk/rota?done=${input.override ? 'override' : 'shift'}`, 303);
  });

  /** Edit one shift or override: who, from, to. */
  app.post('/rota/shifts/:id', async (c) => {
    const id = rowId(c, 'shift');
    const body = await formFields(c);
    const problems: RotaErrors<EntryField> = {};
    const starts = readTime(body.startsAt, office.timezone, 'starts');
    const ends = readTime(body.endsAt, office.timezone, 'ends');
    if (typeof starts === 'string') problems.startsAt = starts;
    if (typeof ends === 'string') problems.endsAt = ends;
    const input = {
      personId: (body.personId ?? '').trim(),
      startsAt: typeof starts === 'string' ? new Date(Number.NaN) : starts,
      endsAt: typeof ends === 'string' ? new Date(Number.NaN) : ends,
    };
    try {
      await deps.rota.updateShiftFromDesk(id, input, problems, actorOf(c));
    } catch (err) {
      return refused(c, err, (errors) => ({ form: 'entry', rowId: id, errors, values: body }));
    }
    return c.redirect('/desk/rota?done=shift-updated', 303);
  });

  /** End a shift that has started, now. */
  app.post('/rota/shifts/:id/end', async (c) => {
    const id = rowId(c, 'shift');
    try {
      await deps.rota.endShiftNow(id, actorOf(c));
    } catch (err) {
      return refused(c, err, (f) => ({
        form: 'entry',
        rowId: id,
        errors: { endsAt: f.endsAt ?? Object.values(f)[0] },
        values: {},
      }));
    }
    return c.redirect('/desk/rota?done=shift-ended', 303);
  });

  /** Delete a shift that has not started (the page asks to confirm first). */
  app.post('/rota/shifts/:id/delete', async (c) => {
    const id = rowId(c, 'shift');
    try {
      await deps.rota.deleteShiftFromDesk(id, actorOf(c));
    } catch (err) {
      return refused(c, err, (f) => ({
        form: 'entry',
        rowId: id,
        errors: { endsAt: f.endsAt ?? Object.values(f)[0] },
        values: {},
      }));
    }
    return c.redirect('/desk/rota?done=shift-deleted', 303);
  });

  app.post('/rota/people', async (c) => {
    const body = await formFields(c);
    try {
      await deps.rota.addPersonAudited({ name: body.name ?? '', phone: body.phone ?? '' }, actorOf(c));
    } catch (err) {
      return refused(c, err, (errors) => ({ form: 'person', errors, values: body }));
    }
    return c.redirect('/desk/rota?done=person', 303);
  });

  app.post('/rota/people/:id/phone', async (c) => {
    const id = rowId(c, 'person');
    const body = await formFields(c);
    try {
      await deps.rota.changePhoneAudited(id, body.phone ?? '', actorOf(c));
    } catch (err) {
      return refused(c, err, (f) => ({
        form: 'phone',
        rowId: id,
        errors: { phone: f.phone ?? Object.values(f)[0] },
        values: body,
      }));
    }
    return c.redirect('/desk/rota?done=phone', 303);
  });

  /** The code a person was sent, entered by the manager (the person may also text it back). */
  app.post('/rota/people/:id/verify', async (c) => {
    const id = rowId(c, 'person');
    const body = await formFields(c);
    try {
      await deps.rota.verifier.verify(id, body.code ?? '', actorOf(c));
    } catch (err) {
      return refused(c, err, (f) => ({
        form: 'code',
        rowId: id,
        errors: { code: f.code ?? Object.values(f)[0] },
        values: {},
      }));
    }
    return c.redirect('/desk/rota?done=verified', 303);
  });

  /** A new code to the person's number (the last one expired, or never came). */
  app.post('/rota/people/:id/send-code', async (c) => {
    const id = rowId(c, 'person');
    try {
      await deps.db.transaction().execute((tx) => deps.rota.verifier.send(tx, id, actorOf(c)));
    } catch (err) {
      return refused(c, err, (f) => ({
        form: 'code',
        rowId: id,
        errors: { code: f.code ?? Object.values(f)[0] },
        values: {},
      }));
    }
    return c.redirect('/desk/rota?done=code-sent', 303);
  });

  app.post('/rota/people/:id/deactivate', async (c) => {
    const id = rowId(c, 'person');
    await deps.rota.deactivatePersonAudited(id, actorOf(c));
    return c.redirect('/desk/rota?done=removed', 303);
  });

  app.post('/rota/people/:id/test-page', async (c) => {
    const id = rowId(c, 'person');
    await deps.rota.queueTestPage(id, actorOf(c));
    return c.redirect(`/desk/rota?done=test-page&person=${id}`, 303);
  });

  return app;
}
