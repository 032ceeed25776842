/**
 * Issue 24, item 1: the fake Twilio's model of Twilio, tested on its own and through the real
 * twilio library: `num_segments` as Twilio counts it (GSM-7 / UCS-2), status callbacks in
 * Twilio's order (and out of it on request), list pagination the library follows, and the check
 * of messaging TwiML an app answers an inbound text with.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTwilioGateway, type TwilioGateway } from '../../../src/telephony/twilio.client.js';
import { startFakeTwilio, type FakeTwilio } from '../../support/fake-twilio.js';
import { checkMessagingTwiml, listPage, progressPlan, twilioSegments } from '../../support/fake-twilio-model.js';

const OFFICE = '+443001234567';
const ON_CALL = '+447911123456';

/** POSTs a message create to `fake` as the twilio library would; the JSON it answers. */
async function createMessage(fake: FakeTwilio, body: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${fake.baseUrl}/2010-04-01/Accounts/${fake.accountSid}/Messages.json`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ To: ON_CALL, From: OFFICE, Body: body }).toString(),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Record<string, unknown>;
}

describe('twilioSegments: num_segments as Twilio counts it', () => {
  it('GSM-7: 160 septets in one segment, 153 a segment when joined', () => {
    expect(twilioSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(twilioSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(twilioSegments('a'.repeat(306)).segments).toBe(2);
    expect(twilioSegments('a'.repeat(307)).segments).toBe(3);
    expect(twilioSegments('£@èÄ\n').encoding).toBe('GSM-7');
  });

  it('GSM-7 extension characters take two septets each', () => {
    expect(twilioSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(twilioSegments('€'.repeat(81))).toEqual({ encoding: 'GSM-7', units: 162, segments: 2 });
    expect(twilioSegments('{[~]}|^\\').units).toBe(16);
  });

  it('one typographic ellipsis or emoji makes the text UCS-2: 70 code units in one segment, 67 joined', () => {
    expect(twilioSegments(`${'a'.repeat(69)}…`)).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(twilioSegments(`${'a'.repeat(70)}…`)).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
    expect(twilioSegments('🔥'.repeat(35))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(twilioSegments('🔥'.repeat(36)).segments).toBe(2);
    // The issue's example: a 1,593-character bundle with an ellipsis is 24 segments, not 11.
    expect(twilioSegments(`${'a'.repeat(1592)}…`).segments).toBe(24);
    expect(twilioSegments('a'.repeat(1593)).segments).toBe(11);
  });
});

describe('progressPlan: status callbacks in Twilio order', () => {
  it('a message: sent then delivered (no callback for the initial queued); reorder puts delivered first', () => {
    expect(progressPlan({ kind: 'message' })).toEqual(['sent', 'delivered']);
    expect(progressPlan({ kind: 'message' }, undefined, { reorder: true })).toEqual(['delivered', 'sent']);
    expect(progressPlan({ kind: 'message' }, ['sent', 'undelivered'], { reorder: true })).toEqual([
      'undelivered',
      'sent',
    ]);
  });

  it('a call: only the events the create asked for, completed alone by default', () => {
    expect(
      progressPlan({ kind: 'call', statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'] }),
    ).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    expect(progressPlan({ kind: 'call', statusCallbackEvent: ['completed'] })).toEqual(['completed']);
    expect(progressPlan({ kind: 'call' })).toEqual(['completed']);
    expect(
      progressPlan({ kind: 'call', statusCallbackEvent: ['ringing', 'completed'] }, ['initiated', 'ringing', 'busy']),
    ).toEqual(['ringing', 'busy']);
    expect(
      progressPlan({ kind: 'call', statusCallbackEvent: ['answered', 'completed'] }, undefined, { reorder: true }),
    ).toEqual(['completed', 'in-progress']);
  });
});

describe('listPage: Twilio list pagination', () => {
  const items = Array.from({ length: 7 }, (_, i) => ({ sid: `SM${String(i).padStart(32, '0')}` }));
  const path = '/2010-04-01/Accounts/AC1/Messages.json';

  it('pages of PageSize with next_page_uri carrying Page and PageToken, the filters kept', () => {
    const first = listPage(items, path, new URLSearchParams({ To: ON_CALL, PageSize: '3' }));
    expect(first.items.map((i) => i.sid)).toEqual(items.slice(0, 3).map((i) => i.sid));
    expect(first).toMatchObject({ page: 0, pageSize: 3, start: 0, end: 2, previousPageUri: null });
    const next = new URL(first.nextPageUri!, 'https://api.twilio.com');
    expect(Object.fromEntries(next.searchParams)).toEqual({
      To: ON_CALL,
      PageSize: '3',
      Page: '1',
      PageToken: `PA${items[2].sid}`,
    });
    const second = listPage(items, path, next.searchParams);
    expect(second.items.map((i) => i.sid)).toEqual(items.slice(3, 6).map((i) => i.sid));
    const third = listPage(items, path, new URL(second.nextPageUri!, 'https://x').searchParams);
    expect(third.items).toEqual([items[6]]);
    expect(third.nextPageUri).toBeNull();
  });

  it('PageSize defaults to 50 and is capped at 1000', () => {
    expect(listPage(items, path, new URLSearchParams()).pageSize).toBe(50);
    expect(listPage(items, path, new URLSearchParams({ PageSize: '5000' })).pageSize).toBe(1000);
  });
});

describe('checkMessagingTwiml: the answer to an inbound text, as Twilio reads it', () => {
  it('sends each <Message> of a well-formed <Response>, and nothing for an empty one', () => {
    expect(
      checkMessagingTwiml(
        '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Got it &amp; thanks</Message></Response>',
      ),
    ).toEqual({
      ok: true,
      messages: [{ body: 'Got it & thanks', to: null, from: null }],
    });
    expect(checkMessagingTwiml('<Response/>')).toEqual({ ok: true, messages: [] });
    expect(checkMessagingTwiml('')).toEqual({ ok: true, messages: [] });
  });

  it('refuses malformed XML (12100), another verb or root (12200), and a body over 1,600 characters (21617)', () => {
    expect(checkMessagingTwiml('<Response><Message>a & b</Message></Response>')).toMatchObject({
      ok: false,
      code: 12100,
    });
    expect(checkMessagingTwiml('<Response><Say>hi</Say></Response>')).toMatchObject({ ok: false, code: 12200 });
    expect(checkMessagingTwiml('<Reply><Message>hi</Message></Reply>')).toMatchObject({ ok: false, code: 12200 });
    expect(checkMessagingTwiml(`<Response><Message>${'x'.repeat(1600)}</Message></Response>`)).toMatchObject({
      ok: true,
    });
    expect(checkMessagingTwiml(`<Response><Message>${'x'.repeat(1601)}</Message></Response>`)).toMatchObject({
      ok: false,
      code: 21617,
    });
  });
});

describe('the fake server with the real twilio library', () => {
  let fake: FakeTwilio;
  let gateway: TwilioGateway;
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
  beforeEach(() => fake.reset());

  it('answers a message create with num_segments as Twilio counts them', async () => {
    const counts: string[] = [];
    for (const body of ['a'.repeat(160), 'a'.repeat(161), `${'a'.repeat(69)}…`, `${'a'.repeat(70)}…`]) {
      counts.push((await createMessage(fake, body)).num_segments as string);
    }
    expect(counts).toEqual(['1', '2', '1', '2']);
  });

  it("Press Desk's look-up of an unknown outcome follows next_page_uri: the match on the second page is found", async () => {
    await gateway.sendSms({ to: ON_CALL, body: 'URGENT media enquiry PD-1001. Reply ACK 4821' });
    for (let i = 0; i < 3; i++) await gateway.sendSms({ to: ON_CALL, body: `Later text ${i}` });
    const target = fake.messages[0].sid;
    const found = await gateway.findSentSms({ to: ON_CALL, marker: 'PD-1001', since: new Date(Date.now() - 60_000) });
    expect(found).toBe(target);
    const lists = fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/Messages.json'));
    expect(lists.length).toBeGreaterThanOrEqual(2);
  });

  it('and the look-up of a call: the page call not yet recorded is found behind two newer ones on the first page', async () => {
    const twiml = '<Response><Say>hi</Say></Response>';
    const target = await gateway.placeCall({ to: ON_CALL, twiml });
    const newer = [await gateway.placeCall({ to: ON_CALL, twiml }), await gateway.placeCall({ to: ON_CALL, twiml })];
    const found = await gateway.findPlacedCall({
      to: ON_CALL,
      since: new Date(Date.now() - 60_000),
      exclude: newer.map((c) => c.sid),
    });
    expect(found).toBe(target.sid);
    expect(
      fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/Calls.json')).length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('progress posts a message sent → delivered, or delivered first, and a call only the events it asked for', async () => {
    const seen: Array<[string, string]> = [];
    fake.callbackFetch = (_url, init) => {
      const p = new URLSearchParams(init.body);
      seen.push([p.get('MessageSid') ?? p.get('CallSid') ?? '', p.get('MessageStatus') ?? p.get('CallStatus') ?? '']);
      return new Response(null, { status: 204 });
    };
    const sms = await gateway.sendSms({
      to: ON_CALL,
      body: 'hello',
      statusCallback: 'https://press.example.org/twilio/status',
    });
    await fake.progress(sms.sid);
    await fake.progress(sms.sid, undefined, { reorder: true });
    const call = await gateway.placeCall({
      to: ON_CALL,
      twiml: '<Response><Say>hi</Say></Response>',
      statusCallback: 'https://press.example.org/twilio/status',
    });
    await fake.progress(call.sid);
    expect(seen).toEqual([
      [sms.sid, 'sent'],
      [sms.sid, 'delivered'],
      [sms.sid, 'delivered'],
      [sms.sid, 'sent'],
      [call.sid, 'completed'],
    ]);
    expect(fake.messages[0].status).toBe('delivered');
  });
});
