import type { DeskSession } from '../web/session.js';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { type Db, unnamedStatements } from '../db/database.js';
import { AppError } from '../http/errors.js';
import type { EmailOut } from '../email/email-out.service.js';
import { audit, type Actor } from '../audit/audit.repository.js';
import { isKnownDevice, rememberDevice } from './devices.repository.js';
import type { NewUserSession } from '../web/staff.tables.js';
import type { AppUser, UserSession } from './desk.tables.js';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './password.js';
import * as sessions from './sessions.repository.js';
import { coarseAddress, describeDevice, type SessionEndsPort } from './sessions.service.js';
import { auditSignIn, auditSignInFailed, auditSignOut, type SignInMethod } from './sign-in-audit.js';
import { findUserByEmail, listActiveUsers, replacePasswordHash } from '../web/users.repository.js';

/** SHA-256 of a session token: what the database keeps instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** How long a browser stays known to an account after its last sign-in there. */
export const KNOWN_DEVICE_DAYS = 180;
const DEVICE_TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** Who the audit log names for a lock-out: the sign-in limits, not a person. */
const LOCK_OUT_ACTOR: Actor = { userId: null, email: 'sign-in limits' };

/**
 * Logins and sessions. Sessions are rows in PostgreSQL (any web process can serve any request),
 * end after `desk.sessionIdleMinutes` unused or `desk.sessionAbsoluteHours` after login, and
 * end at once when the user is disabled. Sign-in attempts are limited per address, per (account,
 * address), and per account only once failures come from many addresses (see
 * `desk.loginRateLimit`): someone guessing from one address cannot lock the owner out, and
 * guessers from many cannot lock them out of a browser they signed in from before (a known
 * device, `KNOWN_DEVICE_DAYS`). Managers are told of each lock-out, once.
 */
export class AuthService {
  private readonly perIp: RateLimiterPostgres;
  private readonly perAccountAndIp: RateLimiterPostgres;
  /** Different addresses that failed at an account within the window. */
  private readonly perAccount: RateLimiterPostgres;
  /** Whether an address already counted against an account in `perAccount`'s window. */
  private readonly accountFailedFrom: RateLimiterPostgres;

  constructor(
    private readonly deps: {
      db: Db;
      pool: pg.Pool;
      clock: Clock;
      config: Pick<Config, 'desk'>;
      email?: Pick<EmailOut, 'notice'>;
      /** Closes the signed-out session's live streams in every process at once (issue 30, item 3). */
      ends?: SessionEndsPort;
    },
  ) {
    const l = deps.config.desk.loginRateLimit;
    const limiter = (keyPrefix: string, points: number, duration: number) =>
      new RateLimiterPostgres({
        storeClient: unnamedStatements(deps.pool),
        storeType: 'pool',
        tableName: 'rate_limit',
        tableCreated: true,
        clearExpiredByTimeout: false,
        keyPrefix,
        points,
        duration,
      });
    this.perIp = limiter('login-ip', l.perIp.points, l.perIp.durationSeconds);
    this.perAccountAndIp = limiter('login-account-ip', l.perAccountAndIp.points, l.perAccountAndIp.durationSeconds);
    this.perAccount = limiter('login-account-addresses', l.perAccount.addresses, l.perAccount.durationSeconds);
    this.accountFailedFrom = limiter('login-account-failed-from', 1, l.perAccount.durationSeconds);
  }

  private refusal(res: RateLimiterRes): AppError {
    const retryAfterSeconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    return new AppError(
      'rate_limited',
      `Too many sign-in attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minutes.`,
      { retryAfterSeconds },
    );
  }

  private async consume(limiter: RateLimiterPostgres, key: string): Promise<void> {
    try {
      await limiter.consume(key, 1);
    } catch (res) {
      throw res instanceof RateLimiterRes ? this.refusal(res) : res;
    }
  }

  /** Refuses the account while failures from `perAccount.addresses` different addresses are counted against it. */
  private async refuseIfAccountLocked(accountKey: string): Promise<void> {
    const res = await this.perAccount.get(accountKey);
    if (res && res.consumedPoints >= this.deps.config.desk.loginRateLimit.perAccount.addresses) throw this.refusal(res);
  }

