import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { AppError } from '../http/errors.js';
import type { AppUser, UserSession } from './staff.tables.js';

export const SESSION_COOKIE = 'pd_session';

/** Something every desk page shows staff above its content until it is put right. */
export interface DeskNotice {
  title: string;
  text: string;
  /** Where it is put right (a desk page). */
  href?: string;
}

/** A section in the desk's header: managers-only sections are shown to managers only. */
export interface DeskNavLink {
  href: `/desk${string}`;
  label: string;
  managerOnly: boolean;
  /** For the signed-in user: how many new things the section has (unread notifications); absent or 0: none. */
  count?: number;
}

/** A signed-in staff member on one request. */
export interface DeskSession {
  token: string;
  session: UserSession;
  user: AppUser;
  /** What every desk page must tell staff (set by the desk routes; see DeskLayout). */
  notices?: readonly DeskNotice[];
  /** The desk's sections for the header, in order (set by the desk routes from every feature's pages). */
  nav?: readonly DeskNavLink[];
}

/** What the guard needs of the sign-in service (desk/auth.service.ts's AuthService): a session from its cookie. */
export interface SessionResumer {
  resume(token: string | undefined): Promise<DeskSession | null>;
}

/** Hono variables of a signed-in desk request. */
export type DeskEnv = { Variables: { desk: DeskSession } };

/** The signed-in staff member (only behind `requireSession`). */
export function deskSession(c: Context): DeskSession {
  const s = c.get('desk') as DeskSession | undefined;
  if (!s) throw new Error('deskSession() used on a route without requireSession');
  return s;
}

function wantsJson(c: Context): boolean {
  return (
    (c.req.header('accept') ?? '').includes('application/json') ||
    c.req.path.endsWith('.json') ||
    c.req.path === '/desk/events'
  );
}

/** Constant-time comparison of two tokens. */
export function sameToken(a: string | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Every desk route but the login page: a live session or nothing (a redirect to the login page
 * for people, 401 for JSON and event streams). State-changing requests must also carry the
 * session's CSRF token (form field `_csrf` or header `X-CSRF-Token`).
 */
export function requireSession(auth: SessionResumer): MiddlewareHandler<DeskEnv> {
  return async (c, next) => {
    // A desk POST's session was already resumed by the app's body-limit check (before its body
    // was read); resuming it again would be a second lookup (and touch) of the same row.
    const session = c.get('desk') ?? (await auth.resume(getCookie(c, SESSION_COOKIE)));
    if (!session) {
      if (wantsJson(c)) throw new AppError('unauthenticated', 'Sign in to the desk first');
      const next =
        c.req.method === 'GET' ? `?next=${encodeURIComponent(c.req.path + (new URL(c.req.url).search || ''))}` : '';
      return c.redirect(`/desk/login${next}`, 303);
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      let token = c.req.header('x-csrf-token');
      if (!token) {
        const type = c.req.header('content-type') ?? '';
        if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
          const body = await c.req.parseBody();
          token = typeof body._csrf === 'string' ? body._csrf : undefined;
        }
      }
      if (!sameToken(token, session.session.csrf_token)) {
        throw new AppError(
          'csrf',
          'This form has expired or did not come from the desk. Go back, reload the page and try again.',
        );
      }
    }
    c.set('desk', session);
    await next();
  };
}

/** Manager-only routes: 403 for officers. */
export const requireManager: MiddlewareHandler<DeskEnv> = async (c, next) => {
  if (deskSession(c).user.role !== 'manager') throw new AppError('forbidden', 'Only managers can do this.');
  await next();
};
