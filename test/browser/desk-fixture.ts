/**
 * The real Press Desk for browser tests and screenshots: `node src/main.ts` as a child process
 * (web server + job runner, LISTEN/NOTIFY and server-sent events over real HTTP) on a database
 * of the caller's, with a fake Twilio on 127.0.0.1 and a first manager from
 * PRESSDESK_ADMIN_EMAIL/PASSWORD, plus what the tests need around it: an officer account,
 * enquiries submitted through the public API, signed Twilio webhooks, and a way to move an
 * enquiry into the past (to make it overdue without waiting).
 *
 * Free of vitest (the screenshot script uses it too); not a test file itself.
 */
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { createDb, createPool, type Db } from '../../src/db/database.js';
import { UserService } from '../../src/desk/users.service.js';
import { RotaService } from '../../src/oncall/rota.service.js';
import type { RotaRole } from '../../src/oncall/rota.tables.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio.js';
import {
  PRESS_OFFICE_NUMBER,
  startService,
  waitUntil,
  type ServiceOptions,
  type ServiceProcess,
} from '../support/service-process.js';
import { signedFormRequest } from '../support/twilio-webhook.js';

export { PRESS_OFFICE_NUMBER, waitUntil };

export interface Credentials {
  email: string;
  password: string;
  name: string;
}

export const MANAGER: Credentials = {
  email: 'head.of.news@press.example.org',
  password: 'manager-password-1234',
  name: 'Administrator',
};

/** Office hours that never close: every enquiry arrives in hours. */
export const ALWAYS_OPEN = {
  office: {
    hours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]])),
    holidays: null,
  },
} as const;

/** What POST /api/enquiries takes. */
export interface EnquiryInput {
  name: string;
  outlet: string;
  email?: string;
  phone?: string;
  subject: string;
  details: string;
  deadline?: string;
  urgent?: boolean;
}

export interface Submitted {
  reference: string;
  urgent: boolean;
  outOfHours: boolean;
  pagedOnCall: boolean;
}

export interface Desk {
  baseUrl: string;
  service: ServiceProcess;
  twilio: FakeTwilio;
  /** The test's own connection to the service's database (for accounts and fixtures). */
  db: Db;
  manager: Credentials;
  /** Adds an officer account (through the same UserService the desk's user page uses). */
  createUser(c: Credentials, role?: 'officer' | 'manager'): Promise<Credentials>;
  /** Puts someone on the on-call rota (primary or backup) for [from, to), adding them to the staff list first. */
  addToRota(p: { name: string; phone: string; from: Date; to: Date; role?: RotaRole }): Promise<void>;
  /** POST /api/enquiries on `baseUrl` (default: this service's); 201 or it throws with the answer. */
  submit(input: EnquiryInput, baseUrl?: string): Promise<Submitted>;
  /**
   * A text to the press office number, as Twilio's signed inbound-SMS webhook to `baseUrl`
   * (default: this service's; it is also that service's PUBLIC_BASE_URL); returns the TwiML.
   */
  sms(from: string, body: string, baseUrl?: string): Promise<string>;
  /**
   * Moves an enquiry `ms` into the past: received, updated, deadline, respond-by and its timeline,
   * as if it had been submitted that long ago (so a deadline it had passes without waiting).
   */
  shiftIntoPast(reference: string, ms: number): Promise<void>;
  /** Resolves once the web process LISTENs for new enquiries (the live queue's feed is up). */
  waitForLiveFeed(timeoutMs?: number): Promise<void>;
  /** Stops the service and fake Twilio and closes the test's connection (the database is the caller's). */
  close(): Promise<void>;
}

let sidCounter = 0;

