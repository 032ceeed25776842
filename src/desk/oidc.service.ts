import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import type { Clock } from '../clock.js';
import type { Config, OidcSettings } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import { audit } from '../audit/audit.repository.js';
import type { Logger } from '../log.js';
import type { DeskSession } from '../web/session.js';
import * as users from '../web/users.repository.js';
import { hashToken, type AuthService } from './auth.service.js';
import type { AppUser, Role } from './desk.tables.js';
import * as repo from './oidc.repository.js';
import { hashPassword } from './password.js';
import * as sessions from './sessions.repository.js';
import type { SessionEndsPort } from './sessions.service.js';
import { auditSignInFailed } from './sign-in-audit.js';

/** How long a browser has to come back from the provider (and the attempt cookie lives). */
export const ATTEMPT_SECONDS = 600;
/** After a failed discovery, the next try waits this long (the sign-in page asks again then). */
const REDISCOVER_AFTER_MS = 30_000;
/** The sign-in page waits at most this long for a discovery under way. */
const DISCOVERY_WAIT_MS = 4_000;

/**
 * A sign-in through the provider that was refused: `message` is for the person at the browser (plain
 * words naming the problem), `status` the page's (always 4xx, or 503 when the provider cannot be
 * reached).
 */
export class OidcRefusal extends Error {
  constructor(
    message: string,
    readonly status: 400 | 403 | 503,
  ) {
    super(message);
    this.name = 'OidcRefusal';
  }
}

/** The role a role claim gives (manager values win over officer values), or null: none. */
export function roleFromClaim(settings: OidcSettings, value: unknown): Role | null {
  const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
  if (values.some((v) => settings.managerValues.includes(v))) return 'manager';
  if (values.some((v) => settings.officerValues.includes(v))) return 'officer';
  return null;
}

/** The email the provider gives: `email`, else `preferred_username` or `upn` when it is an address (Entra's UPN); null when it says `email_verified: false`. */
function emailOf(claims: Record<string, unknown>): string | null {
  // A provider that says the address is unverified (anyone could have typed it) is not believed:
  // the address would otherwise bind someone else's invited account.
  if (claims.email_verified === false) return null;
  for (const k of ['email', 'preferred_username', 'upn']) {
    const v = claims[k];
    if (typeof v === 'string' && /^[^\s@]+@[^\s@]+$/.test(v.trim()) && v.length <= 254) return v.trim();
  }
  return null;
}

type Outcome =
  | { ok: true; user: AppUser }
  | { ok: false; message: string; reason: string; account?: AppUser; endSessions?: boolean };

/**
 * Sign-in through the organisation's OpenID Connect provider (issue 30): authorization code flow
 * with PKCE, state and nonce (openid-client checks the ID token's signature, issuer, audience,
 * expiry and nonce). State, nonce and verifier stay in the database, keyed by the hash of a random
 * token the browser holds in an HttpOnly cookie, so a callback only counts in the browser that
 * started it, once. The provider decides the role at every sign-in (`OIDC_ROLE_CLAIM`); a claim
 * that gives no role refuses the sign-in and ends the account's sessions. Accounts are created at
 * first sign-in only with `identity.oidc.provisioning` "claim"; with "invite" a manager adds them
 * first (matched by email once, then by the provider's subject). The provider's own second factor
 * stands: the desk's is not asked for.
 *
 * Discovery runs on first use, not at start: a provider that is down does not stop the service;
 * the sign-in page says so and discovery is tried again after `REDISCOVER_AFTER_MS`.
 */
