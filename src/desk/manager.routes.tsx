import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { formatOfficeTime } from '../hours/format.js';
import { parseInstant } from '../hours/parse.js';
import { AppError } from '../http/errors.js';
import type { PagingService } from '../oncall/paging.service.js';
import { queueSms } from '../outbox/outbox.service.js';
import { findPersonById } from '../oncall/rota.repository.js';
import type { RotaService } from '../oncall/rota.service.js';
import type { Person } from '../oncall/rota.tables.js';
import { audit, listAudit, type Actor } from './audit.repository.js';
import { AuditPage } from './audit.views.js';
import { deskSession, type DeskEnv } from './auth.middleware.js';
import { RotaPage, type FormProblem } from './rota.views.js';
import type { UserService } from './users.service.js';
import { UsersPage } from './users.views.js';

export interface ManagerRouteDeps {
  db: Db;
  clock: Clock;
  config: Config;
  users: UserService;
  rota: RotaService;
  paging: PagingService;
}

/** How far ahead the rota page shows. */
export const ROTA_DAYS = 14;
/** Audit entries per page. */
export const AUDIT_PAGE_SIZE = 50;

// Row ids are bigint identities; anything else cannot name a row (and would make PostgreSQL
// fail the cast), so it is a 404 before any query.
const ROW_ID = /^[1-9]\d{0,18}$/;

function rowId(c: Context, what: string): string {
  const id = c.req.param('id') ?? '';
  if (!ROW_ID.test(id)) throw new AppError('not_found', `There is no such ${what}.`);
  return id;
}

/** The posted form's text fields, without the CSRF token (it has been checked already). */
async function formFields(c: Context): Promise<Record<string, string>> {
  const raw = await c.req.parseBody();
  const body: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string' && k !== '_csrf') body[k] = v;
  return body;
}

function actorOf(c: Context<DeskEnv>): Actor {
  const { user } = deskSession(c);
  return { userId: user.id, email: user.email };
}

/** The per-field messages of a validation AppError, or null for any other error (which is rethrown). */
function validationFields(err: unknown): Record<string, string> | null {
  return err instanceof AppError && err.code === 'validation' ? (err.details.fields ?? { form: err.message }) : null;
}

/**
 * Reads a `datetime-local` value (or anything `parseInstant` takes) as office time. Returns the
 * instant, or a message for the field.
 */
function readTime(text: string | undefined, zone: string, what: 'starts' | 'ends'): Date | string {
  if (!text || !text.trim()) return `Enter when the shift ${what}`;
  const dt = parseInstant(text, zone);
  if (!dt) return `Enter a date and time that exists in office time (${zone})`;
  return dt.toJSDate();
}

// Confirmations after a redirect are chosen by a fixed key, never by text from the query string.
const ROTA_NOTICES: Record<string, string> = {
  shift: 'The shift has been added to the rota.',
  override: 'The override has been added to the rota.',
  person: 'The person has been added to the staff list.',
  phone: 'The phone number has been changed. Every shift of theirs now pages the new number.',
  removed: 'The person has been taken off the rota. Their shifts no longer count.',
};
const USER_NOTICES: Record<string, string> = {
  added: 'The user has been added. They can sign in now.',
  disabled: 'The user has been disabled and signed out.',
  enabled: 'The user has been enabled. They can sign in again.',
  password: 'The new password has been set. They have been signed out and sign in with it.',
};

/** The text of the SMS a test page sends. */
export function testPageBody(officeName: string, personName: string): string {
  return `${officeName} desk: test page for ${personName}. If you can read this, on-call pages reach this phone. No reply needed.`;
}

