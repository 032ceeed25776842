/**
 * Screenshots for the README: docs/queue.png, docs/enquiry.png and docs/form.png, at 1280×900
 * (full page), from the real service with realistic enquiries. Not part of the test run:
 *
 *   npx tsx test/browser/screenshots.ts
 *
 * Database: a fresh database on DATABASE_URL's server when it is set (dropped afterwards),
 * otherwise a throw-away embedded PostgreSQL. Two service processes share it, as a scaled-out
 * office would: "office" (web + job runner, office open) renders the desk and takes in-hours
 * enquiries; "night" (web only, office closed) takes the out-of-hours ones, so the queue shows
 * both honestly. Twilio is the fake one from the tests. Everything is done through the public
 * API, signed Twilio webhooks and the desk in the browser, except that some enquiries are moved a
 * few hours into the past (as if they had arrived earlier) so the queue has overdue work.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.js';
import { launchBrowser, BROWSER_SKIP_MESSAGE } from '../support/browser.js';
import { REPO_ROOT, startService, stopAllServices, type ServiceProcess } from '../support/service-process.js';
import {
  ALWAYS_OPEN,
  minutesFromNow,
  signIn,
  startDesk,
  waitUntil,
  type Credentials,
  type Desk,
} from './desk-fixture.js';

const DOCS = resolve(REPO_ROOT, 'docs');
/** A desktop browser in the UK (the deadline picker follows the browser's locale). */
const BROWSER_CONTEXT = { viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/London' };
const HOUR = 3_600_000;

const SAM: Credentials = { email: 'sam.patel@press.example.org', password: 'officer-password-5678', name: 'Sam Patel' };
const KIM: Credentials = { email: 'kim.lee@press.example.org', password: 'officer-password-9012', name: 'Kim Lee' };
const ON_CALL = { name: 'Jo Smith', phone: '+447911234567' };
const BACKUP = { name: 'Rob Evans', phone: '+447911234568' };

const log = (m: string) => process.stdout.write(`${m}\n`);

/** A database of its own: on DATABASE_URL's server, or an embedded server in a temporary folder. */
async function scratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const server = process.env.DATABASE_URL;
  if (server) {
    const name = `pd_shots_${randomBytes(4).toString('hex')}`;
    const admin = new URL(server);
    admin.pathname = '/postgres';
    const run = async (q: string) => {
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      try {
        await c.query(q);
      } finally {
        await c.end();
      }
    };
    await run(`CREATE DATABASE ${name}`);
    const url = new URL(server);
    url.pathname = `/${name}`;
    return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
  }
  const dir = mkdtempSync(join(tmpdir(), 'pressdesk-shots-'));
  // As root, PostgreSQL runs as the `postgres` user, which must be able to enter the folder.
  chmodSync(dir, 0o755);
  let embedded: EmbeddedDatabase;
  try {
    embedded = await startEmbeddedPostgres({
      dataDir: join(dir, 'data'),
      database: 'pressdesk_shots',
      persistent: false,
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: embedded.url,
    async drop() {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function enquiryPage(page: Page, desk: Desk, reference: string): Promise<void> {
  await page.goto(`${desk.baseUrl}/desk/enquiries/${reference}`);
}

/** Fills in one of the enquiry page's action forms and submits it (the page comes back after a 303). */
async function act(page: Page, fill: () => Promise<unknown>, button: string): Promise<void> {
  await fill();
  await Promise.all([
    page.waitForURL(/\/desk\/enquiries\/[^/]+$/),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
}

const nothing = async () => undefined;

async function main(): Promise<void> {
  const browser = await launchBrowser();
  if (!browser) {
    log(BROWSER_SKIP_MESSAGE);
    process.exitCode = 1;
    return;
  }
  let database: Awaited<ReturnType<typeof scratchDatabase>> | null = null;
  let desk: Desk | null = null;
  let night: ServiceProcess | null = null;
  try {
    database = await scratchDatabase();
    log('starting the service (office open) and a second web process (office closed)…');
    desk = await startDesk({ databaseUrl: database.url, config: ALWAYS_OPEN });
    // Closed today (a closure), the usual 9:00–17:00 Monday to Friday otherwise: out-of-hours
    // enquiries get the honest respond-by of the next working day.
    const weekdays = {
      mon: [['09:00', '17:00']],
      tue: [['09:00', '17:00']],
      wed: [['09:00', '17:00']],
      thu: [['09:00', '17:00']],
      fri: [['09:00', '17:00']],
      sat: [],
      sun: [],
    };
    const today = DateTime.now().setZone('Europe/London').toISODate();
    night = await startService({
      databaseUrl: database.url,
      twilio: desk.twilio,
      mode: 'web',
      name: 'night',
      config: { office: { hours: weekdays, closures: [today] } },
    });
    const nightUrl = night.baseUrl!;
    const d = desk;

    await d.createUser(SAM);
    await d.createUser(KIM);
    const now = Date.now();
    await d.addToRota({ ...ON_CALL, from: new Date(now - 6 * HOUR), to: new Date(now + 18 * HOUR) });
    await d.addToRota({ ...BACKUP, role: 'backup', from: new Date(now - 6 * HOUR), to: new Date(now + 18 * HOUR) });

    log('enquiries…');
    // Out of hours (arrived overnight): an urgent one that paged Jo, an SMS, and a routine one.
    const cordon = await d.submit(
      {
        name: 'Alex Morgan',
        outlet: 'Evening Gazette',
        phone: '07911 123456',
        email: 'alex.morgan@eveninggazette.example.co.uk',
        subject: 'Police cordon on Market Street',
        details:
          'Residents say Market Street has been sealed off since about 1am and several officers are outside number 42.\n\nCan you confirm what is happening, whether anyone has been arrested, and when the road will reopen?',
        urgent: true,
      },
      nightUrl,
    );
    await d.sms(
      '+447911123999',
      'Hi, Dana Hughes at City FM. Is the M6 closure at J10 linked to the crash reported earlier? Need a line for the 7am bulletin.',
      nightUrl,
    );
    await d.submit(
      {
        name: 'Ruth Adeyemi',
        outlet: 'The Northern Echo',
        email: 'ruth.adeyemi@example.co.uk',
        subject: 'Drone use at public events: policy',
        details: 'Could you share the force policy on drone use at protests and football matches?',
      },
      nightUrl,
    );

    // In hours.
    await d.submit({
      name: 'Tom Fraser',
      outlet: 'BBC Radio Midlands',
      phone: '07911 123457',
      subject: 'Firearms officers at Harbour Road retail park',
      details: 'Listeners report armed officers at the retail park. Is there any risk to the public?',
      urgent: true,
    });
    const verdict = await d.submit({
      name: 'Sam Okafor',
      outlet: 'Daily Courier',
      email: 's.okafor@dailycourier.example.com',
      subject: 'Comment on the Whitfield verdict',
      details: 'Will the force comment on today’s verdict? We publish at noon.',
      deadline: minutesFromNow(40),
    });
    await d.shiftIntoPast(verdict.reference, 2 * HOUR);
    const stats = await d.submit({
      name: 'Chris Doyle',
      outlet: 'Radio Northside',
      email: 'chris.doyle@example.com',
      subject: 'Hate crime reports 2025 by ward',
      details: 'Could you send the annual figures by ward, with last year for comparison?',
    });
    await d.shiftIntoPast(stats.reference, 5 * HOUR);
    const foi = await d.submit({
      name: 'Hannah Price',
      outlet: 'Freelance',
      email: 'hannah.price@example.org',
      subject: 'Response times for 999 calls in rural areas',
      details: 'Do you have average response times for emergency calls in rural postcodes for the last three years?',
    });
    const appeal = await d.submit({
      name: 'Lee Chan',
      outlet: 'Metro',
      email: 'lee.chan@metro.example.co.uk',
      subject: 'Missing teenager appeal: any update?',
      details: 'Is there an update on the appeal issued on Tuesday?',
      deadline: minutesFromNow(180),
    });

    // The page goes out to Jo, Twilio reports it delivered, Jo acknowledges by text.
    const pageSms = await waitUntil(
      'the page SMS',
      () => d.twilio.messages.find((m) => m.to === ON_CALL.phone && m.body?.includes(cordon.reference)),
      20_000,
    );
    await d.twilio.sendStatusCallback(pageSms, 'delivered');
    await new Promise((r) => setTimeout(r, 1500));
    await d.sms(ON_CALL.phone, `ACK ${cordon.reference}`, nightUrl);

    log('working the queue in the browser…');
    const ctx = await browser.newContext(BROWSER_CONTEXT);
    ctx.setDefaultTimeout(15_000);
    const page = await ctx.newPage();
    await signIn(page, d.baseUrl, SAM);

    // Sam takes the cordon enquiry (which puts it in progress) and adds a note.
    await enquiryPage(page, d, cordon.reference);
    await act(page, nothing, 'Assign to me');
    await act(
      page,
      () =>
        page
          .getByLabel('Internal note')
          .fill(
            'Spoke to the duty inspector: the cordon is for a suspected gas leak; no arrests. Cadent on site. Line to follow by 8am.',
          ),
      'Add note',
    );

    // Kim has the statistics request, waiting on the journalist; Sam the appeal and the FOI-style question.
    await enquiryPage(page, d, stats.reference);
    await act(page, () => page.getByLabel('Assign to').selectOption({ label: KIM.name }), 'Assign');
    await act(page, () => page.getByLabel('Status', { exact: true }).selectOption('waiting'), 'Change status');
    await enquiryPage(page, d, appeal.reference);
    await act(page, nothing, 'Assign to me');
    await enquiryPage(page, d, foi.reference);
    await act(page, () => page.getByLabel('Assign to').selectOption({ label: KIM.name }), 'Assign');

    mkdirSync(DOCS, { recursive: true });
    log('screenshots…');
    await page.goto(`${d.baseUrl}/desk`);
    await page.screenshot({ path: join(DOCS, 'queue.png'), fullPage: true });
    await enquiryPage(page, d, cordon.reference);
    await page.screenshot({ path: join(DOCS, 'enquiry.png'), fullPage: true });

    const visitor = await browser.newContext(BROWSER_CONTEXT);
    const form = await visitor.newPage();
    await form.goto(`${d.baseUrl}/`);
    await form.screenshot({ path: join(DOCS, 'form.png'), fullPage: true });
    await visitor.close();
    await ctx.close();
    log(`wrote ${['queue.png', 'enquiry.png', 'form.png'].map((f) => join('docs', f)).join(', ')}`);
  } catch (err) {
    if (desk) process.stderr.write(`--- service output ---\n${desk.service.output()}\n`);
    if (night) process.stderr.write(`--- night output ---\n${night.output()}\n`);
    throw err;
  } finally {
    await browser.close();
    await night?.stop();
    await desk?.close();
    await stopAllServices();
    await database?.drop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