export class OidcService {
  private configuration: client.Configuration | null = null;
  private discovering: Promise<void> | null = null;
  private problem: string | null = null;
  private failedAt = 0;

  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      config: Pick<Config, 'oidc' | 'identity' | 'office' | 'publicBaseUrl'>;
      auth: Pick<AuthService, 'openSession'>;
      /** Closes the refused account's live streams at once (LiveFeed). */
      ends?: SessionEndsPort;
      log?: Pick<Logger, 'warn' | 'info'>;
      /** Tests only: the HTTP client openid-client uses to reach the provider. */
      fetch?: client.CustomFetch;
    },
  ) {}

  /** Whether OIDC sign-in is configured (OIDC_ISSUER set). */
  get enabled(): boolean {
    return this.deps.config.oidc !== null;
  }

  /** The button's words: `identity.oidc.label`, else "Sign in with <office name>". */
  get label(): string {
    return this.deps.config.identity.oidc.label ?? `Sign in with ${this.deps.config.office.name}`;
  }

  /** Where the provider sends the browser back (register exactly this at the provider). */
  get redirectUri(): string {
    return `${this.deps.config.publicBaseUrl}/desk/login/oidc/callback`;
  }

  private settings(): OidcSettings {
    const s = this.deps.config.oidc;
    if (!s) throw new OidcRefusal('Sign-in through an identity provider is not set up on this desk.', 403);
    return s;
  }

  /**
   * Null when the provider's discovery document has been read; else the problem in plain words.
   * Starts (or retries, after a pause) discovery and waits for it a few seconds at most.
   */
  async ready(): Promise<string | null> {
    if (!this.enabled) return 'Sign-in through an identity provider is not set up on this desk.';
    if (this.configuration) return null;
    if (!this.discovering && (!this.problem || this.deps.clock().getTime() - this.failedAt >= REDISCOVER_AFTER_MS))
      this.discovering = this.discover().finally(() => {
        this.discovering = null;
      });
    if (this.discovering) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.discovering,
        new Promise<void>((r) => {
          timer = setTimeout(r, DISCOVERY_WAIT_MS);
        }),
      ]);
      clearTimeout(timer);
    }
    if (this.configuration) return null;
    return this.problem ?? 'The identity provider has not answered yet. Try again in a minute.';
  }

  /**
   * The provider as `/readyz` reports it, without waiting: `off` (not configured), `ok`
   * (discovered), `unreachable` (the last discovery failed) or `unknown` (not tried yet). Starts a
   * discovery when one is due, so a load balancer's checks also retry a provider that was down.
   */
  state(): 'off' | 'ok' | 'unreachable' | 'unknown' {
    if (!this.enabled) return 'off';
    if (this.configuration) return 'ok';
    void this.ready();
    return this.problem ? 'unreachable' : 'unknown';
  }

  private async discover(): Promise<void> {
    const s = this.settings();
    const issuer = new URL(s.issuer);
    try {
      this.configuration = await client.discovery(
        issuer,
        s.clientId,
        { client_secret: s.clientSecret },
        client.ClientSecretPost(s.clientSecret),
        {
          // Plain http only for a loopback issuer (config.ts refuses it elsewhere): a local test provider.
          execute: issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [],
          ...(this.deps.fetch ? { [client.customFetch]: this.deps.fetch } : {}),
          timeout: 10,
        },
      );
      this.problem = null;
      this.deps.log?.info({ issuer: s.issuer }, 'oidc discovery done');
    } catch (err) {
      this.failedAt = this.deps.clock().getTime();
      this.problem = `The identity provider (${issuer.host}) cannot be reached just now, so signing in with it is not possible. Try again in a minute; if it goes on, tell the desk's administrator.`;
      this.deps.log?.warn({ issuer: s.issuer, err: (err as Error).message }, 'oidc discovery failed');
    }
  }

  /**
   * Starts a sign-in: stores the attempt (state, nonce, PKCE verifier, where to go after) and
   * returns the token for the browser's cookie and the provider's authorization URL. `next` must
   * already be a safe /desk path. Throws OidcRefusal(503) while the provider cannot be reached.
   */
  async begin(next: string): Promise<{ token: string; url: URL }> {
    const problem = await this.ready();
    if (problem || !this.configuration) throw new OidcRefusal(problem ?? 'The identity provider is not ready.', 503);
    const token = randomBytes(32).toString('base64url');
    const state = client.randomState();
    const nonce = client.randomNonce();
    const verifier = client.randomPKCECodeVerifier();
    const now = this.deps.clock();
    await repo.insertAttempt(
      this.deps.db,
      {
        token_hash: hashToken(token),
        state,
        nonce,
        code_verifier: verifier,
        next_path: next,
        expires_at: new Date(now.getTime() + ATTEMPT_SECONDS * 1000),
      },
      now,
    );
    const url = client.buildAuthorizationUrl(this.configuration, {
      redirect_uri: this.redirectUri,
      scope: 'openid email profile',
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { token, url };
  }

  /**
   * Finishes a sign-in at the callback: `cookieToken` is the browser's attempt cookie, `callbackUrl`
   * the URL the provider sent it to. Checks the attempt (this browser, once, in time), the state,
   * the provider's answer (code exchange with the PKCE verifier; the ID token's signature, issuer,
   * audience, expiry and nonce), then the account and its role claim, and opens a desk session.
   * Every refusal is audited with `ip` and thrown as OidcRefusal with a plain message.
   */
  async complete(
    cookieToken: string | undefined,
    callbackUrl: URL,
    ip: string,
    userAgent?: string,
  ): Promise<DeskSession & { deviceToken: string; next: string }> {
    const settings = this.settings();
    const now = this.deps.clock();
    const attempt =
      cookieToken && cookieToken.length <= 100
        ? await repo.takeAttempt(this.deps.db, hashToken(cookieToken), now)
        : undefined;
    if (!attempt)
      return this.refuse(
        ip,
        'no attempt',
        'This sign-in did not start in this browser, was already used, or took longer than 10 minutes. Start again from the sign-in page.',
        400,
      );
    const params = callbackUrl.searchParams;
    if (params.get('state') !== attempt.state)
      return this.refuse(
        ip,
        'state mismatch',
        'The answer from the identity provider does not belong to the sign-in this browser started (the state does not match). Start again from the sign-in page.',
        400,
      );
    const providerError = params.get('error');
    if (providerError) {
      const words =
        providerError === 'access_denied'
          ? 'The identity provider did not let you sign in (access denied): you cancelled, or your organisation has not given you access to Press Desk.'
          : `The identity provider could not sign you in (${providerError.slice(0, 60)}).`;
      return this.refuse(ip, `provider: ${providerError.slice(0, 60)}`, words, 403);
    }
    if (!this.configuration) await this.ready();
    if (!this.configuration) throw new OidcRefusal(this.problem ?? 'The identity provider is not ready.', 503);
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(this.configuration, callbackUrl, {
        pkceCodeVerifier: attempt.code_verifier,
        expectedState: attempt.state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
      claims = (tokens.claims() ?? {}) as Record<string, unknown>;
    } catch (err) {
      const [reason, words] = this.explain(err);
      return this.refuse(ip, reason, words, 403);
    }
    const sub = typeof claims.sub === 'string' ? claims.sub : '';
    const outcome = await this.account(settings, sub, claims, now);
    if (!outcome.ok) {
      await this.deps.db.transaction().execute(async (tx) => {
        let ended = 0;
        if (outcome.endSessions && outcome.account) {
          ended = await sessions.deleteUserSessions(tx, outcome.account.id);
          await this.deps.ends?.sessionsEnded(tx, [outcome.account.id]);
        }
        await auditSignInFailed(tx, {
          at: now,
          ip,
          method: 'oidc',
          account: outcome.account,
          reason: ended ? `${outcome.reason}; ${ended} session(s) ended` : outcome.reason,
        });
      });
      throw new OidcRefusal(outcome.message, 403);
    }
    const opened = await this.deps.auth.openSession(outcome.user, ip, false, undefined, undefined, userAgent, 'oidc');
    return { ...opened, next: attempt.next_path };
  }

  /** A refusal before any account is known: audited with the address, then thrown. */
  private async refuse(ip: string, reason: string, message: string, status: 400 | 403): Promise<never> {
    await auditSignInFailed(this.deps.db, { at: this.deps.clock(), ip, method: 'oidc', reason });
    throw new OidcRefusal(message, status);
  }

  /** An error from the code exchange or the ID token's checks: [audit reason, words for the person]. */
  private explain(err: unknown): [string, string] {
    // openid-client's ClientError wraps oauth4webapi's error, whose `cause.claim` names a failed claim.
    type Failure = { code?: string; message?: string; error?: string; cause?: Failure & { claim?: string } };
    const e = err as Failure;
    const message = `${e.message ?? ''} ${e.cause?.message ?? ''}`;
    const claim = e.cause?.cause?.claim ?? e.cause?.claim;
    this.deps.log?.warn({ code: e.code, error: e.error, err: message.slice(0, 200) }, 'oidc callback refused');
    if (claim === 'nonce' || /"nonce"/.test(message))
      return [
        'nonce mismatch',
        'The identity token does not belong to this sign-in (the nonce does not match). Start again from the sign-in page.',
      ];
    if (claim === 'aud' || /"aud"/.test(message))
      return [
        'wrong audience',
        'The identity token was issued for another application, not this desk. Start again from the sign-in page; if it happens again, tell the administrator.',
      ];
    if (e.error === 'invalid_grant')
      return [
        'code refused by provider',
        'The identity provider did not accept this sign-in any more (the code was used or expired). Start again from the sign-in page.',
      ];
    return [
      `token check failed: ${(e.code ?? e.error ?? 'error').slice(0, 60)}`,
      'The answer from the identity provider could not be checked, so you are not signed in. Start again from the sign-in page; if it happens again, tell the administrator.',
    ];
  }

  /**
   * The desk account for this provider identity, its role set from the claim, or why not. Runs in
   * one transaction: binding and provisioning cannot race with another sign-in of the same person.
   */
  private async account(
    settings: OidcSettings,
    sub: string,
    claims: Record<string, unknown>,
    now: Date,
  ): Promise<Outcome> {
    if (!sub) return { ok: false, reason: 'no subject', message: 'The identity provider did not say who you are.' };
    const role = roleFromClaim(settings, claims[settings.roleClaim]);
    const email = emailOf(claims);
    const office = this.deps.config.office.name;
    const noRole = (account?: AppUser): Outcome => ({
      ok: false,
      account,
      endSessions: Boolean(account),
      reason: `role claim gives no desk role (${settings.roleClaim})`,
      message: `Your organisation's account does not give you a role on the ${office} desk, so you cannot sign in. If you should have access, ask your administrator to give you the desk's officer or manager role.`,
    });
    return this.deps.db.transaction().execute(async (tx): Promise<Outcome> => {
      let user = await repo.findUserBySubject(tx, settings.issuer, sub);
      if (!user && email) {
        const byEmail = await users.findUserByEmail(tx, email);
        if (byEmail && (await repo.isBound(tx, byEmail.id)))
          return {
            ok: false,
            account: byEmail,
            reason: 'email already bound to another identity',
            message: `The desk account for ${email} is linked to a different account at the identity provider. Ask a manager to check it.`,
          };
        if (byEmail) {
          if (!byEmail.active) return this.disabled(byEmail);
          if (!role) return noRole(byEmail);
          await repo.bindIdentity(tx, { userId: byEmail.id, issuer: settings.issuer, sub, at: now });
          user = byEmail;
        }
      }
      if (!user) {
        if (!role) return noRole();
        if (this.deps.config.identity.oidc.provisioning !== 'claim' || !email)
          return {
            ok: false,
            reason: email ? 'no account (provisioning by invitation)' : 'no account and no email claim',
            message: email
              ? `There is no desk account for ${email} yet. Ask a manager on the ${office} desk to add you, then sign in again.`
              : 'The identity provider did not give an email address, so no desk account can be found for you. Ask your administrator.',
          };
        const made = await this.provision(tx, { email, claims, role, sub, now, settings });
        if (!made)
          return { ok: false, reason: 'provisioning race', message: 'Your account is being created. Sign in again.' };
        return { ok: true, user: made };
      }
      if (!user.active) return this.disabled(user);
      if (!role) return noRole(user);
      if (role !== user.role) {
        const updated = await users.updateUser(tx, user.id, { role, at: now });
        await audit(tx, {
          at: now,
          actor: { userId: null, email: 'identity provider' },
          action: 'user.role_from_claim',
          detail: { userId: user.id, email: user.email, from: user.role, to: role },
        });
        user = updated ?? { ...user, role };
      }
      return { ok: true, user };
    });
  }

  private disabled(user: AppUser): Outcome {
    return {
      ok: false,
      account: user,
      reason: 'account disabled',
      message: 'Your desk account is disabled. Ask a manager on the desk if you should have access.',
    };
  }

  /** Creates the account of a first sign-in ("claim" provisioning) and binds it; null when the email was taken meanwhile. */
  private async provision(
    tx: Tx,
    p: {
      email: string;
      claims: Record<string, unknown>;
      role: Role;
      sub: string;
      now: Date;
      settings: OidcSettings;
    },
  ): Promise<AppUser | null> {
    const given = typeof p.claims.name === 'string' ? p.claims.name.trim().slice(0, 200) : '';
    const user = await users.insertUser(tx, {
      email: p.email,
      name: given || p.email.split('@')[0],
      role: p.role,
      // A hash of a password nobody knows: the account signs in through the provider only (a
      // manager can still set one on the Users page). Made only here: scrypt is slow on purpose.
      password_hash: await hashPassword(randomBytes(32).toString('base64url')),
      at: p.now,
    });
    if (!user) return null;
    if (!(await repo.bindIdentity(tx, { userId: user.id, issuer: p.settings.issuer, sub: p.sub, at: p.now })))
      return null;
    await audit(tx, {
      at: p.now,
      actor: { userId: null, email: 'identity provider' },
      action: 'user.provisioned',
      detail: { userId: user.id, email: user.email, role: user.role },
    });
    return user;
  }
}
