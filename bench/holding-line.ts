/**
 * Holding line to 1,000 linked enquiries (issue 18): the real service (web + job runner, office
 * always closed, nobody on the rota so pages go to the fallback number) on a fresh database,
 * `--count` enquiries about one incident taken through the API (linked at intake), then one line
 * sent to all of them. Measures the time from "send" until the fake Twilio has every one of them
 * at `twilio.smsPerSecond` (`--rate`, default 10: about 100 s for 1,000), and meanwhile the
 * latency of pages: an urgent out-of-hours enquiry about something else every `--page-every`
 * seconds, 201 → its page SMS at the fake (p50/p99). A step of `npm run bench` too.
 *
 *   npm run bench:holding [-- --count 1000 --rate 10 --page-every 3]
 *
 * PostgreSQL: a fresh database on DATABASE_URL's server when set (dropped afterwards), otherwise
 * an embedded one. See bench/README.md.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { createDb, createPool } from '../src/db/database.js';
import { HoldingLines } from '../src/incidents/holding-line.service.js';
import { IncidentService } from '../src/incidents/incident.service.js';
import { startFakeTwilio } from '../test/support/fake-twilio.js';
import { ALWAYS_CLOSED_CONFIG, startService, type ServiceProcess } from '../test/support/service-process.js';
import {
  callerPhone,
  collect,
  countDuplicates,
  provideDatabase,
  runIfMain,
  sleep,
  submitUrgent,
  summary,
  type PagingSample,
  type Summary,
} from './lib.js';

/** What the holding-line step measured. */
export interface HoldingLineFigures {
  count: number;
  /** `twilio.smsPerSecond`. */
  rate: number;
  /** Taking the linked enquiries through the API before the line (not part of the figure). */
  seedSeconds: number;
  /** "Send" → the last of the line's texts at the fake Twilio. */
  handOffSeconds: number;
  /** Line texts per second over that time (at most `rate`). */
  linesPerSecond: number;
  /** What the rate alone allows: `count / rate`. */
  floorSeconds: number;
  /** 201 of an urgent enquiry → its page SMS at the fake, for the pages sent while the line went out. */
  pageLatencyMs: Summary;
  pages: number;
  /** Pages with no SMS when the wait ended. */
  missingPages: number;
  /** What did not hold: one text per journalist, every page once (empty when all held). */
  problems: string[];
}

const LINE =
  'We are aware of the police cordon on Market Street. Officers are at the scene; we will say more at 23:00.';

/** The JSON body of the `i`-th journalist's (non-urgent) enquiry about the cordon. */
function cordonEnquiry(i: number): Record<string, unknown> {
  return {
    name: `Cordon Reporter ${i}`,
    outlet: 'Benchmark Gazette',
    phone: callerPhone(i),
    subject: `Market Street cordon ${i}`,
    details: 'What is the police cordon on Market Street about?',
  };
}

/**
 * Runs the measurement on `databaseUrl` (fresh: the service applies the migrations). Starts and
 * stops its own service process and fake Twilio; rejects only when it cannot run.
 */
