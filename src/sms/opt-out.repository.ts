import type { Db, Tx } from '../db/database.js';
import { cannotTakeTexts } from '../enquiries/phone-numbers.js';
import { OPEN_STATUSES } from '../enquiries/enquiry.model.js';
import type { OptOut } from './opt-out.js';
import { sql } from 'kysely';

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

/** The opt-out table's rows as the outbox needs them: look a recipient up, and record Twilio's 21610. */
export interface OptOutStore {
  find(phone: string): Promise<OptOut | undefined>;
  record(row: OptOut): Promise<void>;
}

/** The opt-out table as an `OptOutStore` (src/sms/opt-out.ts's `outboxOptOuts` makes it the outbox's port). */
export function optOutStore(db: Db): OptOutStore {
  return { find: (phone) => findOptOut(db, phone), record: (row) => recordOptOut(db, row) };
}

/**
 * How Press Desk reaches a staff phone it would text (a page, an incident summary, a test page):
 * by text, or by a call when a text cannot arrive. `no_texts`: a landline or 03/0800 number,
 * which Twilio refuses (21614). `opted_out`: the phone texted STOP to the press office number,
 * so Twilio refuses every text to it (21610) until it texts START; a call still rings. An
 * on-call officer who sent STOP by mistake must still be woken.
 */
export type StaffReach = { by: 'text' } | { by: 'call'; reason: 'no_texts' | 'opted_out' };

/** How to reach `phone` (E.164) with something Press Desk would text: see `StaffReach`. */
export async function staffReach(db: Db | Tx, phone: string): Promise<StaffReach> {
  if (cannotTakeTexts(phone)) return { by: 'call', reason: 'no_texts' };
  return (await findOptOut(db, phone)) ? { by: 'call', reason: 'opted_out' } : { by: 'text' };
}

/** Ids of the open enquiries whose journalist's number is `phone`: where an opt-out change is recorded on the timeline. */
export async function openEnquiriesOf(tx: Tx, phone: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('enquiry')
    .select('id')
    .where('phone', '=', phone)
    .where('status', 'in', OPEN_STATUSES)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Opt-outs older than `cutoff` of numbers Press Desk no longer holds anywhere else (no enquiry
 * keeps the number, nobody on the staff list has it): a journalist's STOP goes with the last of
 * their enquiries. An officer's stays while they are on the staff list, however old.
 */
export async function forgetOrphanOptOutsBefore(db: Db | Tx, cutoff: Date): Promise<void> {
  await sql`DELETE FROM sms_opt_out o WHERE o.opted_out_at < ${cutoff}
                        AND NOT EXISTS (SELECT 1 FROM enquiry e WHERE e.phone = o.phone)
                        AND NOT EXISTS (SELECT 1 FROM person p WHERE p.phone = o.phone)`.execute(db);
}
