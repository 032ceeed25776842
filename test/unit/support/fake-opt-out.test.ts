/**
 * Issue 24, item 2: the fake Twilio handles reserved keywords the way Twilio's default opt-out
 * handling does (fake-opt-out.ts), checked through the real twilio library: a whole-body opt-out
 * keyword opts the sender out of that Twilio number (Twilio's own confirmation, still forwarded,
 * later texts refused with 400 / 21610), an opt-in keyword ends it, a help keyword gets Twilio's
 * help reply; anything longer is an ordinary text.
 */
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTwilioGateway, TwilioSendError, type TwilioGateway } from '../../../src/telephony/twilio.client.js';
import {
  TWILIO_AUTO_REPLIES,
  TWILIO_HELP_KEYWORDS,
  TWILIO_OPT_IN_KEYWORDS,
  TWILIO_OPT_OUT_KEYWORDS,
  twimlMessages,
} from '../../support/fake-opt-out.js';
import { startFakeTwilio, type FakeTwilio } from '../../support/fake-twilio.js';

const OFFICE = '+447700100200';
const OTHER_OFFICE_NUMBER = '+447700100299';
const JOURNALIST = '+447911123499';
const SMS_URL = 'https://press.example.org/twilio/sms';

let fake: FakeTwilio;
let gateway: TwilioGateway;
let other: TwilioGateway;
/** What the "app" received: every webhook's URL, headers and form. */
let received: Array<{ url: string; signature: string; params: Record<string, string> }>;
/** What the "app" answers each inbound text with. */
let answer: string | null;

beforeAll(async () => {
  fake = await startFakeTwilio({ phoneNumber: OFFICE });
  const creds = { accountSid: fake.accountSid, authToken: fake.authToken, apiBaseUrl: fake.baseUrl, configured: true };
  gateway = createTwilioGateway({ ...creds, phoneNumber: OFFICE }, { timeoutMs: 2000 });
  other = createTwilioGateway({ ...creds, phoneNumber: OTHER_OFFICE_NUMBER }, { timeoutMs: 2000 });
});
afterAll(async () => fake.close());
beforeEach(() => {
  fake.reset();
  fake.smsUrl = SMS_URL;
  fake.advancedOptOut = false;
  received = [];
  answer = null;
  fake.callbackFetch = (url, init) => {
    received.push({
      url,
      signature: init.headers['X-Twilio-Signature'],
      params: Object.fromEntries(new URLSearchParams(init.body)),
    });
    const r = new twilio.twiml.MessagingResponse();
    if (answer !== null) r.message(answer);
    return new Response(r.toString(), { status: 200, headers: { 'Content-Type': 'text/xml' } });
  };
});

/** Expects `p` to be refused by Twilio as unsubscribed (400 / 21610), for good. */
async function expectUnsubscribed(p: Promise<unknown>): Promise<void> {
  await expect(p).rejects.toBeInstanceOf(TwilioSendError);
  await expect(p).rejects.toMatchObject({
    status: 400,
    twilioCode: 21610,
    retryable: false,
    recipientOptedOut: true,
    message: expect.stringContaining('Attempt to send to unsubscribed recipient'),
  });
}

