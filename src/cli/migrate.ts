/**
 * `npm run migrate`: applies pending migrations (ours and graphile-worker's) to DATABASE_URL, or
 * to the embedded PostgreSQL under var/ when it is not set, and exits.
 */
import { ConfigError, loadConfig } from '../config.js';
import { createDb, createPool } from '../db/database.js';
import { migrate } from '../db/migrations.js';
import { createLogger } from '../log.js';
import { resolveDatabase } from '../db/resolve.js';

try {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const { url, embedded } = await resolveDatabase(config, log);
  const pool = createPool(url);
  const db = createDb(pool);
  try {
    const applied = await migrate(db, pool);
    process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n');
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).stack}\n`);
  process.exit(1);
}
