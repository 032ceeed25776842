import { Hono } from 'hono';
import { officeDayStart } from '../hours/parse.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { AppError } from '../http/errors.js';
import { isLongRowId } from '../ids.js';
import { countAudit, listAudit, type AuditFilter } from '../audit/audit.repository.js';
import { AuditPage, type AuditFilterForm } from './audit.views.js';
import { deskSession, type DeskEnv } from '../web/session.js';
import { listUsers } from '../web/users.repository.js';

/** Audit entries per page. */
export const AUDIT_PAGE_SIZE = 50;

const REFERENCE = /^PD-[A-Z0-9]{3}-[A-Z0-9]{3}$/;
const ACTION = /^[a-z][a-z0-9_.]{0,59}$/;

/**
 * The filters from the query string (`actor`, `action`, `reference`, `from`, `to`; dates are
 * office-time days, `to` inclusive), as the form shows them and as the repository takes them,
 * with a message for each value that cannot be one.
 */
export function readAuditFilter(
  q: (k: string) => string | undefined,
  zone: string,
): { form: AuditFilterForm; filter: AuditFilter; errors: Record<string, string> } {
  const get = (k: string) => (q(k) ?? '').trim().slice(0, 100);
  const form: AuditFilterForm = {
    actor: get('actor'),
    action: get('action'),
    reference: get('reference').toUpperCase(),
    from: get('from'),
    to: get('to'),
  };
  const filter: AuditFilter = {};
  const errors: Record<string, string> = {};
  if (form.actor) {
    if (form.actor === 'system' || isLongRowId(form.actor)) filter.actor = form.actor;
    else errors.actor = 'Choose someone from the list';
  }
  if (form.action) {
    if (ACTION.test(form.action)) filter.action = form.action;
    else errors.action = 'Choose an action from the list';
  }
  if (form.reference) {
    if (REFERENCE.test(form.reference)) filter.reference = form.reference;
    else errors.reference = 'Enter an enquiry reference like PD-7KQ-M3D';
  }
  const day = (text: string, field: 'from' | 'to') => {
    if (!text) return undefined;
    const d = officeDayStart(text, zone);
    if (!d) {
      errors[field] = `Enter a date like 2026-11-02`;
      return undefined;
    }
    return d;
  };
  const from = day(form.from, 'from');
  const to = day(form.to, 'to');
  if (from) filter.from = from.toJSDate();
  // `to` is the whole of that day in office time.
  if (to) filter.to = to.plus({ days: 1 }).toJSDate();
  if (from && to && to < from) errors.to = 'The end date must be on or after the start date';
  return { form, filter, errors };
}

/**
 * The audit log (`/desk/audit`, manager only), filtered by who, action, enquiry reference and
 * date, all GET parameters so a filtered view can be bookmarked; a bad value is a 422 page that
 * says which, never a server error. Read-only: there is deliberately no route that changes an entry.
 */
export function auditRoutes(deps: { db: Db; clock: Clock; config: Pick<Config, 'office'> }) {
  const app = new Hono<DeskEnv>();
  app.get('/audit', async (c) => {
    const before = c.req.query('before');
    if (before !== undefined && !isLongRowId(before))
      throw new AppError('bad_request', 'That is not a place in the audit log.');
    const { form, filter, errors } = readAuditFilter((k) => c.req.query(k), deps.config.office.timezone);
    const users = await listUsers(deps.db);
    const props = {
      session: deskSession(c),
      office: deps.config.office,
      now: deps.clock(),
      users,
      form,
      paged: before !== undefined,
    };
    if (Object.keys(errors).length) {
      c.status(422);
      return c.html(<AuditPage {...props} entries={[]} total={0} olderBefore={null} errors={errors} />);
    }
    // One more than a page tells whether an older page exists.
    const [rows, total] = await Promise.all([
      listAudit(deps.db, { ...filter, beforeId: before, limit: AUDIT_PAGE_SIZE + 1 }),
      countAudit(deps.db, filter),
    ]);
    const entries = rows.slice(0, AUDIT_PAGE_SIZE);
    const olderBefore = rows.length > AUDIT_PAGE_SIZE ? entries[entries.length - 1].id : null;
    return c.html(<AuditPage {...props} entries={entries} total={total} olderBefore={olderBefore} errors={{}} />);
  });
  return app;
}
