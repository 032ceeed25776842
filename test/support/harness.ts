import type { Hono } from 'hono';
import { sql } from 'kysely';
import { createApp } from '../../src/app.js';
import * as queue from '../../src/jobs/queue.repository.js';
import { setPasswordCostForTests } from '../../src/desk/password.js';
import { startJobRunner } from '../../src/jobs/runner.js';
import { taskList } from '../../src/tasks.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/log.js';
import { buildServices, type Services } from '../../src/services.js';
import { clientEnv } from './client-address.js';
import { TestClock } from './clock.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { startFakeTwilio, type FakeTwilio } from './fake-twilio.js';
import { signedFormRequest, type FormParams } from './twilio-webhook.js';

// Suites sign in hundreds of times: hash at a small cost here. Production's (PASSWORD_COST) is
// pinned once in test/unit/desk/password.test.ts.
setPasswordCostForTests({ N: 2 ** 12, r: 8, p: 1 });

/** Control over the in-process job runner. */
export interface JobsControl {
  /** Waits until no job is due at the current (test) time or running. */
  settle(timeoutMs?: number): Promise<void>;
  /** Treats every failed job's backoff as over: it becomes due now. */
  retryNow(): Promise<void>;
  /** Jobs still queued, for assertions. */
  pending(): Promise<
    Array<{ task_identifier: string; key: string | null; run_at: Date; attempts: number; last_error: string | null }>
  >;
}

export const PUBLIC_BASE_URL = 'https://press.example.org';
export const PRESS_OFFICE_NUMBER = '+447700100200';

export interface Harness {
  app: Hono;
  config: Config;
  clock: TestClock;
  database: TestDatabase;
  twilio: FakeTwilio;
  services: Services;
  /** The job runner, when started with `jobs: true`. */
  jobs: JobsControl;
  /** POST JSON to the app, as a newsroom system would. */
  postJson(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** POST a form to the app, as a browser would (fields repeat when given an array). */
  postForm(path: string, fields: Record<string, string | string[]>): Promise<Response>;
  /** A text from `from` to the press office number, delivered by the fake Twilio (its keyword rules first) as its signed webhook. */
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
/** Where `h.app.request()` comes from unless the caller says otherwise (TEST-NET-1, RFC 5737). */
export const HARNESS_CLIENT_ADDRESS = '192.0.2.1';

/** `app` whose `request()` comes from `address` unless an env is given. */
function withClientAddress(app: Hono, address: string): Hono {
  const wrapped = Object.create(app) as Hono;
  wrapped.request = (input, init, env, ctx) => app.request(input, init, env ?? clientEnv(address), ctx);
  return wrapped;
}

export async function startHarness(opts: {
  now: string;
  config?: unknown;
  env?: Record<string, string>;
  jobs?: boolean;
  log?: Logger;
}): Promise<Harness> {
  const database = await createTestDatabase();
  const twilio = await startFakeTwilio({ phoneNumber: PRESS_OFFICE_NUMBER });
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
  const log = opts.log ?? createLogger(config.logLevel);
  const services = buildServices({
    config,
    db: database.db,
    pool: database.pool,
    databaseUrl: database.url,
    clock: clock.fn,
    log,
  });
  const app = withClientAddress(createApp(services) as unknown as Hono, HARNESS_CLIENT_ADDRESS);
  twilio.callbackFetch = (url, init) => app.request(url.replace(PUBLIC_BASE_URL, ''), init);
  twilio.smsUrl = `${PUBLIC_BASE_URL}/twilio/sms`;
  const runner = opts.jobs
    ? await startJobRunner({
        pool: database.pool,
        db: database.db,
        log,
        taskList: taskList(services),
        pollInterval: 50,
        concurrency: 2,
        heartbeatMs: 60_000,
      })
    : null;
  const jobs: JobsControl = {
    async settle(timeoutMs = 10_000) {
      if (!runner) throw new Error('start the harness with jobs: true');
      const deadline = performance.now() + timeoutMs;
      let quiet = 0;
      while (quiet < 3) {
        const busy = await sql<{ n: number }>`SELECT count(*)::int AS n FROM graphile_worker.jobs
            WHERE locked_at IS NOT NULL OR (run_at <= ${new Date().toISOString()}::timestamptz AND attempts < max_attempts)`.execute(
          database.db,
        );
        quiet = busy.rows[0].n === 0 ? quiet + 1 : 0;
        if (performance.now() > deadline) {
          throw new Error(`jobs did not settle: ${JSON.stringify(await queue.pendingJobs(database.db))}`);
        }
        await new Promise((r) => setTimeout(r, 30));
      }
    },
    async retryNow() {
      await sql`UPDATE graphile_worker._private_jobs SET run_at = ${new Date().toISOString()}::timestamptz
                 WHERE attempts > 0 AND locked_at IS NULL AND attempts < max_attempts`.execute(database.db);
    },
    pending: () => queue.pendingJobs(database.db),
  };

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
    jobs,
    postJson: async (path, body, headers = {}) =>
      app.request(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    postForm: async (path, fields) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
      return app.request(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: params.toString(),
      });
    },
    // Through the fake Twilio, so its keyword rules apply first (a STOP opts the sender out there too).
    sms: async (from, body, sid = messageSid()) => (await twilio.receiveSms({ from, body, messageSid: sid })).response,
    webhook,
    async close() {
      await runner?.stop();
      await services.live.stop();
      clock.restore();
      await twilio.close();
      await database.drop();
    },
  };
}
