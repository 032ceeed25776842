import type { Db, Tx } from '../db/database.js';

// SQL of the journalist's status links (table status_link, src/enquiries/status-link.tables.ts).

/** Stores one status link (its token's hash). */
export async function insertStatusLink(
  db: Db | Tx,
  link: { token_hash: string; enquiry_id: string; created_at: Date },
): Promise<void> {
  await db.insertInto('status_link').values(link).execute();
}

/** Deletes these enquiries' status links (erasure: the page would show what is left), with their hashes. */
export async function deleteStatusLinksOf(tx: Tx, ids: string[]): Promise<void> {
  await tx.deleteFrom('status_link').where('enquiry_id', 'in', ids).execute();
}
