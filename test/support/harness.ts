import type { Hono } from 'hono';
import { createApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { buildServices, type Services } from '../../src/services.js';
import { TestClock } from './clock.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { startFakeTwilio, type FakeTwilio } from './fake-twilio.js';
import { signedFormRequest, type FormParams } from './twilio-webhook.js';

export const PUBLIC_BASE_URL = 'https://press.example.org';
export const PRESS_OFFICE_NUMBER = '+447700100200';

export interface Harness {
  app: Hono;
  config: Config;
  clock: TestClock;
  database: TestDatabase;
  twilio: FakeTwilio;
  services: Services;
  /** POST JSON to the app, as a newsroom system would. */
  postJson(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** POST a form to the app, as a browser would (fields repeat when given an array). */
  postForm(path: string, fields: Record<string, string | string[]>): Promise<Response>;
  /** A text from `from` to the press office number, delivered as Twilio's signed webhook. */
  sms(from: string, body: string, messageSid?: string): Promise<Response>;
  /** A signed Twilio webhook with arbitrary parameters. */
  webhook(path: string, params: FormParams): Promise<Response>;
  close(): Promise<void>;
}

let sidCounter = 0;
/** A fresh Twilio-shaped MessageSid. */
export function messageSid(): string {
  sidCounter += 1;
  return `SM${Date.now().toString(16).padStart(16, '0')}${sidCounter.toString(16).padStart(16, '0')}`;
}

/**
 * The whole service in-process, as `npm start` wires it, on a fresh database, with a test clock
 * set to `now` and the real twilio library pointed at a fake Twilio on 127.0.0.1. `config` is
 * deep-merged over config/default.json like PRESSDESK_CONFIG would be.
 */
export async function startHarness(opts: { now: string; config?: unknown; env?: Record<string, string> }): Promise<Harness> {
  const database = await createTestDatabase();
  const twilio = await startFakeTwilio();
  const clock = new TestClock(opts.now);
  const config = loadConfig(
    {
      PUBLIC_BASE_URL,
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_PHONE_NUMBER: PRESS_OFFICE_NUMBER,
      TWILIO_API_BASE_URL: twilio.baseUrl,
      DATABASE_URL: database.url,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      ...opts.env,
    },
    opts.config ?? {},
  );
  const log = createLogger(config.logLevel);
  const services = buildServices({ config, db: database.db, pool: database.pool, clock: clock.fn, log });
  const app = createApp(services) as unknown as Hono;
  twilio.callbackFetch = (url, init) => app.request(url.replace(PUBLIC_BASE_URL, ''), init);

  const webhook = (path: string, params: FormParams) => {
    const r = signedFormRequest({ publicBaseUrl: PUBLIC_BASE_URL, path, params, authToken: twilio.authToken });
    return Promise.resolve(app.request(r.path, r.init));
  };
  return {
    app,
    config,
    clock,
    database,
    twilio,
    services,
    postJson: async (path, body, headers = {}) =>
      app.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    postForm: async (path, fields) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
      return app.request(path, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: params.toString() });
    },
    sms: (from, body, sid = messageSid()) =>
      webhook('/twilio/sms', { MessageSid: sid, SmsSid: sid, AccountSid: twilio.accountSid, From: from, To: PRESS_OFFICE_NUMBER, Body: body, NumMedia: '0' }),
    webhook,
    async close() {
      await twilio.close();
      await database.drop();
    },
  };
}
