/**
 * The fake Twilio's call simulator against a tiny Hono app that answers TwiML built with the real
 * `twilio.twiml.VoiceResponse` and checks every request's signature with `twilio.validateRequest`,
 * so a request the fake signs wrongly (or sends to the wrong URL) fails here as it would in prod.
 */
import { Hono, type Context } from 'hono';
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rewriteTwilioUri } from '../../../src/telephony/twilio.client.js';
import { parseXml } from '../../support/fake-call.js';
import { startFakeTwilio, type FakeTwilio } from '../../support/fake-twilio.js';

const PUBLIC = 'https://press.example.org';
const OFFICE = '+447700100200';
const JOURNALIST = '+447911123456';
const DESK_A = '+447700900001';
const DESK_B = '+447700900002';

type Seen = { path: string; method: string; params: Record<string, string> };

let fake: FakeTwilio;
let seen: Seen[];
/** Set by a route that ends its call through the REST API (see /page/end-by-api). */
let client: twilio.Twilio;

function twiml(c: Context, r: twilio.twiml.VoiceResponse) {
  return c.body(r.toString(), 200, { 'Content-Type': 'text/xml; charset=utf-8' });
}

function makeApp() {
  const app = new Hono<{ Variables: { params: Record<string, string> } }>();
  // Every route is a Twilio webhook: refuse anything not signed for PUBLIC + path + query.
  app.use('*', async (c, next) => {
    const u = new URL(c.req.url);
    const params = c.req.method === 'POST' ? Object.fromEntries(new URLSearchParams(await c.req.text())) : {};
    const signature = c.req.header('X-Twilio-Signature') ?? '';
    if (!twilio.validateRequest(fake.authToken, signature, PUBLIC + u.pathname + u.search, params))
      return c.text('bad signature', 403);
    const all = { ...Object.fromEntries(u.searchParams), ...params };
    seen.push({ path: u.pathname, method: c.req.method, params: all });
    c.set('params', all);
    await next();
  });
  app.post('/gather', (c) => {
    const r = new twilio.twiml.VoiceResponse();
    // Relative action: resolves against this document's URL (https://press.example.org/gather).
    const g = r.gather({ numDigits: 1, timeout: 5, action: 'gather/choice' });
    g.say({ voice: 'alice', language: 'en-GB' }, 'Press 1 for the press office.');
    r.say('We did not get that.');
    r.hangup();
    return twiml(c, r);
  });
  app.post('/gather/choice', (c) => {
    const r = new twilio.twiml.VoiceResponse();
    r.say(`You pressed ${c.get('params').Digits}.`);
    return twiml(c, r);
  });
  app.post('/empty-gather', (c) => {
    const r = new twilio.twiml.VoiceResponse();
    r.gather({ numDigits: 1, action: '/gather/choice', actionOnEmptyResult: true }).say('Choose.');
    return twiml(c, r);
  });
  app.get('/get-menu', (c) => {
    const r = new twilio.twiml.VoiceResponse();
    r.say(`Hello ${c.get('params').From}`);
    r.redirect({ method: 'POST' }, '../gather'); // relative with ..: /gather
    return twiml(c, r);
  });
  app.post('/dial', (c) => {
    const r = new twilio.twiml.VoiceResponse();
    r.say('Connecting you.');
    const d = r.dial({ action: '/dial/result', timeout: 20, callerId: OFFICE, answerOnBridge: true });
    d.number({ url: 'whisper?enquiry=PD-1' }, DESK_A);
    d.number({ url: 'whisper?enquiry=PD-1' }, DESK_B);
    r.say('Not reached when there is an action.');
    return twiml(c, r);
  });
  app.post('/whisper', (c) => {
    const r = new twilio.twiml.VoiceResponse();
    r.gather({ numDigits: 1, action: '/whisper/answer?enquiry=PD-1' }).say(
      'A journalist is calling. Press 1 to accept.',
    );
    r.say('Goodbye.');
    r.hangup();
    return twiml(c, r);
  });
  app.post('/whisper/answer', (c) => {
    const r = new twilio.twiml.VoiceResponse();
    if (c.get('params').Digits === '1') r.say('Connecting.');
    else r.hangup();
    return twiml(c, r);
  });
  app.post('/dial/result', (c) => {
    const r = new twilio.twiml.VoiceResponse();
    r.say(`Dial ${c.get('params').DialCallStatus}.`);
    return twiml(c, r);
  });
  app.post('/record', (c) => {
    const r = new twilio.twiml.VoiceResponse();
    r.say('Leave a message after the tone.');
    r.record({
      action: 'record/done',
      maxLength: 60,
      playBeep: true,
      transcribe: true,
      transcribeCallback: '/record/transcription',
      recordingStatusCallback: '/record/status',
      recordingStatusCallbackEvent: ['completed'],
    });
    r.say('We did not hear a message.');
    return twiml(c, r);
  });
  app.post('/record/done', (c) => twiml(c, new twilio.twiml.VoiceResponse()));
  app.post('/record/status', (c) => c.body(null, 204));
  app.post('/record/transcription', (c) => c.body(null, 204));
  app.post('/amd', (c) => c.body(null, 204));
  app.post('/status', (c) => c.body(null, 204));
  app.post('/page/ack', (c) => {
    const r = new twilio.twiml.VoiceResponse();
    r.say(c.get('params').Digits === '1' ? 'Acknowledged.' : 'Not acknowledged.');
    return twiml(c, r);
  });
  app.post('/page/end-by-api', async (c) => {
    await client.calls(c.get('params').CallSid).update({ status: 'completed' });
    const r = new twilio.twiml.VoiceResponse();
    r.say('Still here.');
    return twiml(c, r);
  });
  app.post('/broken', (c) => c.text('oops', 500));
  app.post('/malformed', (c) =>
    c.body('<Response><Say>Tom & Jerry</Say></Response>', 200, { 'Content-Type': 'text/xml' }),
  );
  app.post('/loop', (c) =>
    twiml(
      c,
      (() => {
        const r = new twilio.twiml.VoiceResponse();
        r.redirect('/loop');
        return r;
      })(),
    ),
  );
  return app;
}

