/**
 * The outbox's "never twice" when the same message is queued again while its first job is still
 * sending (CI, December 2026: an enquiry closed, reopened and closed again sent the journalist two
 * "closed" texts). The job runner runs two jobs at once, as in production; the fake Twilio holds
 * the first request, so the second queueing lands while the first job is at Twilio.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueCall, queueSms } from '../../src/outbox/outbox.service.js';
import { startHarness, type Harness } from '../support/harness.js';

// Wednesday 2 December 2026, 10:00: the office is open (nothing else pages or texts).
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const SAY = '<Response><Say>The on-call press officer will call you back now.</Say></Response>';

let h: Harness;
beforeAll(async () => {
  // Twilio's rates high enough that no second job waits for a slot: a wait would let the first
  // finish and hide the double send (test/unit/outbox/send-limits-pacing.test.ts is about rates).
  h = await startHarness({
    now: WEDNESDAY_10AM,
    jobs: true,
    config: { intake: { rateLimit: null }, twilio: { smsPerSecond: 1000, callsPerSecond: 1000 } },
  });
});
afterAll(async () => h?.close());

const queue = {
  sms: (key: string, to: string) =>
    h.database.db
      .transaction()
      .execute((tx) => queueSms(tx, { key, enquiryId: null, to, body: `The text ${key}.` }, h.clock.now())),
  call: (key: string, to: string) =>
    h.database.db.transaction().execute((tx) => queueCall(tx, { key, enquiryId: null, to, twiml: SAY }, h.clock.now())),
};
const posts = (medium: 'sms' | 'call') =>
  h.twilio.requests.filter(
    (r) => r.method === 'POST' && r.path.endsWith(medium === 'sms' ? '/Messages.json' : '/Calls.json'),
  );
const received = (medium: 'sms' | 'call', to: string) =>
  (medium === 'sms' ? h.twilio.messages : h.twilio.calls).filter((m) => m.to === to);

describe('a message queued again while its first job is at Twilio', () => {
  it.each([
    ['sms', '+447911300001'],
    ['call', '+447911300002'],
  ] as const)('(%s) reaches the phone once', async (medium, phone) => {
    const key = `requeue:${medium}`;
    const before = posts(medium).length;
    h.twilio.delayNext(1, 1_500);
    await queue[medium](key, phone);
    for (let i = 0; posts(medium).length === before; i += 1) {
      if (i > 500) throw new Error(`the first ${medium} never reached Twilio`);
      await new Promise((r) => setTimeout(r, 10));
    }
    // The same message again (a status changed twice, a reply pressed twice), while the first is in flight.
    await queue[medium](key, phone);
    await h.jobs.settle();
    expect(received(medium, phone)).toHaveLength(1);
    expect(posts(medium).length - before).toBe(1);
    const row = await h.database.db
      .selectFrom('outbound_message')
      .select(['state', 'provider_sid'])
      .where('idempotency_key', '=', key)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'sent', provider_sid: received(medium, phone)[0].sid });
  });
});
