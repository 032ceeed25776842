import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type pg from 'pg';
import client from 'prom-client';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import { enquiryApiRoutes, enquiryFormRoutes } from './enquiries/enquiries.routes.js';
import { ErrorPage } from './enquiries/enquiry.views.js';
import { hoursRoutes } from './hours/hours.routes.js';
import { AppError, errorBody, isDatabaseUnavailable } from './http/errors.js';
import { healthRoutes } from './http/health.routes.js';
import { openApiRoutes } from './http/openapi.routes.js';
import { intakeRateLimit } from './http/rate-limit.js';
import type { Logger } from './log.js';
import { pagingStatus } from './oncall/paging-status.js';
import { twilioCallbackRoutes } from './oncall/twilio-callbacks.routes.js';
import { smsWebhookRoutes } from './sms/sms.routes.js';
import type { Services } from './services.js';
import { deskRoutes } from './desk/desk.routes.js';

export interface AppDeps extends Services {
  registry?: client.Registry;
}

const ASSETS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'http', 'assets');
// Served by the service itself (no CDN); read once at start.
const ASSETS: Record<string, { body: string; type: string }> = {
  'app.css': { body: readFileSync(join(ASSETS_DIR, 'app.css'), 'utf8'), type: 'text/css; charset=utf-8' },
  'desk.js': { body: readFileSync(join(ASSETS_DIR, 'desk.js'), 'utf8'), type: 'text/javascript; charset=utf-8' },
};

/** Paths answered with JSON errors; everything else is a page for people. */
function wantsJson(c: Context): boolean {
  const path = c.req.path;
  return (
    path.startsWith('/api/') || path === '/api' || path.startsWith('/twilio/') || path.endsWith('.json') || path === '/desk/events' || (c.req.header('accept') ?? '').startsWith('application/json')
  );
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

  const app = new Hono();

  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const ms = performance.now() - started;
    const route = c.req.routePath || 'unmatched';
    httpDuration.observe({ method: c.req.method, route, status: String(c.res.status) }, ms / 1000);
    log.info({ reqId: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(ms * 10) / 10 }, 'request');
  });
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
      strictTransportSecurity: config.publicBaseUrl.startsWith('https:') ? 'max-age=31536000; includeSubDomains' : false,
      xFrameOptions: 'DENY',
    }),
  );

  const limitBody = bodyLimit({
    maxSize: config.intake.maxBodyBytes,
    onError: () => {
      throw new AppError('payload_too_large', `The request body is larger than ${config.intake.maxBodyBytes} bytes`);
    },
  });
  const rateLimit = intakeRateLimit({ pool: deps.pool, limit: config.intake.rateLimit, trustProxyHops: config.intake.trustProxyHops, log });

  app.get('/assets/:name', (c) => {
    const asset = ASSETS[c.req.param('name')];
    if (!asset) throw new AppError('not_found', 'No such file');
    return c.body(asset.body, 200, { 'Content-Type': asset.type, 'Cache-Control': 'public, max-age=3600' });
  });

  app.route('/', healthRoutes({ db: deps.db, registry, paging: pagingStatus(config), metricsToken: config.metricsToken, log }));

  app.post('/enquiries', limitBody, rateLimit);
  app.post('/api/enquiries', limitBody, rateLimit);
  app.use('/twilio/*', limitBody);
  // The sign-in form is public too: without a limit it read a body of any size into memory.
  app.post('/desk/login', limitBody);

  const enquiryDeps = { service: deps.enquiries, config, clock: deps.clock };
  app.route('/', enquiryFormRoutes(enquiryDeps));
  app.route('/api', enquiryApiRoutes(enquiryDeps));
  app.route('/api', hoursRoutes({ office: config.office, clock: deps.clock }));
  app.route('/api', openApiRoutes());
  const twilioAuth = { authToken: config.twilio.authToken, publicBaseUrl: config.publicBaseUrl };
  app.route('/twilio', smsWebhookRoutes({ inbound: deps.inboundSms, ...twilioAuth }));
  app.route('/twilio', twilioCallbackRoutes({ paging: deps.paging, ...twilioAuth }));
  // Desk forms: a malformed body (a multipart body without or with the wrong boundary, cut
  // short) is the sender's mistake, 400, not a 500 from deep inside a handler. The parsed body is
  // cached by Hono, so handlers read it again for free.
  app.use('/desk/*', async (c, next) => {
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    if (c.req.method === 'POST' && (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded'))) {
      await c.req.parseBody().catch(() => {
        throw new AppError('bad_request', 'The form could not be read. Go back, reload the page and send it again.');
      });
    }
    await next();
  });
  app.route('/desk', deskRoutes(deps));

  app.notFound((c) => {
    const err = new AppError('not_found', wantsJson(c) ? `No route for ${c.req.method} ${c.req.path}` : 'The page you asked for does not exist.');
    return renderError(c, err);
  });

  app.onError((err, c) => {
    let appErr: AppError;
    if (err instanceof AppError) {
      appErr = err;
    } else if (isDatabaseUnavailable(err)) {
      log.error({ reqId: c.get('requestId'), err }, 'database unavailable');
      appErr = new AppError('unavailable', 'The service is briefly unavailable. Nothing was stored; please try again shortly.', {
        retryAfterSeconds: 5,
      });
    } else {
      log.error({ reqId: c.get('requestId'), err }, 'unhandled error');
      appErr = new AppError('internal', 'Something went wrong on our side. Nothing was stored; please try again.');
    }
    return renderError(c, appErr);
  });

  function renderError(c: Context, err: AppError) {
    if (err.details.retryAfterSeconds) c.header('Retry-After', String(err.details.retryAfterSeconds));
    if (wantsJson(c)) return c.json(errorBody(err), err.status as 400);
    c.status(err.status as 400);
    return c.html(<ErrorPage officeName={config.office.name} status={err.status} title={TITLES[err.status] ?? 'Error'} message={err.message} />);
  }

  return app;
}

export type App = ReturnType<typeof createApp>;