/** Points the real twilio library at the fake, as src/telephony/twilio.client.ts does. */
class FakeOriginClient extends twilio.RequestClient {
  override request<TData>(opts: Parameters<twilio.RequestClient['request']>[0] & { data?: TData }) {
    return super.request<TData>({ ...opts, uri: rewriteTwilioUri(opts.uri, fake.baseUrl) });
  }
}

function basic() {
  return { Authorization: `Basic ${Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString('base64')}` };
}

beforeAll(async () => {
  fake = await startFakeTwilio({ phoneNumber: OFFICE });
  const app = makeApp();
  // Any origin maps to the in-process app, so a request signed for the wrong URL reaches it (and is refused).
  fake.callbackFetch = (url, init) => app.request(url.replace(/^https?:\/\/[^/]+/, ''), init);
  client = twilio(fake.accountSid, fake.authToken, {
    httpClient: new FakeOriginClient({ timeout: 5000, autoRetry: false }),
  });
});
afterAll(async () => fake?.close());
beforeEach(() => {
  fake.reset();
  seen = [];
});

describe('parseXml', () => {
  it('reads TwiML and refuses malformed documents', () => {
    const doc = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say voice=\'alice\'>A &amp; B &#8212; c</Say><Hangup/></Response>',
    );
    expect(doc.name).toBe('Response');
    expect(doc.children).toEqual([
      { name: 'Say', attrs: { voice: 'alice' }, children: ['A & B \u2014 c'] },
      { name: 'Hangup', attrs: {}, children: [] },
    ]);
    expect(() => parseXml('<Response><Say>Tom & Jerry</Say></Response>')).toThrow(/bare '&'/);
    expect(() => parseXml('<Response><Say></Response>')).toThrow(/does not close/);
    expect(() => parseXml('<Response/>junk')).toThrow(/outside the root/);
  });
});

