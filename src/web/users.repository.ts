import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import type { AppUser, Role } from './staff.tables.js';

/** The user with this email (any case), or undefined. */
export async function findUserByEmail(db: Db | Tx, email: string): Promise<AppUser | undefined> {
  return db
    .selectFrom('app_user')
    .selectAll()
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

/** The user with this id, or undefined. */
export async function findUserById(db: Db | Tx, id: string): Promise<AppUser | undefined> {
  return db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Creates a user; null when the email is already taken. */
export async function insertUser(
  db: Db | Tx,
  row: { email: string; name: string; role: Role; password_hash: string; at: Date },
): Promise<AppUser | null> {
  const r = await db
    .insertInto('app_user')
    .values({
      email: row.email,
      name: row.name,
      role: row.role,
      password_hash: row.password_hash,
      created_at: row.at,
      updated_at: row.at,
    })
    .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
    .returningAll()
    .executeTakeFirst();
  return r ?? null;
}

/** Every user, managers first, then by name. */
export async function listUsers(db: Db | Tx): Promise<AppUser[]> {
  return db
    .selectFrom('app_user')
    .selectAll()
    .orderBy('active', 'desc')
    .orderBy('role', 'asc')
    .orderBy('name')
    .execute();
}

/** Active users (for "assign to"). */
export async function listActiveUsers(db: Db | Tx): Promise<Array<Pick<AppUser, 'id' | 'name' | 'email' | 'role'>>> {
  return db
    .selectFrom('app_user')
    .select(['id', 'name', 'email', 'role'])
    .where('active', '=', true)
    .orderBy('name')
    .execute();
}

/** Serialises "create the first user if there is none" across processes, until the transaction ends. */
export async function lockFirstUserCreation(tx: Tx): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended('press-desk:first-user', 0))`.execute(tx);
}

/** Whether any user exists (the first manager is created only on an empty table). */
export async function anyUser(db: Db | Tx): Promise<boolean> {
  return Boolean(await db.selectFrom('app_user').select('id').limit(1).executeTakeFirst());
}

/** Updates a user. */
export async function updateUser(
  db: Db | Tx,
  id: string,
  patch: Partial<Pick<AppUser, 'active' | 'password_hash' | 'role' | 'name' | 'email' | 'mobile'>> & { at: Date },
): Promise<AppUser | undefined> {
  const { at, ...set } = patch;
  return db
    .updateTable('app_user')
    .set({ ...set, updated_at: at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Replaces a user's password hash with a stronger one of the same password, unless the hash
 * changed meanwhile (a reset between the sign-in's read and this write wins).
 */
export async function replacePasswordHash(db: Db | Tx, id: string, oldHash: string, newHash: string): Promise<void> {
  await db
    .updateTable('app_user')
    .set({ password_hash: newHash })
    .where('id', '=', id)
    .where('password_hash', '=', oldHash)
    .execute();
}

/**
 * The active managers, locked FOR UPDATE until the transaction ends: two managers demoting each
 * other at once cannot both pass the "someone else is still a manager" check.
 */
export async function lockActiveManagers(tx: Tx): Promise<string[]> {
  const rows = await tx
    .selectFrom('app_user')
    .select('id')
    .where('role', '=', 'manager')
    .where('active', '=', true)
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map((r) => r.id);
}

/** Whether a user other than `exceptId` has this email (any case). */
export async function emailTakenByOther(db: Db | Tx, email: string, exceptId: string): Promise<boolean> {
  const row = await db
    .selectFrom('app_user')
    .select('id')
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .where('id', '<>', exceptId)
    .executeTakeFirst();
  return row !== undefined;
}
