/**
 * Issue 24, item 1: the fake Twilio checked against Twilio's documented payloads
 * (test/support/twilio-fixtures/*.json, written from Twilio's documentation), so that the fake
 * and Press Desk cannot share a misunderstanding: the fake's create and list answers have exactly
 * the documented fields with the documented types; its callbacks carry only documented parameters
 * and every one Twilio always sends; and the app accepts the documented webhooks as they are.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTwilioGateway, type TwilioGateway } from '../../../src/telephony/twilio.client.js';
import { startFakeTwilio, type FakeTwilio } from '../../support/fake-twilio.js';
import { checkMessagingTwiml } from '../../support/fake-twilio-model.js';
import { startHarness } from '../../support/harness.js';

type BodyFixture = { nullable: string[]; body: Record<string, unknown> };
type ParamsFixture = { always: string[]; documented: string[]; example: Record<string, string>; answeredBy?: string[] };

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../support/twilio-fixtures/${name}.json`, import.meta.url), 'utf8')) as T;
}

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** `actual` has exactly the fixture's fields, each of the documented type (or null where the docs allow it). */
function expectShape(actual: Record<string, unknown>, f: BodyFixture) {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(f.body).sort());
  for (const [k, v] of Object.entries(f.body)) {
    const want = kind(v);
    const got = kind(actual[k]);
    if (got === 'null' && f.nullable.includes(k)) continue;
    expect(got, k).toBe(want === 'null' ? 'string' : want);
  }
}

/** Callback parameters: only documented names, every one Twilio always sends, all strings. */
function expectParams(params: Record<string, string>, f: ParamsFixture) {
  const names = Object.keys(params);
  expect(names.filter((n) => !f.documented.includes(n))).toEqual([]);
  expect(f.always.filter((n) => !names.includes(n))).toEqual([]);
  for (const v of Object.values(params)) expect(typeof v).toBe('string');
}

const OFFICE = '+443001234567';
const ON_CALL = '+447911123456';
const CALLBACK = 'https://press.example.org/twilio/status';

