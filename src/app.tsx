import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { limitBody } from './http/body.js';
import { getCookie } from 'hono/cookie';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import client from 'prom-client';
import { ErrorPage } from './enquiries/enquiry.views.js';
import { pageLanguage } from './http/language-switch.js';
import { t } from './i18n/catalogue.js';
import { ERROR_PAGE_STATUSES } from './i18n/messages/errors.js';
import { hoursRoutes } from './http/hours.routes.js';
import { AppError, errorBody, isDatabaseUnavailable } from './http/errors.js';
import { healthRoutes } from './http/health.routes.js';
import { openApiRoutes } from './http/openapi.routes.js';
import { intakeRateLimit } from './http/rate-limit.js';
import { pagingStatus } from './oncall/paging-status.js';
import { configKeysWithoutTexts } from './oncall/text-reach.js';
import type { Services } from './services.js';
import { AREAS, matchesRule, type PathRule } from './feature.js';
import { API_ROUTES, FEATURES } from './features.js';
import { linkResponseHeaders } from './oncall/link.routes.js';
import { SESSION_COOKIE, type DeskEnv } from './web/session.js';

export interface AppDeps extends Services {
  registry?: client.Registry;
}

const ASSETS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'http', 'assets');
// Served by the service itself (no CDN); read once at start.
const ASSETS: Record<string, { body: string; type: string }> = {
  'app.css': { body: readFileSync(join(ASSETS_DIR, 'app.css'), 'utf8'), type: 'text/css; charset=utf-8' },
  'desk.js': { body: readFileSync(join(ASSETS_DIR, 'desk.js'), 'utf8'), type: 'text/javascript; charset=utf-8' },
  'insert.js': { body: readFileSync(join(ASSETS_DIR, 'insert.js'), 'utf8'), type: 'text/javascript; charset=utf-8' },
  'presence.js': {
    body: readFileSync(join(ASSETS_DIR, 'presence.js'), 'utf8'),
    type: 'text/javascript; charset=utf-8',
  },
  // Passkeys (issue 30): the page script, and @simplewebauthn/browser's bundle (a runtime dependency).
  'passkey.js': { body: readFileSync(join(ASSETS_DIR, 'passkey.js'), 'utf8'), type: 'text/javascript; charset=utf-8' },
  'webauthn.js': {
    body: readFileSync(
      join(
        dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')),
        '..',
        'dist',
        'bundle',
        'index.umd.min.js',
      ),
      'utf8',
    ),
    type: 'text/javascript; charset=utf-8',
  },
};

// The JSON-error table: the features' paths, the kernel's own API routes (office hours, the
// OpenAPI document), and, anywhere, a `.json` path or a client that accepts JSON.
const JSON_PATHS: readonly PathRule[] = [
  ...new Set<PathRule>(['/api', '/api/*', ...FEATURES.flatMap((f) => (f.routes ?? []).flatMap((r) => r.json ?? []))]),
];

/** True when errors on `path` are answered as JSON by the path alone (the Accept header aside). */
export function jsonErrorPath(path: string): boolean {
  return path.endsWith('.json') || JSON_PATHS.some((rule) => matchesRule(rule, path));
}

/** Paths answered with JSON errors; everything else is a page for people. */
function wantsJson(c: Context): boolean {
  return jsonErrorPath(c.req.path) || (c.req.header('accept') ?? '').startsWith('application/json');
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Sign in required',
  403: 'Forbidden',
  404: 'Page not found',
  405: 'Method not allowed',
  413: 'Too much data',
  415: 'Unsupported form encoding',
  422: 'Check your answers',
  429: 'Too many requests',
  503: 'Service unavailable',
  500: 'Sorry, something went wrong',
};

/** Which body limit a request meets: public intake and webhooks, a signed-in desk form, or none. */
type BodyAllowance = 'public' | 'desk' | 'none';

// The body-limit table, from the features' route groups: a public rule wins over a desk one
// (the desk's login page is public, the rest of /desk is not).
const BODY_PATHS = {
  public: [...new Set(FEATURES.flatMap((f) => (f.routes ?? []).flatMap((r) => r.bodies?.public ?? [])))],
  desk: [...new Set(FEATURES.flatMap((f) => (f.routes ?? []).flatMap((r) => r.bodies?.desk ?? [])))],
};

