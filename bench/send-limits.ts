/**
 * Twilio's rates, kept by us: what the fake Twilio sees when two worker processes send a backlog
 * of texts to journalists and an urgent page is queued behind it. Prints the most SMS received
 * within any one second (against `twilio.smsPerSecond`) and where the page came. The same
 * measurement is a step of `npm run bench` (`measureSendLimits` in bench/lib.ts).
 *
 *   npm run bench:limits [-- --rate 10 --texts 100]
 *
 * PostgreSQL: a fresh database on DATABASE_URL's server when set (dropped afterwards), otherwise
 * an embedded one. See bench/README.md.
 */
import { parseArgs } from 'node:util';
import { measureSendLimits, provideDatabase } from './lib.js';

const { values: args } = parseArgs({
  options: { rate: { type: 'string', default: '10' }, texts: { type: 'string', default: '100' } },
});
const RATE = Number(args.rate);
const TEXTS = Number(args.texts);
if (!(RATE > 0) || !Number.isInteger(TEXTS) || TEXTS < 20)
  throw new Error('--rate must be > 0 and --texts a whole number >= 20');

async function main(): Promise<void> {
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const database = await provideDatabase(cleanups);
    const f = await measureSendLimits({ databaseUrl: database.url, rate: RATE, texts: TEXTS, build: 'source' });
    console.log(`send limits: ${TEXTS} texts + 1 page through two worker processes, twilio.smsPerSecond ${RATE}`);
    console.log(
      `  max SMS in any one second at Twilio: ${f.maxPerSecond} (limit ${RATE}); mean ${f.meanPerSecond.toFixed(1)}/s`,
    );
    console.log(
      `  page: ${f.pagePosition}th of ${TEXTS + 1}, queued when ${f.sentBeforePage} texts had gone (${f.textsBetween} went between)`,
    );
  } finally {
    for (const c of cleanups.reverse()) await c().catch((err) => console.error('cleanup:', err));
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
