import type { Db, Tx } from '../db/database.js';
import type { AuditEntry } from './desk.tables.js';

/** Who did something: a desk user, or a system actor such as "cli". */
export interface Actor {
  userId: string | null;
  email: string;
}

/** Appends one entry to the audit log (the only write the log allows). */
export async function audit(db: Db | Tx, entry: { at: Date; actor: Actor; action: string; enquiryId?: string | null; detail?: Record<string, unknown> }): Promise<void> {
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

/** Audit entries, newest first, optionally for one enquiry; keyset-paged by id. */
export async function listAudit(db: Db | Tx, opts: { enquiryId?: string; beforeId?: string; limit: number }): Promise<Array<AuditEntry & { reference: string | null }>> {
  let q = db
    .selectFrom('audit_log')
    .leftJoin('enquiry', 'enquiry.id', 'audit_log.enquiry_id')
    .selectAll('audit_log')
    .select('enquiry.reference')
    .orderBy('audit_log.id', 'desc')
    .limit(opts.limit);
  if (opts.enquiryId) q = q.where('audit_log.enquiry_id', '=', opts.enquiryId);
  if (opts.beforeId) q = q.where('audit_log.id', '<', opts.beforeId);
  return q.execute();
}
