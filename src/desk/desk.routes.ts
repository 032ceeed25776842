import { Hono } from 'hono';
import type { QuestionService } from '../colleagues/questions.service.js';
import type { SignOffService } from '../statements/signoff.service.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { DeskPages } from '../feature.js';
import { pagingStatus } from '../oncall/paging-status.js';
import { deskSession, requireManager, requireSession, type DeskEnv, type DeskNavLink } from '../web/session.js';
import { authRoutes, safeNext } from './auth.routes.js';
import { oidcRoutes } from './oidc.routes.js';
import type { OidcService } from './oidc.service.js';
import type { DeskNotice } from '../web/layout.js';
import type { AuthService } from './auth.service.js';
import { caseworkRoutes } from './casework.routes.js';
import type { CaseworkService } from './casework.service.js';
import type { LiveFeed } from './live-feed.js';
import { managerRoutes, type ManagerRouteDeps } from './manager.routes.js';
import { queueRoutes } from './queue.routes.js';
import { presenceRoutes } from './presence.routes.js';
import type { PresenceService } from './presence.service.js';
import { accountRoutes } from './users.routes.js';
import {
  secondFactorAccountRoutes,
  secondFactorGuard,
  secondFactorLoginRoutes,
  secondFactorManagerRoutes,
  secondFactorStep,
} from './second-factor.routes.js';
import type { SecondFactorService } from './second-factor.service.js';
import type { DigestService } from '../reports/digest.service.js';

/** The desk's own pages only managers may reach (under /desk): the staff accounts and the audit log. */
export const DESK_MANAGER_AREAS = ['/users', '/audit'] as const;

/** The desk's own sections in the header, ranked among the features' (`DeskPages.nav`). */
const DESK_NAV = [
  { href: '/desk', label: 'Queue', rank: 0 },
  { href: '/desk/users', label: 'Users', rank: 40 },
  { href: '/desk/audit', label: 'Audit log', rank: 50 },
] as const satisfies readonly NonNullable<DeskPages<unknown>['nav']>[];

/** The header's sections in rank order, each marked managers-only when its path is in `areas`. */
export function deskNav<S>(pages: readonly DeskPages<S>[], areas: readonly string[]): DeskNavLink[] {
  const under = (href: string, area: string) => href === `/desk${area}` || href.startsWith(`/desk${area}/`);
  return [...DESK_NAV, ...pages.flatMap((p) => (p.nav ? [p.nav] : []))]
    .sort((a, b) => a.rank - b.rank)
    .map(({ href, label }) => ({ href, label, managerOnly: areas.some((a) => under(href, a)) }));
}

/** Every feature's desk pages, in feature-list order (the order the desk mounts them). */
export function deskPagesOf<S>(features: readonly { deskPages?: readonly DeskPages<S>[] }[]): DeskPages<S>[] {
  return features.flatMap((f) => f.deskPages ?? []);
}

/** Every path (under /desk) only managers may reach: the desk's own and each feature's `managerOnly`. */
export function managerAreas<S>(pages: readonly DeskPages<S>[]): `/${string}`[] {
  return [...DESK_MANAGER_AREAS, ...pages.flatMap((p) => p.managerOnly ?? [])];
}

export interface DeskDeps extends ManagerRouteDeps {
  db: Db;
  clock: Clock;
  config: Config;
  auth: AuthService;
  casework: CaseworkService;
  live: LiveFeed;
  /** The handover digest the queue offers to send. */
  digest: DigestService;
  /** Questions to colleagues: the enquiry page's panel, the queue's "Waiting on …". */
  questions: QuestionService;
  /** Drafts and sign-off: the enquiry page's panel and the release gate's messages. */
  signOff: SignOffService;
  /** Who else has an enquiry open, and the stale-send guard (issue 29). */
  presence: PresenceService;
  /** Sign-in through the organisation's OpenID Connect provider (issue 30; off without OIDC_ISSUER). */
  oidc?: OidcService;
  /** The second factor of local accounts (issue 30, item 2). */
  secondFactor: SecondFactorService;
}

/**
 * Everything under `/desk`: the desk's own pages (the queue, an enquiry, the accounts, the audit
 * log), then each feature's `pages` in feature-list order. Only the login page is public; every
 * other route needs a session (and a CSRF token to change anything), and the manager areas
 * (`managerAreas`) need the manager role.
 */