  /**
   * A wrong password: counts the address against the account once per window, however often it
   * fails. The address that locks an existing account tells the managers (only that one: the
   * count rises atomically, and a locked account is refused before anything is counted).
   */
  private async countFailedAddress(accountKey: string, pairKey: string, user: AppUser | undefined): Promise<void> {
    try {
      await this.accountFailedFrom.consume(pairKey, 1);
    } catch (res) {
      if (res instanceof RateLimiterRes) return; // this address is already counted
      throw res;
    }
    const res = await this.perAccount.penalty(accountKey, 1);
    if (user && res.consumedPoints === this.deps.config.desk.loginRateLimit.perAccount.addresses)
      await this.tellOfLockOut(user);
  }

  /** An audit entry, and an email to each active manager (when email is on), for a lock-out of `user`. */
  private async tellOfLockOut(user: AppUser): Promise<void> {
    const now = this.deps.clock();
    const { addresses, durationSeconds } = this.deps.config.desk.loginRateLimit.perAccount;
    const minutes = Math.ceil(durationSeconds / 60);
    const text = [
      `Sign-in to the desk account of ${user.name} (${user.email}) failed from ${addresses} different addresses within ${minutes} minutes, so it is locked for up to ${minutes} minutes in every browser it has not signed in from before.`,
      '',
      `${user.name} can still sign in from a browser they have signed in from before. If the failures were not theirs, someone may be guessing the password: set a new one on the desk's Users page.`,
      '',
      'This is an automatic notice from Press Desk.',
    ].join('\n');
    await this.deps.db.transaction().execute(async (tx) => {
      await audit(tx, {
        at: now,
        actor: LOCK_OUT_ACTOR,
        action: 'login.locked',
        detail: { account: user.email, userId: user.id, addresses, minutes },
      });
      const managers = (await listActiveUsers(tx)).filter((u) => u.role === 'manager');
      for (const m of managers) {
        await this.deps.email?.notice(
          tx,
          {
            key: `login-locked:${user.id}:${now.getTime()}:${m.id}`,
            to: m.email,
            subject: `Desk sign-in locked for ${user.name}`,
            text,
          },
          now,
        );
      }
    });
  }

  /** True when `deviceToken` (the browser's device cookie) is one `user` signed in from within `KNOWN_DEVICE_DAYS`. */
  private async knownDevice(user: AppUser | undefined, deviceToken: string | undefined): Promise<boolean> {
    if (!user || !deviceToken || !DEVICE_TOKEN.test(deviceToken)) return false;
    return isKnownDevice(this.deps.db, user.id, hashToken(deviceToken), this.knownSince(this.deps.clock()));
  }

  private knownSince(now: Date): Date {
    return new Date(now.getTime() - KNOWN_DEVICE_DAYS * 86_400_000);
  }

  /**
   * Checks an email and password and opens a new session (a fresh token: a session id known
   * before login is never reused). Throws `unauthenticated` with one message for every failure,
   * so the form does not reveal which emails exist. `deviceToken` is the browser's device cookie,
   * if any; the answer's `deviceToken` is the one to keep there (the same when it was already
   * known to this account, else a fresh one).
   */
  async login(
    email: string,
    password: string,
    ip: string,
    deviceToken?: string,
    userAgent?: string,
  ): Promise<DeskSession & { deviceToken: string }> {
    const { user, known } = await this.checkPassword(email, password, ip, deviceToken);
    return this.openSession(user, ip, known, deviceToken, undefined, userAgent);
  }

  /**
   * The password step of `login()` alone, with every sign-in limit: the account and whether
   * `deviceToken` is a browser it signed in from before. Opens no session, so a second factor
   * (second-factor.service.ts) can be asked for before `openSession()`.
   */
  async checkPassword(
    email: string,
    password: string,
    ip: string,
    deviceToken?: string,
  ): Promise<{ user: AppUser; known: boolean }> {
    // Keys are hashes: an email can be longer than the counter table's key, and staff emails
    // need not sit in it.
    const accountKey = hashToken(email.trim().toLowerCase());
    const pairKey = hashToken(`${email.trim().toLowerCase()}\n${ip}`);
    await this.consume(this.perIp, ip);
    await this.consume(this.perAccountAndIp, pairKey);
    const user = await findUserByEmail(this.deps.db, email.trim());
    // The account-wide lock-out stops guessing from elsewhere; a browser this account signed in
    // from before still gets its password checked (and counted when wrong).
    const known = await this.knownDevice(user, deviceToken);
    if (!known) await this.refuseIfAccountLocked(accountKey);
    const ok = await verifyPassword(password, user?.password_hash ?? dummyHash());
    if (!user || !ok || !user.active) {
      await this.countFailedAddress(accountKey, pairKey, user);
      // Audited with the address (issue 30, item 3); a rate-limited try is not (a flood would
      // flood the log; the lock-out has its own entry). See sign-in-audit.ts for what is kept.
      await auditSignInFailed(this.deps.db, {
        at: this.deps.clock(),
        ip,
        method: 'password',
        account: user,
        reason: !user ? 'unknown account' : !ok ? 'wrong password' : 'account disabled',
      });
      throw new AppError('unauthenticated', 'The email address or password is not right');
    }
    // A successful sign-in does not count against the address (an office behind one NAT signs
    // in every morning), and clears this address's failures at the account. The account-wide
    // count stays: the owner signing in does not give guessers from many addresses a new start.
    await Promise.all([this.perIp.reward(ip, 1), this.perAccountAndIp.delete(pairKey)]);
    // A hash made at an older, cheaper cost is replaced now, while the password is at hand: the
    // only moment it is (issue 12, finding 12).
    if (needsRehash(user.password_hash))
      await replacePasswordHash(this.deps.db, user.id, user.password_hash, await hashPassword(password));
    return { user, known };
  }

