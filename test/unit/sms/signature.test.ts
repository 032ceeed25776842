import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError, errorBody } from '../../../src/http/errors.js';
import { twilioParams, verifyTwilioSignature, type TwilioWebhookEnv } from '../../../src/telephony/signature.js';
import { createTwilioGateway } from '../../../src/telephony/twilio.client.js';
import { startFakeTwilio, type FakeTwilio } from '../../support/fake-twilio.js';
import {
  signedForOtherUrl,
  signedFormRequest,
  signedWithWrongToken,
  tamperedFormRequest,
  unsignedFormRequest,
  type SignedFormOptions,
} from '../../support/twilio-webhook.js';

const PUBLIC = 'https://press.example.org';
const TOKEN = '12345678901234567890123456789012';

const inboundSms = {
  MessageSid: 'SM0123456789abcdef0123456789abcdef',
  AccountSid: `AC${'1'.repeat(32)}`,
  From: '+447911123456',
  To: '+443001234567',
  Body: '',
  NumMedia: '0',
};

type Seen = { params: Record<string, string>; raw: string };

function makeApp(opts: { authToken: string; publicBaseUrl: string }, seen: Seen[] = []) {
  const app = new Hono<TwilioWebhookEnv>();
  app.onError((err, c) => {
    if (err instanceof AppError) return c.json(errorBody(err), err.status as ContentfulStatusCode);
    return c.json({ error: { code: 'internal', message: String(err) } }, 500);
  });
  const verify = verifyTwilioSignature(opts);
  const handler = async (c: Context<TwilioWebhookEnv>) => {
    seen.push({ params: { ...twilioParams(c) }, raw: await c.req.text() });
    return c.body('<Response/>', 200, { 'Content-Type': 'text/xml' });
  };
  app.post('/twilio/sms', verify, handler);
  app.post('/twilio/status', verify, handler);
  return app;
}

function base(over: Partial<SignedFormOptions> = {}): SignedFormOptions {
  return { publicBaseUrl: PUBLIC, path: '/twilio/sms', params: inboundSms, authToken: TOKEN, ...over };
}

async function expectRefused(res: Response, status = 403, code = 'bad_signature') {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  return body;
}

