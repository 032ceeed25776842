/**
 * WCAG 2.x A/AA checks with axe-core in Debian's chromium, on the real service: the public form
 * (empty, and re-shown with errors), the confirmation page, the desk's sign-in page, the queue
 * (with an urgent and an overdue enquiry, and with a live arrival), an enquiry page with a full
 * timeline (page, delivery receipt, acknowledgement, assignment, note) and the manager's pages
 * (rota, also with errors; users; audit log); a colleague's answer page (issue 26) at 320px.
 * Every page must have no violations; a failure lists each rule, element and what to fix.
 *
 * Then every page the desk serves (the GET routes of deskRoutes with every feature's desk pages, so a new page cannot be
 * forgotten), signed in as a manager over realistic data (long names, outlets and subjects, many
 * rows, an incident with a holding line): at 320px (WCAG 1.4.10 Reflow) and at 1280px each has no
 * axe violation (2.5.8 Target Size included) and the page itself never scrolls sideways; only a
 * labelled, keyboard-focusable region may scroll on its own. With PRESSDESK_PAGE_SHOTS=<dir> each
 * of them is saved there as a PNG, to look at.
 */
import { mkdirSync } from 'node:fs';
import { Secret, TOTP } from 'otpauth';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { deskRoutes } from '../../src/desk/desk.routes.js';
import { DESK_PAGES } from '../../src/features.js';
import type { Services } from '../../src/services.js';
import {
  axeViolations,
  BROWSER_SKIP_MESSAGE,
  browserPlan,
  browserSuiteTitle,
  CHROMIUM_PATH,
  formatViolations,
  launchBrowser,
} from '../support/browser.js';
import { expectFits } from '../support/browser-expect.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { minutesFromNow, signIn, startDesk, waitUntil, type Credentials, type Desk } from './desk-fixture.js';

const plan = browserPlan();
if (plan === 'skip') console.warn(`\n${BROWSER_SKIP_MESSAGE}\n`);

if (plan === 'fail') {
  describe('accessibility checks (PRESSDESK_REQUIRE_BROWSER is set)', () => {
    it('need chromium', () => {
      throw new Error(`PRESSDESK_REQUIRE_BROWSER is set but ${CHROMIUM_PATH} is missing: apt-get install -y chromium`);
    });
  });
}

