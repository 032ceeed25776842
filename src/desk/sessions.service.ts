import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import { AppError } from '../http/errors.js';
import type { DeskSession } from '../web/session.js';
import * as sessions from './sessions.repository.js';
import { auditSessionsEnded } from './sign-in-audit.js';

/**
 * Tells every web process that sessions of these users ended, inside the transaction that ended
 * them, so their open live streams close within a second or two (LiveFeed's `sessionsEnded`).
 */
export interface SessionEndsPort {
  sessionsEnded(tx: Tx, userIds: readonly string[]): Promise<void>;
}

/** One of a user's sessions as the account page lists it. */
export interface SignedInSession {
  id: string;
  /** "Firefox on Windows", or null for a session from before the list existed. */
  device: string | null;
  /** The coarse network it signed in from ("203.0.113.0/24"), or null. */
  network: string | null;
  startedAt: Date;
  lastUsedAt: Date;
  /** The session of the request (this device). */
  current: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A short description of a browser from its User-Agent ("Firefox on Windows", "Safari on
 * iPhone"), for the account page's list: enough to recognise a device, and all that is kept of
 * the header. Null when nothing is recognised.
 */
export function describeDevice(userAgent: string | undefined): string | null {
  const ua = (userAgent ?? '').slice(0, 512);
  if (!ua) return null;
  const browser = /Edg(e|A|iOS)?\//.test(ua)
    ? 'Edge'
    : /OPR\/|Opera/.test(ua)
      ? 'Opera'
      : /SamsungBrowser\//.test(ua)
        ? 'Samsung Internet'
        : /Firefox\/|FxiOS\//.test(ua)
          ? 'Firefox'
          : /Chrome\/|CriOS\/|Chromium\//.test(ua)
            ? 'Chrome'
            : /Safari\//.test(ua)
              ? 'Safari'
              : null;
  const system = /iPhone/.test(ua)
    ? 'iPhone'
    : /iPad/.test(ua)
      ? 'iPad'
      : /Android/.test(ua)
        ? 'Android'
        : /Windows/.test(ua)
          ? 'Windows'
          : /CrOS/.test(ua)
            ? 'ChromeOS'
            : /Mac OS X|Macintosh/.test(ua)
              ? 'macOS'
              : /Linux/.test(ua)
                ? 'Linux'
                : null;
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? (system ? `A browser on ${system}` : 'Another program');
}

/**
 * The network of a client address as the account page shows it: an IPv4 address as its /24
 * ("203.0.113.0/24"), an IPv6 one as its /64 (`clientIp()` already gives that). The full
 * address is in the audit log; the session row keeps only this. Null when not an address.
 */
export function coarseAddress(ip: string): string | null {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  if (/^[0-9a-f:]+::\/64$/i.test(ip)) return ip;
  return null;
}

/**
 * A signed-in user's own sessions (issue 30, item 3): the list on the account page, ending one
 * of them, or every one but the session in use. Each ending is audited with the client address
 * and announced to every web process, so a live queue open in the ended session closes at once.
 */
export class SessionService {
  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      config: Pick<Config, 'desk'>;
      ends?: SessionEndsPort;
    },
  ) {}

  /** The user's live sessions (not expired, not idle too long), most recently used first; `s`'s is marked current. */
  async listOwn(s: DeskSession): Promise<SignedInSession[]> {
    const now = this.deps.clock();
    const idleMs = this.deps.config.desk.sessionIdleMinutes * 60_000;
    const rows = await sessions.listUserSessions(this.deps.db, s.user.id, now);
    return rows
      .filter((r) => r.id && now.getTime() - r.last_seen_at.getTime() <= idleMs)
      .map((r) => ({
        id: r.id!,
        device: r.device,
        network: r.client_address,
        startedAt: r.created_at,
        lastUsedAt: r.last_seen_at,
        current: r.token_hash === s.session.token_hash,
      }));
  }

  /**
   * Ends the user's session `id` (one of theirs, maybe the one in use: then they are signed out).
   * AppError('not_found') when it is not one of theirs (or already ended). Returns whether it was
   * the session in use.
   */
  async endOwn(s: DeskSession, id: string, ip: string): Promise<{ wasCurrent: boolean }> {
    if (!UUID.test(id)) throw new AppError('not_found', 'That session has already ended.');
    const now = this.deps.clock();
    const user = { id: s.user.id, email: s.user.email };
    return this.deps.db.transaction().execute(async (tx) => {
      const mine = (await sessions.listUserSessions(tx, s.user.id, now)).find((r) => r.id === id);
      if (!mine || !(await sessions.deleteUserSessionById(tx, s.user.id, id)))
        throw new AppError('not_found', 'That session has already ended.');
      await auditSessionsEnded(tx, {
        at: now,
        actor: { userId: user.id, email: user.email },
        user,
        ip,
        count: 1,
        how: 'one session',
        device: mine.device,
      });
      await this.deps.ends?.sessionsEnded(tx, [s.user.id]);
      return { wasCurrent: mine.token_hash === s.session.token_hash };
    });
  }

  /** Ends every session of the user but `s` ("Sign out everywhere else"). Returns how many ended. */
  async endOthers(s: DeskSession, ip: string): Promise<number> {
    const now = this.deps.clock();
    const user = { id: s.user.id, email: s.user.email };
    return this.deps.db.transaction().execute(async (tx) => {
      const count = await sessions.deleteOtherSessions(tx, s.user.id, s.session.token_hash);
      await auditSessionsEnded(tx, {
        at: now,
        actor: { userId: user.id, email: user.email },
        user,
        ip,
        count,
        how: 'everywhere else',
      });
      if (count) await this.deps.ends?.sessionsEnded(tx, [s.user.id]);
      return count;
    });
  }
}
