/**
 * A real connection pooler for the scale-out test: Debian's PgBouncer (`apt-get install
 * pgbouncer`), started by the test itself as a child process with a throw-away configuration on
 * 127.0.0.1 and a free port, in transaction mode, in front of one test database. Free of vitest
 * apart from `describeIfPgBouncer`'s import, like imap-server.ts.
 *
 * What the configuration says, and why:
 *  - `pool_mode = transaction`: the mode Press Desk's request traffic is meant to go through
 *    (docs/operating.md, "Scaling"); a server session serves one transaction, then the next client.
 *  - `auth_type = any`: no password between the test and PgBouncer (it listens on loopback only);
 *    PgBouncer logs in to PostgreSQL as the test database's own user, with its password if any.
 *  - `ignore_startup_parameters = statement_timeout`: Press Desk's pool asks for its statement
 *    timeout at connection start (src/db/database.ts), which PgBouncer would otherwise refuse; behind
 *    a pooler the timeout is the role's (`ALTER ROLE … SET statement_timeout`), as documented.
 *  - `max_prepared_statements = 100` only where PgBouncer knows it (1.21 and later): Debian 12's
 *    1.18 refuses the key and does not start. Press Desk sends no named statement through
 *    DATABASE_URL, so it works either way, and the test on 1.18 proves it.
 *  - no log file or pid file: PgBouncer runs in the foreground and logs to stderr, kept here.
 *
 * As root PgBouncer refuses to run ("PgBouncer should not run as root"): it is started with
 * `-u nobody` and drops to that user; as anyone else it runs as that user.
 *
 * Without PgBouncer `startPgBouncer` throws PgBouncerUnavailable; `describeIfPgBouncer` skips a
 * suite with PGBOUNCER_SKIP_MESSAGE unless PRESSDESK_REQUIRE_PGBOUNCER=1 (set by .ci/run), when a
 * missing PgBouncer is a failure.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, it } from 'vitest';
import { freePort } from '../../src/db/embedded.js';

/**
 * PgBouncer's binary: `PRESSDESK_PGBOUNCER_PATH` (only to try the skip and must-run paths on a
 * machine that has it: point it at a file that does not exist), else where Debian puts it (by
 * absolute path: /usr/sbin is not on an ordinary user's PATH), else the first on PATH.
 */
export const PGBOUNCER_PATH = process.env.PRESSDESK_PGBOUNCER_PATH || findPgBouncer();

export const PGBOUNCER_SKIP_MESSAGE =
  "PgBouncer tests skipped: install Debian's PgBouncer (apt-get install pgbouncer) to run them";

/** Thrown by startPgBouncer when PgBouncer is not installed; the message names the package. */
export class PgBouncerUnavailable extends Error {
  constructor() {
    super(`PgBouncer is not installed (${PGBOUNCER_PATH} is missing): apt-get install pgbouncer`);
    this.name = 'PgBouncerUnavailable';
  }
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findPgBouncer(): string {
  const dirs = ['/usr/sbin', '/usr/bin', ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean)];
  for (const dir of dirs) {
    const file = path.join(dir, 'pgbouncer');
    if (executable(file)) return file;
  }
  return '/usr/sbin/pgbouncer';
}

