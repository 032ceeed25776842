import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { asTimelineEvent, type TimelineEvent } from '../enquiries/timeline.js';

// SQL of the journalist's status page (src/status/): the enquiry a link opens, and the enquiry as the page sees it.
// The links themselves are issued by src/enquiries/status-link.ts.

/** The enquiry a status link opens (undefined: no such link); locked for `tx` when `lock`. */
export async function enquiryByLinkHash(db: Db | Tx, tokenHash: string, lock = false): Promise<Enquiry | undefined> {
  let q = db
    .selectFrom('status_link')
    .innerJoin('enquiry', 'enquiry.id', 'status_link.enquiry_id')
    .selectAll('enquiry')
    .where('status_link.token_hash', '=', tokenHash);
  if (lock) q = q.forUpdate('enquiry');
  return q.executeTakeFirst();
}

/** The enquiry `id` (a merged enquiry's link shows the one it went into: src/merging); locked for `tx` when `lock`. */
export async function enquiryById(db: Db | Tx, id: string, lock = false): Promise<Enquiry | undefined> {
  let q = db.selectFrom('enquiry').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The columns the journalist's actions (and the desk's release) change. */
export type StatusPatch = Partial<
  Pick<
    Enquiry,
    | 'status'
    | 'deadline'
    | 'respond_by'
    | 'urgent'
    | 'urgent_reason'
    | 'needs_on_call'
    | 'closed_at'
    | 'close_working_s'
    | 'resolved_at'
    | 'updates_off'
    | 'journalist_added_at'
    | 'response_released_at'
    | 'warn_at'
    | 'warned_at'
    | 'breached_at'
  >
>;

/** Applies a change to an enquiry and returns it as it now is. */
export async function updateForStatus(tx: Tx, id: string, patch: StatusPatch & { updated_at: Date }): Promise<Enquiry> {
  return tx.updateTable('enquiry').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** What the journalist added on the status page, oldest first (their own words, shown back to them). */
export async function journalistAdditions(
  db: Db | Tx,
  enquiryId: string,
): Promise<Array<TimelineEvent<'journalist_added'>>> {
  const rows = await db
    .selectFrom('enquiry_event')
    .selectAll()
    .where('enquiry_id', '=', enquiryId)
    .where('kind', '=', 'journalist_added')
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map(asTimelineEvent) as Array<TimelineEvent<'journalist_added'>>;
}

/** The withdrawal's reason, when the enquiry was withdrawn on its status page. */
export async function withdrawal(db: Db | Tx, enquiryId: string): Promise<TimelineEvent<'withdrawn'> | undefined> {
  const row = await db
    .selectFrom('enquiry_event')
    .selectAll()
    .where('enquiry_id', '=', enquiryId)
    .where('kind', '=', 'withdrawn')
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? (asTimelineEvent(row) as TimelineEvent<'withdrawn'>) : undefined;
}

/** The desk has seen what the journalist added: the queue stops marking the enquiry. */
export async function clearJournalistAdded(db: Db | Tx, enquiryId: string): Promise<void> {
  await db
    .updateTable('enquiry')
    .set({ journalist_added_at: null })
    .where('id', '=', enquiryId)
    .where('journalist_added_at', 'is not', null)
    .execute();
}

/** The journalist added to their enquiry by another way (a follow-up text or email): the queue marks it. */
export async function markJournalistAdded(tx: Tx, enquiryId: string, at: Date): Promise<void> {
  await tx.updateTable('enquiry').set({ journalist_added_at: at }).where('id', '=', enquiryId).execute();
}
