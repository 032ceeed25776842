import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

// bigint ids come back as strings (safe for JS); timestamptz as Date (pg's default).
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

/** The statements marked `prepared`, by text: the name each connection prepares it under. */
const preparedNames = new Map<string, string>();

/**
 * Marks `text` as one of the few statements run often enough to be parsed and planned once per
 * connection and after that only bound and run (a named prepared statement), and returns it
 * unchanged. Planning intake's three-table insert cost PostgreSQL more than running it: it read
 * the catalogue for every index and dependency of `enquiry` on each request (issue 32). Only for
 * constant texts (each one is kept in every connection), and only for statements whose result
 * columns are listed, not `*`: a prepared statement whose result changes shape fails ("cached
 * plan must not change result type"), as a column added by a newer version's migration would.
 * Pools made with `namedStatements: false` send it unnamed like any other.
 */
export function prepared(text: string): string {
  if (!preparedNames.has(text))
    preparedNames.set(text, `pd_${createHash('sha256').update(text).digest('hex').slice(0, 16)}`);
  return text;
}

/**
 * A pg client that sends the statements marked `prepared` by name (Kysely passes the text and the
 * values; pg prepares a name on first use in each connection and reuses it after).
 */
class PreparingClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg.Client.query is a set of overloads; this passes every call through.
  override query(...args: any[]): any {
    const [text, values] = args;
    const name = typeof text === 'string' && args.length === 2 ? preparedNames.get(text) : undefined;
    if (name) return super.query({ name, text, values });
    // biome-ignore lint/suspicious/noExplicitAny: as above.
    return (super.query as (...a: any[]) => any)(...args);
  }
}

/**
 * A pg pool for `url`, sized for one process; errors on idle clients are logged, not fatal.
 * `namedStatements` (default true) sends the statements marked `prepared` by name; false for a
 * transaction-mode pooler that cannot follow a name from one server session to the next
 * (PgBouncer before 1.21, or without `max_prepared_statements`).
 */
export function createPool(
  url: string,
  opts: { max?: number; onError?: (err: Error) => void; statementTimeoutMs?: number; namedStatements?: boolean } = {},
): pg.Pool {
  const pool = new pg.Pool({
    ...(opts.namedStatements === false ? {} : { Client: PreparingClient }),
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