/** Manager-only pages (mounted behind requireManager): the rota, users and the audit log. */
export function managerRoutes(deps: ManagerRouteDeps) {
  const app = new Hono<DeskEnv>();
  const office = deps.config.office;

  // ---- Rota ---------------------------------------------------------------------------------

  async function renderRota(c: Context<DeskEnv>, status: 200 | 422, problem?: FormProblem, notice?: string) {
    const now = deps.clock();
    const [segments, people] = await Promise.all([
      deps.rota.schedule(now, new Date(now.getTime() + ROTA_DAYS * 86_400_000)),
      deps.rota.listPeople(),
    ]);
    c.status(status);
    return c.html(<RotaPage session={deskSession(c)} office={office} now={now} days={ROTA_DAYS} segments={segments} people={people} notice={notice} problem={problem} />);
  }

  app.get('/rota', async (c) => {
    const done = c.req.query('done') ?? '';
    let notice = ROTA_NOTICES[done];
    if (done === 'test-page') {
      const id = c.req.query('person') ?? '';
      const person = ROW_ID.test(id) ? await findPersonById(deps.db, id) : undefined;
      notice = person
        ? `A test page to ${person.name} on ${person.phone} has been queued. It should arrive within a minute; if it does not, check the number.`
        : 'The test page has been queued.';
    }
    return renderRota(c, 200, undefined, notice);
  });

  /**
   * A shift or override, for someone on the staff list or someone new (added in the same
   * transaction, so a refused shift leaves no half-added person). Every problem with the form is
   * reported at once: the service checks the shift's own fields even when the person part failed.
   */
  app.post('/rota/shifts', async (c) => {
    const body = await formFields(c);
    const actor = actorOf(c);
    const zone = office.timezone;
    const override = body.override === 'yes';
    const personId = (body.personId ?? '').trim();
    const name = body.name ?? '';
    const phone = body.phone ?? '';
    const isNew = personId === '';
    const own: Record<string, string> = {};
    if (isNew && !name.trim() && !phone.trim()) own.personId = 'Choose who is on call, or enter a new person’s name and phone number';
    if (!isNew && (name.trim() || phone.trim())) own.personId = 'Choose someone on the list or enter someone new, not both';
    const starts = readTime(body.startsAt, zone, 'starts');
    const ends = readTime(body.endsAt, zone, 'ends');
    if (typeof starts === 'string') own.startsAt = starts;
    if (typeof ends === 'string') own.endsAt = ends;

    try {
      await deps.db.transaction().execute(async (tx) => {
        const now = deps.clock();
        const fields: Record<string, string> = {};
        let person: Person | null = null;
        if (isNew && !own.personId) {
          try {
            person = await deps.rota.addPerson({ name, phone }, tx);
          } catch (err) {
            const f = validationFields(err);
            if (!f) throw err;
            Object.assign(fields, f);
          }
        }
        // Without a person the service still checks role, times and note (and complains about
        // the missing person, which the messages above already cover).
        const who = person ? { personId: person.id } : isNew ? {} : { personId };
        try {
          const entry = await deps.rota.addShift(
            {
              ...who,
              role: body.role as 'primary' | 'backup',
              startsAt: typeof starts === 'string' ? new Date(Number.NaN) : starts,
              endsAt: typeof ends === 'string' ? new Date(Number.NaN) : ends,
              override,
              note: body.note ?? null,
              createdBy: actor.email.slice(0, 200),
            },
            tx,
          );
          if (person) await audit(tx, { at: now, actor, action: 'rota.person_added', detail: { personId: person.id, name: person.name, phone: person.phone } });
          const holder = person ?? (await findPersonById(tx, entry.person_id));
          await audit(tx, {
            at: now,
            actor,
            action: override ? 'rota.override_added' : 'rota.shift_added',
            detail: {
              entryId: entry.id,
              person: holder?.name,
              phone: holder?.phone,
              role: entry.role,
              from: formatOfficeTime(entry.starts_at, office),
              to: formatOfficeTime(entry.ends_at, office),
              note: entry.note,
            },
          });
        } catch (err) {
          const f = validationFields(err);
          if (!f) throw err;
          if (!person) {
            delete f.phone;
            delete f.personId;
          }
          for (const [k, v] of Object.entries(f)) fields[k] ??= v;
        }
        // Messages about what was typed come first; anything wrong rolls the whole change back.
        const all = { ...fields, ...own };
        if (Object.keys(all).length) throw new AppError('validation', `The ${override ? 'override' : 'shift'} could not be added`, { fields: all });
      });
    } catch (err) {
      const f = validationFields(err);
      if (!f) throw err;
      return renderRota(c, 422, { form: 'shift', errors: f, values: body });
    }
    return c.redirect(`/desk/rota?done=${override ? 'override' : 'shift'}`, 303);
  });

  app.post('/rota/people', async (c) => {
    const body = await formFields(c);
    const actor = actorOf(c);
    try {
      await deps.db.transaction().execute(async (tx) => {
        const person = await deps.rota.addPerson({ name: body.name ?? '', phone: body.phone ?? '' }, tx);
        await audit(tx, { at: deps.clock(), actor, action: 'rota.person_added', detail: { personId: person.id, name: person.name, phone: person.phone } });
      });
    } catch (err) {
      const f = validationFields(err);
      if (!f) throw err;
      return renderRota(c, 422, { form: 'person', errors: f, values: body });
    }
    return c.redirect('/desk/rota?done=person', 303);
  });

  app.post('/rota/people/:id/phone', async (c) => {
    const id = rowId(c, 'person');
    const body = await formFields(c);
    const actor = actorOf(c);
    try {
      await deps.db.transaction().execute(async (tx) => {
        const before = await findPersonById(tx, id);
        if (!before?.active) throw new AppError('not_found', 'There is no such person on the staff list.');
        const after = await deps.rota.updatePersonPhone(id, body.phone ?? '', tx);
        await audit(tx, { at: deps.clock(), actor, action: 'rota.phone_changed', detail: { personId: id, name: after.name, from: before.phone, to: after.phone } });
      });
    } catch (err) {
      const f = validationFields(err);
      if (!f) throw err;
      return renderRota(c, 422, { form: 'phone', rowId: id, errors: { phone: f.phone ?? Object.values(f)[0] }, values: body });
    }
    return c.redirect('/desk/rota?done=phone', 303);
  });

  app.post('/rota/people/:id/deactivate', async (c) => {
    const id = rowId(c, 'person');
    const actor = actorOf(c);
    await deps.db.transaction().execute(async (tx) => {
      const person = await deps.rota.deactivatePerson(id, tx);
      await audit(tx, { at: deps.clock(), actor, action: 'rota.person_deactivated', detail: { personId: id, name: person.name, phone: person.phone } });
    });
    return c.redirect('/desk/rota?done=removed', 303);
  });

  /**
   * Queues one SMS to the person's phone through the same send_sms task replies use (sent once
   * per key, retried if Twilio is briefly away). It belongs to no enquiry, so no timeline shows it.
   */
  app.post('/rota/people/:id/test-page', async (c) => {
    const id = rowId(c, 'person');
    const actor = actorOf(c);
    await deps.db.transaction().execute(async (tx) => {
      const person = await findPersonById(tx, id);
      if (!person?.active) throw new AppError('not_found', 'There is no such person on the staff list.');
      const now = deps.clock();
      const key = `test-page:${randomUUID()}`;
      await queueSms(tx, { key, enquiryId: null, to: person.phone, body: testPageBody(office.name, person.name) }, now);
      await audit(tx, { at: now, actor, action: 'rota.test_page_queued', detail: { personId: id, name: person.name, phone: person.phone, key } });
    });
    return c.redirect(`/desk/rota?done=test-page&person=${id}`, 303);
  });

  // ---- Users --------------------------------------------------------------------------------

  async function renderUsers(c: Context<DeskEnv>, status: 200 | 422, problem?: FormProblem, notice?: string) {
    const users = await deps.users.list();
    c.status(status);
    return c.html(<UsersPage session={deskSession(c)} office={office} users={users} notice={notice} problem={problem} />);
  }

  app.get('/users', (c) => renderUsers(c, 200, undefined, USER_NOTICES[c.req.query('done') ?? '']));

  // Passwords are dropped from the values shown again: a refused form never echoes one.
  const withoutPassword = ({ password: _password, ...rest }: Record<string, string>) => rest;

  app.post('/users', async (c) => {
    const body = await formFields(c);
    try {
      await deps.users.create({ name: body.name ?? '', email: body.email ?? '', role: body.role ?? '', password: body.password ?? '' }, actorOf(c));
    } catch (err) {
      const f = validationFields(err);
      if (!f) throw err;
      return renderUsers(c, 422, { form: 'add', errors: f, values: withoutPassword(body) });
    }
    return c.redirect('/desk/users?done=added', 303);
  });

  for (const [path, active] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    app.post(`/users/:id/${path}`, async (c) => {
      const id = rowId(c, 'user');
      try {
        await deps.users.setActive(id, active, actorOf(c));
      } catch (err) {
        const f = validationFields(err);
        if (!f) throw err;
        return renderUsers(c, 422, { form: 'row', rowId: id, errors: { user: f.user ?? Object.values(f)[0] }, values: {} });
      }
      return c.redirect(`/desk/users?done=${active ? 'enabled' : 'disabled'}`, 303);
    });
  }

  app.post('/users/:id/password', async (c) => {
    const id = rowId(c, 'user');
    const body = await formFields(c);
    try {
      await deps.users.resetPassword(id, body.password ?? '', actorOf(c));
    } catch (err) {
      const f = validationFields(err);
      if (!f) throw err;
      return renderUsers(c, 422, { form: 'row', rowId: id, errors: { password: f.password ?? Object.values(f)[0] }, values: {} });
    }
    return c.redirect('/desk/users?done=password', 303);
  });

  // ---- Audit log (read-only: there is deliberately no route that changes an entry) ------------

  app.get('/audit', async (c) => {
    const before = c.req.query('before');
    if (before !== undefined && !ROW_ID.test(before)) throw new AppError('bad_request', 'That is not a place in the audit log.');
    // One more than a page tells whether an older page exists without counting the log.
    const rows = await listAudit(deps.db, { beforeId: before, limit: AUDIT_PAGE_SIZE + 1 });
    const entries = rows.slice(0, AUDIT_PAGE_SIZE);
    const olderBefore = rows.length > AUDIT_PAGE_SIZE ? entries[entries.length - 1].id : null;
    return c.html(<AuditPage session={deskSession(c)} office={office} now={deps.clock()} entries={entries} olderBefore={olderBefore} paged={before !== undefined} />);
  });

  return app;
}