  /**
   * Opens a new session for `user` once every step of sign-in passed (`checkPassword()`, then any
   * second factor, named by `secondFactor` in the audit entry), and remembers the browser.
   */
  async openSession(
    user: AppUser,
    ip: string,
    known: boolean,
    deviceToken?: string,
    secondFactor?: string,
    userAgent?: string,
    /** How the account was proved: 'oidc' for the identity provider (oidc.service.ts). */
    method: SignInMethod = 'password',
  ): Promise<DeskSession & { deviceToken: string }> {
    const now = this.deps.clock();
    const token = randomBytes(32).toString('base64url');
    const session: UserSession & NewUserSession = {
      id: randomUUID(),
      token_hash: hashToken(token),
      user_id: user.id,
      csrf_token: randomBytes(24).toString('base64url'),
      created_at: now,
      last_seen_at: now,
      expires_at: new Date(now.getTime() + this.deps.config.desk.sessionAbsoluteHours * 3_600_000),
      // Only a short description and the network: the account page's "where you are signed in".
      device: describeDevice(userAgent),
      client_address: coarseAddress(ip),
    };
    await sessions.insertSession(this.deps.db, session);
    const device = known && deviceToken ? deviceToken : randomBytes(32).toString('base64url');
    await rememberDevice(this.deps.db, user.id, hashToken(device), now, this.knownSince(now));
    await auditSignIn(this.deps.db, {
      at: now,
      user,
      ip,
      method,
      detail: { knownDevice: known, ...(secondFactor ? { secondFactor } : {}) },
    });
    return { token, session, user, deviceToken: device };
  }

  /** The live session for a cookie token, touched now; null when missing, expired, idle too long or disabled. */
  async resume(token: string | undefined): Promise<DeskSession | null> {
    if (!token || token.length > 100) return null;
    const now = this.deps.clock();
    const found = await sessions.findLiveSession(this.deps.db, hashToken(token), now);
    if (!found) return null;
    if (this.idleTooLong(found.session, now)) {
      await sessions.deleteSession(this.deps.db, found.session.token_hash);
      return null;
    }
    // Writing on every request would make each page view a write; a minute's precision is plenty.
    if (now.getTime() - found.session.last_seen_at.getTime() > 60_000)
      await sessions.touchSession(this.deps.db, found.session.token_hash, now);
    return { token, ...found };
  }

  /**
   * Whether a session opened earlier is still live now: not signed out, expired, idle too long,
   * ended by a password reset, nor its user disabled. Does not count as activity (an open live
   * queue must not keep an unattended session alive).
   */
  async stillLive(s: DeskSession): Promise<boolean> {
    const now = this.deps.clock();
    const found = await sessions.findLiveSession(this.deps.db, s.session.token_hash, now);
    return found !== undefined && !this.idleTooLong(found.session, now);
  }

  private idleTooLong(session: UserSession, now: Date): boolean {
    return now.getTime() - session.last_seen_at.getTime() > this.deps.config.desk.sessionIdleMinutes * 60_000;
  }

  /** Ends a session server-side (logout from `ip`): audited, and its live streams in every process close at once. */
  async logout(s: DeskSession, ip = 'unknown'): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      await sessions.deleteSession(tx, s.session.token_hash);
      await auditSignOut(tx, { at: this.deps.clock(), user: s.user, ip });
      await this.deps.ends?.sessionsEnded(tx, [s.user.id]);
    });
  }
}
