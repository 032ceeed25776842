/**
 * Bundle of 200 urgent enquiries (issue 22, item 1): the real service (web + job runner, office
 * always closed, nobody on the rota so pages go to `onCall.fallbackNumber`) on a fresh database,
 * against the fake Twilio that refuses what Twilio refuses (a body over 1,600 characters, TwiML
 * over 4,000). `--count` urgent enquiries arrive through the API inside one bundling window
 * (`onCall.bundleSeconds` `--window`, default 20 s instead of 120 so the step does not wait two
 * minutes); half of them with ordinary outlets and subjects, half hostile (`&` × 200, `<…>`).
 * Reports the texts sent to the on-call phone, the longest, refusals, the time from the last 201
 * to the bundle at the fake, whether every reference is reachable from the phone (in a text or in
 * the list its link opens) and what one ACK acknowledged. A step of `npm run bench` too.
 *
 *   npm run bench:storm [-- --count 200 --window 20]
 *
 * PostgreSQL: a fresh database on DATABASE_URL's server when set (dropped afterwards), otherwise
 * an embedded one. See bench/README.md.
 */
import { parseArgs } from 'node:util';
import { startFakeTwilio, TWILIO_BODY_LIMIT } from '../test/support/fake-twilio.js';
import {
  FALLBACK_NUMBER,
  PRESS_OFFICE_NUMBER,
  startService,
  type ServiceProcess,
} from '../test/support/service-process.js';
import { signedFormRequest } from '../test/support/twilio-webhook.js';
import { smsCapacity, smsLength } from '../src/oncall/paging.messages.js';
import { callerPhone, provideDatabase, runIfMain, sleep } from './lib.js';

/**
 * Where pages go with nobody on the rota: the service processes' `onCall.fallbackNumber` (a
 * mobile). This step counted texts to config/default.json's 03 number after the test processes
 * moved to a mobile (the 03 line is called, not texted), and so reported "0 texts" for a storm
 * that had paged.
 */
const ON_CALL = FALLBACK_NUMBER;
const REFERENCE = /PD-[A-Z0-9]{3}-[A-Z0-9]{3}/g;

/** What the storm step measured. */
export interface PageStormFigures {
  count: number;
  /** `onCall.bundleSeconds` of the run. */
  windowSeconds: number;
  /** Taking the enquiries through the API (all inside the window). */
  seedSeconds: number;
  /** Texts to the on-call phone: the first page alone, then the bundle. */
  textsSent: number;
  /** The longest of them, in characters (Twilio's limit: 1,600), and its SMS segments. */
  longestText: number;
  longestSegments: number;
  /** Enquiries listed in the bundle text itself; the rest are behind its link. */
  listedInBundle: number;
  /** Requests the fake Twilio refused (any reason; for length: 21617 / 32018). */
  refused: number;
  /** Last 201 → the bundle text at the fake Twilio (includes the rest of the window). */
  lastEnquiryToBundleSeconds: number;
  /** References reachable from the phone (in a text, or in the list behind the bundle's link), of `count`. */
  reachable: number;
  /** Pages one ACK from the phone acknowledged, of `count`. */
  acknowledgedByOneAck: number;
  /** Characters of the reply to that ACK. */
  ackReplyLength: number;
  /** What did not hold (empty when all held). */
  problems: string[];
}

/** The JSON body of the `i`-th urgent enquiry: even ones ordinary, odd ones hostile. */
function stormEnquiry(i: number): Record<string, unknown> {
  const hostile = i % 2 === 1;
  return {
    name: hostile ? `<${'&'.repeat(150)}> ${i}` : `Storm Reporter ${i}`,
    outlet: hostile ? '&'.repeat(200) : `The Kestrel Evening Chronicle ${i}`,
    phone: callerPhone(500_000 + i),
    subject: hostile ? `<&>"'`.repeat(40) : 'Fire at the Kestrel Street depot: casualties and road closures',
    details: 'How many casualties, which roads are closed?',
    urgent: true,
  };
}

/**
 * Runs the measurement on `databaseUrl` (fresh: the service applies the migrations). Starts and
 * stops its own service process and fake Twilio; rejects only when it cannot run.
 */
