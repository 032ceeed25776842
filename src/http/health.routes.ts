import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { sql } from 'kysely';
import type client from 'prom-client';
import type { Db } from '../db/database.js';
import { pendingMigrations } from '../db/migrations.js';
import type { Logger } from '../log.js';
import { AppError, errorBody } from './errors.js';

/** Constant-time comparison that does not even reveal the token's length (both sides hashed first). */
function sameDigest(given: string, token: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** Who may read `/metrics`: anyone (`metrics.public`), or a request carrying `token`; neither: nobody. */
export type MetricsAccess = { public: boolean; token: string | null };

/** Whether paging can send (oncall/paging-status.ts's PagingStatus, passed in: http imports no feature). */
export type PagingHealth = { on: true } | { on: false; missing: string[] };

/**
 * How each outside service measured last (src/health's `ServiceHealth.read`, passed in): `ok`,
 * `failing` with the error's class and the provider's code, or `off` (not configured).
 */
export type MeasuredHealth = () => Promise<
  Record<
    string,
    | { state: 'off' }
    | { state: 'ok'; since?: Date }
    | { state: 'failing'; errorClass: string; code: number | null; since: Date }
  >
>;

/** `/readyz`'s `health` (each channel's state) and `healthErrors` (each failing channel's class, code and since when). */
async function measured(read: MeasuredHealth) {
  const report = await read();
  const health: Record<string, 'ok' | 'failing' | 'off'> = {};
  const errors: Record<string, { errorClass: string; code: number | null; since: string }> = {};
  for (const [channel, h] of Object.entries(report)) {
    health[channel] = h.state;
    if (h.state === 'failing')
      errors[channel] = { errorClass: h.errorClass, code: h.code, since: h.since.toISOString() };
  }
  return { health, ...(Object.keys(errors).length ? { healthErrors: errors } : {}) };
}

/**
 * `/healthz` (the process answers), `/readyz` (the database answers and every migration is
 * applied: a load balancer should send traffic only then; it also says whether paging is on,
 * which configured numbers cannot take texts, and, when given `health`, how Twilio, the mailbox
 * and SMTP measured: `ok`, `failing` (with `healthErrors`) or `off`, never a reason to be unready) and
 * `/metrics` (Prometheus): with `Authorization: Bearer $METRICS_TOKEN` (compared in constant
 * time), or by anyone when `metrics.public`. A wrong or missing token is 401; with neither set
 * the endpoint does not exist (404): no credential could open it, so a 401 inviting one would
 * mislead, and a stranger learns nothing about what runs here.
 */
export function healthRoutes(deps: {
  db: Db;
  registry: client.Registry;
  paging: PagingHealth;
  metrics: MetricsAccess;
  log: Logger;
  noTexts?: readonly string[];
  health?: MeasuredHealth;
  /**
   * The identity provider for staff sign-in (issue 30): `ok`, `unreachable` or `unknown` (not
   * tried yet), or null when there is none (then not reported); never a reason to be unready.
   */
  identityProvider?: () => string | null;
}) {
  const app = new Hono();
  // Paging off is not a reason to take the service out of a load balancer (journalists can still
  // send enquiries), so it is reported beside "ready", never as a failure.
  const paging = deps.paging.on ? 'on' : 'off';
  // Config keys whose numbers cannot take texts (src/oncall/text-reach.ts): a warning, not a failure.
  const pagingDetail = {
    ...(deps.paging.on ? {} : { pagingMissing: deps.paging.missing }),
    ...(deps.noTexts?.length ? { cannotTakeTexts: deps.noTexts } : {}),
  };

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    try {
      await sql`SELECT 1`.execute(deps.db);
      const pending = await pendingMigrations(deps.db);
      if (pending.length)
        return c.json({ status: 'not ready', reason: 'migrations pending', pending, paging, ...pagingDetail }, 503);
      // Read after the migrations check: its table is one of them.
      const health = deps.health ? await measured(deps.health) : {};
      const provider = deps.identityProvider?.() ?? null;
      const identity = provider ? { identityProvider: provider } : {};
      return c.json({ status: 'ready', paging, ...health, ...identity, ...pagingDetail });
    } catch (err) {
      // The driver's message can name hosts, users and databases: the log has it, the public does not.
      deps.log.warn({ err }, 'readiness check: database unreachable');
      c.header('Retry-After', '5');
      return c.json({ status: 'not ready', reason: 'database unreachable', paging, ...pagingDetail }, 503);
    }
  });

  app.get('/metrics', async (c) => {
    const { token } = deps.metrics;
    if (!deps.metrics.public) {
      // Exactly what an unknown path gets.
      if (!token) return c.notFound();
      const header = c.req.header('authorization') ?? '';
      const given = /^bearer /i.test(header) ? header.slice('bearer '.length).trim() : '';
      if (!sameDigest(given, token)) {
        return c.json(errorBody(new AppError('unauthenticated', 'A bearer token is needed for /metrics')), 401, {
          'WWW-Authenticate': 'Bearer',
        });
      }
    }
    return c.body(await deps.registry.metrics(), 200, { 'Content-Type': deps.registry.contentType });
  });

  return app;
}