/** The body limit of each route of the route table; anything not listed takes no body. */
export function bodyAllowance(method: string, path: string): BodyAllowance {
  if (method !== 'POST') return 'none';
  if (BODY_PATHS.public.some((rule) => matchesRule(rule, path))) return 'public';
  if (BODY_PATHS.desk.some((rule) => matchesRule(rule, path))) return 'desk';
  return 'none';
}

/** True when the request says a body follows (chunked, or a non-zero Content-Length). */
function declaresBody(c: Context): boolean {
  if (c.req.header('transfer-encoding') !== undefined) return true;
  const length = c.req.header('content-length');
  return length !== undefined && length.trim() !== '0';
}

/**
 * A desk POST without a live session, answered before its body is read, as `requireSession`
 * answers it (401 for JSON clients, otherwise the login page). The unread body makes the
 * connection unusable, so it is closed.
 */
function refuseAnonymousDesk(c: Context) {
  if (declaresBody(c)) c.header('Connection', 'close');
  const accept = c.req.header('accept') ?? '';
  if (accept.includes('application/json') || c.req.path.endsWith('.json'))
    throw new AppError('unauthenticated', 'Sign in to the desk first');
  return c.redirect('/desk/login', 303);
}

/**
 * Builds the HTTP application: every area's routes, security headers, body limits, rate limits,
 * metrics and the one error mapping. Pure wiring: no I/O happens until a request arrives.
 */
