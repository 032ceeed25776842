/**
 * Replays of a genuine status callback (`POST /twilio/status`), captured as the fake Twilio
 * signed it: changing `MessageStatus` (to fake a failure and trigger an escalation) or appending
 * a second value of a parameter must both be refused with 403, and change nothing. The forgeries
 * of the inbound-SMS webhook are in test/scenarios/intake-sms.test.ts.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';

// Christmas Eve 2026, 18:00: closed, so an urgent enquiry pages the on-call line at once.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';

let h: Harness;
/** The genuine callback, exactly as it was sent. */
let genuine: { url: string; headers: Record<string, string>; body: string };
let sid: string;

beforeAll(async () => {
  // Nobody is on the rota, so the page goes to the out-of-hours line: a mobile here, since the
  // shipped one (a 0300 number) cannot take texts and its page would be a call.
  h = await startHarness({
    now: CHRISTMAS_EVE_6PM,
    jobs: true,
    config: { onCall: { bundleSeconds: 0, fallbackNumber: '+447911250099' } },
  });
  const deliver = h.twilio.callbackFetch;
  h.twilio.callbackFetch = (url, init) => {
    genuine = { url, headers: { ...init.headers }, body: init.body };
    return deliver(url, init);
  };
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: '+447911123401',
    subject: 'Fire at the depot',
    details: 'Need a line tonight',
    urgent: true,
  });
  expect(res.status).toBe(201);
  const [sms] = await h.twilio.waitForMessages(1);
  sid = sms.sid;
  await h.jobs.settle();
  expect(await h.twilio.sendStatusCallback(sms, 'delivered')).toBe(204);
});
afterAll(async () => h?.close());

/** Everything a status callback could change: the step, the timeline, the queue. */
async function snapshot() {
  const step = await h.database.db
    .selectFrom('page_step')
    .innerJoin('outbound_message', 'outbound_message.id', 'page_step.outbound_id')
    .select([
      'page_step.state',
      'outbound_message.provider_status',
      'outbound_message.attempts',
      'outbound_message.last_error',
    ])
    .where('outbound_message.provider_sid', '=', sid)
    .executeTakeFirstOrThrow();
  const events = await h.database.db.selectFrom('enquiry_event').select(['kind', 'data']).orderBy('id').execute();
  const jobs = await sql<{
    task_identifier: string;
    key: string | null;
    run_at: Date;
  }>`SELECT task_identifier, key, run_at FROM graphile_worker.jobs ORDER BY id`.execute(h.database.db);
  const pages = await h.database.db.selectFrom('page').select(['status']).execute();
  return { step, events, jobs: jobs.rows, pages, messages: h.twilio.messages.length, calls: h.twilio.calls.length };
}

function replay(body: string) {
  const path = new URL(genuine.url).pathname;
  return h.app.request(path, { method: 'POST', headers: genuine.headers, body });
}

describe('replayed status callbacks', () => {
  it('the genuine callback was accepted and recorded the delivery', async () => {
    expect(new URLSearchParams(genuine.body).get('MessageStatus')).toBe('delivered');
    expect((await snapshot()).step.provider_status).toBe('delivered');
  });

  it('the same signature with MessageStatus changed to "failed" is 403 and changes nothing', async () => {
    const before = await snapshot();
    const params = new URLSearchParams(genuine.body);
    params.set('MessageStatus', 'failed');
    params.set('SmsStatus', 'failed');
    const res = await replay(params.toString());
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('bad_signature');
    await new Promise((r) => setTimeout(r, 300)); // an escalation, had one been queued, would run now
    expect(await snapshot()).toEqual(before);
  });

  it('the same signature with a second MessageStatus appended is 403 and changes nothing', async () => {
    const before = await snapshot();
    const res = await replay(`${genuine.body}&MessageStatus=failed`);
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('bad_signature');
    expect(await snapshot()).toEqual(before);
  });

  it('the same signature with a duplicated parameter prepended is 403 too', async () => {
    const res = await replay(`MessageStatus=failed&${genuine.body}`);
    expect(res.status).toBe(403);
  });

  it('the genuine callback replayed unchanged is accepted again and changes nothing new but the timeline receipt', async () => {
    const before = await snapshot();
    const res = await replay(genuine.body);
    expect(res.status).toBe(204);
    const after = await snapshot();
    expect(after.step).toEqual(before.step);
    expect(after.jobs).toEqual(before.jobs);
    expect(after.pages).toEqual(before.pages);
  });
});

describe('signed status callbacks with hostile values', () => {
  it.each([
    ['an unknown SID', { MessageSid: 'SM00000000000000000000000000000000', MessageStatus: 'failed' }],
    ['a SID with a NUL', { MessageSid: 'SM\u0000', MessageStatus: 'failed' }],
    ['SQL in the SID', { MessageSid: "' OR 1=1 --", MessageStatus: 'failed' }],
    ['a 10,000-character SID', { MessageSid: `SM${'a'.repeat(10_000)}`, MessageStatus: 'failed' }],
    ['a NUL in the status of a real SID', () => ({ MessageSid: sid, MessageStatus: 'deliv\u0000ered' })],
    [
      'a NUL in the error code of a real SID',
      () => ({ MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '3\u00000003' }),
    ],
    ['a call SID with a NUL', { CallSid: 'CA\u0000', CallStatus: 'busy' }],
    ['neither kind', { Foo: 'bar' }],
  ])('%s: a 2xx or a 4xx, never a 5xx', async (_label, params) => {
    const p = typeof params === 'function' ? params() : params;
    const res = await h.webhook('/twilio/status', p);
    expect(res.status).toBeLessThan(500);
  });
});