describe('inbound call', () => {
  it('gather → action with Digits; every request signed, form-encoded, Twilio-shaped', async () => {
    const log = await fake.call({ from: JOURNALIST, url: `${PUBLIC}/gather`, caller: { digits: ['1'] } });
    expect(log.ended).toBe('completed');
    expect(log.error).toBeNull();
    expect(log.said).toEqual(['Press 1 for the press office.', 'You pressed 1.']);
    expect(log.spoken[0]).toEqual({ text: 'Press 1 for the press office.', voice: 'alice', language: 'en-GB' });
    expect(log.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(log.steps.map((s) => [s.url, s.status])).toEqual([
      [`${PUBLIC}/gather`, 200],
      [`${PUBLIC}/gather/choice`, 200], // relative action resolved against the document URL
    ]);
    expect(log.steps[0].params).toEqual({
      CallSid: log.sid,
      AccountSid: fake.accountSid,
      From: JOURNALIST,
      To: OFFICE,
      Caller: JOURNALIST,
      Called: OFFICE,
      Direction: 'inbound',
      ApiVersion: '2010-04-01',
      CallStatus: 'ringing',
    });
    expect(seen[1].params).toMatchObject({ CallSid: log.sid, CallStatus: 'in-progress', Digits: '1' });
    expect(log.steps[0].answeredAt).toBeGreaterThanOrEqual(log.steps[0].at);
    expect(fake.webhooks.map((w) => [w.kind, w.url, w.status])).toEqual(
      log.steps.map((s) => ['voice', s.url, s.status]),
    );
    expect(fake.callLogs).toEqual([log]);
  });

  it('gather timeout falls through to the next verb; actionOnEmptyResult posts empty Digits', async () => {
    const log = await fake.call({ from: 'anonymous', url: `${PUBLIC}/gather`, caller: { digits: [''] } });
    expect(log.said).toEqual(['Press 1 for the press office.', 'We did not get that.']);
    expect(log.ended).toBe('hangup');
    expect(log.steps).toHaveLength(1);
    expect(log.steps[0].params.From).toBe('anonymous');

    const empty = await fake.call({ from: JOURNALIST, url: `${PUBLIC}/empty-gather` });
    expect(empty.steps.map((s) => s.url)).toEqual([`${PUBLIC}/empty-gather`, `${PUBLIC}/gather/choice`]);
    expect(empty.steps[1].params.Digits).toBe('');
    expect(empty.said).toEqual(['Choose.', 'You pressed .']);
  });

  it('GET documents carry the parameters in the signed query; Redirect resolves ../ against the document', async () => {
    const log = await fake.call({
      from: JOURNALIST,
      url: `${PUBLIC}/get-menu?x=1`,
      method: 'GET',
      caller: { hangUpAt: 'gather' },
    });
    expect(log.steps[0].method).toBe('GET');
    expect(seen[0]).toMatchObject({
      method: 'GET',
      path: '/get-menu',
      params: { x: '1', From: JOURNALIST, CallStatus: 'ringing' },
    });
    expect(log.steps[1].url).toBe(`${PUBLIC}/gather`);
    expect(log.said).toEqual([`Hello ${JOURNALIST}`]);
    expect(log.ended).toBe('caller-hung-up'); // hung up on reaching the Gather: its Say is not heard
  });

  it('dial: a whisper that accepts bridges the call (completed, duration, DialBridged true)', async () => {
    const log = await fake.call({
      from: JOURNALIST,
      url: `${PUBLIC}/dial`,
      parties: { [DESK_A]: { answers: false }, [DESK_B]: { answers: true, digits: ['1'], talkSeconds: 95 } },
    });
    expect(log.ended).toBe('completed');
    const whisper = log.steps.find((s) => s.kind === 'whisper');
    expect(whisper?.url).toBe(`${PUBLIC}/whisper?enquiry=PD-1`);
    expect(whisper?.params).toMatchObject({
      ParentCallSid: log.sid,
      From: OFFICE,
      To: DESK_B,
      Direction: 'outbound-dial',
      CallStatus: 'in-progress',
    });
    expect(whisper?.params.CallSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(whisper?.params.CallSid).not.toBe(log.sid);
    const result = log.steps[log.steps.length - 1];
    expect(result.url).toBe(`${PUBLIC}/dial/result`);
    expect(result.params).toMatchObject({
      CallSid: log.sid,
      DialCallStatus: 'completed',
      DialCallDuration: '95',
      DialBridged: 'true',
      DialCallSid: whisper?.params.CallSid,
    });
    expect(log.parties[DESK_A]).toMatchObject({ rang: true, answered: false, accepted: false, said: [] });
    expect(log.parties[DESK_B]).toMatchObject({
      rang: true,
      answered: true,
      accepted: true,
      said: ['A journalist is calling. Press 1 to accept.', 'Connecting.'],
    });
    expect(log.said).toEqual(['Connecting you.', 'Dial completed.']);
    expect(log.dials).toEqual([
      expect.objectContaining({
        numbers: [DESK_A, DESK_B],
        timeout: 20,
        callerId: OFFICE,
        status: 'completed',
        bridged: true,
      }),
    ]);
  });

  it('dial: a whisper that declines is a completed dial of 0 seconds, not bridged', async () => {
    const log = await fake.call({
      from: JOURNALIST,
      url: `${PUBLIC}/dial`,
      parties: { [DESK_A]: { answers: true, digits: ['2'] } },
    });
    const result = log.steps[log.steps.length - 1];
    expect(result.params).toMatchObject({ DialCallStatus: 'completed', DialCallDuration: '0', DialBridged: 'false' });
    expect(result.params.DialCallSid).toBe(log.parties[DESK_A].sid);
    expect(log.parties[DESK_A]).toMatchObject({ answered: true, accepted: false });
    expect(log.dials[0].outcomes).toEqual({ [DESK_A]: 'declined', [DESK_B]: 'rang-out' });
  });

  it('dial: nobody answers → no-answer; everyone busy → busy', async () => {
    const log = await fake.call({ from: JOURNALIST, url: `${PUBLIC}/dial` });
    expect(log.steps.map((s) => s.kind)).toEqual(['voice', 'voice']);
    expect(log.steps[1].params).toMatchObject({ DialCallStatus: 'no-answer', DialBridged: 'false' });
    expect(log.steps[1].params.DialCallSid).toBeUndefined();
    expect(log.said).toEqual(['Connecting you.', 'Dial no-answer.']);
    const busy = await fake.call({
      from: JOURNALIST,
      url: `${PUBLIC}/dial`,
      parties: { [DESK_A]: { busy: true }, [DESK_B]: { busy: true } },
    });
    expect(busy.steps[1].params.DialCallStatus).toBe('busy');
  });

  it('record → action, recording status and transcription callbacks; the recording downloads and deletes', async () => {
    const log = await fake.call({
      from: JOURNALIST,
      url: `${PUBLIC}/record`,
      caller: { message: { seconds: 42, transcript: 'Call me about the fire.' } },
    });
    expect(log.ended).toBe('caller-hung-up');
    expect(log.recordings).toHaveLength(1);
    const re = log.recordings[0];
    expect(re).toMatch(/^RE[0-9a-f]{32}$/);
    const recordingUrl = `${fake.baseUrl}/2010-04-01/Accounts/${fake.accountSid}/Recordings/${re}`;
    expect(log.steps.map((s) => [s.kind, s.url])).toEqual([
      ['voice', `${PUBLIC}/record`],
      ['voice', `${PUBLIC}/record/done`],
      ['recording-status', `${PUBLIC}/record/status`],
      ['transcription', `${PUBLIC}/record/transcription`],
    ]);
    expect(log.steps[1].params).toMatchObject({
      RecordingSid: re,
      RecordingUrl: recordingUrl,
      RecordingDuration: '42',
      Digits: 'hangup',
    });
    expect(log.steps[2].params).toEqual({
      AccountSid: fake.accountSid,
      CallSid: log.sid,
      RecordingSid: re,
      RecordingUrl: recordingUrl,
      RecordingDuration: '42',
      RecordingStatus: 'completed',
      RecordingChannels: '1',
      RecordingSource: 'RecordVerb',
      RecordingStartTime: expect.any(String),
    });
    expect(log.steps[3].params).toMatchObject({
      TranscriptionSid: expect.stringMatching(/^TR[0-9a-f]{32}$/),
      TranscriptionText: 'Call me about the fire.',
      TranscriptionStatus: 'completed',
      RecordingSid: re,
      RecordingUrl: recordingUrl,
      CallSid: log.sid,
      From: JOURNALIST,
      To: OFFICE,
    });
    expect(log.steps.every((s) => s.status < 300)).toBe(true);
    expect(log.said).toEqual(['Leave a message after the tone.']);

    expect((await fetch(`${recordingUrl}.mp3`)).status).toBe(401);
    const mp3 = await fetch(`${recordingUrl}.mp3`, { headers: basic() });
    expect(mp3.status).toBe(200);
    expect(mp3.headers.get('content-type')).toBe('audio/mpeg');
    const bytes = Buffer.from(await mp3.arrayBuffer());
    expect(bytes.subarray(0, 3).toString('ascii')).toBe('ID3');
    expect(bytes.equals(fake.recordings.get(re)?.bytes ?? Buffer.alloc(0))).toBe(true);
    const wav = await fetch(recordingUrl, { headers: basic() });
    expect(wav.headers.get('content-type')).toBe('audio/x-wav');
    expect(
      Buffer.from(await wav.arrayBuffer())
        .subarray(0, 4)
        .toString('ascii'),
    ).toBe('RIFF');
    const meta = (await (await fetch(`${recordingUrl}.json`, { headers: basic() })).json()) as Record<string, unknown>;
    expect(meta).toMatchObject({ sid: re, call_sid: log.sid, duration: '42', status: 'completed' });

    expect((await fetch(`${recordingUrl}.json`, { method: 'DELETE', headers: basic() })).status).toBe(204);
    expect(fake.recordings.get(re)?.deleted).toBe(true);
    const gone = await fetch(`${recordingUrl}.mp3`, { headers: basic() });
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { code: number }).code).toBe(20404);
  });

  it('record: failed transcription, maxLength cut-off, no message and hang-up before the tone', async () => {
    const failed = await fake.call({
      from: JOURNALIST,
      url: `${PUBLIC}/record`,
      caller: { message: { seconds: 5, transcript: null } },
    });
    const tr = failed.steps.find((s) => s.kind === 'transcription');
    expect(tr?.params.TranscriptionStatus).toBe('failed');
    expect(tr?.params.TranscriptionText).toBeUndefined();

    // Longer than maxLength (60): cut off, still on the line, so the action's TwiML is played.
    const long = await fake.call({
      from: JOURNALIST,
      url: `${PUBLIC}/record`,
      caller: { message: { seconds: 300, transcript: 'x' } },
    });
    expect(long.steps[1].params.RecordingDuration).toBe('60');
    expect(long.steps[1].params.Digits).toBeUndefined();
    expect(long.ended).toBe('completed');

    const silent = await fake.call({ from: JOURNALIST, url: `${PUBLIC}/record` });
    expect(silent.steps).toHaveLength(1);
    expect(silent.recordings).toEqual([]);
    expect(silent.said).toEqual(['Leave a message after the tone.', 'We did not hear a message.']);

    const gone = await fake.call({
      from: JOURNALIST,
      url: `${PUBLIC}/record`,
      caller: { hangUpAt: 'record', message: { seconds: 10, transcript: 'x' } },
    });
    expect(gone.ended).toBe('caller-hung-up');
    expect(gone.steps.map((s) => s.url)).toEqual([`${PUBLIC}/record`]); // no action request
    expect(gone.recordings).toEqual([]);
    expect(seen.filter((s) => s.path === '/record/done')).toHaveLength(2); // only the first two calls'
  });

  it('a bad signature (webhook URL not the one the app verifies), a 500, malformed TwiML and a loop end the call in error', async () => {
    const wrong = await fake.call({ from: JOURNALIST, url: 'https://other.example.net/gather' });
    expect(wrong.steps[0].status).toBe(403);
    expect(wrong.ended).toBe('error');
    expect(wrong.error).toMatch(/HTTP 403/);
    expect(wrong.said).toEqual(['We are sorry, an application error has occurred. Goodbye.']);

    expect((await fake.call({ from: JOURNALIST, url: `${PUBLIC}/broken` })).error).toMatch(/HTTP 500/);
    expect((await fake.call({ from: JOURNALIST, url: `${PUBLIC}/malformed` })).error).toMatch(/unparseable TwiML/);
    const loop = await fake.call({ from: JOURNALIST, url: `${PUBLIC}/loop` });
    expect(loop.ended).toBe('error');
    expect(loop.steps).toHaveLength(50);
  });
});

