import { Hono } from 'hono';
import { sql } from 'kysely';
import client from 'prom-client';
import type { Db } from '../db/database.js';
import { pendingMigrations } from '../db/migrations.js';

/**
 * `/healthz` (the process answers), `/readyz` (the database answers and every migration is
 * applied: a load balancer should send traffic only then) and `/metrics` (Prometheus).
 */
export function healthRoutes(deps: { db: Db; registry: client.Registry }) {
  const app = new Hono();

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    try {
      await sql`SELECT 1`.execute(deps.db);
      const pending = await pendingMigrations(deps.db);
      if (pending.length) return c.json({ status: 'not ready', reason: 'migrations pending', pending }, 503);
      return c.json({ status: 'ready' });
    } catch (err) {
      c.header('Retry-After', '5');
      return c.json({ status: 'not ready', reason: 'database unreachable', detail: (err as Error).message }, 503);
    }
  });

  app.get('/metrics', async (c) => {
    return c.body(await deps.registry.metrics(), 200, { 'Content-Type': deps.registry.contentType });
  });

  return app;
}