/** Starts fake Twilio + the real service on `databaseUrl`. `config` is merged over service-process's always-closed office. */
export async function startDesk(opts: {
  databaseUrl: string;
  config?: ServiceOptions['config'];
  logLevel?: ServiceOptions['logLevel'];
  /** The port to listen on (so its PUBLIC_BASE_URL is known before it starts, e.g. for an identity provider's redirect URI). */
  port?: number;
  /** More environment for the service (e.g. OIDC_*). */
  env?: Record<string, string>;
}): Promise<Desk> {
  const twilio = await startFakeTwilio();
  let service: ServiceProcess;
  try {
    service = await startService({
      databaseUrl: opts.databaseUrl,
      twilio,
      name: 'press-desk',
      config: opts.config,
      logLevel: opts.logLevel,
      port: opts.port,
      env: { PRESSDESK_ADMIN_EMAIL: MANAGER.email, PRESSDESK_ADMIN_PASSWORD: MANAGER.password, ...opts.env },
    });
  } catch (err) {
    await twilio.close();
    throw err;
  }
  const baseUrl = service.baseUrl!;
  const pool = createPool(opts.databaseUrl, { max: 2 });
  const db = createDb(pool);
  const users = new UserService({ db, clock: systemClock });
  // The rota does not depend on office hours; default settings are enough to write it.
  const rota = new RotaService({ db, config: loadConfig({}), clock: systemClock });

  return {
    baseUrl,
    service,
    twilio,
    db,
    manager: MANAGER,
    async createUser(c, role = 'officer') {
      await users.create(
        { email: c.email, name: c.name, role, password: c.password },
        { userId: null, email: 'browser-test' },
      );
      return c;
    },
    async addToRota(p) {
      const person =
        (await rota.findPersonByPhone(p.phone)) ?? (await rota.addPerson({ name: p.name, phone: p.phone }));
      await rota.addShift({
        personId: person.id,
        role: p.role ?? 'primary',
        startsAt: p.from,
        endsAt: p.to,
        createdBy: MANAGER.email,
      });
    },
    async submit(input, base = baseUrl) {
      const res = await fetch(`${base}/api/enquiries`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(input),
      });
      const text = await res.text();
      if (res.status !== 201) throw new Error(`POST /api/enquiries answered ${res.status}: ${text}`);
      return JSON.parse(text) as Submitted;
    },
    async sms(from, body, base = baseUrl) {
      sidCounter += 1;
      const sid = `SM${Date.now().toString(16).padStart(16, '0')}${sidCounter.toString(16).padStart(16, '0')}`;
      const r = signedFormRequest({
        publicBaseUrl: base,
        path: '/twilio/sms',
        authToken: twilio.authToken,
        params: {
          MessageSid: sid,
          SmsSid: sid,
          AccountSid: twilio.accountSid,
          From: from,
          To: PRESS_OFFICE_NUMBER,
          Body: body,
          NumMedia: '0',
        },
      });
      const res = await fetch(base + r.path, r.init);
      const text = await res.text();
      if (res.status !== 200) throw new Error(`POST /twilio/sms answered ${res.status}: ${text}`);
      return text;
    },
    async shiftIntoPast(reference, ms) {
      const by = sql`make_interval(secs => ${ms / 1000})`;
      const row = await db
        .updateTable('enquiry')
        .set({
          received_at: sql`received_at - ${by}`,
          updated_at: sql`updated_at - ${by}`,
          deadline: sql`deadline - ${by}`,
          respond_by: sql`respond_by - ${by}`,
        })
        .where('reference', '=', reference)
        .returning('id')
        .executeTakeFirst();
      if (!row) throw new Error(`no enquiry ${reference}`);
      await db
        .updateTable('enquiry_event')
        .set({ at: sql`at - ${by}` })
        .where('enquiry_id', '=', row.id)
        .execute();
    },
    async waitForLiveFeed(timeoutMs = 10_000) {
      // Its last statement is the LISTEN, or a NOTIFY it sent since (only a listening feed sends on it).
      await waitUntil(
        'the live feed to LISTEN',
        async () => {
          const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = current_database() AND application_name = 'press-desk-live'
                AND state = 'idle' AND (query ILIKE 'LISTEN%' OR query ILIKE 'SELECT pg_notify%')`.execute(db);
          return r.rows[0].n > 0;
        },
        timeoutMs,
        50,
      );
    },
    async close() {
      await service.stop();
      await twilio.close();
      await db.destroy();
    },
  };
}

/** Signs in through /desk/login as a person would and waits for the queue. */
export async function signIn(page: Page, baseUrl: string, who: Credentials): Promise<void> {
  await page.goto(`${baseUrl}/desk/login`);
  await page.getByLabel('Email address').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  // Generous: a loaded CI machine signs in slowly (scrypt, a cold page), and a timeout here is noise.
  await Promise.all([
    page.waitForURL(`${baseUrl}/desk`, { timeout: 30_000 }),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
}

/** An instant `minutes` from now, ISO-8601 with offset (what the API takes as a deadline). */
export function minutesFromNow(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000).toISOString();
}
