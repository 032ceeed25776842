import type { Db, Tx } from '../db/database.js';
import type { OptOut } from './opt-out.js';

// The opt-out table's queries (sql/20261207010000_sms_opt_out.sql).

/** Records that `phone` opted out at `at` (a later STOP keeps the first time: the state did not change). */
export async function recordOptOut(db: Db | Tx, row: OptOut): Promise<void> {
  await db
    .insertInto('sms_opt_out')
    .values(row)
    .onConflict((oc) => oc.column('phone').doNothing())
    .execute();
}

/** Forgets `phone`'s opt-out (it texted START, or its data is erased); true when there was one. */
export async function clearOptOut(db: Db | Tx, phone: string): Promise<boolean> {
  const r = await db.deleteFrom('sms_opt_out').where('phone', '=', phone).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** `phone`'s opt-out, or undefined when texts to it are allowed. */
export async function findOptOut(db: Db | Tx, phone: string): Promise<OptOut | undefined> {
  return db.selectFrom('sms_opt_out').selectAll().where('phone', '=', phone).executeTakeFirst();
}

/** The opt-outs among `phones`, by number (for a page listing many people). */
export async function optOutsOf(db: Db | Tx, phones: string[]): Promise<Map<string, OptOut>> {
  if (!phones.length) return new Map();
  const rows = await db.selectFrom('sms_opt_out').selectAll().where('phone', 'in', phones).execute();
  return new Map(rows.map((r) => [r.phone, r]));
}

/** What the outbox needs of the opt-out table: look a recipient up, and record Twilio's 21610. */
export interface OptOutStore {
  find(phone: string): Promise<OptOut | undefined>;
  record(row: OptOut): Promise<void>;
}

/** The opt-out table as the outbox's `OptOutStore`. */
export function optOutStore(db: Db): OptOutStore {
  return { find: (phone) => findOptOut(db, phone), record: (row) => recordOptOut(db, row) };
}