export async function measureHoldingLine(opts: {
  databaseUrl: string;
  count: number;
  rate: number;
  pageEverySeconds: number;
  build?: 'source' | 'compiled';
  env?: Record<string, string>;
  log?: (line: string) => void;
}): Promise<HoldingLineFigures> {
  const say = opts.log ?? (() => {});
  const fake = await startFakeTwilio();
  const pool = createPool(opts.databaseUrl);
  let service: ServiceProcess | null = null;
  try {
    service = await startService({
      databaseUrl: opts.databaseUrl,
      twilio: fake,
      mode: 'all',
      name: 'service (holding line)',
      build: opts.build,
      env: opts.env,
      config: { twilio: { smsPerSecond: opts.rate }, intake: { rateLimit: null } },
    });
    const baseUrl = service.baseUrl!;
    const db = createDb(pool);
    const config = loadConfig({ DATABASE_URL: opts.databaseUrl, PUBLIC_BASE_URL: baseUrl }, ALWAYS_CLOSED_CONFIG);
    const clock = () => new Date();
    const incidents = new IncidentService({ db, clock, config });
    const lines = new HoldingLines({ db, clock, config });
    const actor = { userId: null, email: 'bench' };
    const incident = await incidents.declare({ name: 'Market St cordon', terms: 'cordon' }, { kind: 'staff', actor });
    // The service remembers "no incident is open" for two seconds.
    await sleep(2_500);

    say(`taking ${opts.count} enquiries about the incident through the API…`);
    const seedStart = Date.now();
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < opts.count; i = next++) {
        const res = await fetch(`${baseUrl}/api/enquiries`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(cordonEnquiry(i)),
        });
        await res.arrayBuffer();
        if (res.status !== 201) throw new Error(`holding line: enquiry ${i} got HTTP ${res.status}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const seedSeconds = (Date.now() - seedStart) / 1000;
    const linked = (await incidents.view(incident.id))!.linked.length;
    if (linked !== opts.count) throw new Error(`holding line: ${linked} enquiries linked, expected ${opts.count}`);

    const line = await lines.addLine(incident.id, { kind: 'holding', text: LINE }, actor);
    const fromMessage = fake.messages.length;
    const isLine = (body: string | undefined) => body?.includes(LINE) ?? false;
    let lineTexts = 0;
    let seen = fromMessage;
    const countLines = () => {
      for (; seen < fake.messages.length; seen++) if (isLine(fake.messages[seen].body)) lineTexts++;
      return lineTexts;
    };
    say(
      `sending the line to ${opts.count} journalists at ${opts.rate} SMS/s, an urgent enquiry every ${opts.pageEverySeconds} s meanwhile…`,
    );
    const sentAt = Date.now();
    await lines.send(incident.id, line.id, actor);

    const samples: PagingSample[] = [];
    const deadline = Date.now() + (opts.count / opts.rate) * 3000 + 60_000;
    let nextPage = Date.now() + 1000;
    let i = 0;
    while (countLines() < opts.count && Date.now() < deadline) {
      if (service.exited) throw new Error(`the service exited:\n${service.output().slice(-3000)}`);
      if (Date.now() >= nextPage) {
        samples.push(await submitUrgent(baseUrl, i++, 'holding'));
        nextPage += opts.pageEverySeconds * 1000;
      }
      await sleep(50);
    }
    const lineRecords = fake.messages.slice(fromMessage).filter((m) => isLine(m.body));
    const lastAt = Math.max(...lineRecords.map((m) => m.at.getTime()));
    await collect(fake, samples, 30_000, fromMessage);
    await sleep(1_000); // a text sent twice would show here

    const problems: string[] = [];
    const all = fake.messages.slice(fromMessage).filter((m) => isLine(m.body));
    const recipients = new Set(all.map((m) => m.to));
    if (all.length !== opts.count || recipients.size !== opts.count)
      problems.push(`${all.length} line texts to ${recipients.size} numbers, expected ${opts.count} to ${opts.count}`);
    const missingPages = samples.filter((s) => s.smsAt === null).length;
    if (missingPages) problems.push(`${missingPages} of ${samples.length} pages never reached the fake Twilio`);
    const doubled = countDuplicates(fake, samples, fromMessage);
    if (doubled) problems.push(`${doubled} pages sent more than once`);
    const handOffSeconds = (lastAt - sentAt) / 1000;
    return {
      count: opts.count,
      rate: opts.rate,
      seedSeconds: Math.round(seedSeconds * 10) / 10,
      handOffSeconds: Math.round(handOffSeconds * 10) / 10,
      linesPerSecond: Math.round((lineRecords.length / handOffSeconds) * 10) / 10,
      floorSeconds: opts.count / opts.rate,
      pageLatencyMs: summary(samples.flatMap((s) => (s.smsAt === null ? [] : [s.smsAt - s.acceptedAt]))),
      pages: samples.length,
      missingPages,
      problems,
    };
  } catch (err) {
    if (service)
      console.error(`--- ${service.name} output, last 5000 chars ---\n${service.output().slice(-5000) || '(none)'}`);
    throw err;
  } finally {
    if (service) await service.stop().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await fake.close().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      count: { type: 'string', default: '1000' },
      rate: { type: 'string', default: '10' },
      'page-every': { type: 'string', default: '3' },
    },
  });
  const count = Number(args.count);
  const rate = Number(args.rate);
  const pageEverySeconds = Number(args['page-every']);
  if (!Number.isInteger(count) || count < 1 || count > 100_000) throw new Error('--count must be 1 to 100,000');
  if (!(rate > 0 && rate <= 1000)) throw new Error('--rate must be 1 to 1000 SMS per second');
  if (!(pageEverySeconds >= 0.2)) throw new Error('--page-every must be at least 0.2 seconds');
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const database = await provideDatabase(cleanups);
    const f = await measureHoldingLine({
      databaseUrl: database.url,
      count,
      rate,
      pageEverySeconds,
      build: 'source',
      log: (l) => console.log(l),
    });
    console.log(`holding line to ${f.count} linked enquiries, twilio.smsPerSecond ${f.rate} (${database.where})`);
    console.log(
      `  all ${f.count} handed to the fake Twilio in ${f.handOffSeconds} s (${f.linesPerSecond}/s; the rate alone allows ${f.floorSeconds} s); seeding took ${f.seedSeconds} s`,
    );
    console.log(
      `  pages during it: ${f.pages}, 201 → page SMS p50 ${f.pageLatencyMs.p50} ms, p99 ${f.pageLatencyMs.p99} ms, max ${f.pageLatencyMs.max} ms`,
    );
    for (const p of f.problems) console.log(`  PROBLEM: ${p}`);
    if (f.problems.length) process.exitCode = 1;
  } finally {
    for (const c of cleanups.reverse()) await c().catch((err) => console.error('cleanup:', err));
  }
}

runIfMain(import.meta.url, main);