/** True when the PgBouncer tests must run (CI): a missing PgBouncer is then a failure, not a skip. */
export function pgBouncerRequired(): boolean {
  const v = process.env.PRESSDESK_REQUIRE_PGBOUNCER;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/** What a PgBouncer suite should do: `run`, `skip` (none, not required) or `fail` (none but required). */
export function pgBouncerPlan(): 'run' | 'skip' | 'fail' {
  if (executable(PGBOUNCER_PATH)) return 'run';
  return pgBouncerRequired() ? 'fail' : 'skip';
}

/**
 * `describe` for a suite that needs PgBouncer. Runs it when PgBouncer is installed; otherwise
 * skips it with PGBOUNCER_SKIP_MESSAGE in its title (so every reporter shows why), or, when
 * PRESSDESK_REQUIRE_PGBOUNCER is set, replaces it with one test that fails with PgBouncerUnavailable.
 */
export function describeIfPgBouncer(title: string, fn: () => void): void {
  const plan = pgBouncerPlan();
  if (plan === 'fail') {
    describe(`${title} (PRESSDESK_REQUIRE_PGBOUNCER is set)`, () => {
      it('needs PgBouncer', () => {
        throw new PgBouncerUnavailable();
      });
    });
    return;
  }
  if (plan === 'skip') console.warn(`\n${PGBOUNCER_SKIP_MESSAGE}\n`);
  describe.skipIf(plan === 'skip')(plan === 'skip' ? `${title} (${PGBOUNCER_SKIP_MESSAGE})` : title, fn);
}

export interface PgBouncer {
  /** postgres://…@127.0.0.1:PORT/pressdesk: the test database through PgBouncer, for DATABASE_URL. */
  readonly url: string;
  readonly port: number;
  /** "1.18.0" */
  readonly version: string;
  /** Everything PgBouncer wrote (all runs), for a failure message. */
  output(): string;
  /** Stops PgBouncer (SIGTERM: its fast exit, every client and server connection cut) and starts it again on the same port. */
  restart(): Promise<void>;
  /** Stops PgBouncer and removes its temporary folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** PgBouncer's version, as `pgbouncer --version` prints it on its first line ("PgBouncer 1.18.0"). */
function versionOf(binary: string): string {
  const out = execFileSync(binary, ['--version'], { encoding: 'utf8' });
  const m = /PgBouncer\s+(\d+\.\d+(?:\.\d+)?)/i.exec(out);
  if (!m) throw new Error(`could not read PgBouncer's version from: ${out.split('\n')[0]}`);
  return m[1];
}

function atLeast(version: string, major: number, minor: number): boolean {
  const [a, b] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

/** A value of a PgBouncer connection string, quoted. */
function quoted(value: string): string {
  if (/['\\\n]/.test(value)) throw new Error('a PgBouncer connection value with a quote, backslash or line break');
  return `'${value}'`;
}

function configuration(serverUrl: string, port: number, version: string): string {
  const u = new URL(serverUrl);
  const server = [
    `host=${quoted(u.hostname)}`,
    `port=${quoted(u.port || '5432')}`,
    `dbname=${quoted(decodeURIComponent(u.pathname.slice(1)))}`,
    `user=${quoted(decodeURIComponent(u.username || os.userInfo().username))}`,
    ...(u.password ? [`password=${quoted(decodeURIComponent(u.password))}`] : []),
  ].join(' ');
  return `;; Throw-away PgBouncer for the Press Desk tests (test/support/pgbouncer.ts).
[databases]
pressdesk = ${server}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = any
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
ignore_startup_parameters = statement_timeout
${atLeast(version, 1, 21) ? 'max_prepared_statements = 100\n' : ''}`;
}

/** Resolves once a query through PgBouncer succeeds; rejects if it exits first or after `timeoutMs`. */
async function waitUntilServing(url: string, child: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`PgBouncer exited at start (${child.exitCode ?? child.signalCode}):\n${output()}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      if (Date.now() >= deadline)
        throw new Error(`PgBouncer did not serve within ${timeoutMs} ms (${(err as Error).message}):\n${output()}`);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/**
 * Starts PgBouncer in transaction mode in front of `serverUrl` (a database URL the test can reach,
 * such as the one process-fixture.ts made) and resolves once a query goes through it. Throws
 * PgBouncerUnavailable when it is not installed.
 */
export async function startPgBouncer(serverUrl: string): Promise<PgBouncer> {
  if (!executable(PGBOUNCER_PATH)) throw new PgBouncerUnavailable();
  const version = versionOf(PGBOUNCER_PATH);
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pressdesk-pgbouncer-'));
  // As root PgBouncer drops to `nobody`, which must still read its configuration (it re-reads it on SIGHUP).
  chmodSync(dir, 0o755);
  const ini = path.join(dir, 'pgbouncer.ini');
  writeFileSync(ini, configuration(serverUrl, port, version), { mode: 0o644 });
  const args = [...(process.getuid?.() === 0 ? ['-u', 'nobody'] : []), ini];
  const url = `postgres://pressdesk@127.0.0.1:${port}/pressdesk`;

  let output = '';
  let child: ChildProcess | null = null;
  const exitHook = () => child?.kill('SIGKILL');
  process.once('exit', exitHook);

  const launch = async () => {
    const c = spawn(PGBOUNCER_PATH, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    const append = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.length > 1_000_000) output = output.slice(-1_000_000);
    };
    c.stdout!.on('data', append);
    c.stderr!.on('data', append);
    c.once('error', (err) => {
      output += `\n[spawn error] ${err.message}\n`;
    });
    try {
      await waitUntilServing(url, c, () => output, 10_000);
    } catch (err) {
      c.kill('SIGKILL');
      throw err;
    }
  };
  const halt = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await launch();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    process.off('exit', exitHook);
    throw err;
  }
  let stopped = false;
  return {
    url,
    port,
    version,
    output: () => output,
    async restart() {
      await halt();
      await launch();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await halt();
      rmSync(dir, { recursive: true, force: true });
      process.off('exit', exitHook);
    },
  };
}