export function createApp(deps: AppDeps) {
  const { config, log } = deps;
  const registry = deps.registry ?? new client.Registry();
  const httpDuration = new client.Histogram({
    name: 'pressdesk_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  const app = new Hono<DeskEnv>();

  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const ms = performance.now() - started;
    const route = c.req.routePath || 'unmatched';
    httpDuration.observe({ method: c.req.method, route, status: String(c.res.status) }, ms / 1000);
    // The link in a page SMS is a credential: its token never reaches the log.
    log.info(
      {
        reqId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path.replace(/^\/(m\/list|m|status|q|s|r|rota\/feed|cover)\/[^/]+/, '/$1/[link]'),
        status: c.res.status,
        ms: Math.round(ms * 10) / 10,
      },
      'request',
    );
  });
  // The on-call link's own headers (src/oncall/link.routes.tsx), set after secureHeaders' so they win.
  app.use('/m/*', linkResponseHeaders);
  // The journalist's status link is a bearer link too: the same headers (no referrer, no store, noindex).
  app.use('/status/*', linkResponseHeaders);
  // And a colleague's answer link (src/colleagues/).
  app.use('/q/*', linkResponseHeaders);
  // And an approver's sign-off link (src/statements/).
  app.use('/s/*', linkResponseHeaders);
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      referrerPolicy: 'same-origin',
      strictTransportSecurity: config.publicBaseUrl.startsWith('https:')
        ? 'max-age=31536000; includeSubDomains'
        : false,
      xFrameOptions: 'DENY',
      // A route's own header wins: an email attachment's sandbox policy (src/email/attachments.routes.ts)
      // was replaced by the pages' one, which allows the desk's scripts (issue 22, item 8).
      overwrite: false,
    }),
  );

  // Every request meets its body limit here, before any route could buffer a byte (issue 12,
  // finding 1): public forms and webhooks `intake.maxBodyBytes`, signed-in desk forms
  // `desk.maxBodyBytes` (checked only after the session, so an anonymous sender's body is never
  // read), and a route that takes no body refuses one. Only POST ever carries a body here.
  const limits = { public: limitBody(config.intake.maxBodyBytes), desk: limitBody(config.desk.maxBodyBytes) };
  app.use(async (c, next) => {
    await next();
    // Any answer given while the body is still arriving (a 429 or 415 before reading it) leaves
    // unread bytes on the connection: close it rather than let the next request read them.
    if (declaresBody(c) && (c.env as { incoming?: { complete?: boolean } } | undefined)?.incoming?.complete === false)
      c.header('Connection', 'close');
  });
  app.use(async (c, next) => {
    const allowance = bodyAllowance(c.req.method, c.req.path);
    if (allowance === 'public') return limits.public(c, next);
    if (allowance === 'desk') {
      const session = await deps.auth.resume(getCookie(c, SESSION_COOKIE));
      if (!session) return refuseAnonymousDesk(c);
      c.set('desk', session);
      return limits.desk(c, next);
    }
    if (declaresBody(c)) throw new AppError('payload_too_large', 'This address does not take a request body');
    await next();
  });
  const rateLimit = intakeRateLimit({
    pool: deps.pool,
    limit: config.intake.rateLimit,
    trustProxyHops: config.intake.trustProxyHops,
    log,
  });

  app.get('/assets/:name', (c) => {
    const asset = ASSETS[c.req.param('name')];
    if (!asset) throw new AppError('not_found', 'No such file');
    return c.body(asset.body, 200, { 'Content-Type': asset.type, 'Cache-Control': 'public, max-age=3600' });
  });

  app.route(
    '/',
    healthRoutes({
      db: deps.db,
      registry,
      paging: pagingStatus(config),
      noTexts: configKeysWithoutTexts(config),
      health: () => deps.health.read(),
      identityProvider: () => (deps.oidc?.enabled ? deps.oidc.state() : null),
      metrics: { public: config.metrics.public, token: config.metricsToken },
      log,
    }),
  );

  // Every feature's route groups, in feature-list order.
  const groups = FEATURES.flatMap((f) => f.routes ?? []);
  // Each group's POST guards (the intake's cross-site refusal and rate limit), before any route.
  for (const g of groups)
    for (const [path, first, ...more] of g.guards?.(deps, { intakeRateLimit: rateLimit }) ?? [])
      app.post(path, first, ...more);

  // Desk forms: a malformed body (a multipart body without or with the wrong boundary, cut
  // short) is the sender's mistake, 400, not a 500 from deep inside a handler. The parsed body is
  // cached by Hono, so handlers read it again for free.
  const readDeskForm: MiddlewareHandler = async (c, next) => {
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    if (
      c.req.method === 'POST' &&
      (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded'))
    ) {
      await c.req.parseBody().catch(() => {
        throw new AppError('bad_request', 'The form could not be read. Go back, reload the page and send it again.');
      });
    }
    await next();
  };
  // Every feature's route groups, area by area (src/feature.ts AREAS), in feature-list order
  // within an area; the kernel's office hours and OpenAPI document follow the API's features.
  for (const area of AREAS) {
    if (area === 'desk') app.use('/desk/*', readDeskForm);
    for (const g of groups) if (g.area === area) app.route(g.mount, g.build(deps, FEATURES));
    if (area === 'api') {
      app.route('/api', hoursRoutes({ office: config.office, clock: deps.clock }));
      app.route('/api', openApiRoutes(API_ROUTES));
    }
  }

  app.notFound((c) => {
    const err = new AppError(
      'not_found',
      wantsJson(c) ? `No route for ${c.req.method} ${c.req.path}` : 'The page you asked for does not exist.',
    );
    return renderError(c, err);
  });

  app.onError((err, c) => {
    let appErr: AppError;
    if (err instanceof AppError) {
      appErr = err;
    } else if (isDatabaseUnavailable(err)) {
      log.error({ reqId: c.get('requestId'), err }, 'database unavailable');
      appErr = new AppError(
        'unavailable',
        'The service is briefly unavailable. Nothing was stored; please try again shortly.',
        {
          retryAfterSeconds: 5,
        },
      );
    } else {
      log.error({ reqId: c.get('requestId'), err }, 'unhandled error');
      appErr = new AppError('internal', 'Something went wrong on our side. Nothing was stored; please try again.');
    }
    return renderError(c, appErr);
  });

  function renderError(c: Context, err: AppError) {
    if (err.details.retryAfterSeconds) c.header('Retry-After', String(err.details.retryAfterSeconds));
    // A body refused unread is still on its way: the connection cannot carry another request.
    if (err.code === 'payload_too_large') c.header('Connection', 'close');
    if (wantsJson(c)) return c.json(errorBody(err), err.status as 400);
    c.status(err.status as 400);
    // A journalist's page in another language (issue 31): the same error in general words, by
    // status. Staff pages and Twilio's webhooks stay English; so does an English-only office.
    const offered = config.office.languages;
    const lang =
      offered.length > 1 && !c.req.path.startsWith('/desk') && !c.req.path.startsWith('/twilio')
        ? pageLanguage(c, offered)
        : 'en';
    if (lang !== 'en') {
      const status = ERROR_PAGE_STATUSES.find((s) => s === err.status) ?? 500;
      return c.html(
        <ErrorPage
          officeName={config.office.name}
          status={err.status}
          title={t(lang, `errors.${status}.title`)}
          message={t(lang, `errors.${status}.text`)}
          lang={lang}
        />,
      );
    }
    return c.html(
      <ErrorPage
        officeName={config.office.name}
        status={err.status}
        title={TITLES[err.status] ?? 'Error'}
        message={err.message}
      />,
    );
  }

  return app;
}

export type App = ReturnType<typeof createApp>;