const OFFICER: Credentials = { email: 'kim.lee@press.example.org', password: 'officer-password-9012', name: 'Kim Lee' };
const ON_CALL = { name: 'Jo Smith', phone: '+447911234567' };
const HOUR = 3_600_000;
const PHONE = {
  viewport: { width: 320, height: 640 },
  isMobile: true,
  hasTouch: true,
  locale: 'en-GB',
  timezoneId: 'Europe/London',
};
const DESKTOP = { viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/London' };
const PAGE_SHOTS = process.env.PRESSDESK_PAGE_SHOTS ?? '';

/** A long but ordinary journalist: what the desk's columns and summaries must hold at 320px. */
const LONG = {
  name: 'Priya Raman-Fitzgerald-Okonkwo',
  outlet: 'The Midlands Morning Chronicle and Weekly Advertiser',
  email: 'priya.raman-fitzgerald@midlandsmorningchronicle.example.co.uk',
};
const LONG_INCIDENT = 'Fire at the Kestrel Street depot: casualties and road closures';

/**
 * GET routes under /desk that are not pages: the live queue's feed and row fragment, downloads
 * (JSON, CSV, recordings, attachments). Everything else deskRoutes serves is a page to check.
 */
const NOT_PAGES = [
  '/events',
  '/queue/row/:reference',
  '/queue/counts',
  '/incidents/:id/report.json',
  '/reports.json',
  '/reports.csv',
  '/reports/oncall.csv',
  '/reports/topics.json',
  '/reports/topics.csv',
  '/recordings/:sid',
  '/attachments/:id',
  '/privacy/export.json',
  '/colleagues/:id/export.json',
  '/decisions.json',
  '/decisions.csv',
  '/lines/suggest',
  // Notifications (issue 29, item 4): the live queue's count, and opening one (a redirect to its enquiry).
  '/notifications/latest.json',
  '/notifications/:id',
  // Presence (issue 29, item 1): the enquiry page's live stream of who else is on it.
  '/presence/:reference/events',
];

/** The GET paths deskRoutes registers (built over stand-ins: only the routing table is read). */
function deskGetRoutes(): string[] {
  const standIn: unknown = new Proxy(() => {}, { get: () => standIn, apply: () => standIn });
  const deps = new Proxy({} as Services, { get: (_t, key) => (key === 'config' ? loadConfig({}) : standIn) });
  return [
    ...new Set(
      deskRoutes(deps, DESK_PAGES)
        .routes.filter((r) => r.method === 'GET')
        .map((r) => r.path),
    ),
  ];
}

describe.skipIf(plan !== 'run')(browserSuiteTitle('accessibility (axe-core, WCAG 2.2 A/AA)'), () => {
  let database: TestDatabase;
  let desk: Desk;
  let browser: Browser;
  let visitor: BrowserContext;
  let manager: BrowserContext;
  let officer: BrowserContext;
  /** The manager at a phone's 320px and at a desktop's 1280px. */
  let phone: BrowserContext;
  let desktop: BrowserContext;
  /** The urgent, paged, acknowledged enquiry whose page has the fullest timeline. */
  let paged: string;
  /** An enquiry with a long name, outlet, email and subject. */
  let longReference: string;
  /** Dana's texted enquiry (issue 29, item 2): the split page offers her text. */
  let textedReference: string;
  let incidentId: string;
  /** The preview before its holding line is sent (issue 23). */
  let previewPath: string;
  /** A colleague in the directory (issue 26), with a long name and role. */
  let colleagueId: string;
  /** A repeating rotation (issue 27). */
  let rotationId: string;
  /** A line to take and a reply template (issue 28), used on the long enquiry. */
  let lineId: string;
  let templateId: string;
  /** A topic (issue 28) with long search words, given to `longReference`. */
  let topicId: string;
  /** A journalist's record (issue 29) with long names, flags, notes and the long enquiries' email; an outlet. */
  let journalistId: string;
  let outletId: string;
  /** The colleague's answer link (`/q/{token}`) to the question the officer asked about `longReference`. */
  let answerPath: string;
  /** The approver's link (`/s/{token}`) to the response the officer sent for sign-off on `longReference`. */
  let approverPath: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const [d, b] = await Promise.all([startDesk({ databaseUrl: database.url }), launchBrowser()]);
    desk = d;
    browser = b!;
    await desk.createUser(OFFICER);
    const now = Date.now();
    await desk.addToRota({ ...ON_CALL, from: new Date(now - HOUR), to: new Date(now + 12 * HOUR) });

    // The office is closed (service-process's default config): urgent enquiries page Jo Smith.
    await desk.submit({
      name: 'Chris Doyle',
      outlet: 'Radio Northside',
      email: 'chris.doyle@example.com',
      subject: 'Statistics on hate crime reports 2025',
      details: 'Could you send the annual figures by ward?',
    });
    const urgent = await desk.submit({
      name: 'Alex Reporter',
      outlet: 'Evening Gazette',
      phone: '07911 123456',
      subject: 'Police cordon on Market Street',
      details: 'Residents say the street has been sealed off since 1am. What is happening?',
      urgent: true,
    });
    paged = urgent.reference;
    const late = await desk.submit({
      name: 'Sam Okafor',
      outlet: 'Daily Courier',
      email: 's.okafor@example.com',
      subject: 'Court case outcome',
      details: 'Need a comment on the verdict.',
      deadline: minutesFromNow(45),
    });
    await desk.shiftIntoPast(late.reference, 2 * HOUR);
    await desk.sms('+447911123999', 'Hi, this is Dana at City FM: is the M6 closure related to the earlier crash?');

    // Both urgent enquiries page Jo; Twilio reports the first page delivered and Jo acknowledges it by text.
    const pages = await desk.twilio.waitForMessages(2, 15_000);
    expect(pages.map((m) => m.to)).toEqual([ON_CALL.phone, ON_CALL.phone]);
    const pageSms = pages.find((m) => m.body?.includes(paged));
    expect(pageSms, JSON.stringify(pages)).toBeDefined();
    expect(await desk.twilio.sendStatusCallback(pageSms!, 'delivered')).toBeLessThan(300);
    expect(await desk.sms(ON_CALL.phone, `ACK ${paged}`)).toContain(`acknowledged ${paged}`);

    // Realistic volume: long names, outlets and subjects, more rows than a screen, a second
    // officer with a long name, a rota person with one, an incident with a holding line.
    await desk.createUser({
      email: 'alexandra.montgomery-whitfield@press.example.org',
      password: 'officer-password-3456',
      name: 'Alexandra Montgomery-Whitfield',
    });
    await desk.addToRota({
      name: 'Bartholomew Featherstonehaugh-Cholmondeley',
      phone: '+447911234568',
      from: new Date(now + 12 * HOUR),
      to: new Date(now + 24 * HOUR),
      role: 'backup',
    });
    for (let i = 1; i <= 24; i++) {
      await desk.submit({
        ...LONG,
        name: `${LONG.name} ${i}`,
        phone: i % 3 === 0 ? '07911 123789' : undefined,
        email: i % 3 === 0 ? undefined : LONG.email,
        subject:
          i % 2
            ? `${LONG_INCIDENT}: request for the full list of appliances attended, number ${i}`
            : `Request for the complete list of incidents attended on the ring road interchange last weekend (${i})`,
        details:
          'Longwordwithoutanyspacesatalltoseewhetherthelayoutwrapsitproperly_https://example.com/a/very/long/link/that/should/wrap',
        deadline: i % 4 === 0 ? minutesFromNow(30 + i) : undefined,
      });
    }
    longReference = (
      await desk.submit({
        ...LONG,
        subject: `${LONG_INCIDENT}: statement from the chief fire officer requested`,
        details: 'Is the depot still on fire? Are the surrounding roads closed, and for how long?',
      })
    ).reference;

    textedReference = (
      await database.db
        .selectFrom('enquiry')
        .select('reference')
        .where('phone', '=', '+447911123999')
        .executeTakeFirstOrThrow()
    ).reference;
    visitor = await browser.newContext();
    manager = await browser.newContext();
    officer = await browser.newContext();
    for (const c of [visitor, manager, officer]) c.setDefaultTimeout(10_000);
    const [m, o] = await Promise.all([manager.newPage(), officer.newPage()]);
    await Promise.all([signIn(m, desk.baseUrl, desk.manager), signIn(o, desk.baseUrl, OFFICER)]);
    // The manager signed in on a phone too: the account page lists both, with "Sign out everywhere else".
    const elsewhere = await browser.newContext({
      userAgent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Version/18.1 Safari/604.1',
    });
    await signIn(await elsewhere.newPage(), desk.baseUrl, desk.manager);
    await elsewhere.close();
    // The manager's session at a phone's and a desktop's width (one sign-in, three windows).
    const session = await manager.storageState();
    phone = await browser.newContext({ ...PHONE, storageState: session });
    desktop = await browser.newContext({ ...DESKTOP, storageState: session });
    for (const c of [phone, desktop]) c.setDefaultTimeout(10_000);
    incidentId = await declareIncident(m);
    colleagueId = await addColleague(m);
    // A line to take past its review date, sent to the long enquiry, and a reply template (issue 28).
    const seededAt = new Date();
    const made = { created_at: seededAt, created_by: 'a11y', updated_at: seededAt };
    const longEnquiryId = database.db.selectFrom('enquiry').select('id').where('reference', '=', longReference);
    lineId = await insertedId(
      database.db
        .insertInto('line_to_take')
        .values({
          title: 'Fire at the Kestrel Street depot: roads closed and residents asked to keep windows shut',
          text: 'Firefighters are at the Kestrel Street depot. Roads around it are closed; residents nearby should keep windows and doors shut. We will update at 8pm.',
          approved_by: 'Detective Superintendent Alexandra Montgomery-Whitfield',
          approved_at: seededAt,
          review_by: '2026-01-31',
          ...made,
        })
        .returning('id'),
    );
    await database.db
      .insertInto('said')
      .values({
        enquiry_id: longEnquiryId,
        at: seededAt,
        kind: 'sms_reply',
        text: 'Firefighters are at the Kestrel Street depot.',
        line_id: lineId,
      })
      .execute();
    templateId = await insertedId(
      database.db
        .insertInto('reply_template')
        .values({
          title: 'Referral to the Freedom of Information team',
          body: 'Dear {name}, thank you for enquiry {reference}. Please make a request through {foi_page}.',
          ...made,
        })
        .returning('id'),
    );
    // A topic (issue 28) for its own page, on the long enquiry (its page's Topics box).
    topicId = await insertedId(
      database.db
        .insertInto('topic')
        .values({
          name: 'Industrial fires and hazardous materials incidents',
          terms: '"chemical depot" OR warehouse OR hazardous OR "industrial estate" OR evacuation OR contamination',
          require_signoff: true,
          created_at: seededAt,
          created_by: 'a11y',
        })
        .returning('id'),
    );
    await database.db
      .insertInto('enquiry_topic')
      .values({
        enquiry_id: longEnquiryId,
        topic_id: topicId,
        source: 'officer',
        added_at: seededAt,
        added_by: 'a11y',
      })
      .execute();
    // Notifications (issue 29, item 4) for the manager: two unread (the header's count), one read.
    const managerId = database.db.selectFrom('app_user').select('id').where('email', '=', desk.manager.email);
    const byOfficer = database.db.selectFrom('app_user').select('id').where('email', '=', OFFICER.email);
    const pagedId = database.db.selectFrom('enquiry').select('id').where('reference', '=', paged);
    await database.db
      .insertInto('desk_notification')
      .values([
        {
          user_id: managerId,
          kind: 'mentioned',
          enquiry_id: pagedId,
          by_user_id: byOfficer,
          by_name: OFFICER.name,
          created_at: new Date(seededAt.getTime() - 3_600_000),
          read_at: seededAt,
        },
        {
          user_id: managerId,
          kind: 'assigned',
          enquiry_id: longEnquiryId,
          by_name: 'Alexandra Montgomery-Whitfield',
          created_at: seededAt,
        },
        {
          user_id: managerId,
          kind: 'mentioned',
          enquiry_id: longEnquiryId,
          by_user_id: byOfficer,
          by_name: OFFICER.name,
          created_at: seededAt,
        },
      ])
      .execute();
    // Presence (issue 29, item 1): the officer has the paged enquiry open and is writing a reply,
    // for the whole run, so the manager's enquiry page shows it and the queue marks the row.
    await database.db
      .insertInto('desk_presence')
      .values({
        enquiry_id: pagedId,
        user_id: byOfficer,
        tab: 'a11y-officer-tab',
        writing: 'reply',
        expires_at: new Date(seededAt.getTime() + 2 * 3_600_000),
      })
      .execute();
    // A journalist's record (issue 29) holding the long enquiries' email (so the long enquiry's page
    // shows it, with its flags and notes, and the record lists 25 enquiries), and its outlet.
    outletId = await insertedId(
      database.db
        .insertInto('outlet')
        .values({ name: LONG.outlet, kind: 'regional', area: 'The Midlands and the Welsh Marches', ...made })
        .returning('id'),
    );
    await database.db
      .insertInto('outlet_spelling')
      .values([
        { spelling: LONG.outlet.toLowerCase(), outlet_id: outletId },
        { spelling: 'midlands morning chronicle', outlet_id: outletId },
      ])
      .execute();
    journalistId = await insertedId(
      database.db
        .insertInto('journalist')
        .values({
          name: LONG.name,
          preferred_channel: 'email',
          press_card_checked_on: '2026-11-30',
          press_card_checked_by: OFFICER.email,
          flags: ['embargo_breach', 'auditor'],
          ...made,
        })
        .returning('id'),
    );
    await database.db
      .insertInto('journalist_contact')
      .values([
        { journalist_id: journalistId, kind: 'email', value: LONG.email },
        { journalist_id: journalistId, kind: 'phone', value: '+447911123789' },
      ])
      .execute();
    await database.db
      .insertInto('journalist_outlet')
      .values({ journalist_id: journalistId, outlet_id: outletId })
      .execute();
    await database.db
      .insertInto('journalist_note')
      .values({
        journalist_id: journalistId,
        at: seededAt,
        written_by: OFFICER.email,
        text: 'Published the Kestrel Street depot figures before the embargo lifted in March; check with the head of news before sending anything embargoed.',
      })
      .execute();
    // A repeating rotation (issue 27) for its own page; no members, so it generates nothing.
    rotationId = (
      await database.db
        .insertInto('rotation')
        .values({
          name: 'Press office weekly',
          role: 'primary',
          handover_weekday: 5,
          handover_time: '17:00',
          length_days: 7,
          start_date: '2026-01-02',
          created_at: new Date(),
          created_by: 'a11y',
          updated_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    answerPath = await askColleague(o);
    approverPath = await sendForSignOff(o);
    await Promise.all([m.close(), o.close()]);
  }, 120_000);

  /** The id of the one row an `INSERT … RETURNING id` seeding a page's data writes. */
  async function insertedId(insert: { executeTakeFirstOrThrow(): Promise<{ id: string }> }): Promise<string> {
    return (await insert.executeTakeFirstOrThrow()).id;
  }

  /** A manager declares the Kestrel Street incident, links its suggestions and saves a holding line; returns its id. */
  async function declareIncident(page: Page): Promise<string> {
    const press = async (name: string) => {
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.getByRole('button', { name, exact: true }).click(),
      ]);
      await page.waitForLoadState();
    };
    await page.goto(url('/desk/incidents'));
    await page.getByLabel('Name', { exact: true }).fill(LONG_INCIDENT);
    await page
      .getByLabel('Short description (optional)')
      .fill(
        'Fire at the council depot on Kestrel Street since 2am; two people taken to hospital; Kestrel Street and Harbour Road closed.',
      );
    await page.getByLabel('Search terms').fill('kestrel depot');
    await press('Declare the incident');
    const id = /\/desk\/incidents\/(\d+)\?done=declared$/.exec(page.url())?.[1];
    expect(id, page.url()).toBeDefined();
    await press(`Link all ${await page.locator('[id^="incident-enquiry-"]').count()} suggested`);
    await page
      .getByLabel('The line', { exact: true })
      .fill(
        'Crews are at a fire at the council depot on Kestrel Street. Two people have been taken to hospital. Kestrel Street and Harbour Road are closed; please avoid the area. Next update by 6am.',
      );
    await press('Save the line');
    previewPath = (await page.getByRole('link', { name: /^Preview and send/ }).getAttribute('href'))!;
    return id!;
  }

  /** A manager adds a colleague with a long name, role and address to the directory; returns their id. */
  async function addColleague(page: Page): Promise<string> {
    await page.goto(url('/desk/colleagues'));
    await page.getByLabel('Name', { exact: true }).fill('Detective Superintendent Alexandra Montgomery-Whitfield');
    await page.getByLabel('Role (optional)').fill('Senior Investigating Officer, Operation Kestrel');
    await page.getByLabel('Department (optional)').fill('Major Crime Investigation Team (North)');
    await page.getByLabel('Mobile', { exact: true }).fill('07911 123456');
    await page.getByLabel('Email address').fill('alexandra.montgomery-whitfield@major-crime.police.example.org.uk');
    await page.getByLabel('Monday to Friday, between the times below').check();
    await page.getByLabel('From', { exact: true }).fill('08:00');
    await page.getByLabel('To', { exact: true }).fill('16:00');
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Add colleague' }).click(),
    ]);
    await page.waitForLoadState();
    const href = await page.getByRole('link', { name: /^Detective Superintendent Alexandra/ }).getAttribute('href');
    const id = /^\/desk\/colleagues\/(\d+)$/.exec(href ?? '')?.[1];
    expect(id, `${page.url()} ${href}`).toBeDefined();
    return id!;
  }

  /**
   * The officer asks the colleague a question about `longReference` from its enquiry page, so the
   * page shows a question pending; returns the answer link from the text the colleague got.
   */
  async function askColleague(page: Page): Promise<string> {
    await page.goto(url(`/desk/enquiries/${longReference}`));
    await page
      .locator('#ask-colleagues')
      .getByLabel(/^Detective Superintendent Alexandra/)
      .check();
    await page
      .getByLabel('Your question')
      .fill('Has anyone been arrested in connection with the depot fire, and is the site now a crime scene?');
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Send the question' }).click(),
    ]);
    await page.waitForLoadState();
    // Pages to on-call are going out too: wait for this text by what it says, not by a count.
    const text = await waitUntil(
      'the question to the colleague',
      () => desk.twilio.messages.find((t) => t.body?.includes(longReference) && t.body.includes('/q/')),
      15_000,
      50,
    );
    return /\/q\/[A-Za-z0-9_-]{22}/.exec(text.body ?? '')![0];
  }

  /** The officer sends a response on `longReference` for sign-off to the colleague; returns the approver's link. */
  async function sendForSignOff(page: Page): Promise<string> {
    await page.goto(url(`/desk/enquiries/${longReference}`));
    await page
      .getByLabel('The response to be signed off')
      .fill('Crews remain at the depot. Kestrel Street and Harbour Road stay closed until at least 6am.');
    await page
      .locator('#signoff-approvers')
      .getByLabel(/^Detective Superintendent Alexandra/)
      .check();
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Send for sign-off' }).click(),
    ]);
    await page.waitForLoadState();
    const text = await waitUntil(
      'the sign-off request to the colleague',
      () => desk.twilio.messages.find((t) => t.body?.includes(longReference) && t.body.includes('/s/')),
      15_000,
      50,
    );
    return /\/s\/[A-Za-z0-9_-]{22}/.exec(text.body ?? '')![0];
  }

  it("an approver's sign-off page at 320px: no axe violation, no sideways scrolling, also refused", async () => {
    const page = await phone.newPage();
    const res = await page.goto(url(approverPath));
    expect(res?.status()).toBe(200);
    await expectNoViolations(page, `${approverPath} (approver page) at 320px`);
    await expectFits(page, 'the approver page at 320px');
    if (PAGE_SHOTS) await screenshots(page, '320_approver_page');
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Return it' }).click(),
    ]);
    await page.waitForLoadState();
    await expect.poll(() => page.locator('.error-message').count()).toBe(1);
    await expectNoViolations(page, `${approverPath} (approver page, refused) at 320px`);
    await expectFits(page, 'the refused approver page at 320px');
    await page.close();
  });

  it("a colleague's answer page at 320px: no axe violation, no sideways scrolling", async () => {
    const page = await phone.newPage();
    const res = await page.goto(url(answerPath));
    expect(res?.status()).toBe(200);
    await expectNoViolations(page, `${answerPath} (answer page) at 320px`);
    await expectFits(page, 'the answer page at 320px');
    // Sent empty: the error summary and the message beside the box pass too.
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Send to the press office' }).click(),
    ]);
    await page.waitForLoadState();
    await expect.poll(() => page.locator('.error-message').count()).toBe(1);
    await expectNoViolations(page, `${answerPath} (answer page, refused) at 320px`);
    await expectFits(page, 'the refused answer page at 320px');
    await page.close();
  });

  afterAll(async () => {
    for (const c of [visitor, manager, officer, phone, desktop]) await c?.close().catch(() => undefined);
    await browser?.close();
    await desk?.close();
    await database?.drop();
  });

  const url = (path: string) => `${desk.baseUrl}${path}`;

  /** Opens `path` (expecting `status`) in `ctx` and returns the page. */
  async function open(ctx: BrowserContext, path: string, status = 200): Promise<Page> {
    const page = await ctx.newPage();
    const res = await page.goto(url(path));
    expect(
      res?.status(),
      `GET ${path} answered ${res?.status()}${res?.status() === 404 ? ': the page is not there (not built yet?)' : ''}`,
    ).toBe(status);
    return page;
  }

  async function expectNoViolations(page: Page, where: string, include?: string): Promise<void> {
    const violations = await axeViolations(page, { include });
    expect(violations.length, formatViolations(where, violations)).toBe(0);
  }

  it('the second step of signing in and someone’s second factor (issue 30)', { timeout: 120_000 }, async () => {
    const who = await desk.createUser({
      email: 'ali.second@press.example.org',
      password: 'officer-password-2fa1',
      name: 'Ali Second',
    });
    const user = await database.db
      .selectFrom('app_user')
      .select('id')
      .where('email', '=', who.email)
      .executeTakeFirstOrThrow();
    // A confirmed authenticator app (RFC 6238's example key) and a passkey: every way is offered.
    await database.db
      .insertInto('second_factor_totp')
      .values({
        user_id: user.id,
        secret: 'JBSWY3DPEHPK3PXP',
        confirmed_at: new Date(),
        last_step: null,
        created_at: new Date(),
      })
      .execute();
    await database.db
      .insertInto('second_factor_passkey')
      .values({
        credential_id: 'a11y-key',
        user_id: user.id,
        label: 'Work laptop',
        public_key: new Uint8Array([1]),
        counter: 0,
        transports: [],
        created_at: new Date(),
        last_used_at: null,
      })
      .execute();
    for (const width of [320, 1280] as const) {
      const ctx = await browser.newContext(width === 320 ? PHONE : DESKTOP);
      try {
        const page = await ctx.newPage();
        await page.goto(url('/desk/login'));
        await page.getByLabel('Email address').fill(who.email);
        await page.getByLabel('Password').fill(who.password);
        await Promise.all([
          page.waitForURL(url('/desk/login/second-factor'), { timeout: 30_000 }),
          page.getByRole('button', { name: 'Sign in' }).click(),
        ]);
        await expectNoViolations(page, `/desk/login/second-factor at ${width}px`);
        await expectFits(page, `/desk/login/second-factor at ${width}px`);
        // A wrong code: the page again with its error.
        await page.getByLabel('6-digit code').fill('000000');
        await Promise.all([
          page.waitForLoadState(),
          page.getByRole('button', { name: 'Continue', exact: true }).click(),
        ]);
        await expect.poll(() => page.locator('.error-message').count()).toBeGreaterThan(0);
        await expectNoViolations(page, `/desk/login/second-factor (wrong code) at ${width}px`);
      } finally {
        await ctx.close();
      }
    }
    // With the app's code: the desk, then new recovery codes (a page shown once, after a POST).
    const ctx = await browser.newContext(PHONE);
    try {
      const p = await ctx.newPage();
      await p.goto(url('/desk/login'));
      await p.getByLabel('Email address').fill(who.email);
      await p.getByLabel('Password').fill(who.password);
      await Promise.all([
        p.waitForURL(url('/desk/login/second-factor')),
        p.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      const code = new TOTP({ secret: Secret.fromBase32('JBSWY3DPEHPK3PXP') }).generate();
      await p.getByLabel('6-digit code').fill(code);
      await Promise.all([p.waitForURL(url('/desk')), p.getByRole('button', { name: 'Continue', exact: true }).click()]);
      await p.goto(url('/desk/account/second-factor'));
      await Promise.all([
        p.waitForLoadState(),
        p.getByRole('button', { name: /^Make (your|new) recovery codes$/ }).click(),
      ]);
      await expect.poll(() => p.locator('.recovery-codes li').count()).toBe(10);
      await expectNoViolations(p, 'the recovery codes page at 320px');
      await expectFits(p, 'the recovery codes page at 320px');
    } finally {
      await ctx.close();
    }
    const page = await open(manager, `/desk/users/${user.id}/second-factor`);
    await expectNoViolations(page, 'the reset second factor page');
    await expectFits(page, 'the reset second factor page');
    await page.close();
  });

  it('the public enquiry form', async () => {
    const page = await open(visitor, '/');
    await expectNoViolations(page, 'GET / (enquiry form)');
    await page.close();
  });

  it('the form re-shown with errors', async () => {
    const page = await open(visitor, '/');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/enquiries') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Send enquiry' }).click(),
    ]);
    expect(res.status()).toBe(422);
    await page.locator('.error-summary').waitFor();
    await expectNoViolations(page, 'POST /enquiries with nothing filled in (422)');
    await page.close();
  });

  it('the confirmation page', async () => {
    const page = await open(visitor, '/');
    await page.getByLabel('Your name').fill('Morgan Price');
    await page.getByLabel('News outlet').fill('Freelance');
    await page.getByLabel('Email address').fill('morgan.price@example.com');
    await page.getByLabel('Subject').fill('Road safety campaign launch');
    await page
      .getByLabel('Details of your enquiry')
      .fill('When does the winter campaign start, and who can I speak to?');
    await Promise.all([
      page.waitForURL(/\/enquiries\/[^/]+\/confirmation$/),
      page.getByRole('button', { name: 'Send enquiry' }).click(),
    ]);
    await expectNoViolations(page, 'the confirmation page');
    await page.close();
  });

  it('the desk sign-in page', async () => {
    const page = await open(visitor, '/desk/login');
    await expectNoViolations(page, 'GET /desk/login');
    await page.close();
  });

  it('the queue with urgent, overdue, SMS and unassigned enquiries', async () => {
    const page = await open(officer, '/desk');
    expect(await page.locator('.queue-row.is-urgent').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('.queue-row.is-overdue').count()).toBe(1);
    await expectNoViolations(page, 'GET /desk (queue)');
    await page.close();
  });

  it('the queue after a live arrival', async () => {
    onTestFailed(() => console.error(desk.service.output()));
    const page = await open(officer, '/desk');
    await page.locator('body[data-live="connected"]').waitFor();
    await desk.waitForLiveFeed();
    const { reference } = await desk.submit({
      name: 'Lee Chan',
      outlet: 'Metro',
      email: 'lee.chan@example.com',
      subject: 'Missing person appeal',
      details: 'Is there an update on the appeal?',
    });
    await page.locator(`#row-${reference}`).waitFor();
    // Only the part desk.js adds: the rest of the page is the previous test's.
    await expectNoViolations(page, 'GET /desk: the live arrivals section after a row came in', '#live-section');
    await page.close();
  });

  it('an enquiry page with a timeline (page, receipt, acknowledgement, assignment, note)', async () => {
    onTestFailed(() => console.error(desk.service.output()));
    const page = await open(officer, `/desk/enquiries/${paged}`);
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/desk/enquiries/${paged}` && u.searchParams.get('done') === 'assigned'),
      page.getByRole('button', { name: 'Assign to me' }).click(),
    ]);
    await page.getByLabel('Internal note').fill('Spoke to the duty inspector: cordon for a gas leak, line to follow.');
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/desk/enquiries/${paged}` && u.searchParams.get('done') === 'note'),
      page.getByRole('button', { name: 'Add note' }).click(),
    ]);
    let last = '';
    onTestFailed(() => console.error(`timeline:\n${last}`));
    const timeline = await waitUntil(
      'the acknowledgement on the timeline',
      async () => {
        // A fresh navigation each time, not reload(): on a loaded machine chromium has answered a
        // reload with "Not attached to an active page". A navigation cut short is tried again;
        // what it said is kept for the failure output.
        try {
          await page.goto(url(`/desk/enquiries/${paged}`), { waitUntil: 'load' });
        } catch (err) {
          last = `navigation failed: ${String(err)}`;
          return null;
        }
        const t = (await page.locator('.timeline').innerText()) ?? '';
        last = t;
        return t.includes('acknowledged') && t.includes('Delivery receipt') ? t : null;
      },
      10_000,
      250,
    );
    expect(timeline).toContain('Internal note');
    expect(timeline).toContain('Assigned to Kim Lee');
    await expectNoViolations(page, `GET /desk/enquiries/${paged}`);
    await page.close();
  });

  it('an enquiry page re-shown with a validation error', async () => {
    const page = await open(officer, `/desk/enquiries/${paged}`);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/note') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Add note' }).click(),
    ]);
    expect(res.status()).toBe(422);
    await expectNoViolations(page, `POST /desk/enquiries/${paged}/note with an empty note (422)`);
    await page.close();
  });

  it('an enquiry page with a send stopped because someone else acted (409), and who else is on it', async () => {
    const page = await open(manager, `/desk/enquiries/${paged}`);
    expect(await page.locator('#presence-status').textContent()).toBe(`${OFFICER.name} is writing a reply.`);
    // The officer acts after the manager's page was loaded: the manager's status change is stopped.
    const enquiryId = database.db.selectFrom('enquiry').select('id').where('reference', '=', paged);
    await database.db
      .insertInto('enquiry_event')
      .values({
        enquiry_id: enquiryId,
        at: new Date(),
        kind: 'note',
        actor: OFFICER.email,
        data: JSON.stringify({ text: 'Duty inspector confirms a gas leak.' }),
      })
      .execute();
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/status') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Change status' }).click(),
    ]);
    expect(res.status()).toBe(409);
    await page.waitForLoadState();
    expect(await page.locator('#stale').textContent()).toContain('Change the status anyway');
    await expectNoViolations(page, `POST /desk/enquiries/${paged}/status from a stale page (409)`);
    await page.close();
  });

  it('the rota (manager), and the rota re-shown with errors', async () => {
    const page = await open(manager, '/desk/rota');
    expect(await page.locator('main').textContent()).toContain(ON_CALL.name);
    await expectNoViolations(page, 'GET /desk/rota');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/desk/rota')),
      page.getByRole('button', { name: 'Add to the rota' }).click(),
    ]);
    expect(res.status()).toBe(422);
    await expectNoViolations(page, 'POST /desk/rota/shifts with nothing filled in (422)');
    await page.close();
  });

  it('the users and audit log pages (manager)', async () => {
    for (const path of ['/desk/users', '/desk/audit']) {
      const page = await open(manager, path);
      await expectNoViolations(page, `GET ${path}`);
      await page.close();
    }
  });

  /** The manager's pages (issue 23: the navigation wraps at 390px, nothing overflows at 390 or 320). */
  const MANAGER_PAGES = [
    '/desk/rota',
    '/desk/colleagues',
    '/desk/users',
    '/desk/audit',
    '/desk/audit?from=2026-02-30',
    '/desk/privacy',
    '/desk/account',
  ];

  for (const width of [390, 320]) {
    it(`the manager pages at ${width}px: the navigation wraps and the page never scrolls sideways`, {
      timeout: 120_000,
    }, async () => {
      const ctx = await browser.newContext({
        ...PHONE,
        viewport: { width, height: 800 },
        storageState: await manager.storageState(),
      });
      const problems: string[] = [];
      try {
        for (const path of MANAGER_PAGES) {
          const page = await ctx.newPage();
          await page.goto(url(path));
          // The layout viewport's width (a phone's innerWidth grows to fit a page that is too wide).
          const m = await page.evaluate((viewport) => {
            const nav = Array.from(document.querySelectorAll('.site-header nav a, .site-header .signout > *'));
            return {
              scrollWidth: document.scrollingElement!.scrollWidth,
              viewport,
              navPast: nav
                .filter((a) => a.getBoundingClientRect().right > viewport + 0.5)
                .map((a) => a.textContent?.trim()),
            };
          }, width);
          if (m.scrollWidth > m.viewport)
            problems.push(
              `${path}: document.scrollingElement.scrollWidth ${m.scrollWidth}px > viewport ${m.viewport}px`,
            );
          if (m.navPast.length) problems.push(`${path}: navigation past the right edge: ${m.navPast.join(', ')}`);
          await page.close();
        }
      } finally {
        await ctx.close();
      }
      expect(problems, problems.join('\n')).toEqual([]);
    });
  }

  it('the rota with a shift’s edit form open and re-shown with an error, and a user’s edit form refused, at 320px and 1280px', {
    timeout: 120_000,
  }, async () => {
    const problems: string[] = [];
    for (const ctx of [phone, desktop]) {
      const width = ctx === phone ? 320 : 1280;
      const page = await ctx.newPage();
      try {
        await page.goto(url('/desk/rota'));
        const row = page.locator('[id^="entry-row-"]').first();
        await row.locator('summary', { hasText: 'Edit' }).click();
        const violations = await axeViolations(page);
        if (violations.length)
          problems.push(formatViolations(`/desk/rota with an edit form open at ${width}px`, violations));
        await row.getByLabel('To', { exact: true }).fill('2020-01-01T00:00');
        const [res] = await Promise.all([
          page.waitForResponse((r) => r.request().method() === 'POST'),
          row.getByRole('button', { name: /^Save/ }).click(),
        ]);
        expect(res.status()).toBe(422);
        await page.locator('.error-summary').waitFor();
        const refused = await axeViolations(page);
        if (refused.length) problems.push(formatViolations(`a refused shift edit at ${width}px`, refused));
        await expectFits(page, `a refused shift edit at ${width}px`);

        await page.goto(url('/desk/users'));
        const user = page.locator('[id^="user-row-"]').last();
        await user.locator('summary', { hasText: 'Edit' }).click();
        await user.getByLabel('Email address').fill('not an email');
        const [res2] = await Promise.all([
          page.waitForResponse((r) => r.request().method() === 'POST'),
          user.getByRole('button', { name: /^Save changes/ }).click(),
        ]);
        expect(res2.status()).toBe(422);
        const userViolations = await axeViolations(page);
        if (userViolations.length) problems.push(formatViolations(`a refused user edit at ${width}px`, userViolations));
        await expectFits(page, `a refused user edit at ${width}px`);
      } finally {
        await page.close();
      }
    }
    expect(problems, problems.join('\n\n')).toEqual([]);
  });

  /**
   * Every desk page (route -> the addresses that show it), as a manager sees them. A route
   * missing here fails the first test below, so a new page is checked from the day it is added.
   */
  const pages: Record<string, () => string[]> = {
    '/login': () => ['/desk/login'],
    '/': () => [
      '/desk',
      '/desk?status=all',
      '/desk?outlet=gazette&from=2026-11-30',
      '/desk?from=2026-12-09&to=2026-12-01',
      // "What we said" (issue 28): the responses and replies sent, searched.
      '/desk?in=said&q=flood',
    ],
    '/enquiries/:reference': () => [`/desk/enquiries/${paged}`, `/desk/enquiries/${longReference}`],
    // Merge and split (issue 29, item 2): five long possible duplicates (the same address), and a texted thread.
    '/enquiries/:reference/merge': () => [`/desk/enquiries/${longReference}/merge`],
    '/enquiries/:reference/split': () => [`/desk/enquiries/${textedReference}/split`],
    '/incidents': () => ['/desk/incidents'],
    '/incidents/:id': () => [`/desk/incidents/${incidentId}`],
    '/incidents/:id/lines/:lineId/send': () => [previewPath],
    '/incidents/:id/report': () => [`/desk/incidents/${incidentId}/report`],
    '/reports': () => [
      '/desk/reports',
      '/desk/reports?period=4weeks',
      '/desk/reports?period=custom&from=2026-13-01&to=',
    ],
    // This month (in office time) has Jo Smith's shift, page and acknowledgement; a month it cannot read is refused on the page.
    '/reports/oncall': () => [
      '/desk/reports/oncall',
      `/desk/reports/oncall?month=${new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' }).slice(0, 7)}`,
      '/desk/reports/oncall?month=nonsense',
    ],
    // By topic and outlet (issue 28): the wide month-by-month tables scroll in their own regions; a bad months is refused on the page.
    '/reports/topics': () => [
      '/desk/reports/topics',
      '/desk/reports/topics?months=24',
      '/desk/reports/topics?months=0',
    ],
    '/rota': () => ['/desk/rota'],
    '/rota/feeds': () => ['/desk/rota/feeds'],
    '/rota/rotations': () => ['/desk/rota/rotations'],
    '/rota/rotations/:id': () => [`/desk/rota/rotations/${rotationId}`],
    // The manager has no rota person (no mobile): the page says so.
    '/cover': () => ['/desk/cover'],
    '/colleagues': () => ['/desk/colleagues'],
    '/colleagues/:id': () => [`/desk/colleagues/${colleagueId}`],
    '/colleagues/:id/erase': () => [`/desk/colleagues/${colleagueId}/erase`],
    '/lines': () => ['/desk/lines', '/desk/lines?q=kestrel&state=all'],
    '/lines/new': () => ['/desk/lines/new'],
    '/lines/:id': () => [`/desk/lines/${lineId}`],
    '/lines/:id/edit': () => [`/desk/lines/${lineId}/edit`],
    '/lines/:id/supersede': () => [`/desk/lines/${lineId}/supersede`],
    '/lines/:id/withdraw': () => [`/desk/lines/${lineId}/withdraw`],
    '/lines/templates': () => ['/desk/lines/templates'],
    '/lines/templates/:id': () => [`/desk/lines/templates/${templateId}`],
    '/topics': () => ['/desk/topics'],
    '/topics/:id': () => [`/desk/topics/${topicId}`],
    // Journalists and outlets (issue 29): the list searched and adding an enquiry's sender, a record
    // with 25 enquiries, its erasure's confirmation, the outlets with spellings to merge.
    '/journalists': () => ['/desk/journalists', `/desk/journalists?q=midlands&add=${paged}`],
    '/journalists/new': () => ['/desk/journalists/new'],
    '/journalists/:id': () => [`/desk/journalists/${journalistId}`],
    '/journalists/:id/erase': () => [`/desk/journalists/${journalistId}/erase`],
    '/outlets': () => ['/desk/outlets'],
    '/outlets/:id': () => [`/desk/outlets/${outletId}`],
    '/users': () => ['/desk/users'],
    '/audit': () => [
      '/desk/audit',
      `/desk/audit?action=user.created&from=2026-01-01&reference=${paged}`,
      '/desk/audit?from=2026-02-30&reference=nonsense',
    ],
    '/account': () => ['/desk/account'],
    // Second factor (issue 30): the manager's own set-up page and the app's QR code page. The sign-in's
    // second step and a manager's reset page need an account with a factor: checked in their own test.
    '/account/second-factor': () => ['/desk/account/second-factor'],
    '/account/second-factor/app': () => ['/desk/account/second-factor/app'],
    '/login/second-factor': () => [],
    '/users/:id/second-factor': () => [],
    // Two unread (the header's count on every page), one read.
    '/notifications': () => ['/desk/notifications'],
    '/privacy': () => ['/desk/privacy', `/desk/privacy?email=${encodeURIComponent(LONG.email)}`],
  };

  /** The whole page as PNGs of at most 1,200px each (a tall page in one picture is too small to read). */
  async function screenshots(page: Page, name: string): Promise<void> {
    mkdirSync(PAGE_SHOTS, { recursive: true });
    const { width, height } = await page.evaluate(() => ({
      width: document.documentElement.scrollWidth,
      height: document.documentElement.scrollHeight,
    }));
    for (let y = 0, n = 1; y < height; y += 1200, n++) {
      await page.screenshot({
        path: join(PAGE_SHOTS, `${name}-${n}.png`),
        fullPage: true,
        clip: { x: 0, y, width, height: Math.min(1200, height - y) },
      });
    }
  }

  it('checks every page the desk serves', () => {
    expect(Object.keys(pages).sort()).toEqual(
      deskGetRoutes()
        .filter((p) => !NOT_PAGES.includes(p))
        .sort(),
    );
  });

  for (const [label, width] of [
    ['320px (a phone)', 320],
    ['1280px (a desktop)', 1280],
  ] as const) {
    it(`every desk page at ${label}: no axe violation, no sideways scrolling`, { timeout: 300_000 }, async () => {
      const ctx = width === 320 ? phone : desktop;
      const problems: string[] = [];
      for (const path of Object.values(pages).flatMap((p) => p())) {
        // The sign-in page is for someone not signed in (a signed-in manager is sent to the queue).
        const page = await (path === '/desk/login'
          ? await browser.newContext(width === 320 ? PHONE : DESKTOP)
          : ctx
        ).newPage();
        try {
          const res = await page.goto(url(path));
          const status = res?.status() ?? 0;
          if (status !== 200 && status !== 422) problems.push(`${path}: answered ${status}`);
          const where = `${path} at ${width}px`;
          if (PAGE_SHOTS) await screenshots(page, `${width}${path.replace(/[^A-Za-z0-9]+/g, '_')}`);
          const violations = await axeViolations(page);
          if (violations.length) problems.push(formatViolations(where, violations));
          try {
            await expectFits(page, where);
          } catch (err) {
            problems.push((err as Error).message);
          }
        } finally {
          if (path === '/desk/login') await page.context().close();
          else await page.close();
        }
      }
      expect(problems, problems.join('\n\n')).toEqual([]);
    });
  }
});