describe('outbound call placed through the REST API', () => {
  const ackTwiml = () => {
    const r = new twilio.twiml.VoiceResponse();
    r.gather({ numDigits: 1, action: `${PUBLIC}/page/ack` }).say('Urgent enquiry. Press 1 to acknowledge.');
    r.say('No key pressed.');
    return r.toString();
  };
  const place = (twimlText: string) =>
    client.calls.create({
      to: DESK_A,
      from: OFFICE,
      twiml: twimlText,
      machineDetection: 'Enable',
      asyncAmd: 'true',
      asyncAmdStatusCallback: `${PUBLIC}/amd`,
      asyncAmdStatusCallbackMethod: 'POST',
      statusCallback: `${PUBLIC}/status`,
      statusCallbackEvent: ['completed'],
    });

  it('a human answers: AMD callback, then the Gather action, then the completed status callback', async () => {
    const call = await place(ackTwiml());
    const log = await fake.answerCall(call.sid, {
      answeredBy: 'human',
      digits: ['1'],
      amdDelayMs: 0,
      machineDetectionMs: 2500,
    });
    expect(log.steps.map((s) => [s.kind, s.url, s.status])).toEqual([
      ['amd', `${PUBLIC}/amd`, 204],
      ['voice', `${PUBLIC}/page/ack`, 200],
    ]);
    expect(log.steps[0].params).toEqual({
      CallSid: call.sid,
      AccountSid: fake.accountSid,
      AnsweredBy: 'human',
      MachineDetectionDuration: '2500',
    });
    expect(log.steps[1].params).toMatchObject({
      CallSid: call.sid,
      From: OFFICE,
      To: DESK_A,
      Direction: 'outbound-api',
      CallStatus: 'in-progress',
      Digits: '1',
    });
    expect(log.said).toEqual(['Urgent enquiry. Press 1 to acknowledge.', 'Acknowledged.']);
    expect(fake.webhooks.map((w) => w.kind)).toEqual(['amd', 'voice', 'status']);
    expect(fake.webhooks[2].params).toMatchObject({
      CallSid: call.sid,
      CallStatus: 'completed',
      CallDuration: '20',
      AnsweredBy: 'human',
    });
    expect(fake.calls[0].status).toBe('completed');
  });

  it('by default the verdict comes a few seconds into the call, while the TwiML runs: after the prompt, before the next verb', async () => {
    const r = new twilio.twiml.VoiceResponse();
    r.say('This is Press Desk. An urgent media enquiry has not been acknowledged.');
    r.redirect(`${PUBLIC}/page/end-by-api`);
    const call = await place(r.toString());
    const log = await fake.answerCall(call.sid, { answeredBy: 'machine_start' });
    // The verdict (2.5 s in) arrives once the first sentence (about 5 s of speech) has been said; the app's redirect document follows it.
    expect(log.steps.map((s) => s.kind)).toEqual(['amd', 'voice']);
    expect(log.steps[0].params).toMatchObject({ AnsweredBy: 'machine_start', MachineDetectionDuration: '2500' });
    expect(log.said[0]).toBe('This is Press Desk. An urgent media enquiry has not been acknowledged.');
    expect(fake.webhooks.map((w) => w.kind)).toEqual(['amd', 'voice', 'status']);
  });

  it('a verdict later than the whole TwiML comes after it, still before the completed status callback', async () => {
    const call = await place(ackTwiml());
    const log = await fake.answerCall(call.sid, { answeredBy: 'machine_start', amdDelayMs: 60_000 });
    expect(log.said).toEqual(['Urgent enquiry. Press 1 to acknowledge.', 'No key pressed.']);
    expect(fake.webhooks.map((w) => w.kind)).toEqual(['amd', 'status']);
    expect(log.steps[0].params.MachineDetectionDuration).toBe('60000');
  });

  it('a machine presses nothing; no-answer and busy only post the status callback', async () => {
    const call = await place(ackTwiml());
    const log = await fake.answerCall(call.sid, { answeredBy: 'machine_end_beep', digits: ['1'] });
    expect(log.steps.map((s) => [s.kind, s.status])).toEqual([['amd', 204]]);
    expect(log.steps[0].params.AnsweredBy).toBe('machine_end_beep');
    expect(log.said).toEqual(['Urgent enquiry. Press 1 to acknowledge.', 'No key pressed.']);

    const missed = await place(ackTwiml());
    const noAnswer = await fake.answerCall(missed.sid, { noAnswer: true });
    expect(noAnswer.ended).toBe('no-answer');
    expect(fake.webhooks[fake.webhooks.length - 1].params).toMatchObject({
      CallSid: missed.sid,
      CallStatus: 'no-answer',
    });
    const engaged = await place(ackTwiml());
    await fake.answerCall(engaged.sid, { busy: true });
    expect(fake.calls[2].status).toBe('busy');
  });

  it('ending a call by API: update({ status: completed }) answers 200 and stops the call mid-way', async () => {
    const early = await place(ackTwiml());
    const updated = await client.calls(early.sid).update({ status: 'completed' });
    expect(updated.status).toBe('completed');
    expect(fake.calls[0]).toMatchObject({ status: 'completed', endedByApi: true });
    expect((await fake.answerCall(early.sid)).ended).toBe('ended-by-api');

    const r = new twilio.twiml.VoiceResponse();
    r.redirect(`${PUBLIC}/page/end-by-api`);
    const mid = await place(r.toString());
    const log = await fake.answerCall(mid.sid);
    expect(log.ended).toBe('ended-by-api');
    expect(log.said).not.toContain('Still here.');
    expect(fake.calls[1].endedByApi).toBe(true);
    expect(
      fake.requests.some(
        (q) => q.method === 'POST' && q.path.endsWith(`/Calls/${mid.sid}.json`) && q.responseStatus === 200,
      ),
    ).toBe(true);
  });
});
