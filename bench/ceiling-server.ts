/**
 * The ceiling of this stack on this machine: a bare Hono app on @hono/node-server that, per
 * `POST /api/enquiries`, parses the JSON body and does one `INSERT … RETURNING` through pg into
 * `bench_ceiling`, a table of the same width as `enquiry` (its columns, defaults, identity and
 * generated search vector; a primary key and no other index). No validation, office hours,
 * transaction, timeline event, rate limit, logging or metrics: what Press Desk does on top of
 * this is what the intake ratio measures.
 *
 *   DATABASE_URL=… PORT=… node --import tsx bench/ceiling-server.ts
 *
 * Started by bench/run.ts, which creates the table first (CEILING_TABLE_SQL in bench/lib.ts).
 * Listens on 127.0.0.1 only. `GET /healthz` answers once it listens.
 */
import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import pg from 'pg';

const url = process.env.DATABASE_URL;
const port = Number(process.env.PORT);
if (!url || !port) {
  process.stderr.write('ceiling-server: DATABASE_URL and PORT are required\n');
  process.exit(2);
}

// Sized like the service's pool (src/db/database.ts).
const pool = new pg.Pool({ connectionString: url, max: 10, application_name: 'press-desk-bench-ceiling' });
pool.on('error', () => undefined);

const INSERT = `INSERT INTO bench_ceiling
  (reference, channel, status, name, outlet, email, phone, subject, details, deadline, urgent, urgent_reason,
   out_of_hours, needs_on_call, respond_by, received_at, updated_at)
  VALUES ($1, 'api', 'new', $2, $3, $4, $5, $6, $7, $8, $9, NULL, false, false, $10, $11, $11)
  RETURNING id, reference, status, received_at`;

const app = new Hono();
app.get('/healthz', (c) => c.json({ status: 'ok' }));
app.post('/api/enquiries', async (c) => {
  const b = (await c.req.json()) as Record<string, unknown>;
  const now = new Date();
  const deadline = typeof b.deadline === 'string' ? new Date(b.deadline) : null;
  const { rows } = await pool.query(INSERT, [
    `PC-${randomBytes(6).toString('hex')}`,
    b.name,
    b.outlet,
    b.email ?? null,
    b.phone ?? null,
    b.subject,
    b.details,
    deadline,
    b.urgent === true,
    deadline,
    now,
  ]);
  return c.json(rows[0], 201);
});

const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
const stop = () => server.close(() => void pool.end().finally(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
