/**
 * Hostile input through Twilio's inbound-SMS webhook (`POST /twilio/sms`), correctly signed: the
 * signature proves who sent it, not that what it carries is sane. Every case must get TwiML with
 * a reference (the text stored as normalised), or a 4xx JSON error, never a 5xx.
 */
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SMS_BODY } from '../../src/sms/inbound.service.js';
import { messageSid, PRESS_OFFICE_NUMBER, PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';
import { paramsForSignature, type FormParams } from '../support/twilio-webhook.js';
import { HOSTILE_STRINGS } from './corpus.js';
import { enquiryCount, expectedSmsDetails, expectStored, judgeSms, WEDNESDAY_10AM, type Outcome } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM });
});
afterAll(async () => h?.close());

let phoneCounter = 0;
/** A fresh sender for each case, so no text joins another case's open enquiry. */
function freshPhone(): string {
  phoneCounter += 1;
  return `+4479112${String(phoneCounter).padStart(5, '0')}`;
}

async function judged(label: string, send: () => Promise<Response>): Promise<Outcome> {
  const before = await enquiryCount(h);
  return judgeSms(h, await send(), before, label);
}

/**
 * A text from a fresh number; its new enquiry must hold the normalised body. Twilio never sends
 * a NUL (and PostgreSQL cannot store one), so a webhook carrying one is refused with 400.
 */
async function text(label: string, body: string): Promise<Outcome> {
  const from = freshPhone();
  const outcome = await judged(label, () => h.sms(from, body));
  if (body.includes('\u0000')) expect(outcome, label).toMatchObject({ kind: 'refused', status: 400 });
  else expectStored(outcome, { details: expectedSmsDetails(body), phone: from }, label);
  return outcome;
}

/**
 * A raw form body signed over exactly what the server will parse from it (as Twilio signs the
 * decoded parameters), so malformed encodings reach the handler instead of failing the signature.
 */
function signedRaw(raw: string | Uint8Array, contentType = 'application/x-www-form-urlencoded'): Promise<Response> {
  const decoded = typeof raw === 'string' ? raw : new TextDecoder().decode(raw);
  const params: FormParams = [...new URLSearchParams(decoded)];
  const signature = twilio.getExpectedTwilioSignature(
    h.twilio.authToken,
    `${PUBLIC_BASE_URL}/twilio/sms`,
    paramsForSignature(params),
  );
  const body = typeof raw === 'string' ? new TextEncoder().encode(raw) : raw;
  return Promise.resolve(
    h.app.request('/twilio/sms', {
      method: 'POST',
      headers: { 'Content-Type': contentType, 'X-Twilio-Signature': signature },
      body: Uint8Array.from(body),
    }),
  );
}

const base = (from: string, sid = messageSid()) => ({
  MessageSid: sid,
  SmsSid: sid,
  AccountSid: h.twilio.accountSid,
  From: from,
  To: PRESS_OFFICE_NUMBER,
  NumMedia: '0',
});

describe('POST /twilio/sms with hostile text bodies', () => {
  it.each(HOSTILE_STRINGS.map((s) => [s.label, s] as const))('%s', async (label, s) => {
    await text(label, s.value);
  });

  it.each([
    ['10,000 ASCII characters', 'a'.repeat(10_000)],
    ['10,000 accented characters', 'é'.repeat(10_000)],
    ['10,000 characters of mixed lines', 'Line of text\r\n'.repeat(715).slice(0, 10_000)],
    ['10,000 characters with controls and overrides', '\u202Eab\u0007'.repeat(2_500)],
    [`${MAX_SMS_BODY + 1} characters (cut at ${MAX_SMS_BODY})`, 'c'.repeat(MAX_SMS_BODY + 1)],
  ])('%s', async (label, body) => {
    await text(label, body);
  });

  it('10,000 emoji (120 KB once form-encoded) is over the body limit: 413, nothing stored', async () => {
    const outcome = await judged('10,000 emoji', () => h.sms(freshPhone(), '📰'.repeat(10_000)));
    expect(outcome).toMatchObject({ kind: 'refused', status: 413 });
  });

  it('the word URGENT hidden behind overrides and controls still counts once they are removed', async () => {
    const outcome = await text('hidden urgent', 'UR\u202EGENT\u0007: fire');
    if (outcome.kind === 'accepted') expect(outcome.row.urgent).toBe(true);
  });
});

