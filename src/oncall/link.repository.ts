import type { Db, Tx } from '../db/database.js';
import { asTimelineEvent, type TimelineEvent } from '../enquiries/timeline.js';
import type { OnCallLink } from './link.tables.js';

// SQL of the on-call link (src/oncall/link.service.ts): its rows, and the few timeline entries
// its view shows.

/** What a new link row holds: the token's hash, never the token. */
export interface NewLink {
  token_hash: string;
  enquiry_id: string;
  page_id: string;
  phone: string;
  person_id: string | null;
  created_at: Date;
  expires_at: Date;
}

/** Stores one link (in the caller's transaction: the one that claims the page SMS carrying it). */
export async function insertLink(tx: Tx, link: NewLink): Promise<void> {
  await tx.insertInto('oncall_link').values(link).execute();
}

/**
 * A stored link with its enquiry's reference and, when it went to a rota person, that person's
 * current name, whether they are still on the staff list and their current phone (all null when
 * the person row is gone or there never was one).
 */
export type FoundLink = OnCallLink & {
  person_name: string | null;
  person_active: boolean | null;
  person_phone: string | null;
  reference: string;
};

/**
 * The link whose token hashes to `tokenHash`, with its person as they are now; undefined when
 * there is none. Expiry and revocation are the caller's to judge, against its clock.
 */
export async function linkByHash(db: Db | Tx, tokenHash: string): Promise<FoundLink | undefined> {
  return db
    .selectFrom('oncall_link')
    .innerJoin('enquiry', 'enquiry.id', 'oncall_link.enquiry_id')
    .leftJoin('person', 'person.id', 'oncall_link.person_id')
    .selectAll('oncall_link')
    .select([
      'person.name as person_name',
      'person.active as person_active',
      'person.phone as person_phone',
      'enquiry.reference',
    ])
    .where('oncall_link.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Revokes every unexpired, unrevoked link sent to the person `personId`, as of `at`. */
export async function revokePersonLinks(tx: Tx, personId: string, at: Date): Promise<void> {
  await tx
    .updateTable('oncall_link')
    .set({ revoked_at: at })
    .where('person_id', '=', personId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at)
    .execute();
}

/** Notes when the view was last recorded as opened. */
export async function markViewed(tx: Tx, id: string, at: Date): Promise<void> {
  await tx.updateTable('oncall_link').set({ viewed_at: at }).where('id', '=', id).execute();
}

/** The enquiry's `limit` latest timeline entries, newest first. */
export async function latestEvents(db: Db | Tx, enquiryId: string, limit: number): Promise<TimelineEvent[]> {
  const rows = await db
    .selectFrom('enquiry_event')
    .selectAll()
    .where('enquiry_id', '=', enquiryId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(asTimelineEvent);
}
