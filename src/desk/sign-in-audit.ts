import type { Db, Tx } from '../db/database.js';
import { audit, type Actor } from '../audit/audit.repository.js';

/**
 * The audit log's entries for signing in and out (issue 30, item 3), in one place so every way of
 * signing in (password here; OIDC and the second factor in their own files) writes the same
 * shape: the client address (`ip`: `clientIp()` as the sign-in limits count it, so behind a
 * proxy only with `intake.trustProxyHops` set) and how (`method`). A typed password is never
 * written; a typed email only when it names an account (then as that account): an address that
 * names nobody may be a mistyped password or someone else's address, and is left out.
 */

/** How someone signed in: 'password' here; other features name theirs ('oidc', …). */
export type SignInMethod = 'password' | (string & {});

/** Who the audit log names for a failed sign-in: the sign-in form, not the account tried. */
export const SIGN_IN_FORM: Actor = { userId: null, email: 'sign-in form' };

/** A successful sign-in of `user` from `ip`; `detail` adds what the method knows (a known device, a second factor…). */
export async function auditSignIn(
  db: Db | Tx,
  e: {
    at: Date;
    user: { id: string; email: string };
    ip: string;
    method: SignInMethod;
    detail?: Record<string, unknown>;
  },
): Promise<void> {
  await audit(db, {
    at: e.at,
    actor: { userId: e.user.id, email: e.user.email },
    action: 'login',
    detail: { ip: e.ip, method: e.method, ...e.detail },
  });
}

/**
 * A refused sign-in from `ip`. `account` is the account the typed email (or the provider's
 * identity) named, if any: undefined for an unknown one, which is written as such without what
 * was typed. `reason` is for people ("wrong password", "account disabled", "unknown account").
 */
export async function auditSignInFailed(
  db: Db | Tx,
  e: {
    at: Date;
    ip: string;
    method: SignInMethod;
    account?: { id: string; email: string };
    reason: string;
  },
): Promise<void> {
  await audit(db, {
    at: e.at,
    actor: SIGN_IN_FORM,
    action: 'login.failed',
    detail: {
      ip: e.ip,
      method: e.method,
      ...(e.account ? { account: e.account.email, userId: e.account.id } : { account: 'unknown account' }),
      reason: e.reason,
    },
  });
}

/** `user` signed out from `ip` (the session they were using ended). */
export async function auditSignOut(
  db: Db | Tx,
  e: { at: Date; user: { id: string; email: string }; ip: string },
): Promise<void> {
  await audit(db, {
    at: e.at,
    actor: { userId: e.user.id, email: e.user.email },
    action: 'logout',
    detail: { ip: e.ip },
  });
}

/**
 * `actor` ended `count` sessions of `user` from `ip` on the account page (`how`: one session, or
 * every one but theirs). A manager's ending (disable, role change, reset) is in that change's own
 * entry, with `sessionsEnded`.
 */
export async function auditSessionsEnded(
  db: Db | Tx,
  e: {
    at: Date;
    actor: Actor;
    user: { id: string; email: string };
    ip: string;
    count: number;
    how: 'one session' | 'everywhere else';
    device?: string | null;
  },
): Promise<void> {
  await audit(db, {
    at: e.at,
    actor: e.actor,
    action: 'session.ended',
    detail: {
      userId: e.user.id,
      email: e.user.email,
      ip: e.ip,
      sessions: e.count,
      how: e.how,
      ...(e.device ? { device: e.device } : {}),
    },
  });
}