describe('the fake against the documented payloads', () => {
  let fake: FakeTwilio;
  let gateway: TwilioGateway;
  let posted: Array<{ url: string; params: Record<string, string> }>;
  beforeAll(async () => {
    fake = await startFakeTwilio({ maxPageSize: 2 });
    gateway = createTwilioGateway(
      {
        accountSid: fake.accountSid,
        authToken: fake.authToken,
        phoneNumber: OFFICE,
        apiBaseUrl: fake.baseUrl,
        configured: true,
      },
      { timeoutMs: 2000 },
    );
  });
  afterAll(async () => fake.close());
  beforeEach(() => {
    fake.reset();
    posted = [];
    fake.callbackFetch = (url, init) => {
      posted.push({ url, params: Object.fromEntries(new URLSearchParams(init.body)) });
      return new Response(init.body.includes('Twiml') ? '<Response/>' : null, {
        status: init.body.includes('Twiml') ? 200 : 204,
      });
    };
  });

  const auth = () => ({
    Authorization: `Basic ${Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString('base64')}`,
  });
  async function api(method: 'GET' | 'POST', path: string, form?: Record<string, string | string[]>) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form ?? {})) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    const res = await fetch(`${fake.baseUrl}/2010-04-01/Accounts/${fake.accountSid}/${path}`, {
      method,
      headers: { ...auth(), ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: body.toString() } : {}),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  it('a message create answers the Message resource as documented', async () => {
    const res = await api('POST', 'Messages.json', { To: ON_CALL, From: OFFICE, Body: 'Fire at the depot…' });
    expect(res.status).toBe(201);
    expectShape(res.json, fixture('message-create'));
    expect(res.json).toMatchObject({ status: 'queued', num_segments: '1', direction: 'outbound-api' });
  });

  it('a call create answers the Call resource as documented', async () => {
    const res = await api('POST', 'Calls.json', {
      To: ON_CALL,
      From: OFFICE,
      Twiml: '<Response><Say>Hello</Say></Response>',
    });
    expect(res.status).toBe(201);
    expectShape(res.json, fixture('call-create'));
  });

  it('a list page has the documented paging fields, items shaped like the resource, and a next_page_uri with Page and PageToken', async () => {
    for (let i = 0; i < 3; i++) await api('POST', 'Messages.json', { To: ON_CALL, From: OFFICE, Body: `Text ${i}` });
    const res = await api('GET', `Messages.json?To=${encodeURIComponent(ON_CALL)}&PageSize=2`);
    expect(res.status).toBe(200);
    expectShape({ ...res.json, messages: [] }, fixture('message-list-page'));
    const items = res.json.messages as Record<string, unknown>[];
    expect(items).toHaveLength(2);
    for (const item of items) expectShape(item, fixture('message-create'));
    expect(String(res.json.next_page_uri)).toMatch(/[?&]Page=1&PageToken=PASM[0-9a-f]{32}$/);
    const calls = await api('GET', 'Calls.json');
    expect(Object.keys(calls.json).sort()).toEqual(
      Object.keys(fixture<BodyFixture>('message-list-page').body)
        .map((k) => (k === 'messages' ? 'calls' : k))
        .sort(),
    );
  });

  it('message status callbacks carry the documented parameters, ErrorCode on a failure', async () => {
    const f = fixture<ParamsFixture>('message-status-callback');
    const sms = await gateway.sendSms({ to: ON_CALL, body: 'hello', statusCallback: CALLBACK });
    await fake.progress(sms.sid);
    await fake.progress(sms.sid, ['undelivered']);
    expect(posted.map((p) => p.params.MessageStatus)).toEqual(['sent', 'delivered', 'undelivered']);
    for (const p of posted) expectParams(p.params, f);
    expect(Object.keys(posted[2].params).sort()).toEqual(Object.keys(f.example).sort());
  });

  it('call status and asynchronous AMD callbacks carry the documented parameters', async () => {
    const call = await gateway.placeCall({
      to: ON_CALL,
      twiml: '<Response><Say>Press Desk calling.</Say></Response>',
      statusCallback: CALLBACK,
      machineDetection: { statusCallback: CALLBACK },
    });
    await fake.answerCall(call.sid, { answeredBy: 'machine_start' });
    const amd = posted.filter((p) => 'AnsweredBy' in p.params && !('CallStatus' in p.params));
    const status = posted.filter((p) => 'CallStatus' in p.params);
    expect(amd).toHaveLength(1);
    const amdFixture = fixture<ParamsFixture>('amd-callback');
    expectParams(amd[0].params, amdFixture);
    expect(amdFixture.answeredBy).toContain(amd[0].params.AnsweredBy);
    expect(status.map((p) => p.params.CallStatus)).toEqual(['completed']);
    for (const p of status) expectParams(p.params, fixture('call-status-callback'));
  });
});

describe('Press Desk against the documented webhooks', () => {
  it('answers the documented inbound SMS with messaging TwiML Twilio sends, and the documented status callback with 204', async () => {
    const h = await startHarness({ now: '2026-12-24T18:00:00Z' });
    try {
      const inbound = fixture<ParamsFixture>('inbound-sms').example;
      const res = await h.webhook('/twilio/sms', { ...inbound, AccountSid: h.twilio.accountSid });
      expect(res.status).toBe(200);
      const verdict = checkMessagingTwiml(await res.text(), res.headers.get('content-type') ?? '');
      expect(verdict.ok).toBe(true);
      const status = fixture<ParamsFixture>('message-status-callback').example;
      // A SID Press Desk never sent: logged and ignored, answered so that Twilio does not retry.
      expect((await h.webhook('/twilio/status', { ...status, AccountSid: h.twilio.accountSid })).status).toBe(204);
      const amd = fixture<ParamsFixture>('amd-callback').example;
      expect((await h.webhook('/twilio/status', { ...amd, AccountSid: h.twilio.accountSid })).status).toBe(204);
    } finally {
      await h.close();
    }
  });
});