describe('POST /twilio/sms with hostile parameters', () => {
  it('a Body sent twice (signed as Twilio would sign both): the first counts', async () => {
    const from = freshPhone();
    const outcome = await judged('two bodies', () =>
      h.webhook('/twilio/sms', { ...base(from), Body: ['first', 'second'] }),
    );
    expectStored(outcome, { details: 'first' }, 'two bodies');
  });

  it('a From sent twice: the first counts', async () => {
    const first = freshPhone();
    const outcome = await judged('two senders', () =>
      h.webhook('/twilio/sms', { ...base(first), From: [first, freshPhone()], Body: 'hello' }),
    );
    expectStored(outcome, { phone: first }, 'two senders');
  });

  it('no Body at all is an empty text', async () => {
    const outcome = await judged('no body', () => h.webhook('/twilio/sms', base(freshPhone())));
    expectStored(outcome, { details: '(SMS with no text)' }, 'no body');
  });

  it.each([
    ['missing', null],
    ['empty', ''],
    ['letters', 'not-a-number'],
    ['too short', '+44'],
    ['with a NUL', '+447911123456\u0000'],
    ['with a right-to-left override', '\u202E+447911123456'],
    ['SQL', "+44'; DROP TABLE enquiry; --"],
    ['markup', '<script>alert(1)</script>'],
    ['10,000 digits', `+${'4'.repeat(10_000)}`],
  ])('From %s: 400 or a normalised number, never a 5xx', async (label, from) => {
    const params: Record<string, string> = { ...base('x'), Body: 'hello' };
    if (from === null) delete params.From;
    else params.From = from;
    const outcome = await judged(`From ${label}`, () => h.webhook('/twilio/sms', params));
    if (outcome.kind === 'accepted') expect(outcome.row.phone).toMatch(/^\+[1-9]\d{6,14}$/);
  });

  it('a national number in From is normalised to E.164', async () => {
    const outcome = await judged('national From', () =>
      h.webhook('/twilio/sms', { ...base('x'), From: '07911 123456', Body: 'national' }),
    );
    expectStored(outcome, { phone: '+447911123456' }, 'national From');
  });

  it.each([
    ['missing', null],
    ['empty', ''],
    ['with a NUL', 'SM\u0000abc'],
    ['with a right-to-left override', 'SM\u202Eabc'],
    ['SQL', "SM'; DROP TABLE sms_inbound; --"],
    ['emoji', 'SM📰📰'],
    ['a lone surrogate escape as text', 'SM\\ud800'],
    ['10,000 characters', `SM${'a'.repeat(10_000)}`],
  ])('MessageSid %s: 400 or handled, never a 5xx', async (label, sid) => {
    const params: Record<string, string> = { ...base(freshPhone()), Body: 'sid test' };
    delete params.SmsSid;
    if (sid === null) delete params.MessageSid;
    else params.MessageSid = sid;
    await judged(`MessageSid ${label}`, () => h.webhook('/twilio/sms', params));
  });

  it('prototype-pollution parameter names are ignored', async () => {
    const from = freshPhone();
    const pairs: Array<[string, string]> = [
      ['__proto__', 'x'],
      ['constructor', 'y'],
      ['toString', 'z'],
      ...Object.entries(base(from)),
      ['Body', 'proto'],
    ];
    const outcome = await judged('prototype names', () => h.webhook('/twilio/sms', pairs));
    expectStored(outcome, { details: 'proto' }, 'prototype names');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('POST /twilio/sms with hostile encodings (signed over what they decode to)', () => {
  const prefix = (from: string) => new URLSearchParams(base(from)).toString();
  it.each([
    ['a lone percent sign', 'Body=100%'],
    ['%zz', 'Body=%zz'],
    ['a truncated escape', 'Body=x%E0%A4%A'],
    ['an escaped NUL', 'Body=a%00b'],
    ['escaped invalid UTF-8', 'Body=a%FF%FEb'],
    ['an escaped surrogate', 'Body=a%ED%A0%80b'],
    ['an escaped right-to-left override', 'Body=a%E2%80%AEb'],
  ])('%s in the Body', async (label, body) => {
    const from = freshPhone();
    const raw = `${prefix(from)}&${body}`;
    const outcome = await judged(label, () => signedRaw(raw));
    const sent = new URLSearchParams(raw).get('Body') ?? '';
    if (sent.includes('\u0000')) expect(outcome).toMatchObject({ kind: 'refused', status: 400 });
    else expectStored(outcome, { details: expectedSmsDetails(sent) }, label);
  });

  it('raw invalid UTF-8 bytes in the Body', async () => {
    const from = freshPhone();
    const raw = Buffer.concat([
      Buffer.from(`${prefix(from)}&Body=a`),
      Buffer.from([0xff, 0xc0, 0xaf, 0xed, 0xa0, 0x80]),
      Buffer.from('b'),
    ]);
    const outcome = await judged('raw bytes', () => signedRaw(raw));
    if (outcome.kind === 'accepted') expect(outcome.row.details).toMatch(/^a\uFFFD+b$/);
  });

  it('a correctly signed webhook with another content type is 415', async () => {
    const outcome = await judged('JSON webhook', () => signedRaw(`${prefix(freshPhone())}&Body=x`, 'application/json'));
    expect(outcome).toMatchObject({ kind: 'refused', status: 415 });
  });
});
