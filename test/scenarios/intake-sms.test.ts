import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PRESS_OFFICE_NUMBER, PUBLIC_BASE_URL, messageSid, startHarness, type Harness } from '../support/harness.js';
import {
  signedForOtherUrl,
  signedWithWrongToken,
  tamperedFormRequest,
  unsignedFormRequest,
} from '../support/twilio-webhook.js';

const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const BOXING_DAY_SUBSTITUTE = '2026-12-28T10:00:00Z';
const JOURNALIST = '+447911123456';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM });
});
afterAll(async () => h?.close());
beforeEach(() => h.clock.set(WEDNESDAY_10AM));

function replyText(twiml: string): string {
  const m = /<Message>([\s\S]*)<\/Message>/.exec(twiml);
  if (!m) throw new Error(`no <Message> in ${twiml}`);
  return m[1]
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'");
}

async function enquiriesFrom(phone: string) {
  return h.database.db.selectFrom('enquiry').selectAll().where('phone', '=', phone).orderBy('id').execute();
}

describe('POST /twilio/sms from a journalist', () => {
  it('creates an enquiry and replies with TwiML carrying the reference and the next step', async () => {
    const from = '+447911000001';
    const res = await h.sms(from, 'Is the M5 closed near Exeter?');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/xml');
    const reply = replyText(await res.text());
    const [row] = await enquiriesFrom(from);
    expect(row).toMatchObject({ channel: 'sms', subject: 'Is the M5 closed near Exeter?', urgent: false });
    expect(reply).toContain(`your enquiry reference is ${row.reference}`);
    expect(reply).toContain('We are open. A press officer will respond by 2:00pm today.');
  });

  it('adds a second text within 24 hours to the same enquiry', async () => {
    const from = '+447911000002';
    await h.sms(from, 'First question');
    h.clock.advance(3 * 3_600_000);
    const reply = replyText(await (await h.sms(from, 'And a follow-up')).text());
    const rows = await enquiriesFrom(from);
    expect(rows).toHaveLength(1);
    expect(reply).toContain(`added this to your enquiry ${rows[0].reference}`);
    const events = await h.database.db
      .selectFrom('enquiry_event')
      .select(['kind', 'data'])
      .where('enquiry_id', '=', rows[0].id)
      .orderBy('id')
      .execute();
    expect(events.filter((e) => e.kind === 'sms_in').map((e) => e.data.body)).toEqual([
      'First question',
      'And a follow-up',
    ]);
  });

  it('starts a new enquiry after 24 hours', async () => {
    const from = '+447911000003';
    await h.sms(from, 'Monday question');
    h.clock.advance(25 * 3_600_000);
    await h.sms(from, 'A new question');
    expect(await enquiriesFrom(from)).toHaveLength(2);
  });

  it('treats the word URGENT as urgent and, out of hours, says the on-call officer will be told', async () => {
    h.clock.set(BOXING_DAY_SUBSTITUTE);
    const from = '+447911000004';
    const reply = replyText(await (await h.sms(from, 'urgent: fire at the depot, need a line by 11')).text());
    const [row] = await enquiriesFrom(from);
    expect(row).toMatchObject({ urgent: true, out_of_hours: true, needs_on_call: true });
    expect(reply).toMatch(/on-call press officer/);
  });

  it('does not treat "nonurgent" as urgent', async () => {
    const from = '+447911000005';
    await h.sms(from, 'nonurgent query about statistics');
    const [row] = await enquiriesFrom(from);
    expect(row.urgent).toBe(false);
  });

  it('upgrades an open enquiry when a follow-up says URGENT', async () => {
    h.clock.set(BOXING_DAY_SUBSTITUTE);
    const from = '+447911000006';
    await h.sms(from, 'Question about the parade');
    await h.sms(from, 'Actually this is URGENT now');
    const [row] = await enquiriesFrom(from);
    expect(row).toMatchObject({ urgent: true, needs_on_call: true });
  });

  it('answers a Twilio retry of the same MessageSid with the same reply, the same working link, and stores nothing new', async () => {
    const from = '+447911000007';
    const sid = messageSid();
    const first = await (await h.sms(from, 'Retry me', sid)).text();
    const again = await h.sms(from, 'Retry me', sid);
    expect(again.status).toBe(200);
    // Word for word: a retry (or a replay of the signed request) mints no second link.
    expect(await again.text()).toBe(first);
    expect(await (await h.sms(from, 'Retry me', sid)).text()).toBe(first);
    const [row] = await enquiriesFrom(from);
    const links = await h.database.db
      .selectFrom('status_link')
      .select('token_hash')
      .where('enquiry_id', '=', row.id)
      .execute();
    expect(links).toHaveLength(1);
    // The link in the first answer is the one that opens the enquiry.
    const page = await h.app.request(`/status/${statusTokenIn(first)}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(row.reference);
    const events = await h.database.db
      .selectFrom('enquiry_event')
      .select('kind')
      .where('kind', '=', 'sms_in')
      .where('data', '@>', JSON.stringify({ messageSid: sid }) as never)
      .execute();
    expect(events).toHaveLength(1);
  });

  it('gives two different texts two different links', async () => {
    const a = await (await h.sms('+447911000011', 'One question')).text();
    const b = await (await h.sms('+447911000012', 'Another question')).text();
    expect(statusTokenIn(a)).toBeDefined();
    expect(statusTokenIn(a)).not.toBe(statusTokenIn(b));
  });

  it('handles two deliveries of one MessageSid at the same moment as one', async () => {
    const from = '+447911000008';
    const sid = messageSid();
    const [a, b] = await Promise.all([h.sms(from, 'Twice at once', sid), h.sms(from, 'Twice at once', sid)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await a.text()).toBe(await b.text());
    expect(await enquiriesFrom(from)).toHaveLength(1);
  });

  it('accepts an empty SMS body (Body= must survive the signature check)', async () => {
    const from = '+447911000009';
    const res = await h.sms(from, '');
    expect(res.status).toBe(200);
    const [row] = await enquiriesFrom(from);
    expect(row.subject).toBe('(SMS with no text)');
  });

  it('keeps a 10,000-character text whole', async () => {
    const from = '+447911000010';
    const body = 'a'.repeat(10_000);
    expect((await h.sms(from, body)).status).toBe(200);
    const [row] = await enquiriesFrom(from);
    expect(row.details).toBe(body);
  });
});

describe('POST /twilio/sms signature check', () => {
  const params = () => ({ MessageSid: messageSid(), From: '+447911000099', To: PRESS_OFFICE_NUMBER, Body: 'forged' });
  const base = () => ({
    publicBaseUrl: PUBLIC_BASE_URL,
    path: '/twilio/sms',
    params: params(),
    authToken: h.twilio.authToken,
  });

  it.each([
    ['missing', () => unsignedFormRequest(base())],
    ['made with the wrong token', () => signedWithWrongToken(base())],
    ['made for another URL', () => signedForOtherUrl(base(), 'https://press.example.org/twilio/status')],
    ['replayed with a changed body', () => tamperedFormRequest(base(), { ...base().params, Body: 'changed' })],
  ])('refuses a signature %s with 403 and stores nothing', async (_label, build) => {
    const r = build();
    const res = await h.app.request(r.path, r.init);
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('bad_signature');
    expect(await enquiriesFrom('+447911000099')).toHaveLength(0);
  });

  it('refuses a signed request without a MessageSid with 400', async () => {
    const res = await h.webhook('/twilio/sms', { From: JOURNALIST, Body: 'no sid' });
    expect(res.status).toBe(400);
  });
});

/** The status link's token in a reply (undefined when there is none). */
function statusTokenIn(reply: string): string | undefined {
  return /\/status\/([A-Za-z0-9_-]{22})/.exec(reply)?.[1];
}
