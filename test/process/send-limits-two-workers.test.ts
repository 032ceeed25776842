/**
 * Twilio's rates across processes (issue 14, item 3): two worker processes share one SMS bucket
 * in PostgreSQL, so together they never send more than `twilio.smsPerSecond` in any one second at
 * the fake Twilio; a backlog of 100 texts to journalists all go, once each; and an urgent page
 * queued behind them goes before the rest of them.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { openProcessFixture, postEnquiry, type ProcessFixture } from '../support/process-fixture.js';
import { maxPerSecond, pagePosition, queueJournalistTexts, until } from '../support/send-rates.js';
import { describeOutputs, FALLBACK_NUMBER, type ServiceProcess } from '../support/service-process.js';

const RATE = 5;
const TEXTS = 100;

let fixture: ProcessFixture;
let web: ServiceProcess;
let workers: ServiceProcess[];

beforeAll(async () => {
  fixture = await openProcessFixture();
  const config = { twilio: { smsPerSecond: RATE }, onCall: { bundleSeconds: 0 } };
  [web, ...workers] = await Promise.all([
    fixture.start({ mode: 'web', name: 'web', config }),
    fixture.start({ mode: 'worker', name: 'worker-1', config }),
    fixture.start({ mode: 'worker', name: 'worker-2', config }),
  ]);
}, 90_000);

afterAll(async () => {
  await fixture?.close();
});

describe('two worker processes share the SMS rate', () => {
  it(`send 100 texts and a page, never more than ${RATE} a second together, each once, the page before the rest`, { timeout: 90_000 }, async () => {
    onTestFailed(() => console.error(describeOutputs([web, ...workers])));
    const { database, fake } = fixture;
    const bodies = await database.db.transaction().execute((tx) => queueJournalistTexts(tx, TEXTS, new Date()));
    await until(() => fake.messages.length >= 10, 20_000, 'the backlog to start');
    const sentBefore = fake.messages.length;
    const res = await postEnquiry(web.baseUrl!, { name: 'Ann Reporter', outlet: 'Evening Gazette', phone: '+447911123401', subject: 'Fire at the depot', details: 'Need a line tonight', urgent: true });
    expect(res.status).toBe(201);
    await until(() => fake.messages.length >= TEXTS + 1, 60_000, 'the backlog and the page');
    await new Promise((r) => setTimeout(r, 2_000)); // anything doubled would show now

    const { index, textsAfter } = pagePosition(fake.messages, FALLBACK_NUMBER);
    console.log(`send-limits (two workers): SMS max per second ${maxPerSecond(fake.messages)}, page at ${index + 1} of ${TEXTS + 1}, queued after ${sentBefore}, texts after it ${textsAfter}`);
    expect(maxPerSecond(fake.messages)).toBeLessThanOrEqual(RATE);
    const texts = fake.messages.filter((m) => m.to !== FALLBACK_NUMBER).map((m) => m.body);
    expect(texts.sort()).toEqual([...bodies].sort());
    expect(fake.messages.filter((m) => m.to === FALLBACK_NUMBER)).toHaveLength(1);
    // The page waits at most for a worker to be free and for the texts already holding a slot.
    expect(textsAfter).toBeGreaterThanOrEqual(TEXTS - sentBefore - 10);
    expect(index).toBeLessThan(TEXTS / 2);
  });
});
