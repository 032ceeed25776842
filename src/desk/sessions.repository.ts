import type { Db, Tx } from '../db/database.js';
import type { NewUserSession } from '../web/staff.tables.js';
import type { AppUser, UserSession } from './desk.tables.js';

/**
 * Stores a new session, and drops the user's sessions that expired by its start: nothing else
 * removes an expired row, and each keeps a device and a network (issue 30, item 3).
 */
export async function insertSession(db: Db | Tx, row: NewUserSession): Promise<void> {
  await db
    .deleteFrom('user_session')
    .where('user_id', '=', row.user_id)
    .where('expires_at', '<=', row.created_at)
    .execute();
  await db.insertInto('user_session').values(row).execute();
}

/** A live session and its active user, by token hash; undefined if absent, expired or the user is disabled. */
export async function findLiveSession(
  db: Db | Tx,
  tokenHash: string,
  now: Date,
): Promise<{ session: UserSession; user: AppUser } | undefined> {
  const row = await db
    .selectFrom('user_session')
    .innerJoin('app_user', 'app_user.id', 'user_session.user_id')
    .selectAll('user_session')
    .select([
      'app_user.id as u_id',
      'app_user.email as u_email',
      'app_user.name as u_name',
      'app_user.role as u_role',
      'app_user.password_hash as u_password_hash',
      'app_user.mobile as u_mobile',
      'app_user.active as u_active',
      'app_user.created_at as u_created_at',
      'app_user.updated_at as u_updated_at',
    ])
    .where('user_session.token_hash', '=', tokenHash)
    .where('user_session.expires_at', '>', now)
    .where('app_user.active', '=', true)
    .executeTakeFirst();
  if (!row) return undefined;
  const { u_id, u_email, u_name, u_role, u_password_hash, u_mobile, u_active, u_created_at, u_updated_at, ...session } =
    row;
  return {
    session,
    user: {
      id: u_id,
      email: u_email,
      name: u_name,
      role: u_role,
      password_hash: u_password_hash,
      mobile: u_mobile,
      active: u_active,
      created_at: u_created_at,
      updated_at: u_updated_at,
    },
  };
}

/** Marks a session used now. */
export async function touchSession(db: Db | Tx, tokenHash: string, now: Date): Promise<void> {
  await db.updateTable('user_session').set({ last_seen_at: now }).where('token_hash', '=', tokenHash).execute();
}

/** Ends one session. */
export async function deleteSession(db: Db | Tx, tokenHash: string): Promise<void> {
  await db.deleteFrom('user_session').where('token_hash', '=', tokenHash).execute();
}

/** Ends every session of a user (disabled, role changed, or password reset). Returns how many ended. */
export async function deleteUserSessions(db: Db | Tx, userId: string): Promise<number> {
  const r = await db.deleteFrom('user_session').where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** A user's sessions not yet expired, most recently used first (the account page's list; idle ones are the caller's to judge). */
export async function listUserSessions(db: Db | Tx, userId: string, now: Date): Promise<UserSession[]> {
  return db
    .selectFrom('user_session')
    .selectAll()
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
}

/** Ends the session `id` if it is `userId`'s (nobody ends another's session by its id). Returns whether one ended. */
export async function deleteUserSessionById(db: Db | Tx, userId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('user_session').where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Ends every session of a user but the one with `keepTokenHash` (they changed their own password there). Returns how many ended. */
export async function deleteOtherSessions(db: Db | Tx, userId: string, keepTokenHash: string): Promise<number> {
  const r = await db
    .deleteFrom('user_session')
    .where('user_id', '=', userId)
    .where('token_hash', '<>', keepTokenHash)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
