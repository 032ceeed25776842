/**
 * Twilio's rates, kept by us: what the fake Twilio sees when two worker processes send a backlog
 * of texts to journalists and an urgent page is queued behind it. Prints the most SMS received
 * within any one second (against `twilio.smsPerSecond`) and where the page came.
 *
 *   npm run bench:limits [-- --rate 10 --texts 100]
 *
 * PostgreSQL: a fresh database on DATABASE_URL's server when set (dropped afterwards), otherwise
 * an embedded one. See bench/README.md.
 */
import { parseArgs } from 'node:util';
import { createDb, createPool } from '../src/db/database.js';
import { startFakeTwilio } from '../test/support/fake-twilio.js';
import { maxPerSecond, pagePosition, queueJournalistTexts, until } from '../test/support/send-rates.js';
import { FALLBACK_NUMBER, startService, stopAllServices } from '../test/support/service-process.js';
import { provideDatabase } from './lib.js';

const { values: args } = parseArgs({ options: { rate: { type: 'string', default: '10' }, texts: { type: 'string', default: '100' } } });
const RATE = Number(args.rate);
const TEXTS = Number(args.texts);
if (!(RATE > 0) || !Number.isInteger(TEXTS) || TEXTS < 20) throw new Error('--rate must be > 0 and --texts a whole number >= 20');

async function main(): Promise<void> {
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const database = await provideDatabase(cleanups);
    const fake = await startFakeTwilio();
    cleanups.push(() => fake.close());
    const config = { twilio: { smsPerSecond: RATE }, onCall: { bundleSeconds: 0 } };
    const [web] = await Promise.all([
      startService({ databaseUrl: database.url, twilio: fake, mode: 'web', name: 'web', config }),
      startService({ databaseUrl: database.url, twilio: fake, mode: 'worker', name: 'worker-1', config }),
      startService({ databaseUrl: database.url, twilio: fake, mode: 'worker', name: 'worker-2', config }),
    ]);
    cleanups.push(() => stopAllServices());
    const pool = createPool(database.url);
    cleanups.push(() => pool.end());
    await createDb(pool).transaction().execute((tx) => queueJournalistTexts(tx, TEXTS, new Date()));
    const started = Date.now();
    await until(() => fake.messages.length >= 10, 30_000, 'the backlog to start');
    const before = fake.messages.length;
    const res = await fetch(`${web.baseUrl}/api/enquiries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ann Reporter', outlet: 'Evening Gazette', phone: '+447911123401', subject: 'Fire at the depot', details: 'Need a line tonight', urgent: true }),
    });
    if (res.status !== 201) throw new Error(`urgent enquiry: HTTP ${res.status}`);
    await until(() => fake.messages.length >= TEXTS + 1, (TEXTS / RATE) * 3000 + 30_000, 'the backlog and the page');
    const seconds = (Date.now() - started) / 1000;
    const { index } = pagePosition(fake.messages, FALLBACK_NUMBER);
    console.log(`send limits: ${TEXTS} texts + 1 page through two worker processes, twilio.smsPerSecond ${RATE}`);
    console.log(`  max SMS in any one second at Twilio: ${maxPerSecond(fake.messages)} (limit ${RATE}); mean ${((TEXTS + 1) / seconds).toFixed(1)}/s`);
    console.log(`  page: ${index + 1}th of ${TEXTS + 1}, queued when ${before} texts had gone (${index - before} went between)`);
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
