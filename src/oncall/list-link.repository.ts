import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import type { Page } from './paging.tables.js';
import type { OnCallListLink } from './list-link.tables.js';

// SQL of the bundle list link (src/oncall/list-link.service.ts).

/** Stores one list link and its enquiries (in the transaction that claims the bundle carrying it). */
export async function insertListLink(
  tx: Tx,
  link: { token_hash: string; phone: string; person_id: string | null; created_at: Date; expires_at: Date },
  items: Array<{ enquiry_id: string; page_id: string }>,
): Promise<void> {
  const { id } = await tx.insertInto('oncall_list_link').values(link).returning('id').executeTakeFirstOrThrow();
  // One statement for a whole storm's worth of rows (a bundle can carry hundreds).
  const unique = [...new Map(items.map((it) => [it.enquiry_id, it])).values()];
  if (unique.length)
    await tx
      .insertInto('oncall_list_link_enquiry')
      .values(unique.map((it) => ({ link_id: id, ...it })))
      .execute();
}

/**
 * The list link whose token hashes to `tokenHash`, with its rota person as they are now (name,
 * still on the staff list, current phone; null when there is no such person); undefined when
 * there is none.
 */
export async function listLinkByHash(
  db: Db | Tx,
  tokenHash: string,
): Promise<
  | (OnCallListLink & { person_name: string | null; person_active: boolean | null; person_phone: string | null })
  | undefined
> {
  return db
    .selectFrom('oncall_list_link')
    .leftJoin('person', 'person.id', 'oncall_list_link.person_id')
    .selectAll('oncall_list_link')
    .select(['person.name as person_name', 'person.active as person_active', 'person.phone as person_phone'])
    .where('oncall_list_link.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** One row of the list: the enquiry as it is now, and its page's short code and status. */
export type ListedEnquiry = Pick<Enquiry, 'id' | 'reference' | 'name' | 'outlet' | 'subject' | 'deadline' | 'status'> &
  Pick<Page, 'short_code'> & { page_status: Page['status'] };

/**
 * The enquiries in the link's scope whose data is not erased, soonest deadline first (no
 * deadline last), then in the order they arrived.
 */
export async function listedEnquiries(db: Db | Tx, linkId: string): Promise<ListedEnquiry[]> {
  return db
    .selectFrom('oncall_list_link_enquiry as li')
    .innerJoin('enquiry', 'enquiry.id', 'li.enquiry_id')
    .innerJoin('page', 'page.id', 'li.page_id')
    .select([
      'enquiry.id',
      'enquiry.reference',
      'enquiry.name',
      'enquiry.outlet',
      'enquiry.subject',
      'enquiry.deadline',
      'enquiry.status',
      'page.short_code',
      'page.status as page_status',
    ])
    .where('li.link_id', '=', linkId)
    .where('enquiry.erased_at', 'is', null)
    .orderBy('enquiry.deadline', (ob) => ob.asc().nullsLast())
    .orderBy('enquiry.id')
    .execute();
}

/** Notes when the list was last recorded as opened. */
export async function markListViewed(tx: Tx, id: string, at: Date): Promise<void> {
  await tx.updateTable('oncall_list_link').set({ viewed_at: at }).where('id', '=', id).execute();
}

/** Revokes the list links sent to the person `personId` that still work (in the caller's transaction). */
export async function revokePersonListLinks(tx: Tx, personId: string, at: Date): Promise<void> {
  await tx
    .updateTable('oncall_list_link')
    .set({ revoked_at: at })
    .where('person_id', '=', personId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at)
    .execute();
}
