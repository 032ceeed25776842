import type { Db, Tx } from '../db/database.js';
import type { AuditAction } from './audit.actions.js';
import type { AuditEntry } from './audit.tables.js';

/** Who did something: a desk user, or a system actor such as "cli". */
export interface Actor {
  userId: string | null;
  email: string;
}

/** Appends one entry to the audit log (the only write the log allows). */
export async function audit(
  db: Db | Tx,
  entry: { at: Date; actor: Actor; action: AuditAction; enquiryId?: string | null; detail?: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: entry.at,
      user_id: entry.actor.userId,
      user_email: entry.actor.email,
      action: entry.action,
      enquiry_id: entry.enquiryId ?? null,
      detail: JSON.stringify(entry.detail ?? {}),
    })
    .execute();
}

/** How many entries of `action` by the desk user `userId` the log has since `since` (a limit's count). */
export async function countRecent(
  db: Db | Tx,
  q: { userId: string; action: AuditAction; since: Date },
): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', q.userId)
    .where('action', '=', q.action)
    .where('at', '>=', q.since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * What the audit log can be narrowed to, all optional: who did it (`actor`: a user id, or
 * 'system' for entries with no desk user), the action code, the enquiry (by id or reference),
 * and when, [from, to).
 */
export interface AuditFilter {
  enquiryId?: string;
  actor?: string;
  action?: string;
  reference?: string;
  from?: Date;
  to?: Date;
}

function filtered(db: Db | Tx, f: AuditFilter) {
  let q = db.selectFrom('audit_log').leftJoin('enquiry', 'enquiry.id', 'audit_log.enquiry_id');
  if (f.enquiryId) q = q.where('audit_log.enquiry_id', '=', f.enquiryId);
  if (f.actor === 'system') q = q.where('audit_log.user_id', 'is', null);
  else if (f.actor) q = q.where('audit_log.user_id', '=', f.actor);
  if (f.action) q = q.where('audit_log.action', '=', f.action);
  if (f.reference) q = q.where('enquiry.reference', '=', f.reference);
  if (f.from) q = q.where('audit_log.at', '>=', f.from);
  if (f.to) q = q.where('audit_log.at', '<', f.to);
  return q;
}

/** Audit entries matching `filter`, newest first; keyset-paged by id. */
export async function listAudit(
  db: Db | Tx,
  opts: AuditFilter & { beforeId?: string; limit: number },
): Promise<Array<AuditEntry & { reference: string | null }>> {
  let q = filtered(db, opts)
    .selectAll('audit_log')
    .select('enquiry.reference')
    .orderBy('audit_log.id', 'desc')
    .limit(opts.limit);
  if (opts.beforeId) q = q.where('audit_log.id', '<', opts.beforeId);
  return q.execute();
}

/** How many entries match `filter` (the whole result, not one page). */
export async function countAudit(db: Db | Tx, f: AuditFilter): Promise<number> {
  const row = await filtered(db, f)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