export async function measurePageStorm(opts: {
  databaseUrl: string;
  count: number;
  windowSeconds: number;
  build?: 'source' | 'compiled';
  env?: Record<string, string>;
  log?: (line: string) => void;
}): Promise<PageStormFigures> {
  const say = opts.log ?? (() => {});
  const fake = await startFakeTwilio();
  let service: ServiceProcess | null = null;
  try {
    service = await startService({
      databaseUrl: opts.databaseUrl,
      twilio: fake,
      mode: 'all',
      name: 'service (page storm)',
      build: opts.build,
      env: opts.env,
      config: {
        onCall: { bundleSeconds: opts.windowSeconds },
        intake: { rateLimit: null, pageRateLimit: null },
        twilio: { smsPerSecond: 1000 },
      },
    });
    const baseUrl = service.baseUrl!;
    say(`taking ${opts.count} urgent enquiries through the API inside a ${opts.windowSeconds} s bundling window…`);
    const seedStart = Date.now();
    const refs: string[] = [];
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < opts.count; i = next++) {
        const res = await fetch(`${baseUrl}/api/enquiries`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(stormEnquiry(i)),
        });
        const body = (await res.json()) as { reference?: string };
        if (res.status !== 201 || !body.reference) throw new Error(`page storm: enquiry ${i} got HTTP ${res.status}`);
        refs.push(body.reference);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const lastAccepted = Date.now();
    const seedSeconds = (lastAccepted - seedStart) / 1000;
    const problems: string[] = [];
    if (seedSeconds >= opts.windowSeconds)
      problems.push(`seeding took ${seedSeconds} s, longer than the ${opts.windowSeconds} s window`);

    // The first page goes at once; the bundle at the window's end.
    const textsTo = () => fake.messages.filter((m) => m.to === ON_CALL);
    const until = Date.now() + (opts.windowSeconds + 60) * 1000;
    while (textsTo().length < 2 && Date.now() < until) {
      if (service.exited) throw new Error(`the service exited:\n${service.output().slice(-3000)}`);
      await sleep(50);
    }
    await sleep(2_000); // a third text (a refused bundle's retry, a split) would show here
    const texts = textsTo();
    if (texts.length < 2)
      problems.push(`${texts.length} texts reached the on-call phone, expected the first page and a bundle`);
    const bundle = texts[1]?.body ?? '';
    const lastEnquiryToBundleSeconds = texts[1] ? (texts[1].at.getTime() - lastAccepted) / 1000 : NaN;

    const reachable = new Set<string>();
    for (const t of texts) for (const r of t.body?.match(REFERENCE) ?? []) reachable.add(r);
    const listedInBundle = new Set(bundle.match(REFERENCE) ?? []).size;
    const link = /\nand \d+ more: (\S+)\n/.exec(bundle)?.[1];
    if (link) {
      const res = await fetch(link);
      const html = await res.text();
      if (res.status !== 200) problems.push(`the bundle's link answered HTTP ${res.status}`);
      for (const r of html.match(REFERENCE) ?? []) reachable.add(r);
    } else if (listedInBundle < opts.count - 1) {
      problems.push('the bundle lists only some enquiries and has no link to the rest');
    }
    const unreachable = refs.filter((r) => !reachable.has(r)).length;
    if (unreachable) problems.push(`${unreachable} references not reachable from the phone`);

    // One ACK from the phone, as Twilio delivers it.
    const ack = signedFormRequest({
      publicBaseUrl: baseUrl,
      path: '/twilio/sms',
      authToken: fake.authToken,
      params: { MessageSid: `SM${'0'.repeat(31)}1`, From: ON_CALL, To: PRESS_OFFICE_NUMBER, Body: 'ACK' },
    });
    const ackRes = await fetch(ack.request());
    const reply = (/<Message>([\s\S]*)<\/Message>/.exec(await ackRes.text())?.[1] ?? '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
    const acknowledgedByOneAck = Number(/acknowledged (\d+) enquiries/.exec(reply)?.[1] ?? 0);
    if (acknowledgedByOneAck !== opts.count)
      problems.push(`one ACK acknowledged ${acknowledgedByOneAck} of ${opts.count}`);

    const refused = fake.requests.filter((r) => r.responseStatus >= 400).length;
    if (refused) problems.push(`${refused} requests refused by the fake Twilio`);
    const longest = texts.reduce((a, t) => ((t.body?.length ?? 0) > a.length ? (t.body ?? '') : a), '');
    if (longest.length > TWILIO_BODY_LIMIT) problems.push(`a text of ${longest.length} characters`);
    const segments = (text: string) => {
      for (let n = 1; n <= 20; n++) if (smsLength(text) <= smsCapacity(text, n)) return n;
      return Infinity;
    };
    return {
      count: opts.count,
      windowSeconds: opts.windowSeconds,
      seedSeconds: Math.round(seedSeconds * 10) / 10,
      textsSent: texts.length,
      longestText: longest.length,
      longestSegments: segments(longest),
      listedInBundle,
      refused,
      lastEnquiryToBundleSeconds: Math.round(lastEnquiryToBundleSeconds * 10) / 10,
      reachable: opts.count - unreachable,
      acknowledgedByOneAck,
      ackReplyLength: reply.length,
      problems,
    };
  } catch (err) {
    if (service)
      console.error(`--- ${service.name} output, last 5000 chars ---\n${service.output().slice(-5000) || '(none)'}`);
    throw err;
  } finally {
    if (service) await service.stop().catch(() => undefined);
    await fake.close().catch(() => undefined);
  }
}

/** One line for the log and the results table. */
export function describePageStorm(f: PageStormFigures): string {
  return `${f.textsSent} texts to the on-call phone, longest ${f.longestText} characters (${f.longestSegments} segments; limit 1,600), ${f.refused} refused; ${f.listedInBundle} listed in the bundle, ${f.reachable}/${f.count} references reachable from the phone; one ACK acknowledged ${f.acknowledgedByOneAck}/${f.count} (reply ${f.ackReplyLength} characters); last 201 → bundle ${f.lastEnquiryToBundleSeconds} s (window ${f.windowSeconds} s)`;
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: { count: { type: 'string', default: '200' }, window: { type: 'string', default: '20' } },
  });
  const count = Number(args.count);
  const windowSeconds = Number(args.window);
  if (!Number.isInteger(count) || count < 2 || count > 10_000) throw new Error('--count must be 2 to 10,000');
  if (!Number.isInteger(windowSeconds) || windowSeconds < 5 || windowSeconds > 3600)
    throw new Error('--window must be 5 to 3600 seconds');
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const database = await provideDatabase(cleanups);
    const f = await measurePageStorm({
      databaseUrl: database.url,
      count,
      windowSeconds,
      build: 'source',
      log: (l) => console.log(l),
    });
    console.log(`bundle of ${f.count} urgent enquiries (${database.where}); seeding took ${f.seedSeconds} s`);
    console.log(`  ${describePageStorm(f)}`);
    for (const p of f.problems) console.log(`  PROBLEM: ${p}`);
    if (f.problems.length) process.exitCode = 1;
  } finally {
    for (const c of cleanups.reverse()) await c().catch((err) => console.error('cleanup:', err));
  }
}

runIfMain(import.meta.url, main);
