import type { Db, Tx } from '../db/database.js';
import type { RotaRole } from './rota.tables.js';
import './shift-link.tables.js';

/** Stores a reminder's link to its shift. */
export async function insertShiftLink(
  tx: Tx,
  row: { entryId: string; tokenHash: string; expiresAt: Date; at: Date },
): Promise<void> {
  await tx
    .insertInto('shift_link')
    .values({ entry_id: row.entryId, token_hash: row.tokenHash, expires_at: row.expiresAt, created_at: row.at })
    .execute();
}

/** The shift a link opens, with its person; only while the link works and its person is on the staff list. */
export interface LinkedShift {
  entryId: string;
  personId: string;
  name: string;
  role: RotaRole;
  startsAt: Date;
  endsAt: Date;
  confirmedAt: Date | null;
}

/** The shift whose link hashes to `tokenHash`, unexpired at `now`, of an active person; undefined otherwise. */
export async function findLinkedShift(db: Db | Tx, tokenHash: string, now: Date): Promise<LinkedShift | undefined> {
  return db
    .selectFrom('shift_link')
    .innerJoin('rota_entry', 'rota_entry.id', 'shift_link.entry_id')
    .innerJoin('person', 'person.id', 'rota_entry.person_id')
    .select([
      'rota_entry.id as entryId',
      'person.id as personId',
      'person.name as name',
      'rota_entry.role as role',
      'rota_entry.starts_at as startsAt',
      'rota_entry.ends_at as endsAt',
      'rota_entry.confirmed_at as confirmedAt',
    ])
    .where('shift_link.token_hash', '=', tokenHash)
    .where('shift_link.expires_at', '>', now)
    .where('person.active', '=', true)
    .executeTakeFirst();
}

/** Confirms the shift (once: a second press keeps the first time). */
export async function confirmEntry(db: Db | Tx, entryId: string, now: Date): Promise<void> {
  await db
    .updateTable('rota_entry')
    .set({ confirmed_at: now })
    .where('id', '=', entryId)
    .where('confirmed_at', 'is', null)
    .execute();
}
