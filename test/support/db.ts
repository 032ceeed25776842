import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { createDb, createPool, type Db } from '../../src/db/database.js';

export interface TestDatabase {
  url: string;
  pool: pg.Pool;
  db: Db;
  /** Drops the database (ends this file's connections first). */
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A fresh, fully migrated database for one test file, copied from the run's template. Real
 * PostgreSQL: DATABASE_URL's server, or the embedded one the global setup started. `empty`: no
 * schema at all, for a test that migrates it step by step.
 */
export async function createTestDatabase(opts: { empty?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const template = inject('pgTemplate');
  // The global setup's pid names the run, so its teardown can sweep what a crashed file left.
  const runPid = template.split('_')[2];
  const name = `pd_t_${runPid}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(opts.empty ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const pool = createPool(url, { max: 5 });
  const db = createDb(pool);
  return {
    url,
    pool,
    db,
    async drop() {
      await db.destroy();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      try {
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await a.end();
      }
    },
  };
}

/**
 * An empty database (no schema) for this test file, for migrating step by step: created before
 * its tests, dropped after them. Call the returned function (in a test or a later beforeAll) to get it.
 */
export function emptyDatabaseForFile(): () => TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase({ empty: true });
  });
  afterAll(async () => database?.drop());
  return () => database!;
}

/**
 * Resolves once some session of `db`'s database waits on a lock (a second transaction has
 * reached the row or index entry the first holds); throws after about five seconds.
 */
export async function someoneWaitsOnALock(db: Db): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(db);
    if (rows[0].n > 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('nobody waited on a lock');
}
