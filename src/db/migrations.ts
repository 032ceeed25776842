import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import { runMigrations as runWorkerMigrations } from 'graphile-worker';
import type pg from 'pg';
import { SQL_DIR } from '../paths.js';
import { createDb, createPool, type Db } from './database.js';

/**
 * Serves each `sql/*.sql` file as one Kysely migration, named by its file name (which starts with
 * a timestamp, so name order is apply order). Files are plain SQL so a DBA can read and review
 * them; they have no `down`: a mistake is fixed by a new migration.
 */
export class SqlFileMigrationProvider implements MigrationProvider {
  constructor(private readonly dir: string = SQL_DIR) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.dir)).filter((f) => f.endsWith('.sql')).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const text = await readFile(join(this.dir, file), 'utf8');
      migrations[file.replace(/\.sql$/, '')] = {
        // No parameters, so pg sends it with the simple protocol and several statements run as one.
        up: async (db) => {
          // A backfill may take longer than the request-sized statement timeout of the pool.
          await sql`SET LOCAL statement_timeout = 0`.execute(db);
          await sql.raw(text).execute(db);
        },
      };
    }
    return migrations;
  }
}

/**
 * Applies every pending migration: ours (under Kysely's advisory lock, each in a transaction)
 * and graphile-worker's own schema. Safe to run from several processes at once. Throws with the
 * failing migration's name.
 */
export async function migrate(db: Db, pool: pg.Pool): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new SqlFileMigrationProvider() });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`Migration failed${name}: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
  await runWorkerMigrations({ pgPool: pool });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * `migrate` over connections of its own to `url`, closed afterwards. Give it a session
 * (DATABASE_LISTEN_URL), never a transaction-mode pooler: Kysely's migration lock is a
 * session-level `pg_advisory_lock` and its `pg_advisory_unlock`, two statements outside the
 * migrations' transaction, which such a pooler may send to two server sessions: the lock would
 * stay held by a pooled session and the next start would wait on it. Returns the applied names.
 */
export async function migrateDatabase(url: string): Promise<string[]> {
  const pool = createPool(url, { max: 2 });
  const db = createDb(pool);
  try {
    return await migrate(db, pool);
  } finally {
    await db.destroy();
  }
}

/** Names of migrations in `sql/` not yet applied to `db` (empty means the schema is current). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new SqlFileMigrationProvider() });
  const all = await migrator.getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}
