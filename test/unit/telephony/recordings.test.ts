/**
 * The gateway's recording and call-ending operations against the fake Twilio: fetching a
 * recording's audio (built from the SID and the configured origin only), deleting it, and hanging
 * up a call, with every failure a `TwilioSendError` that says whether a retry can help.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createTwilioGateway,
  TwilioSendError,
  type TwilioAccount,
  type TwilioGateway,
} from '../../../src/telephony/twilio.client.js';
import { startFakeTwilio, type FakeTwilio } from '../../support/fake-twilio.js';

let fake: FakeTwilio;
let gateway: TwilioGateway;

function account(over: Partial<TwilioAccount> = {}): TwilioAccount {
  return {
    accountSid: fake.accountSid,
    authToken: fake.authToken,
    phoneNumber: '+443001234567',
    apiBaseUrl: fake.baseUrl,
    configured: true,
    ...over,
  };
}

/** A recording as a simulated call would have left it at the fake. */
function leaveRecording(bytes: Buffer = randomBytes(64)): { sid: string; bytes: Buffer } {
  const sid = `RE${randomBytes(16).toString('hex')}`;
  fake.recordings.set(sid, {
    sid,
    callSid: `CA${randomBytes(16).toString('hex')}`,
    durationSeconds: 7,
    deleted: false,
    bytes,
    source: 'RecordVerb',
    at: new Date(),
  });
  return { sid, bytes };
}

async function failure(p: Promise<unknown>): Promise<TwilioSendError> {
  const err = await p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TwilioSendError);
  return err as TwilioSendError;
}

beforeAll(async () => {
  fake = await startFakeTwilio();
  gateway = createTwilioGateway(account(), { timeoutMs: 1000 });
});
afterAll(async () => fake.close());
beforeEach(() => {
  fake.reset();
  fake.recordings.clear();
});

