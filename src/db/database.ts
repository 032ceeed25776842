import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

// bigint ids come back as strings (safe for JS); timestamptz as Date (pg's default).
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

/** A pg pool for `url`, sized for one process; errors on idle clients are logged, not fatal. */
export function createPool(
  url: string,
  opts: { max?: number; onError?: (err: Error) => void; statementTimeoutMs?: number } = {},
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 20,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // A statement that hangs (e.g. a lock during a restart) must not hold a request forever.
    statement_timeout: opts.statementTimeoutMs ?? 15_000,
    application_name: 'press-desk',
  });
  // Without a listener, a connection dropped by a database restart would crash the process.
  pool.on('error', (err) => opts.onError?.(err));
  // The pool listens only while a client is idle: one checked out (a transaction between two
  // statements) whose connection is cut emits 'error' with nobody listening, which killed the
  // process when PostgreSQL restarted. Listen on every client; its next query fails anyway.
  pool.on('connect', (client) => client.on('error', (err) => opts.onError?.(err)));
  return pool;
}

/** A Kysely instance over `pool`. Destroying it ends the pool. */
export function createDb(pool: pg.Pool): Db {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** The part of a pg pool rate-limiter-flexible's `storeType: 'pool'` uses. */
export interface QueryClient {
  query(q: pg.QueryConfig): Promise<pg.QueryResult>;
}

/**
 * `pool` for a library that names its prepared statements (rate-limiter-flexible), with the names
 * dropped. A named statement lives in one server session, and behind a transaction-mode pooler
 * the next query may reach another ("prepared statement … does not exist"): PgBouncer before 1.21
 * cannot follow them at all, and later ones only with `max_prepared_statements`. Unnamed, each
 * statement is parsed and run in one exchange, which works through any pooler.
 */
export function unnamedStatements(pool: pg.Pool): QueryClient {
  return { query: (q) => pool.query({ text: q.text, values: q.values }) };
}
