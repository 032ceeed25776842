import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type TwilioAccount,
  createTwilioGateway,
  rewriteTwilioUri,
  toTwilioSendError,
  TwilioSendError,
  type TwilioGateway,
} from '../../../src/telephony/twilio.client.js';
import { startFakeTwilio, type FakeTwilio } from '../../support/fake-twilio.js';

const OFFICE = '+443001234567';
const ON_CALL = '+447911123456';

let fake: FakeTwilio;
let cfg: TwilioAccount;
let gateway: TwilioGateway;

function twilioCfg(over: Partial<TwilioAccount> = {}): TwilioAccount {
  return {
    accountSid: fake.accountSid,
    authToken: fake.authToken,
    phoneNumber: OFFICE,
    apiBaseUrl: fake.baseUrl,
    configured: true,
    ...over,
  };
}

async function sendError(p: Promise<unknown>): Promise<TwilioSendError> {
  const err = await p.then(
    () => {
      throw new Error('expected the send to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TwilioSendError);
  return err as TwilioSendError;
}

beforeAll(async () => {
  fake = await startFakeTwilio();
  cfg = twilioCfg();
  gateway = createTwilioGateway(cfg, { timeoutMs: 2000 });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

describe('TwilioGateway.sendSms against the fake Twilio', () => {
  it('sends To, From, Body and StatusCallback and returns the SID', async () => {
    const result = await gateway.sendSms({
      to: ON_CALL,
      body: 'URGENT PD-1234 from The Courier: reply ACK',
      statusCallback: 'https://press.example.org/twilio/status',
    });
    expect(result.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(result.status).toBe('queued');
    expect(fake.messages).toHaveLength(1);
    const [msg] = fake.messages;
    expect(msg).toMatchObject({
      sid: result.sid,
      to: ON_CALL,
      from: OFFICE,
      body: 'URGENT PD-1234 from The Courier: reply ACK',
      statusCallback: 'https://press.example.org/twilio/status',
    });
    expect(msg.at).toBeInstanceOf(Date);
  });

  it('authenticates with HTTP Basic accountSid:authToken on the account path', async () => {
    await gateway.sendSms({ to: ON_CALL, body: 'hello' });
    const [req] = fake.requests;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(`/2010-04-01/Accounts/${fake.accountSid}/Messages.json`);
    expect(req.headers.authorization).toBe(
      `Basic ${Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString('base64')}`,
    );
    expect(req.headers['content-type']).toMatch(/application\/x-www-form-urlencoded/);
  });

  it('omits StatusCallback when none is given', async () => {
    await gateway.sendSms({ to: ON_CALL, body: 'no callback' });
    expect(fake.messages[0].statusCallback).toBeUndefined();
  });

  it('a wrong auth token is a 401, not retryable', async () => {
    const bad = createTwilioGateway(twilioCfg({ authToken: 'wrong' }), { timeoutMs: 2000 });
    const err = await sendError(bad.sendSms({ to: ON_CALL, body: 'x' }));
    expect(err).toMatchObject({ retryable: false, status: 401, twilioCode: 20003 });
    expect(fake.messages).toHaveLength(0);
  });

  it('500 is retryable, and the gateway does not retry by itself', async () => {
    fake.failNext(3, { status: 500 });
    const err = await sendError(gateway.sendSms({ to: ON_CALL, body: 'x' }));
    expect(err).toMatchObject({ retryable: true, status: 500 });
    expect(fake.requests).toHaveLength(1);
    // The two remaining scripted failures, then success: the caller (a job) decides when.
    await sendError(gateway.sendSms({ to: ON_CALL, body: 'x' }));
    await sendError(gateway.sendSms({ to: ON_CALL, body: 'x' }));
    await expect(gateway.sendSms({ to: ON_CALL, body: 'x' })).resolves.toMatchObject({ status: 'queued' });
  });

  it('429 is retryable and not auto-retried', async () => {
    fake.failNext(1, { status: 429, code: 20429, message: 'Too Many Requests' });
    const err = await sendError(gateway.sendSms({ to: ON_CALL, body: 'x' }));
    expect(err).toMatchObject({ retryable: true, status: 429, twilioCode: 20429 });
    expect(fake.requests).toHaveLength(1);
  });

  it('while Twilio is down every request fails retryably', async () => {
    fake.setDown(true);
    const err = await sendError(gateway.sendSms({ to: ON_CALL, body: 'x' }));
    expect(err).toMatchObject({ retryable: true, status: 500, twilioCode: 20500 });
    fake.setDown(false);
    await expect(gateway.sendSms({ to: ON_CALL, body: 'x' })).resolves.toBeTruthy();
  });

  it('a response slower than timeoutMs is a fast, retryable timeout', async () => {
    const quick = createTwilioGateway(cfg, { timeoutMs: 200 });
    fake.delayNext(1, 3000);
    const started = Date.now();
    const err = await sendError(quick.sendSms({ to: ON_CALL, body: 'slow' }));
    const elapsed = Date.now() - started;
    expect(err.retryable).toBe(true);
    expect(err.status).toBeUndefined();
    expect(err.message).toMatch(/timed out/);
    expect(elapsed).toBeLessThan(1500);
  });

  it('400 with Twilio code 21211 (invalid To) is not retryable', async () => {
    fake.failNext(1, { status: 400, code: 21211, message: "Invalid 'To' Phone Number" });
    const err = await sendError(gateway.sendSms({ to: ON_CALL, body: 'x' }));
    expect(err).toMatchObject({ retryable: false, status: 400, twilioCode: 21211 });
    expect(err.message).toMatch(/21211/);
  });

  it('the fake itself rejects a To that is not E.164 with 21211', async () => {
    const err = await sendError(gateway.sendSms({ to: '07911 123456', body: 'x' }));
    expect(err).toMatchObject({ retryable: false, status: 400, twilioCode: 21211 });
  });

  it('21610 (recipient unsubscribed) is not retryable', async () => {
    fake.failNext(1, { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    const err = await sendError(gateway.sendSms({ to: ON_CALL, body: 'x' }));
    expect(err).toMatchObject({ retryable: false, twilioCode: 21610 });
  });

  it('connection refused is retryable', async () => {
    const other = await startFakeTwilio();
    const deadUrl = other.baseUrl;
    await other.close();
    const dead = createTwilioGateway(twilioCfg({ apiBaseUrl: deadUrl }), { timeoutMs: 2000 });
    const err = await sendError(dead.sendSms({ to: ON_CALL, body: 'x' }));
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it('when Twilio is not configured nothing is sent and the error names the env vars', async () => {
    const off = createTwilioGateway({
      accountSid: '',
      authToken: '',
      phoneNumber: '',
      apiBaseUrl: fake.baseUrl,
      configured: false,
    });
    const err = await sendError(off.sendSms({ to: ON_CALL, body: 'x' }));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/not configured.*TWILIO_ACCOUNT_SID.*TWILIO_AUTH_TOKEN.*TWILIO_PHONE_NUMBER/);
    const callErr = await sendError(off.placeCall({ to: ON_CALL, twiml: '<Response/>' }));
    expect(callErr.retryable).toBe(false);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('TwilioGateway.placeCall', () => {
  it('sends the TwiML and asks for the completed status callback', async () => {
    const twiml = '<Response><Say voice="alice">Urgent media enquiry PD-1234. Reply ACK by SMS.</Say></Response>';
    const result = await gateway.placeCall({
      to: ON_CALL,
      twiml,
      statusCallback: 'https://press.example.org/twilio/status',
    });
    expect(result.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(result.status).toBe('queued');
    const [call] = await fake.waitForCalls(1, 1000);
    expect(call).toMatchObject({
      sid: result.sid,
      to: ON_CALL,
      from: OFFICE,
      twiml,
      statusCallback: 'https://press.example.org/twilio/status',
      statusCallbackEvent: ['completed'],
    });
    expect(call.params.StatusCallbackMethod).toBe('POST');
    expect(fake.requests[0].path).toBe(`/2010-04-01/Accounts/${fake.accountSid}/Calls.json`);
  });

  it('classifies call failures the same way', async () => {
    fake.failNext(1, { status: 503 });
    const err = await sendError(gateway.placeCall({ to: ON_CALL, twiml: '<Response/>' }));
    expect(err).toMatchObject({ retryable: true, status: 503 });
  });
});

describe('fake Twilio helpers', () => {
  it('waitForMessages resolves once enough messages arrived and rejects clearly on timeout', async () => {
    const waiting = fake.waitForMessages(2, 2000);
    await gateway.sendSms({ to: ON_CALL, body: 'one' });
    await gateway.sendSms({ to: ON_CALL, body: 'two' });
    expect((await waiting).map((m) => m.body)).toEqual(['one', 'two']);
    await expect(fake.waitForMessages(3, 50)).rejects.toThrow(/expected 3 message\(s\) within 50ms, got 2/);
  });
});

describe('rewriteTwilioUri', () => {
  it('rewrites api.twilio.com and other *.twilio.com origins, keeping path and query', () => {
    const base = 'http://127.0.0.1:4010';
    expect(rewriteTwilioUri('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json', base)).toBe(
      'http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages.json',
    );
    expect(rewriteTwilioUri('https://api.dublin.ie1.twilio.com/x?y=1', `${base}/`)).toBe('http://127.0.0.1:4010/x?y=1');
    expect(rewriteTwilioUri('https://api.twilio.com:443/x', `${base}/prefix`)).toBe('http://127.0.0.1:4010/prefix/x');
    expect(rewriteTwilioUri('https://eviltwilio.com/x', base)).toBe('https://eviltwilio.com/x');
    expect(rewriteTwilioUri('https://example.org/x', base)).toBe('https://example.org/x');
  });
});

describe('toTwilioSendError', () => {
  it('treats a timeout AxiosError (ECONNABORTED / ETIMEDOUT) as retryable', () => {
    for (const code of ['ECONNABORTED', 'ETIMEDOUT', 'ECONNRESET']) {
      const err = toTwilioSendError(Object.assign(new Error('boom'), { code, isAxiosError: true }));
      expect(err.retryable).toBe(true);
    }
  });
  it('treats a plain bug as not retryable', () => {
    expect(toTwilioSendError(new TypeError('x is undefined')).retryable).toBe(false);
  });
});