describe('fetchRecording', () => {
  it('returns the MP3 bytes and content type, fetched with the account credentials from the configured origin', async () => {
    const { sid, bytes } = leaveRecording();
    const media = await gateway.fetchRecording(sid);
    expect(media).not.toBeNull();
    expect(media!.contentType).toBe('audio/mpeg');
    expect(Buffer.from(media!.body).equals(bytes)).toBe(true);
    expect(fake.requests).toHaveLength(1);
    const [req] = fake.requests;
    expect(req.method).toBe('GET');
    expect(req.path).toBe(`/2010-04-01/Accounts/${fake.accountSid}/Recordings/${sid}.mp3`);
    expect(req.headers.authorization).toBe(
      `Basic ${Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString('base64')}`,
    );
  });

  it('is null for a recording Twilio does not have', async () => {
    expect(await gateway.fetchRecording(`RE${'0'.repeat(32)}`)).toBeNull();
    expect(fake.requests).toHaveLength(1);
  });

  it.each([
    ['too short', 'RE123'],
    ['upper-case hex', `RE${'A'.repeat(32)}`],
    ['another resource', `CA${'0'.repeat(32)}`],
    ['a path', `RE${'0'.repeat(32)}/../../Calls`],
    ['a URL from a webhook', `https://attacker.example/RE${'0'.repeat(32)}`],
    ['empty', ''],
  ])('refuses a SID that is not a recording SID (%s) without any request', async (_what, sid) => {
    const err = await failure(gateway.fetchRecording(sid));
    expect(err.retryable).toBe(false);
    const del = await failure(gateway.deleteRecording(sid));
    expect(del.retryable).toBe(false);
    expect(fake.requests).toHaveLength(0);
  });

  it('wrong credentials: a TwilioSendError that a retry cannot help', async () => {
    const { sid } = leaveRecording();
    const wrong = createTwilioGateway(account({ authToken: 'not-the-token' }), { timeoutMs: 1000 });
    const err = await failure(wrong.fetchRecording(sid));
    expect(err).toMatchObject({ retryable: false, status: 401, twilioCode: 20003 });
    const del = await failure(wrong.deleteRecording(sid));
    expect(del).toMatchObject({ retryable: false, status: 401 });
    expect(fake.recordings.get(sid)!.deleted).toBe(false);
  });

  it('Twilio failing or not answering in time: a TwilioSendError worth retrying', async () => {
    const { sid } = leaveRecording();
    fake.failNext(1, { status: 503 });
    expect(await failure(gateway.fetchRecording(sid))).toMatchObject({ retryable: true, status: 503 });
    fake.delayNext(1, 3000);
    const slow = await failure(gateway.fetchRecording(sid));
    expect(slow.retryable).toBe(true);
    expect(slow.message).toMatch(/timed out/);
  });

  it('without Twilio configured: refused, nothing contacted', async () => {
    const off = createTwilioGateway(account({ configured: false }));
    expect((await failure(off.fetchRecording(`RE${'0'.repeat(32)}`))).retryable).toBe(false);
    expect((await failure(off.deleteRecording(`RE${'0'.repeat(32)}`))).retryable).toBe(false);
    expect((await failure(off.endCall(`CA${'0'.repeat(32)}`))).retryable).toBe(false);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('deleteRecording', () => {
  it('deletes the recording at Twilio; fetching it afterwards finds nothing', async () => {
    const { sid } = leaveRecording();
    await gateway.deleteRecording(sid);
    expect(fake.recordings.get(sid)!.deleted).toBe(true);
    const del = fake.requests.find((r) => r.method === 'DELETE');
    expect(del?.path).toBe(`/2010-04-01/Accounts/${fake.accountSid}/Recordings/${sid}.json`);
    expect(await gateway.fetchRecording(sid)).toBeNull();
  });

  it('a recording already gone (or never there) counts as deleted', async () => {
    const { sid } = leaveRecording();
    await gateway.deleteRecording(sid);
    await expect(gateway.deleteRecording(sid)).resolves.toBeUndefined();
    await expect(gateway.deleteRecording(`RE${'f'.repeat(32)}`)).resolves.toBeUndefined();
    expect(fake.requests.filter((r) => r.method === 'DELETE').map((r) => r.responseStatus)).toEqual([204, 404, 404]);
  });

  it('a server error is worth retrying', async () => {
    const { sid } = leaveRecording();
    fake.failNext(1, { status: 500 });
    expect(await failure(gateway.deleteRecording(sid))).toMatchObject({ retryable: true, status: 500 });
    expect(fake.recordings.get(sid)!.deleted).toBe(false);
  });
});

describe('endCall', () => {
  it('hangs up a placed call through the REST API (Status=completed)', async () => {
    const { sid } = await gateway.placeCall({ to: '+447911123456', twiml: '<Response><Say>Hello</Say></Response>' });
    await gateway.endCall(sid);
    expect(fake.calls[0].endedByApi).toBe(true);
    const req = fake.requests.at(-1)!;
    expect(req).toMatchObject({ method: 'POST', path: `/2010-04-01/Accounts/${fake.accountSid}/Calls/${sid}.json` });
    expect(new URLSearchParams(req.body).get('Status')).toBe('completed');
  });

  it('refuses a SID that is not a call SID without any request, and reports an unknown call', async () => {
    expect((await failure(gateway.endCall('CA../../Recordings'))).retryable).toBe(false);
    expect(fake.requests).toHaveLength(0);
    expect(await failure(gateway.endCall(`CA${'0'.repeat(32)}`))).toMatchObject({ retryable: false, status: 404 });
  });
});

describe('placeCall with answering-machine detection', () => {
  it('asks for asynchronous detection reported to the given callback, and only when asked', async () => {
    await gateway.placeCall({
      to: '+447911123456',
      twiml: '<Response/>',
      statusCallback: 'https://press.example.org/twilio/status',
      machineDetection: { statusCallback: 'https://press.example.org/twilio/status' },
    });
    await gateway.placeCall({
      to: '+447911123456',
      twiml: '<Response/>',
      statusCallback: 'https://press.example.org/twilio/status',
    });
    expect(fake.calls[0].params).toMatchObject({
      MachineDetection: 'Enable',
      AsyncAmd: 'true',
      AsyncAmdStatusCallback: 'https://press.example.org/twilio/status',
      AsyncAmdStatusCallbackMethod: 'POST',
    });
    expect(Object.keys(fake.calls[1].params).filter((k) => /MachineDetection|Amd/.test(k))).toEqual([]);
  });
});
