/**
 * Helpers of the fault script (`npm run test:faults`): a PostgreSQL server of its own that can be
 * stopped and started again on the same port, a load client, result bookkeeping and a seeded
 * random generator. No vitest here: this runs under plain `node --import tsx`.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio.js';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Milliseconds since `t0`, rounded, for timelines. */
export const since = (t0: number) => Math.round(performance.now() - t0);

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/** The script's own PostgreSQL server. */
export interface OwnPostgres {
  readonly port: number;
  readonly adminUrl: string;
  readonly running: boolean;
  /** Creates a fresh database (dropping one of that name first); returns its URL. */
  createDatabase(name: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  /** A small pool on `url` for inspecting results; errors on idle clients (a restart) are ignored. */
  inspect(url: string): pg.Pool;
  /** Stops the server (fast shutdown: every connection is cut). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

/**
 * Starts an embedded PostgreSQL in a fresh temporary folder. As root, the server runs as the
 * `postgres` user, so the folder is made enterable for it (755).
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'pressdesk-faults-pg-'));
  await chmod(dir, 0o755);
  const dataDir = join(dir, 'data');
  let server: EmbeddedDatabase | null = await startEmbeddedPostgres({
    dataDir,
    database: 'postgres',
    persistent: true,
  });
  const port = Number(new URL(server.adminUrl).port);
  const adminUrl = server.adminUrl;
  const pools: pg.Pool[] = [];

  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };

  const own: OwnPostgres = {
    port,
    adminUrl,
    get running() {
      return server !== null;
    },
    async createDatabase(name) {
      await admin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
        await c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      });
      const u = new URL(adminUrl);
      u.pathname = `/${name}`;
      return u.toString();
    },
    async dropDatabase(name) {
      if (!server) return;
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
    },
    inspect(url) {
      const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 5_000 });
      pool.on('error', () => undefined);
      pools.push(pool);
      return pool;
    },
    async stop() {
      if (!server) return;
      const s = server;
      server = null;
      await s.stop();
    },
    async start() {
      if (server) return;
      server = await startEmbeddedPostgres({ dataDir, database: 'postgres', persistent: true, port });
    },
    async destroy() {
      for (const p of pools) await p.end().catch(() => undefined);
      await own.stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
  return own;
}

// ---------------------------------------------------------------------------------------------
// Load

/** What one submission got. `status` 0 means no HTTP answer (`error` says why). */
export interface Submission {
  n: number;
  urgent: boolean;
  subject: string;
  /** ms since the scenario's t0 when sent, and how long it took. */
  sentAt: number;
  ms: number;
  status: number;
  retryAfter: string | null;
  reference: string | null;
  error: string | null;
  /** Wall-clock time of the answer (to measure delivery delays). */
  answeredAt: number;
}

/** A valid enquiry whose subject carries `marker` (to find it in the database). */
export function enquiryBody(marker: string, urgent: boolean): string {
  return JSON.stringify({
    name: 'Fault Test',
    outlet: 'Fault Gazette',
    phone: '+447911123401',
    subject: marker,
    details: `Submitted by the fault script (${marker}).`,
    urgent,
  });
}

/** POSTs one enquiry to `baseUrl`, giving up after `timeoutMs` (a "hang"). Never throws. */
export async function submitEnquiry(
  baseUrl: string,
  n: number,
  marker: string,
  urgent: boolean,
  t0: number,
  timeoutMs = 10_000,
): Promise<Submission> {
  const sentAt = since(t0);
  const started = performance.now();
  const subject = `${marker} #${n}`;
  const out: Submission = {
    n,
    urgent,
    subject,
    sentAt,
    ms: 0,
    status: 0,
    retryAfter: null,
    reference: null,
    error: null,
    answeredAt: 0,
  };
  try {
    const res = await fetch(`${baseUrl}/api/enquiries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: enquiryBody(subject, urgent),
      signal: AbortSignal.timeout(timeoutMs),
    });
    out.status = res.status;
    out.retryAfter = res.headers.get('retry-after');
    const text = await res.text();
    if (res.status === 201) out.reference = (JSON.parse(text) as { reference: string }).reference;
    else if (res.status >= 500) out.error = text.slice(0, 200);
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    out.error = e.name === 'TimeoutError' ? 'hang' : (e.cause?.code ?? e.message);
  }
  out.ms = Math.round(performance.now() - started);
  out.answeredAt = Date.now();
  return out;
}

/** Fires one submission every `intervalMs` (without waiting for answers) until stopped or `max` sent. */
export function steadyLoad(opts: {
  baseUrl: () => string;
  marker: string;
  t0: number;
  intervalMs: number;
  max: number;
  urgentEvery: number;
  signal: AbortSignal;
}) {
  const pending: Promise<Submission>[] = [];
  let stopped = false;
  const done = (async () => {
    for (let n = 1; n <= opts.max && !stopped && !opts.signal.aborted; n++) {
      pending.push(submitEnquiry(opts.baseUrl(), n, opts.marker, n % opts.urgentEvery === 0, opts.t0));
      await sleep(opts.intervalMs);
    }
  })();
  return {
    /** Stops sending; resolves with every submission once all have answered (or timed out). */
    async stop(): Promise<Submission[]> {
      stopped = true;
      await done;
      return Promise.all(pending);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Results

/** What a scenario reports. */
export class Report {
  readonly counts: Array<[string, string | number]> = [];
  readonly failures: string[] = [];
  readonly notes: string[] = [];
  constructor(readonly title: string) {}
  count(label: string, value: string | number): void {
    this.counts.push([label, value]);
  }
  /** Records a failure unless `ok`. */
  check(ok: boolean, failure: string): void {
    if (!ok) this.failures.push(failure);
  }
  note(text: string): void {
    this.notes.push(text);
  }
  get passed(): boolean {
    return this.failures.length === 0;
  }
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Counts of how often each value occurs, as "value×n, …". */
export function tally(values: Array<string | number>): string {
  const m = new Map<string, number>();
  for (const v of values) m.set(String(v), (m.get(String(v)) ?? 0) + 1);
  return [...m].map(([k, n]) => `${k}×${n}`).join(', ') || 'none';
}

/** A small seeded generator (mulberry32), so a run's random moments can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Polls `check` until it returns true or `timeoutMs` passes (or `signal` aborts); returns whether it did. */
export async function pollUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  signal: AbortSignal,
  intervalMs = 250,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!signal.aborted) {
    if (await check()) return true;
    if (performance.now() >= deadline) return false;
    await sleep(intervalMs);
  }
  return false;
}

/** Rows of the enquiries a scenario submitted (their subjects start with `marker`). */
export async function storedEnquiries(
  pool: pg.Pool,
  marker: string,
): Promise<Array<{ reference: string; subject: string; urgent: boolean }>> {
  const r = await pool.query<{ reference: string; subject: string; urgent: boolean }>(
    `SELECT reference, subject, urgent FROM enquiry WHERE subject LIKE $1`,
    [`${marker} #%`],
  );
  return r.rows;
}

/** Page SMS (at the fake Twilio) per reference. */
export function smsByReference(messages: Array<{ body?: string }>, references: Iterable<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const ref of references) out.set(ref, messages.filter((m) => m.body?.includes(ref)).length);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Scenarios

/** What the runner gives each scenario. */
export interface ScenarioContext {
  pg: OwnPostgres;
  /** Aborted when the scenario's time budget is spent: stop every loop. */
  signal: AbortSignal;
  /** Seed of this run (FAULTS_SEED), for the random moments. */
  seed: number;
  /** Milliseconds left in the scenario's budget. */
  remaining(): number;
  /** Prints a progress line, prefixed with the time since the scenario started. */
  log(line: string): void;
  /** Runs after the scenario, pass or fail (last registered first). */
  onCleanup(fn: () => unknown): void;
  /** Service processes worth showing the output of if the scenario fails. */
  watch(proc: ServiceProcessLike): void;
}

/** The part of a ServiceProcess the runner uses for diagnostics. */
export interface ServiceProcessLike {
  name: string;
  pid: number;
  exited: boolean;
  output(): string;
}

export interface Scenario {
  key: string;
  title: string;
  budgetMs: number;
  run(ctx: ScenarioContext, report: Report): Promise<void>;
}

/** How page steps got out: retried (more than one attempt) and recovered (found at Twilio after an unknown outcome). */
export async function pageStepStats(pool: pg.Pool): Promise<{ steps: number; retried: number; recovered: number }> {
  const r = await pool.query<{ steps: string; retried: string; recovered: string }>(
    `SELECT count(*) AS steps, count(*) FILTER (WHERE m.attempts > 1) AS retried, count(*) FILTER (WHERE m.provider_status = 'recovered') AS recovered
       FROM page_step s LEFT JOIN outbound_message m ON m.id = s.outbound_id`,
  );
  return { steps: Number(r.rows[0].steps), retried: Number(r.rows[0].retried), recovered: Number(r.rows[0].recovered) };
}

/** One line per reference: its SMS at the fake and its first page step, to explain a duplicate or a gap. */
export async function explainPages(
  pool: pg.Pool,
  messages: Array<{ sid: string; body?: string; at: Date }>,
  references: string[],
): Promise<string[]> {
  const lines: string[] = [];
  for (const ref of references.slice(0, 5)) {
    const sms = messages
      .filter((m) => m.body?.includes(ref))
      .map((m) => `${m.sid.slice(0, 10)}… at ${m.at.toISOString().slice(11, 23)}`);
    const r = await pool.query(
      `SELECT s.state, m.attempts, m.outcome_unknown, m.provider_sid, m.provider_status, m.last_error, s.created_at, m.sent_at
         FROM page_step s JOIN page p ON p.id = s.page_id JOIN enquiry e ON e.id = p.enquiry_id LEFT JOIN outbound_message m ON m.id = s.outbound_id
        WHERE e.reference = $1 AND s.step_index = 0`,
      [ref],
    );
    lines.push(`${ref}: SMS [${sms.join('; ')}]; step ${JSON.stringify(r.rows[0] ?? null)}`);
  }
  return lines;
}

/** Whether every listed urgent enquiry has its first page step recorded as sent. */
export async function allStepsSent(pool: pg.Pool, references: string[]): Promise<boolean> {
  if (!references.length) return true;
  const r = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM page_step s JOIN page p ON p.id = s.page_id JOIN enquiry e ON e.id = p.enquiry_id
      WHERE e.reference = ANY($1) AND s.step_index = 0 AND s.state = 'sent'`,
    [references],
  );
  return Number(r.rows[0].n) >= references.length;
}

/** Urgent enquiries (by reference) whose first page step is not recorded as sent, with their step and job, to explain a stuck page. */
export async function unsentSteps(pool: pg.Pool, references: string[]): Promise<string[]> {
  const r = await pool.query(
    `SELECT e.reference, s.state, m.attempts, m.outcome_unknown, m.last_error,
            (SELECT json_agg(json_build_object('id', j.id, 'task', j.task_identifier, 'attempts', j.attempts, 'locked_by', j.locked_by, 'locked_at', j.locked_at, 'run_at', j.run_at, 'last_error', left(j.last_error, 120)))
               FROM graphile_worker.jobs j WHERE j.key = 'page:' || p.id || ':step:0') AS jobs
       FROM enquiry e JOIN page p ON p.enquiry_id = e.id LEFT JOIN page_step s ON s.page_id = p.id AND s.step_index = 0
       LEFT JOIN outbound_message m ON m.id = s.outbound_id
      WHERE e.reference = ANY($1) AND (s.state IS NULL OR s.state <> 'sent')`,
    [references],
  );
  return r.rows.map((row) => JSON.stringify(row));
}

/**
 * What every scenario starts from: a fresh database named `dbName` on the run's PostgreSQL and a
 * fake Twilio on 127.0.0.1, both removed after the scenario whatever its outcome.
 */
export async function scenarioDatabaseAndTwilio(
  ctx: ScenarioContext,
  dbName: string,
): Promise<{ url: string; fake: FakeTwilio }> {
  const url = await ctx.pg.createDatabase(dbName);
  ctx.onCleanup(() => ctx.pg.dropDatabase(dbName));
  const fake = await startFakeTwilio();
  ctx.onCleanup(() => fake.close());
  return { url, fake };
}