export function deskRoutes<S extends DeskDeps>(deps: S, pages: readonly DeskPages<S>[]) {
  const app = new Hono<DeskEnv>();
  app.route(
    '/',
    authRoutes({
      auth: deps.auth,
      users: deps.users,
      config: deps.config,
      oidc: deps.oidc,
      secondFactor: secondFactorStep(deps),
    }),
  );
  // The second step of a password sign-in (public: a right password is not yet a session).
  app.route('/', secondFactorLoginRoutes(deps));
  // Sign-in through the organisation's identity provider (issue 30): public like the sign-in page.
  if (deps.config.oidc && deps.oidc) app.route('/', oidcRoutes({ oidc: deps.oidc, config: deps.config, safeNext }));
  app.use('*', requireSession(deps.auth));
  const fixed = deskNotices(deps.config);
  const sources = pages.flatMap((p) => (p.notices ? [p.notices(deps)] : []));
  const areas = managerAreas(pages);
  const nav = deskNav(pages, areas);
  // Sections with a count for the signed-in user (their unread notifications), by href.
  const counters = pages.flatMap((p) => (p.nav && p.navCount ? [{ href: p.nav.href, read: p.navCount(deps) }] : []));
  app.use('*', async (c, next) => {
    const session = deskSession(c);
    // Only pages show notices: a form post redirects to a page, and the live stream shows none.
    const page = c.req.method === 'GET' && !c.req.path.endsWith('/events');
    const [live, counts] = page
      ? await Promise.all([
          Promise.all(sources.map((read) => read())).then((l) => l.flat()),
          Promise.all(counters.map(async (k) => [k.href, await k.read(session.user.id)] as const)),
        ])
      : [[], []];
    const counted = new Map<string, number>(counts);
    const notices = [
      ...fixed,
      ...live.filter((n) => !n.managersOnly || session.user.role === 'manager').map(({ managersOnly: _, ...n }) => n),
    ];
    const withCounts = counted.size
      ? nav.map((l) => (counted.get(l.href) ? { ...l, count: counted.get(l.href) } : l))
      : nav;
    c.set('desk', { ...session, nav: withCounts, ...(notices.length ? { notices } : {}) });
    await next();
  });
  // Before any page: a guard added after a page's handler would not run for it.
  for (const area of areas) {
    app.use(area, requireManager);
    app.use(`${area}/*`, requireManager);
  }
  // A session that must first set up a second factor (identity.requireSecondFactor) reaches only that.
  app.use('*', secondFactorGuard(deps));
  app.route('/', secondFactorAccountRoutes(deps));
  app.route('/', secondFactorManagerRoutes(deps));
  app.route('/', queueRoutes(deps));
  app.route('/', caseworkRoutes(deps));
  app.route('/', presenceRoutes(deps));
  app.route('/', accountRoutes(deps));
  app.route('/', managerRoutes(deps));
  for (const p of pages) app.route('/', p.build(deps));
  return app;
}

/** What staff must see on every desk page, from the configuration the service started with. */
export function deskNotices(config: Config): DeskNotice[] {
  const notices: DeskNotice[] = [];
  const paging = pagingStatus(config);
  if (!config.email.configured) {
    const missing = [
      config.email.imap ? null : 'IMAP_URL (or IMAP_HOST and IMAP_USER) with IMAP_PASSWORD or IMAP_ACCESS_TOKEN',
      config.email.smtpUrl ? null : 'SMTP_URL',
      config.email.from ? null : 'PRESSDESK_EMAIL_FROM',
    ].filter(Boolean);
    notices.push({
      title: 'Email is not connected: enquiries sent to the press office mailbox are not in this queue.',
      text: `Press Desk reads the shared mailbox and answers by email only when it has ${missing.join(', ')}. Until then, check the mailbox as well. Set the missing settings and restart.`,
    });
  }
  if (paging.on) return notices;
  return [
    ...notices,
    {
      title: 'Paging is off: urgent enquiries out of hours reach nobody’s phone.',
      text:
        `Press Desk has no Twilio credentials (${paging.missing.join(', ')} not set), so it cannot send SMS or make calls. ` +
        `Journalists with urgent enquiries are told to ring the out-of-hours line (${config.onCall.fallbackNumber}) instead. ` +
        'Set the missing variables and restart to turn paging on.',
    },
  ];
}