describe('the fake Twilio: opt-out keywords', () => {
  it('has Twilio’s default keyword lists', () => {
    expect([...TWILIO_OPT_OUT_KEYWORDS].sort()).toEqual([
      'CANCEL',
      'END',
      'OPTOUT',
      'QUIT',
      'REVOKE',
      'STOP',
      'STOPALL',
      'UNSUBSCRIBE',
    ]);
    expect([...TWILIO_OPT_IN_KEYWORDS].sort()).toEqual(['START', 'UNSTOP', 'YES']);
    expect([...TWILIO_HELP_KEYWORDS].sort()).toEqual(['HELP', 'INFO']);
  });

  it('opts the sender out on a bare STOP: Twilio confirms it itself, still forwards it signed, and refuses later texts with 400 / 21610', async () => {
    await gateway.sendSms({ to: JOURNALIST, body: 'Before the STOP' });
    const { record, response } = await fake.receiveSms({ from: JOURNALIST, body: '  stop ' });
    expect(response.status).toBe(200);
    expect(record.keyword).toBe('STOP');
    expect(received).toHaveLength(1);
    expect(received[0].params).toMatchObject({
      From: JOURNALIST,
      To: OFFICE,
      Body: '  stop ',
      AccountSid: fake.accountSid,
    });
    expect(received[0].params.OptOutType).toBeUndefined();
    expect(twilio.validateRequest(fake.authToken, received[0].signature, SMS_URL, received[0].params)).toBe(true);
    expect(fake.autoReplies).toEqual([
      { to: JOURNALIST, from: OFFICE, body: TWILIO_AUTO_REPLIES.STOP, keyword: 'STOP', at: expect.any(Date) },
    ]);
    expect(fake.optOuts.isOptedOut(JOURNALIST, OFFICE)).toBe(true);

    await expectUnsubscribed(gateway.sendSms({ to: JOURNALIST, body: 'After the STOP' }));
    // Only the app's own texts are messages; Twilio's confirmation is not among them.
    expect(fake.messages.map((m) => m.body)).toEqual(['Before the STOP']);
  });

  it.each([...TWILIO_OPT_OUT_KEYWORDS])('takes %s, in any case, as an opt-out', async (word) => {
    await fake.receiveSms({ from: JOURNALIST, body: word.toLowerCase() });
    expect(fake.optOuts.isOptedOut(JOURNALIST, OFFICE)).toBe(true);
    await expectUnsubscribed(gateway.sendSms({ to: JOURNALIST, body: 'x' }));
  });

  it('blocks only the Twilio number they texted, and only them: calls are not blocked', async () => {
    await fake.receiveSms({ from: JOURNALIST, body: 'STOP' });
    await other.sendSms({ to: JOURNALIST, body: 'From another of our numbers' });
    await gateway.sendSms({ to: '+447911000001', body: 'To someone else' });
    await gateway.placeCall({ to: JOURNALIST, twiml: '<Response><Say>Hello</Say></Response>' });
    expect(fake.messages.map((m) => m.body)).toEqual(['From another of our numbers', 'To someone else']);
    expect(fake.calls).toHaveLength(1);
  });

  it.each([...TWILIO_OPT_IN_KEYWORDS])('ends the opt-out on %s, with Twilio’s confirmation', async (word) => {
    await fake.receiveSms({ from: JOURNALIST, body: 'STOP' });
    await fake.receiveSms({ from: JOURNALIST, body: ` ${word} ` });
    expect(fake.autoReplies.map((r) => r.keyword)).toEqual(['STOP', 'START']);
    expect(fake.autoReplies[1].body).toBe(TWILIO_AUTO_REPLIES.START);
    await gateway.sendSms({ to: JOURNALIST, body: 'Welcome back' });
    expect(fake.messages.map((m) => m.body)).toEqual(['Welcome back']);
    expect(received).toHaveLength(2);
  });

  it.each([...TWILIO_HELP_KEYWORDS])(
    'answers a bare %s with Twilio’s help text, forwards it, and changes nothing',
    async (word) => {
      answer = 'The app’s own answer';
      const { record } = await fake.receiveSms({ from: JOURNALIST, body: word });
      expect(fake.autoReplies).toEqual([
        { to: JOURNALIST, from: OFFICE, body: TWILIO_AUTO_REPLIES.HELP, keyword: 'HELP', at: expect.any(Date) },
      ]);
      expect(received).toHaveLength(1);
      expect(record.replies).toEqual([{ body: 'The app’s own answer', blocked: false }]);
      await gateway.sendSms({ to: JOURNALIST, body: 'Still reachable' });
    },
  );

  it('takes nothing but the whole body as a keyword: "STOP please", "INFO 4821", "Help!" are ordinary texts', async () => {
    for (const body of ['STOP please', 'INFO 4821', 'Help!', 'stop.', 'Yes please'])
      await fake.receiveSms({ from: JOURNALIST, body });
    expect(fake.autoReplies).toEqual([]);
    expect(fake.inboundSms.map((m) => m.keyword)).toEqual([null, null, null, null, null]);
    expect(received).toHaveLength(5);
    await gateway.sendSms({ to: JOURNALIST, body: 'Reachable' });
  });

  it('sends OptOutType with Advanced Opt-Out, for keywords only', async () => {
    fake.advancedOptOut = true;
    for (const body of ['Stop', 'start', 'help', 'An enquiry']) await fake.receiveSms({ from: JOURNALIST, body });
    expect(received.map((r) => r.params.OptOutType ?? null)).toEqual(['STOP', 'START', 'HELP', null]);
    for (const r of received) expect(twilio.validateRequest(fake.authToken, r.signature, SMS_URL, r.params)).toBe(true);
  });

  it('does not send the app’s TwiML answer to a number that has just opted out', async () => {
    answer = 'Press office: thank you';
    const { record } = await fake.receiveSms({ from: JOURNALIST, body: 'STOP' });
    expect(record.replies).toEqual([{ body: 'Press office: thank you', blocked: true }]);
  });

  it('forgets opt-outs, auto-replies and inbound texts on reset', async () => {
    await fake.receiveSms({ from: JOURNALIST, body: 'STOP' });
    fake.reset();
    expect(fake.autoReplies).toEqual([]);
    expect(fake.inboundSms).toEqual([]);
    await gateway.sendSms({ to: JOURNALIST, body: 'After reset' });
  });

  it('reads the <Message> texts of a TwiML answer, entities decoded', () => {
    expect(
      twimlMessages(
        '<?xml version="1.0"?><Response><Message>A &amp; B &lt;c&gt;</Message><Message to="+1">D</Message></Response>',
      ),
    ).toEqual(['A & B <c>', 'D']);
    expect(twimlMessages('<Response/>')).toEqual([]);
  });
});
