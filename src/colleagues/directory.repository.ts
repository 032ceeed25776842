import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import type { Colleague, WeekHours } from './colleagues.tables.js';
import { forgetColleague } from './questions.repository.js';

// SQL of the directory of colleagues outside the desk (src/colleagues/directory.service.ts): the
// `colleague` table only. The questions asked of them are questions.repository.ts's.

/** The directory: active colleagues first, then by name (case-insensitively), then by id. */
export async function listColleagues(db: Db | Tx): Promise<Colleague[]> {
  return db
    .selectFrom('colleague')
    .selectAll()
    .orderBy('active', 'desc')
    .orderBy(sql`lower(name)`)
    .orderBy('id')
    .execute();
}

/** The colleague with id `id`, or undefined. */
export async function findColleague(db: Db | Tx, id: string): Promise<Colleague | undefined> {
  return db.selectFrom('colleague').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The colleague with id `id`, locked for the rest of the transaction (a change or an erasure). */
export async function lockColleague(tx: Tx, id: string): Promise<Colleague | undefined> {
  return tx.selectFrom('colleague').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** What the ask form offers of a colleague who may be asked. */
export type AskableColleague = Pick<
  Colleague,
  'id' | 'name' | 'role' | 'department' | 'mobile' | 'email' | 'usual_hours'
>;

/** Colleagues who may be asked a question (the active ones), by name. */
export async function activeColleagues(db: Db | Tx): Promise<AskableColleague[]> {
  return db
    .selectFrom('colleague')
    .select(['id', 'name', 'role', 'department', 'mobile', 'email', 'usual_hours'])
    .where('active', '=', true)
    .orderBy(sql`lower(name)`)
    .orderBy('id')
    .execute();
}

/** The active colleague, other than `exceptId`, who has this mobile or (case-insensitively) this email. */
export async function activeHolderOf(
  db: Db | Tx,
  contact: { mobile: string | null; email: string | null },
  exceptId: string | null,
): Promise<{ mobile?: Colleague; email?: Colleague }> {
  const { mobile, email } = contact;
  if (!mobile && !email) return {};
  let q = db
    .selectFrom('colleague')
    .selectAll()
    .where('active', '=', true)
    .where((eb) =>
      eb.or([
        ...(mobile ? [eb('mobile', '=', mobile)] : []),
        ...(email ? [eb(sql`lower(email)`, '=', email.toLowerCase())] : []),
      ]),
    );
  if (exceptId) q = q.where('id', '!=', exceptId);
  const rows = await q.orderBy('id').execute();
  return {
    mobile: mobile ? rows.find((r) => r.mobile === mobile) : undefined,
    email: email ? rows.find((r) => r.email?.toLowerCase() === email.toLowerCase()) : undefined,
  };
}

/** A colleague's details as the directory's forms give them. */
export interface ColleagueDetails {
  name: string;
  role: string;
  department: string;
  mobile: string | null;
  email: string | null;
  usual_hours: WeekHours | null;
}

/** Adds a colleague (active); returns the row. */
export async function insertColleague(tx: Tx, d: ColleagueDetails, at: Date): Promise<Colleague> {
  return tx
    .insertInto('colleague')
    .values({ ...d, usual_hours: jsonOrNull(d.usual_hours), created_at: at, updated_at: at })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Changes a colleague's details; returns the row, or undefined when there is none. */
export async function updateColleague(
  tx: Tx,
  id: string,
  d: ColleagueDetails,
  at: Date,
): Promise<Colleague | undefined> {
  return tx
    .updateTable('colleague')
    .set({ ...d, usual_hours: jsonOrNull(d.usual_hours), updated_at: at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Marks a colleague active or not; returns the row. Deactivating records when (`deactivated_at`):
 * retention counts from it, whatever is edited afterwards.
 */
export async function setColleagueActive(
  tx: Tx,
  id: string,
  active: boolean,
  at: Date,
): Promise<Colleague | undefined> {
  return tx
    .updateTable('colleague')
    .set({ active, updated_at: at, deactivated_at: active ? null : at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Erases a colleague: forgets them in the questions and timeline entries that copied their name
 * and address (`forgetColleague`: their answers stay, unsigned), then deletes their row. Returns
 * false when there was no such row (already erased). Call inside a transaction.
 */
export async function eraseColleague(tx: Tx, id: string): Promise<boolean> {
  await forgetColleague(tx, id);
  const deleted = await tx.deleteFrom('colleague').where('id', '=', id).executeTakeFirst();
  return Number(deleted.numDeletedRows) > 0;
}

/** Ids of colleagues deactivated before `cutoff`, longest gone first. */
export async function inactiveSince(db: Db | Tx, cutoff: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('colleague')
    .select('id')
    .where('active', '=', false)
    .where('deactivated_at', '<', cutoff)
    .orderBy('deactivated_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** True when `err` is PostgreSQL's unique violation on the directory's mobile or email index. */
export function isDuplicateContact(err: unknown): 'mobile' | 'email' | null {
  const e = err as { code?: unknown; constraint?: unknown };
  if (e?.code !== '23505') return null;
  if (e.constraint === 'colleague_mobile') return 'mobile';
  if (e.constraint === 'colleague_email') return 'email';
  return null;
}

function jsonOrNull(week: WeekHours | null): string | null {
  return week === null ? null : JSON.stringify(week);
}