describe('verifyTwilioSignature', () => {
  let seen: Seen[];
  let app: ReturnType<typeof makeApp>;
  beforeEach(() => {
    seen = [];
    app = makeApp({ authToken: TOKEN, publicBaseUrl: PUBLIC }, seen);
  });

  it('accepts a correctly signed request with an empty Body= and keeps it as ""', async () => {
    const r = signedFormRequest(base());
    expect(r.body).toContain('Body=&');
    const res = await app.request(r.path, r.init);
    expect(res.status).toBe(200);
    expect(seen[0].params).toEqual(inboundSms);
    expect(seen[0].params.Body).toBe('');
    expect(seen[0].raw).toBe(r.body); // the handler can still read the raw body
  });

  it('accepts a URL with a query string, and a public base URL with a trailing slash', async () => {
    const slashApp = makeApp({ authToken: TOKEN, publicBaseUrl: `${PUBLIC}/` }, seen);
    const r = signedFormRequest(base({ path: '/twilio/status?attempt=2&kind=sms' }));
    expect((await slashApp.request(r.path, r.init)).status).toBe(200);
    // the query is part of what was signed
    const other = signedFormRequest(
      base({ path: '/twilio/status?attempt=2&kind=sms', urlOverride: `${PUBLIC}/twilio/status?attempt=3&kind=sms` }),
    );
    await expectRefused(await app.request(other.path, other.init));
  });

  it('checks against PUBLIC_BASE_URL, never the Host the request arrived with', async () => {
    const r = signedFormRequest(base());
    // as seen behind a proxy: internal host and port
    const res = await app.request(`http://10.1.2.3:3000${r.path}`, r.init);
    expect(res.status).toBe(200);
    const forInternal = signedForOtherUrl(base(), `http://10.1.2.3:3000${r.path}`);
    await expectRefused(await app.request(`http://10.1.2.3:3000${r.path}`, forInternal.init));
  });

  it('accepts text with spaces, plus signs, ampersands, accents and emoji', async () => {
    const params = { ...inboundSms, Body: 'URGENT: 2+2 & café ☕ "quotes" 100% ok=yes' };
    const r = signedFormRequest(base({ params }));
    expect((await app.request(r.path, r.init)).status).toBe(200);
    expect(seen[0].params.Body).toBe(params.Body);
  });

  it('works through a Request on the public URL too', async () => {
    const res = await app.request(signedFormRequest(base()).request());
    expect(res.status).toBe(200);
  });

  it('refuses a request without X-Twilio-Signature', async () => {
    const r = unsignedFormRequest(base());
    const body = await expectRefused(await app.request(r.path, r.init));
    expect(body.error.message).toBe('Missing or invalid X-Twilio-Signature');
    expect(seen).toHaveLength(0);
  });

  it('refuses an empty or garbage signature', async () => {
    for (const signatureOverride of ['', 'not-base64', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=']) {
      const r = signedFormRequest(base({ signatureOverride }));
      await expectRefused(await app.request(r.path, r.init));
    }
  });

  it('refuses a signature made with another auth token', async () => {
    const r = signedWithWrongToken(base());
    await expectRefused(await app.request(r.path, r.init));
  });

  it('refuses a signature made for another URL', async () => {
    const status = signedForOtherUrl(base(), `${PUBLIC}/twilio/status`);
    await expectRefused(await app.request(status.path, status.init));
    const otherHost = signedForOtherUrl(base(), `https://attacker.example.com/twilio/sms`);
    await expectRefused(await app.request(otherHost.path, otherHost.init));
  });

  it('refuses a replay whose body was changed', async () => {
    const changed = tamperedFormRequest(base(), { ...inboundSms, Body: 'ACK' });
    await expectRefused(await app.request(changed.path, changed.init));
    const extra = tamperedFormRequest(base(), { ...inboundSms, Extra: 'x' });
    await expectRefused(await app.request(extra.path, extra.init));
    // dropping the empty Body= (what a lossy body parser does) also breaks it
    const { Body: _dropped, ...withoutBody } = inboundSms;
    const dropped = tamperedFormRequest(base(), withoutBody);
    await expectRefused(await app.request(dropped.path, dropped.init));
    expect(seen).toHaveLength(0);
  });

  it('refuses forged duplicate parameters, appended or prepended', async () => {
    const signed = { ...inboundSms, Body: 'hello' };
    const pairs = Object.entries(signed) as Array<[string, string]>;
    const appended = tamperedFormRequest(base({ params: signed }), [...pairs, ['Body', 'ACK PD-1234']]);
    await expectRefused(await app.request(appended.path, appended.init));
    const prepended = tamperedFormRequest(base({ params: signed }), [['Body', 'ACK PD-1234'], ...pairs]);
    await expectRefused(await app.request(prepended.path, prepended.init));
    const fromTwice = tamperedFormRequest(base({ params: signed }), [['From', '+447700900001'], ...pairs]);
    await expectRefused(await app.request(fromTwice.path, fromTwice.init));
    expect(seen).toHaveLength(0);
  });

  it('accepts parameters Twilio itself repeated (signed as a sorted list), exposing the first', async () => {
    const pairs: Array<[string, string]> = [
      ...(Object.entries(inboundSms) as Array<[string, string]>),
      ['MediaUrl', 'https://api.twilio.com/media/b'],
      ['MediaUrl', 'https://api.twilio.com/media/a'],
    ];
    const r = signedFormRequest(base({ params: pairs }));
    expect((await app.request(r.path, r.init)).status).toBe(200);
    expect(seen[0].params.MediaUrl).toBe('https://api.twilio.com/media/b');
  });

  it('answers 415 for a body that is not form-encoded', async () => {
    const r = signedFormRequest(base());
    const res = await app.request(r.path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Twilio-Signature': r.signature ?? '' },
      body: JSON.stringify(inboundSms),
    });
    await expectRefused(res, 415, 'unsupported_media_type');
  });

  it('accepts a charset parameter on the content type', async () => {
    const r = signedFormRequest(base());
    const res = await app.request(r.path, {
      ...r.init,
      headers: { ...r.init.headers, 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    });
    expect(res.status).toBe(200);
  });

  it('refuses every webhook when no auth token is configured, even one signed with the empty token', async () => {
    const off = makeApp({ authToken: '', publicBaseUrl: PUBLIC });
    const r = signedFormRequest(base({ authToken: '' }));
    await expectRefused(await off.request(r.path, r.init));
    const u = unsignedFormRequest(base({ authToken: '' }));
    await expectRefused(await off.request(u.path, u.init));
  });

  it('twilioParams(c) throws on a route without the middleware', async () => {
    const bare = new Hono();
    bare.onError((err, c) => c.text(err.message, 500));
    bare.post('/x', (c) => c.json(twilioParams(c)));
    const res = await bare.request('/x', { method: 'POST' });
    expect(res.status).toBe(500);
    expect(await res.text()).toMatch(/without verifyTwilioSignature/);
  });
});

describe('fake Twilio status callbacks are signed like the real Twilio', () => {
  let fake: FakeTwilio;
  beforeAll(async () => {
    fake = await startFakeTwilio();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => fake.reset());

  function gatewayFor() {
    return createTwilioGateway(
      {
        accountSid: fake.accountSid,
        authToken: fake.authToken,
        phoneNumber: '+443001234567',
        apiBaseUrl: fake.baseUrl,
        configured: true,
      },
      { timeoutMs: 2000 },
    );
  }

  it('message callbacks (in-process app) pass the middleware, including failures with ErrorCode', async () => {
    const seen: Seen[] = [];
    const app = makeApp({ authToken: fake.authToken, publicBaseUrl: PUBLIC }, seen);
    fake.callbackFetch = (url, init) => app.request(url, init);
    const { sid } = await gatewayFor().sendSms({
      to: '+447911123456',
      body: 'page',
      statusCallback: `${PUBLIC}/twilio/status?enquiry=PD-1234`,
    });
    expect(await fake.sendStatusCallback(sid, 'delivered')).toBe(200);
    expect(seen[0].params).toMatchObject({
      MessageSid: sid,
      MessageStatus: 'delivered',
      AccountSid: fake.accountSid,
      To: '+447911123456',
      From: '+443001234567',
    });
    expect(seen[0].params.ErrorCode).toBeUndefined();
    expect(await fake.sendStatusCallback(fake.messages[0], 'failed')).toBe(200);
    expect(seen[1].params).toMatchObject({ MessageStatus: 'failed', ErrorCode: '30008' });
    expect(await fake.sendStatusCallback(sid, 'undelivered', { ErrorCode: '30005' })).toBe(200);
    expect(seen[2].params.ErrorCode).toBe('30005');
    expect(fake.messages[0].status).toBe('undelivered');
  });

  it('call callbacks reach a real HTTP server and pass the middleware', async () => {
    const seen: Seen[] = [];
    let server: ServerType | undefined;
    try {
      // Twilio posts to PUBLIC_BASE_URL; here that is this server on the loopback, whose port
      // (and so whose public URL) is only known once it listens.
      let app: ReturnType<typeof makeApp> | undefined;
      const port = await new Promise<number>((resolve) => {
        server = serve({ fetch: (req) => app!.fetch(req), hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
          resolve(info.port),
        );
      });
      app = makeApp({ authToken: fake.authToken, publicBaseUrl: `http://127.0.0.1:${port}` }, seen);
      fake.callbackFetch = (url, init) => fetch(url, init); // over the network this time
      const { sid } = await gatewayFor().placeCall({
        to: '+447911123456',
        twiml: '<Response><Say>Urgent enquiry</Say></Response>',
        statusCallback: `http://127.0.0.1:${port}/twilio/status`,
      });
      expect(await fake.sendStatusCallback(sid, 'no-answer')).toBe(200);
      expect(seen[0].params).toMatchObject({ CallSid: sid, CallStatus: 'no-answer', ErrorCode: '31480' });
      expect(await fake.sendStatusCallback(sid, 'completed', { CallDuration: '12' })).toBe(200);
      expect(seen[1].params).toMatchObject({ CallStatus: 'completed', CallDuration: '12' });
    } finally {
      await new Promise((r) => (server ? server.close(r) : r(undefined)));
    }
  });

  it('a callback signed by a fake with another token is refused', async () => {
    const other = await startFakeTwilio();
    try {
      const app = makeApp({ authToken: fake.authToken, publicBaseUrl: PUBLIC });
      other.callbackFetch = (url, init) => app.request(url, init);
      const gw = createTwilioGateway(
        {
          accountSid: other.accountSid,
          authToken: other.authToken,
          phoneNumber: '+443001234567',
          apiBaseUrl: other.baseUrl,
          configured: true,
        },
        { timeoutMs: 2000 },
      );
      const { sid } = await gw.sendSms({ to: '+447911123456', body: 'x', statusCallback: `${PUBLIC}/twilio/status` });
      expect(await other.sendStatusCallback(sid, 'delivered')).toBe(403);
    } finally {
      await other.close();
    }
  });
});
