import type { Db } from '../db/database.js';

// Browsers each account signed in from (sql/20261205060000_known_devices.sql), by cookie hash.

/** True when `tokenHash` is a browser `userId` signed in from at or after `since`. */
export async function isKnownDevice(db: Db, userId: string, tokenHash: string, since: Date): Promise<boolean> {
  const row = await db
    .selectFrom('known_device')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('token_hash', '=', tokenHash)
    .where('last_used_at', '>=', since)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Records a sign-in of `userId` from the browser `tokenHash` at `now`, and forgets the account's
 * browsers unused since `staleBefore` (so the table holds what still counts, nothing older).
 */
export async function rememberDevice(
  db: Db,
  userId: string,
  tokenHash: string,
  now: Date,
  staleBefore: Date,
): Promise<void> {
  await db
    .insertInto('known_device')
    .values({ token_hash: tokenHash, user_id: userId, created_at: now, last_used_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'token_hash']).doUpdateSet({ last_used_at: now }))
    .execute();
  await db.deleteFrom('known_device').where('user_id', '=', userId).where('last_used_at', '<', staleBefore).execute();
}
