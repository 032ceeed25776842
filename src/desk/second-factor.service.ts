import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import * as QRCode from 'qrcode';
import { Secret, TOTP } from 'otpauth';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { audit, type Actor } from '../audit/audit.repository.js';
import type { AuditAction } from '../audit/audit.actions.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { type Db, type Tx, unnamedStatements } from '../db/database.js';
import { AppError, validationError } from '../http/errors.js';
import type { AppUser } from './desk.tables.js';
import * as repo from './second-factor.repository.js';
import { deleteUserSessions } from './sessions.repository.js';
import type { SessionEndsPort } from './sessions.service.js';
import { findUserById } from '../web/users.repository.js';

/** How long a right password waits for its second factor. */
export const PENDING_MINUTES = 10;
/** How many recovery codes an account gets (each usable once). */
export const RECOVERY_CODES = 10;
/** Wrong second-factor answers (codes, recovery codes, passkeys) an account may give per window. */
export const WRONG_ANSWERS = 5;
const PERIOD = 30;
const DIGITS = 6;
/** Recovery codes: 10 characters without look-alikes (0/O, 1/l/I), shown as xxxxx-xxxxx. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** SHA-256 of a token (the cookie of a waiting sign-in): what the database keeps. */
function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A recovery code as typed: lower case, without spaces or dashes. */
function normaliseRecovery(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

/** `salt$sha256(salt + code)`: a per-code salt; the codes are random (50 bits), so no slow hash is needed. */
function hashRecovery(code: string, salt = randomBytes(16).toString('hex')): string {
  return `${salt}$${createHash('sha256')
    .update(salt + normaliseRecovery(code))
    .digest('hex')}`;
}

function recoveryMatches(code: string, stored: string): boolean {
  const [salt] = stored.split('$');
  const a = Buffer.from(hashRecovery(code, salt));
  const b = Buffer.from(stored);
  return a.length === b.length && timingSafeEqual(a, b);
}

function newRecoveryCode(): string {
  let s = '';
  for (let i = 0; i < 10; i++) s += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

/** What an account has as second factors. */
export interface SecondFactorMethods {
  /** A confirmed authenticator app. */
  app: boolean;
  passkeys: repo.PasskeyRow[];
  /** Unused recovery codes left. */
  recoveryLeft: number;
}

/** A sign-in whose password was right and whose second factor is now passed: open its session. */
export interface PassedSignIn {
  user: AppUser;
  known: boolean;
  next: string;
  /** Which factor: "app", "passkey" or "recovery code" (the audit's word). */
  method: string;
}

/** The authenticator app being set up: what the page shows once. */
export interface AppSetUp {
  /** Base32, for typing in by hand. */
  secret: string;
  /** The otpauth:// URI the QR code holds. */
  uri: string;
  /** The QR code as an SVG element (markup made by qrcode from the URI, nothing else). */
  qrSvg: string;
}

/**
 * The second factor of local accounts (issue 30, item 2): an authenticator app (TOTP, RFC 6238,
 * ±1 step, each step accepted once per account), ten single-use recovery codes (hashed), and
 * passkeys / security keys (WebAuthn, rpID the host of PUBLIC_BASE_URL, origin checked). After a
 * right password an account with a factor gets a waiting sign-in, not a session; wrong answers
 * count against the account (`WRONG_ANSWERS` per the sign-in limits' per-account-and-address
 * window). With identity.requireSecondFactor an account without one is opened a session that
 * reaches only the set-up. Every change and failure is audited with the client's address; the
 * secret never is.
 */
export class SecondFactorService {
  private readonly wrong: RateLimiterPostgres;
  private readonly rpID: string;
  private readonly origin: string;

  constructor(
    private readonly deps: {
      db: Db;
      pool: pg.Pool;
      clock: Clock;
      config: Pick<Config, 'identity' | 'publicBaseUrl' | 'office' | 'desk'>;
      /** Closes the reset user's live streams in every process at once (as disabling them does). */
      ends?: SessionEndsPort;
    },
  ) {
    this.wrong = new RateLimiterPostgres({
      storeClient: unnamedStatements(deps.pool),
      storeType: 'pool',
      tableName: 'rate_limit',
      tableCreated: true,
      clearExpiredByTimeout: false,
      keyPrefix: 'second-factor-wrong',
      points: WRONG_ANSWERS,
      duration: deps.config.desk.loginRateLimit.perAccountAndIp.durationSeconds,
    });
    const base = new URL(deps.config.publicBaseUrl);
    this.rpID = base.hostname;
    this.origin = base.origin;
  }

  /** Whether identity.requireSecondFactor is on. */
  get required(): boolean {
    return this.deps.config.identity.requireSecondFactor;
  }

  /** The account's second factors. */
  async methods(userId: string, db: Db | Tx = this.deps.db): Promise<SecondFactorMethods> {
    const [totp, passkeys, recovery] = await Promise.all([
      repo.findTotp(db, userId),
      repo.listPasskeys(db, userId),
      repo.unusedRecoveryCodes(db, userId),
    ]);
    return { app: Boolean(totp?.confirmed_at), passkeys, recoveryLeft: recovery.length };
  }

  /** True when the account has a confirmed app or a passkey. */
  async hasAny(userId: string, db: Db | Tx = this.deps.db): Promise<boolean> {
    const m = await this.methods(userId, db);
    return m.app || m.passkeys.length > 0;
  }

  // ---- the second step of sign-in ----

  /**
   * After a right password: "none" (open the session), "setup" (open a set-up-only session:
   * identity.requireSecondFactor and no factor yet) or a waiting sign-in's token for the browser.
   */
  async afterPassword(
    user: AppUser,
    known: boolean,
    next: string,
  ): Promise<{ step: 'none' } | { step: 'setup' } | { step: 'verify'; token: string }> {
    if (!(await this.hasAny(user.id))) return { step: this.required ? 'setup' : 'none' };
    const now = this.deps.clock();
    const token = randomBytes(32).toString('base64url');
    await repo.insertPending(this.deps.db, {
      token_hash: tokenHash(token),
      user_id: user.id,
      csrf_token: randomBytes(24).toString('base64url'),
      next_path: next,
      known_device: known,
      webauthn_challenge: null,
      created_at: now,
      expires_at: new Date(now.getTime() + PENDING_MINUTES * 60_000),
    });
    return { step: 'verify', token };
  }

  /** A waiting sign-in (its row, account and methods) for the browser's token; undefined when gone or expired. */
  async pending(
    token: string | undefined,
  ): Promise<{ row: repo.PendingRow; user: AppUser; methods: SecondFactorMethods } | undefined> {
    if (!token || token.length > 100) return undefined;
    const row = await repo.findPending(this.deps.db, tokenHash(token), this.deps.clock());
    if (!row) return undefined;
    const user = await findUserById(this.deps.db, row.user_id);
    if (!user?.active) return undefined;
    return { row, user, methods: await this.methods(user.id) };
  }

  /** Refuses while the account has given `WRONG_ANSWERS` wrong answers in the window. */
  private async refuseIfLocked(userId: string): Promise<void> {
    const res = await this.wrong.get(userId);
    if (res && res.consumedPoints >= WRONG_ANSWERS) throw this.lockedOut(res);
  }

  private lockedOut(res: RateLimiterRes): AppError {
    const retryAfterSeconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    return new AppError(
      'rate_limited',
      `Too many wrong codes. Try again in ${Math.ceil(retryAfterSeconds / 60)} minutes.`,
      { retryAfterSeconds },
    );
  }

  /** A wrong answer: audited, counted; the answer that reaches the limit is refused as locked out. */
  private async failed(user: AppUser, ip: string, method: string, field: string, message: string): Promise<never> {
    await audit(this.deps.db, {
      at: this.deps.clock(),
      actor: { userId: user.id, email: user.email },
      action: 'second_factor.failed',
      detail: { ip, method },
    });
    try {
      await this.wrong.consume(user.id, 1);
    } catch (res) {
      if (res instanceof RateLimiterRes) throw this.lockedOut(res);
      throw res;
    }
    throw new AppError('unauthenticated', message, { fields: { [field]: message } });
  }

  /** The waiting sign-in passed: single use (a raced second answer finds it gone). */
  private async pass(p: { row: repo.PendingRow; user: AppUser }, method: string): Promise<PassedSignIn> {
    if (!(await repo.deletePending(this.deps.db, p.row.token_hash)))
      throw new AppError('unauthenticated', 'This sign-in has ended. Sign in again.');
    await this.wrong.delete(p.user.id);
    return { user: p.user, known: p.row.known_device, next: p.row.next_path, method };
  }

  private async waiting(token: string | undefined) {
    const p = await this.pending(token);
    if (!p) throw new AppError('unauthenticated', 'This sign-in has ended or expired. Sign in again.');
    await this.refuseIfLocked(p.user.id);
    return p;
  }

  /** The time step a right code was made at (±1 step of now), or null. */
  private codeStep(secret: string, code: string): number | null {
    const token = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(token)) return null;
    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: DIGITS, period: PERIOD, algorithm: 'SHA1' });
    const timestamp = this.deps.clock().getTime();
    const delta = totp.validate({ token, timestamp, window: 1 });
    return delta === null ? null : Math.floor(timestamp / 1000 / PERIOD) + delta;
  }

  /** Second step with the app's code: right, not used before (a replay is refused and counted). */
  async verifyCode(token: string | undefined, code: string, ip: string): Promise<PassedSignIn> {
    const p = await this.waiting(token);
    const totp = await repo.findTotp(this.deps.db, p.user.id);
    const step = totp?.confirmed_at ? this.codeStep(totp.secret, code) : null;
    if (step === null || !(await repo.useTotpStep(this.deps.db, p.user.id, step)))
      return this.failed(
        p.user,
        ip,
        'app',
        'code',
        'That code is not right, or was already used. Enter the newest code.',
      );
    return this.pass(p, 'app');
  }

  /** Second step with a recovery code: each works once; using one is audited. */
  async verifyRecovery(token: string | undefined, code: string, ip: string): Promise<PassedSignIn> {
    const p = await this.waiting(token);
    const codes = await repo.unusedRecoveryCodes(this.deps.db, p.user.id);
    const match = codes.find((r) => recoveryMatches(code, r.code_hash));
    if (!match || !(await repo.useRecoveryCode(this.deps.db, match.id, this.deps.clock())))
      return this.failed(
        p.user,
        ip,
        'recovery code',
        'recovery',
        'That recovery code is not right, or was already used.',
      );
    await audit(this.deps.db, {
      at: this.deps.clock(),
      actor: { userId: p.user.id, email: p.user.email },
      action: 'second_factor.recovery_used',
      detail: { ip, left: codes.length - 1 },
    });
    return this.pass(p, 'recovery code');
  }

  /** The passkey challenge for a waiting sign-in (its account's passkeys only). */
  async signInOptions(token: string | undefined): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const p = await this.waiting(token);
    const options = await generateAuthenticationOptions({
      rpID: this.rpID,
      userVerification: 'preferred',
      allowCredentials: p.methods.passkeys.map((k) => ({
        id: k.credential_id,
        transports: k.transports as AuthenticatorTransportFuture[],
      })),
    });
    await repo.setPendingChallenge(this.deps.db, p.row.token_hash, options.challenge);
    return options;
  }

  /** Second step with a passkey: the signature over the challenge offered, from this site's origin. */
  async verifyPasskey(token: string | undefined, response: unknown, ip: string): Promise<PassedSignIn> {
    const p = await this.waiting(token);
    const r = response as AuthenticationResponseJSON;
    const key = p.methods.passkeys.find((k) => typeof r?.id === 'string' && k.credential_id === r.id);
    const challenge = p.row.webauthn_challenge;
    let ok = false;
    let counter = 0;
    if (key && challenge) {
      try {
        const v = await verifyAuthenticationResponse({
          response: r,
          expectedChallenge: challenge,
          expectedOrigin: this.origin,
          expectedRPID: this.rpID,
          requireUserVerification: false,
          credential: {
            id: key.credential_id,
            publicKey: new Uint8Array(key.public_key),
            counter: Number(key.counter),
            transports: key.transports as AuthenticatorTransportFuture[],
          },
        });
        ok = v.verified;
        counter = v.authenticationInfo.newCounter;
      } catch {
        // A malformed or forged answer is a wrong answer: counted below like a wrong code.
        ok = false;
      }
    }
    // Each challenge is answered once.
    await repo.setPendingChallenge(this.deps.db, p.row.token_hash, '');
    if (!ok || !key)
      return this.failed(
        p.user,
        ip,
        'passkey',
        'passkey',
        'That passkey was not accepted. Try again or use another way.',
      );
    await repo.touchPasskey(this.deps.db, key.credential_id, counter, this.deps.clock());
    return this.pass(p, 'passkey');
  }

  // ---- setting up, from a session ----

  /** Whether the session may only set up a second factor (opened by a password alone under requireSecondFactor). */
  async setupOnly(sessionHash: string): Promise<boolean> {
    return this.required && repo.isSetupSession(this.deps.db, sessionHash);
  }

  /** Marks a just-opened session as set-up only. */
  async markSetupOnly(sessionHash: string): Promise<void> {
    await repo.markSetupSession(this.deps.db, sessionHash);
  }

  /**
   * The authenticator app being set up: the unconfirmed secret (a new one when there is none),
   * its URI and QR code. Refused when the account already has a confirmed app.
   */
  async startApp(user: AppUser): Promise<AppSetUp> {
    let row = await repo.findTotp(this.deps.db, user.id);
    if (row?.confirmed_at)
      throw new AppError('conflict', 'You already have an authenticator app. Remove it first to set up another.');
    if (!row) {
      await repo.startTotp(this.deps.db, user.id, new Secret({ size: 20 }).base32, this.deps.clock());
      row = await repo.findTotp(this.deps.db, user.id);
      if (!row) throw new Error('the authenticator app set-up was not stored');
    }
    const totp = new TOTP({
      issuer: `${this.deps.config.office.name} desk`,
      label: user.email,
      secret: Secret.fromBase32(row.secret),
      digits: DIGITS,
      period: PERIOD,
      algorithm: 'SHA1',
    });
    const uri = totp.toString();
    const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { secret: row.secret, uri, qrSvg };
  }

  /**
   * Confirms the app with a code from it: from then on it counts. Returns the recovery codes made
   * now (shown once) when the account had none.
   */
  async confirmApp(user: AppUser, code: string, ip: string): Promise<string[] | null> {
    const row = await repo.findTotp(this.deps.db, user.id);
    if (!row || row.confirmed_at) throw validationError({ code: 'Start setting up the app again.' }, 'Start again');
    const step = this.codeStep(row.secret, code);
    if (step === null || !(await repo.useTotpStep(this.deps.db, user.id, step, this.deps.clock()))) {
      throw validationError(
        {
          code: /^\s*\d{6}\s*$/.test(code)
            ? 'That code is not right. Enter the code the app shows now.'
            : 'Enter the 6-digit code the app shows',
        },
        'The code is not right',
      );
    }
    return this.added(user, 'app', ip);
  }

  /** After a factor was added: audit, free the user's set-up-only sessions, and first recovery codes if none. */
  private async added(user: AppUser, method: string, ip: string, label?: string): Promise<string[] | null> {
    const db = this.deps.db;
    await repo.clearSetupSessions(db, user.id);
    await this.log(db, user, 'second_factor.added', { ip, method, ...(label ? { label } : {}) });
    // A passkey is added by a JSON request, which cannot show codes: its page offers to make them.
    if (method === 'passkey' || (await repo.unusedRecoveryCodes(db, user.id)).length > 0) return null;
    return this.makeRecoveryCodes(user);
  }

  private async log(db: Db | Tx, actor: Actor | AppUser, action: AuditAction, detail: Record<string, unknown>) {
    const a = 'userId' in actor ? actor : { userId: actor.id, email: actor.email };
    await audit(db, { at: this.deps.clock(), actor: a, action, detail });
  }

  private async makeRecoveryCodes(user: AppUser): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    await repo.replaceRecoveryCodes(
      this.deps.db,
      user.id,
      codes.map((c) => hashRecovery(c)),
      this.deps.clock(),
    );
    return codes;
  }

  /** New recovery codes (the old ones stop working); only for an account with a factor. */
  async regenerateRecoveryCodes(user: AppUser, ip: string): Promise<string[]> {
    if (!(await this.hasAny(user.id)))
      throw new AppError('conflict', 'Set up an authenticator app or a passkey first: recovery codes go with one.');
    const codes = await this.makeRecoveryCodes(user);
    await this.log(this.deps.db, user, 'second_factor.recovery_regenerated', { ip });
    return codes;
  }

  /** Refuses removing the last factor while a manager requires one. */
  private async refuseLast(user: AppUser, removing: { app?: boolean; passkey?: string }): Promise<void> {
    if (!this.required) return;
    const m = await this.methods(user.id);
    const left =
      (m.app && !removing.app ? 1 : 0) + m.passkeys.filter((k) => k.credential_id !== removing.passkey).length;
    if (left === 0)
      throw new AppError('conflict', 'A second factor is required here: add another before removing your last one.');
  }

  /** Removes the account's app; with no factor left, its recovery codes go too. */
  async removeApp(user: AppUser, ip: string): Promise<void> {
    await this.refuseLast(user, { app: true });
    if (!(await repo.deleteTotp(this.deps.db, user.id))) return;
    await this.afterRemoval(user);
    await this.log(this.deps.db, user, 'second_factor.removed', { ip, method: 'app' });
  }

  /** Removes one of the account's passkeys. */
  async removePasskey(user: AppUser, credentialId: string, ip: string): Promise<void> {
    await this.refuseLast(user, { passkey: credentialId });
    const label = await repo.deletePasskey(this.deps.db, user.id, credentialId);
    if (label === undefined) throw new AppError('not_found', 'That passkey is not one of yours.');
    await this.afterRemoval(user);
    await this.log(this.deps.db, user, 'second_factor.removed', { ip, method: 'passkey', label });
  }

  private async afterRemoval(user: AppUser): Promise<void> {
    if (!(await this.hasAny(user.id))) await repo.deleteRecoveryCodes(this.deps.db, user.id);
  }

  /** The options for registering a passkey from a session (its challenge kept for `registerPasskey`). */
  async registrationOptions(user: AppUser, sessionHash: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const passkeys = await repo.listPasskeys(this.deps.db, user.id);
    const options = await generateRegistrationOptions({
      rpName: `${this.deps.config.office.name} desk`,
      rpID: this.rpID,
      userName: user.email,
      userDisplayName: user.name,
      userID: new TextEncoder().encode(`pressdesk-user-${user.id}`),
      attestationType: 'none',
      excludeCredentials: passkeys.map((k) => ({ id: k.credential_id })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    await repo.setRegistration(
      this.deps.db,
      sessionHash,
      options.challenge,
      new Date(this.deps.clock().getTime() + 5 * 60_000),
    );
    return options;
  }

  /** Stores a passkey after checking the authenticator's answer to the session's challenge. */
  async registerPasskey(
    user: AppUser,
    sessionHash: string,
    label: string,
    response: unknown,
    ip: string,
  ): Promise<string[] | null> {
    const name = label.trim();
    if (!name || name.length > 60)
      throw validationError(
        { label: 'Give the passkey a name of up to 60 characters, such as “Work laptop”' },
        'Name it',
      );
    const challenge = await repo.takeRegistration(this.deps.db, sessionHash, this.deps.clock());
    if (!challenge) throw validationError({ label: 'The request expired. Try adding the passkey again.' }, 'Expired');
    let info: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      info = await verifyRegistrationResponse({
        response: response as RegistrationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: this.origin,
        expectedRPID: this.rpID,
        requireUserVerification: false,
      });
    } catch {
      throw validationError({ label: 'The passkey’s answer could not be checked. Try again.' }, 'Not accepted');
    }
    if (!info.verified) throw validationError({ label: 'The passkey was not accepted. Try again.' }, 'Not accepted');
    const c = info.registrationInfo.credential;
    await repo.insertPasskey(this.deps.db, {
      credential_id: c.id,
      user_id: user.id,
      label: name,
      public_key: c.publicKey,
      counter: c.counter,
      transports: c.transports ?? [],
      created_at: this.deps.clock(),
    });
    return this.added(user, 'passkey', ip, name);
  }

  /**
   * A manager's reset of `userId`'s second factor: the app, the passkeys and the recovery codes go,
   * every session and waiting sign-in of theirs ends; audited. They sign in with their password
   * (and set one up again if one is required).
   */
  async reset(userId: string, by: Actor, ip: string): Promise<void> {
    const user = await findUserById(this.deps.db, userId);
    if (!user) throw new AppError('not_found', 'No such user.');
    await this.deps.db.transaction().execute(async (tx) => {
      const app = await repo.deleteTotp(tx, userId);
      const passkeys = await repo.deletePasskeys(tx, userId);
      await repo.deleteRecoveryCodes(tx, userId);
      await repo.deleteUserPending(tx, userId);
      const ended = await deleteUserSessions(tx, userId);
      await this.deps.ends?.sessionsEnded(tx, [userId]);
      await this.log(tx, by, 'second_factor.reset', {
        ip,
        account: user.email,
        userId,
        app,
        passkeys,
        sessionsEnded: ended,
      });
    });
  }
}
