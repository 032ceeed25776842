import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { VAR_DIR } from '../paths.js';
import { loadEmbeddedPostgres, startEmbeddedPostgres, type EmbeddedDatabase } from './embedded.js';

/**
 * The database to use: DATABASE_URL, or an embedded PostgreSQL with its data under var/pg
 * (created on first start, reused after) when it is not set. `listenUrl` is where connections
 * that need a session of their own go (DATABASE_LISTEN_URL; by default the same as `url`). Stop
 * `embedded` on shutdown.
 */
export async function resolveDatabase(
  config: Config,
  log: Logger,
): Promise<{ url: string; listenUrl: string; embedded: EmbeddedDatabase | null }> {
  if (config.databaseUrl)
    return { url: config.databaseUrl, listenUrl: config.databaseListenUrl ?? config.databaseUrl, embedded: null };
  // Missing in a production install: stop with the one line that says what to set.
  await loadEmbeddedPostgres();
  log.info({ dataDir: join(VAR_DIR, 'pg') }, 'DATABASE_URL not set: starting embedded PostgreSQL');
  const embedded = await startEmbeddedPostgres({
    dataDir: join(VAR_DIR, 'pg'),
    database: 'pressdesk',
    log: (line) => log.debug({ pg: line }, 'embedded postgres'),
  });
  return { url: embedded.url, listenUrl: embedded.url, embedded };
}
