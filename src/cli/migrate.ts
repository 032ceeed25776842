/**
 * `npm run migrate`: applies pending migrations (ours and graphile-worker's) to DATABASE_URL, or
 * to the embedded PostgreSQL under var/ when it is not set, and exits. It connects through
 * DATABASE_LISTEN_URL when that is set (a session, not a transaction pooler).
 */
import { ConfigError, loadConfig } from '../config.js';
import { migrateDatabase } from '../db/migrations.js';
import { createLogger } from '../log.js';
import { resolveDatabase } from '../db/resolve.js';

try {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  // The migration lock belongs to a session: DATABASE_LISTEN_URL's, never a transaction pooler's.
  const { listenUrl, embedded } = await resolveDatabase(config, log);
  try {
    const applied = await migrateDatabase(listenUrl);
    process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n');
  } finally {
    await embedded?.stop();
  }
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).stack}\n`);
  process.exit(1);
}
