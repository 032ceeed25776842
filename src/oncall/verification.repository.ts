import type { Db, Tx } from '../db/database.js';
import type { Person } from './rota.tables.js';
import type { PhoneVerification } from './verification.tables.js';

/** Stores the code waiting for a person's number, replacing any earlier one (and its wrong tries). */
export async function upsertPending(
  tx: Tx,
  row: { personId: string; phone: string; codeHash: string; sentAt: Date; expiresAt: Date },
): Promise<void> {
  const values = {
    person_id: row.personId,
    phone: row.phone,
    code_hash: row.codeHash,
    sent_at: row.sentAt,
    expires_at: row.expiresAt,
    attempts: 0,
  };
  await tx
    .insertInto('phone_verification')
    .values(values)
    .onConflict((oc) => oc.column('person_id').doUpdateSet(values))
    .execute();
}

/** The code waiting for a person, locked until the transaction ends (two answers are checked one at a time). */
export async function findPendingForUpdate(tx: Tx, personId: string): Promise<PhoneVerification | undefined> {
  return tx
    .selectFrom('phone_verification')
    .selectAll()
    .where('person_id', '=', personId)
    .forUpdate()
    .executeTakeFirst();
}

/** Counts a wrong try. */
export async function countAttempt(tx: Tx, personId: string): Promise<void> {
  await tx
    .updateTable('phone_verification')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('person_id', '=', personId)
    .execute();
}

/** Marks the person's number proved (only while it is still `phone`) and drops the code. Returns the person, or undefined when the number changed meanwhile. */
export async function markVerified(tx: Tx, personId: string, phone: string, at: Date): Promise<Person | undefined> {
  await tx.deleteFrom('phone_verification').where('person_id', '=', personId).execute();
  return tx
    .updateTable('person')
    .set({ phone_verified_at: at })
    .where('id', '=', personId)
    .where('phone', '=', phone)
    .where('active', '=', true)
    .returningAll()
    .executeTakeFirst();
}

/** The active person with this phone and a code waiting for it (an answer by text comes from the phone itself). */
export async function findPendingByPhone(db: Db | Tx, phone: string): Promise<{ personId: string } | undefined> {
  return db
    .selectFrom('phone_verification')
    .innerJoin('person', 'person.id', 'phone_verification.person_id')
    .select('person.id as personId')
    .where('phone_verification.phone', '=', phone)
    .where('person.phone', '=', phone)
    .where('person.active', '=', true)
    .executeTakeFirst();
}

/** Which of `personIds` have a code waiting, and when it was sent. */
export async function pendingOf(db: Db | Tx, personIds: readonly string[]): Promise<Map<string, Date>> {
  if (!personIds.length) return new Map();
  const rows = await db
    .selectFrom('phone_verification')
    .select(['person_id', 'sent_at'])
    .where('person_id', 'in', [...personIds])
    .execute();
  return new Map(rows.map((r) => [r.person_id, r.sent_at]));
}
