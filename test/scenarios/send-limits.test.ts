/**
 * Twilio's rates, kept by us (issue 14, item 3): with the SMS rate set low, a backlog of 100
 * texts to journalists goes out no faster than the rate, and an urgent page queued behind them
 * goes out before the rest of them; escalation calls keep the calls rate. Times are real (the
 * rates are about real seconds), so business time is the real clock and the office is always
 * closed: every urgent enquiry pages.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { maxPerSecond, pagePosition, queueJournalistTexts, until } from '../support/send-rates.js';

// A mobile out-of-hours line (outside journalistPhone's range), so the page is a text in the SMS queue (the shipped 03 line cannot take texts and is called: landline-fallback.test.ts).
const FALLBACK = '+447911250099';
const ALWAYS_CLOSED = {
  office: { hours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, holidays: null },
};

let h: Harness;
afterEach(async () => h?.close());

async function start(config: Record<string, unknown>) {
  h = await startHarness({
    now: new Date().toISOString(),
    jobs: true,
    config: { ...ALWAYS_CLOSED, onCall: { bundleSeconds: 0, fallbackNumber: FALLBACK }, ...config },
  });
  h.clock.restore(); // real time from here: the limiter's seconds are real seconds
  return h;
}

async function urgentEnquiry(phone: string) {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone,
    subject: 'Fire at the depot',
    details: 'Need a line tonight',
    urgent: true,
  });
  expect(res.status).toBe(201);
  expect(((await res.json()) as { pagedOnCall: boolean }).pagedOnCall).toBe(true);
}

describe("Twilio's sending rates", () => {
  it('a page queued behind 100 texts to journalists goes before the rest of them, and no second carries more than 5 SMS', {
    timeout: 90_000,
  }, async () => {
    await start({ twilio: { smsPerSecond: 5 } });
    const bodies = await h.database.db.transaction().execute((tx) => queueJournalistTexts(tx, 100, new Date()));
    await until(() => h.twilio.messages.length >= 10, 10_000, 'the backlog to start');
    await urgentEnquiry('+447911123401');
    // The page exists once intake has answered (its job is committed with the enquiry): the texts
    // the fake Twilio had by then went before it existed. On a loaded machine intake takes long
    // enough for a few more to go out meanwhile, so this is counted after, not before, it.
    const sentBefore = h.twilio.messages.length;
    await until(() => h.twilio.messages.length >= 101, 70_000, 'the backlog and the page');

    const { index, textsAfter } = pagePosition(h.twilio.messages, FALLBACK);
    console.log(
      `send-limits: SMS max per second ${maxPerSecond(h.twilio.messages)}, page at ${index + 1} of 101, queued after ${sentBefore}, texts after it ${textsAfter}`,
    );
    // At most the texts already holding a slot when the page came go between.
    expect(index).toBeLessThanOrEqual(sentBefore + 2);
    expect(textsAfter).toBeGreaterThanOrEqual(100 - sentBefore - 2);
    expect(maxPerSecond(h.twilio.messages)).toBeLessThanOrEqual(5);
    // Nothing lost, nothing doubled.
    const texts = h.twilio.messages.filter((m) => m.to !== FALLBACK).map((m) => m.body);
    expect(texts.sort()).toEqual([...bodies].sort());
    expect(h.twilio.messages.filter((m) => m.to === FALLBACK)).toHaveLength(1);
  });

  it('escalation calls keep to the calls rate: never two within one second', { timeout: 60_000 }, async () => {
    await start({
      twilio: { callsPerSecond: 1 },
      onCall: { bundleSeconds: 0, escalation: [{ action: 'call', to: 'fallback', afterSeconds: 0 }] },
    });
    for (let i = 0; i < 5; i++) await urgentEnquiry(`+44791112340${i}`);
    await until(() => h.twilio.calls.length >= 5, 30_000, 'five calls');
    await new Promise((r) => setTimeout(r, 1_000)); // anything doubled would show now
    console.log(`send-limits: calls max per second ${maxPerSecond(h.twilio.calls)}`);
    expect(h.twilio.calls).toHaveLength(5);
    expect(maxPerSecond(h.twilio.calls)).toBeLessThanOrEqual(1);
  });
});
