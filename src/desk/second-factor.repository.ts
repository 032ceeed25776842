import type { Db, Tx } from '../db/database.js';
import type {
  SecondFactorPasskeyTable,
  SecondFactorPendingTable,
  SecondFactorRecoveryTable,
  SecondFactorTotpTable,
} from './second-factor.tables.js';
import type { Selectable } from 'kysely';

export type TotpRow = Selectable<SecondFactorTotpTable>;
export type PasskeyRow = Selectable<SecondFactorPasskeyTable>;
export type PendingRow = Selectable<SecondFactorPendingTable>;
export type RecoveryRow = Selectable<SecondFactorRecoveryTable>;

/** The account's authenticator app (confirmed or not), if any. */
export async function findTotp(db: Db | Tx, userId: string): Promise<TotpRow | undefined> {
  return db.selectFrom('second_factor_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** Starts (or restarts) an unconfirmed set-up with a new secret; a confirmed app is never replaced here. */
export async function startTotp(db: Db | Tx, userId: string, secret: string, now: Date): Promise<void> {
  await db
    .insertInto('second_factor_totp')
    .values({ user_id: userId, secret, confirmed_at: null, last_step: null, created_at: now })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet({ secret, created_at: now, last_step: null })
        .where('second_factor_totp.confirmed_at', 'is', null),
    )
    .execute();
}

/**
 * Records `step` as the last code used, only if it is later than the last one: false when another
 * request used this step (or a later one) first, so a code is accepted once even when raced.
 */
export async function useTotpStep(db: Db | Tx, userId: string, step: number, confirmAt?: Date): Promise<boolean> {
  const r = await db
    .updateTable('second_factor_totp')
    .set({ last_step: step, ...(confirmAt ? { confirmed_at: confirmAt } : {}) })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', String(step))]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Removes the account's authenticator app. Returns whether it had one. */
export async function deleteTotp(db: Db | Tx, userId: string): Promise<boolean> {
  const r = await db.deleteFrom('second_factor_totp').where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Replaces every recovery code of the account with these hashes. */
export async function replaceRecoveryCodes(db: Db | Tx, userId: string, hashes: string[], now: Date): Promise<void> {
  await db.deleteFrom('second_factor_recovery').where('user_id', '=', userId).execute();
  if (hashes.length)
    await db
      .insertInto('second_factor_recovery')
      .values(hashes.map((code_hash) => ({ user_id: userId, code_hash, used_at: null, created_at: now })))
      .execute();
}

/** The account's unused recovery codes (hashes). */
export async function unusedRecoveryCodes(db: Db | Tx, userId: string): Promise<RecoveryRow[]> {
  return db
    .selectFrom('second_factor_recovery')
    .selectAll()
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .orderBy('id')
    .execute();
}

/** Marks a recovery code used, only if it was unused (false: someone used it first). */
export async function useRecoveryCode(db: Db | Tx, id: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('second_factor_recovery')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Deletes every recovery code of the account. */
export async function deleteRecoveryCodes(db: Db | Tx, userId: string): Promise<void> {
  await db.deleteFrom('second_factor_recovery').where('user_id', '=', userId).execute();
}

/** The account's passkeys, oldest first. */
export async function listPasskeys(db: Db | Tx, userId: string): Promise<PasskeyRow[]> {
  return db
    .selectFrom('second_factor_passkey')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
}

/** Stores a newly registered passkey. */
export async function insertPasskey(
  db: Db | Tx,
  row: {
    credential_id: string;
    user_id: string;
    label: string;
    public_key: Uint8Array;
    counter: number;
    transports: string[];
    created_at: Date;
  },
): Promise<void> {
  await db
    .insertInto('second_factor_passkey')
    .values({ ...row, last_used_at: null })
    .execute();
}

/** Records a passkey's use and its new signature counter. */
export async function touchPasskey(db: Db | Tx, credentialId: string, counter: number, now: Date): Promise<void> {
  await db
    .updateTable('second_factor_passkey')
    .set({ counter, last_used_at: now })
    .where('credential_id', '=', credentialId)
    .execute();
}

/** Removes one of the account's passkeys (never another's). Returns its label, if it existed. */
export async function deletePasskey(db: Db | Tx, userId: string, credentialId: string): Promise<string | undefined> {
  const r = await db
    .deleteFrom('second_factor_passkey')
    .where('user_id', '=', userId)
    .where('credential_id', '=', credentialId)
    .returning('label')
    .executeTakeFirst();
  return r?.label;
}

/** Deletes every passkey of the account. Returns how many. */
export async function deletePasskeys(db: Db | Tx, userId: string): Promise<number> {
  const r = await db.deleteFrom('second_factor_passkey').where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Stores a sign-in waiting for its second factor, sweeping expired ones. */
export async function insertPending(db: Db | Tx, row: PendingRow): Promise<void> {
  await db.deleteFrom('second_factor_pending').where('expires_at', '<=', row.created_at).execute();
  await db.insertInto('second_factor_pending').values(row).execute();
}

/** A sign-in waiting for its second factor, if live. */
export async function findPending(db: Db | Tx, tokenHash: string, now: Date): Promise<PendingRow | undefined> {
  return db
    .selectFrom('second_factor_pending')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Sets the passkey challenge offered to a waiting sign-in. */
export async function setPendingChallenge(db: Db | Tx, tokenHash: string, challenge: string): Promise<void> {
  await db
    .updateTable('second_factor_pending')
    .set({ webauthn_challenge: challenge })
    .where('token_hash', '=', tokenHash)
    .execute();
}

/** Ends a waiting sign-in; false when it was already gone (single use even when raced). */
export async function deletePending(db: Db | Tx, tokenHash: string): Promise<boolean> {
  const r = await db.deleteFrom('second_factor_pending').where('token_hash', '=', tokenHash).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Ends every waiting sign-in of the account (its second factor was reset). */
export async function deleteUserPending(db: Db | Tx, userId: string): Promise<void> {
  await db.deleteFrom('second_factor_pending').where('user_id', '=', userId).execute();
}

/** Marks a session as one that may only set up a second factor. */
export async function markSetupSession(db: Db | Tx, tokenHash: string): Promise<void> {
  await db
    .insertInto('second_factor_setup_session')
    .values({ token_hash: tokenHash })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Whether a session may only set up a second factor. */
export async function isSetupSession(db: Db | Tx, tokenHash: string): Promise<boolean> {
  const r = await db
    .selectFrom('second_factor_setup_session')
    .select('token_hash')
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return r !== undefined;
}

/** Frees every session of the account from set-up only (it now has a second factor). */
export async function clearSetupSessions(db: Db | Tx, userId: string): Promise<void> {
  await db
    .deleteFrom('second_factor_setup_session')
    .where('token_hash', 'in', (eb) => eb.selectFrom('user_session').select('token_hash').where('user_id', '=', userId))
    .execute();
}

/** Stores the challenge offered to a session registering a passkey (one at a time). */
export async function setRegistration(
  db: Db | Tx,
  tokenHash: string,
  challenge: string,
  expiresAt: Date,
): Promise<void> {
  await db
    .insertInto('second_factor_registration')
    .values({ token_hash: tokenHash, challenge, expires_at: expiresAt })
    .onConflict((oc) => oc.column('token_hash').doUpdateSet({ challenge, expires_at: expiresAt }))
    .execute();
}

/** Takes (reads and deletes) a session's live registration challenge: each is used once. */
export async function takeRegistration(db: Db | Tx, tokenHash: string, now: Date): Promise<string | undefined> {
  const r = await db
    .deleteFrom('second_factor_registration')
    .where('token_hash', '=', tokenHash)
    .returning(['challenge', 'expires_at'])
    .executeTakeFirst();
  return r && r.expires_at > now ? r.challenge : undefined;
}
