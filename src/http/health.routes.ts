import { Hono } from 'hono';
import { sql } from 'kysely';
import client from 'prom-client';
import type { Db } from '../db/database.js';
import { pendingMigrations } from '../db/migrations.js';
import type { PagingStatus } from '../oncall/paging-status.js';
import { sameToken } from '../desk/auth.middleware.js';
import type { Logger } from '../log.js';
import { AppError, errorBody } from './errors.js';

/**
 * `/healthz` (the process answers), `/readyz` (the database answers and every migration is
 * applied: a load balancer should send traffic only then; it also says whether paging is on) and
 * `/metrics` (Prometheus; behind a bearer token when `metricsToken` is set).
 */
export function healthRoutes(deps: { db: Db; registry: client.Registry; paging: PagingStatus; metricsToken: string | null; log: Logger }) {
  const app = new Hono();
  // Paging off is not a reason to take the service out of a load balancer (journalists can still
  // send enquiries), so it is reported beside "ready", never as a failure.
  const paging = deps.paging.on ? 'on' : 'off';
  const pagingDetail = deps.paging.on ? {} : { pagingMissing: deps.paging.missing };

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    try {
      await sql`SELECT 1`.execute(deps.db);
      const pending = await pendingMigrations(deps.db);
      if (pending.length) return c.json({ status: 'not ready', reason: 'migrations pending', pending, paging, ...pagingDetail }, 503);
      return c.json({ status: 'ready', paging, ...pagingDetail });
    } catch (err) {
      // The driver's message can name hosts, users and databases: the log has it, the public does not.
      deps.log.warn({ err }, 'readiness check: database unreachable');
      c.header('Retry-After', '5');
      return c.json({ status: 'not ready', reason: 'database unreachable', paging, ...pagingDetail }, 503);
    }
  });

  app.get('/metrics', async (c) => {
    if (deps.metricsToken) {
      const header = c.req.header('authorization') ?? '';
      const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
      if (!sameToken(token, deps.metricsToken)) {
        return c.json(errorBody(new AppError('unauthenticated', 'A bearer token is needed for /metrics')), 401, { 'WWW-Authenticate': 'Bearer' });
      }
    }
    return c.body(await deps.registry.metrics(), 200, { 'Content-Type': deps.registry.contentType });
  });

  return app;
}
