import type { Db, Tx } from '../db/database.js';
import type { AppUser } from './desk.tables.js';
import type { OidcAttemptTable } from './oidc.tables.js';
import './oidc.tables.js';

/** Stores a sign-in under way, and sweeps attempts that expired before `now` (nobody came back). */
export async function insertAttempt(db: Db | Tx, row: OidcAttemptTable, now: Date): Promise<void> {
  await db.deleteFrom('oidc_attempt').where('expires_at', '<', now).execute();
  await db.insertInto('oidc_attempt').values(row).execute();
}

/**
 * Takes the attempt with this token hash out (single use: a second callback with the same cookie
 * finds nothing). Undefined when absent or expired at `now`.
 */
export async function takeAttempt(db: Db | Tx, tokenHash: string, now: Date): Promise<OidcAttemptTable | undefined> {
  const row = await db.deleteFrom('oidc_attempt').where('token_hash', '=', tokenHash).returningAll().executeTakeFirst();
  return row && row.expires_at > now ? row : undefined;
}

/** The staff account bound to this provider identity, or undefined. */
export async function findUserBySubject(db: Db | Tx, issuer: string, sub: string): Promise<AppUser | undefined> {
  return db
    .selectFrom('oidc_identity')
    .innerJoin('app_user', 'app_user.id', 'oidc_identity.user_id')
    .selectAll('app_user')
    .where('oidc_identity.issuer', '=', issuer)
    .where('oidc_identity.sub', '=', sub)
    .executeTakeFirst();
}

/** Whether the account is already bound to a provider identity (any). */
export async function isBound(db: Db | Tx, userId: string): Promise<boolean> {
  const row = await db.selectFrom('oidc_identity').select('user_id').where('user_id', '=', userId).executeTakeFirst();
  return row !== undefined;
}

/** Binds an account to a provider identity; false when either side is already bound (a race lost). */
export async function bindIdentity(
  db: Db | Tx,
  row: { userId: string; issuer: string; sub: string; at: Date },
): Promise<boolean> {
  const r = await db
    .insertInto('oidc_identity')
    .values({ user_id: row.userId, issuer: row.issuer, sub: row.sub, bound_at: row.at })
    .onConflict((oc) => oc.doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return r !== undefined;
}
