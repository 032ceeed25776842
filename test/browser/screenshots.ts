/**
 * Screenshots for the README and docs/using.md: docs/queue.png, docs/enquiry.png and
 * docs/form.png, at 1280×900 (full page); docs/enquiry-signoff.png, an enquiry's questions to
 * colleagues and its draft awaiting sign-off at 1280 (those two panels), and
 * docs/approver-phone.png, the approver's page for that draft on a 320px phone (issue 26);
 * docs/rota.png, the rota page as a manager sees it at 1280 (down to its people) with a gap in red, a shift
 * confirmed and one awaiting OK, a number not verified and one whose last test failed (issue 27);
 * docs/lines-insert.png, an enquiry's SMS reply box at 1280 with a line to take inserted from the
 * library by keyboard, and its SMS length under it (issue 28); docs/journalist.png, a journalist's
 * record at 1280 with a flag, their enquiries by email and text, and staff notes (issue 29);
 * docs/enquiry-presence.png, the top of an enquiry's page while another officer is typing a reply
 * on it (issue 29).
 * From the real service with realistic enquiries. Not part of the test run:
 *
 *   npx tsx test/browser/screenshots.ts                      # all of them
 *   npx tsx test/browser/screenshots.ts approver-phone.png   # only those named
 *   npx tsx test/browser/screenshots.ts rota.png             # only the rota (quick: no enquiries)
 *   npx tsx test/browser/screenshots.ts lines-insert.png     # only the reply box with a line inserted (quick)
 *   npx tsx test/browser/screenshots.ts journalist.png       # only a journalist's record (quick)
 *   npx tsx test/browser/screenshots.ts enquiry-presence.png # only presence on an enquiry (quick)
 *
 * Database: a fresh database on DATABASE_URL's server when it is set (dropped afterwards),
 * otherwise a throw-away embedded PostgreSQL. Two service processes share it, as a scaled-out
 * office would: "office" (web + job runner, office open) renders the desk and takes in-hours
 * enquiries; "night" (web only, office closed) takes the out-of-hours ones, so the queue shows
 * both honestly. Twilio is the fake one from the tests. Everything is done through the public
 * API, signed Twilio webhooks and the desk in the browser, except that some enquiries are moved a
 * few hours into the past (as if they had arrived earlier) so the queue has overdue work, and the
 * rota's confirmations, failed test and gaps are written in SQL (a real gap check needs out-of-hours
 * stretches, and this office is always open).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { sql } from 'kysely';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
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

/** Colleagues outside the desk (issue 26): the duty inspector, a detective, the gold commander. */
const KHAN = { name: 'Aisha Khan', role: 'Duty Inspector', department: 'Response Policing', mobile: '07911 200001' };
const WALSH = { name: 'Tom Walsh', role: 'Detective Inspector', department: 'CID', mobile: '07911 200002' };
const REID = {
  name: 'Mark Reid',
  role: 'Chief Superintendent (Gold)',
  department: 'Operations',
  mobile: '07911 200003',
};
/** The approver's phone: 320 CSS pixels wide (WCAG 1.4.10 Reflow's narrowest). */
const PHONE_CONTEXT = {
  viewport: { width: 320, height: 640 },
  isMobile: true,
  hasTouch: true,
  locale: 'en-GB',
  timezoneId: 'Europe/London',
};

const SHOTS = [
  'queue.png',
  'enquiry.png',
  'form.png',
  'enquiry-signoff.png',
  'approver-phone.png',
  'rota.png',
  'lines-insert.png',
  'lines.png',
  'journalist.png',
  'enquiry-presence.png',
];
/** Shots that need none of the enquiries the others are made from (taken first, and alone when only they are asked for). */
const QUICK = ['rota.png', 'lines-insert.png', 'lines.png', 'journalist.png', 'enquiry-presence.png'];
/** The files named on the command line (default: all). */
const ONLY = process.argv.slice(2);
const unknown = ONLY.filter((f) => !SHOTS.includes(f));
if (unknown.length) throw new Error(`No such screenshot: ${unknown.join(', ')} (there are ${SHOTS.join(', ')})`);
const wanted = (file: string) => !ONLY.length || ONLY.includes(file);

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

/** A manager adds a colleague to the directory (`/desk/colleagues`), reachable at any time or in office hours. */
async function addColleague(
  page: Page,
  desk: Desk,
  c: { name: string; role: string; department: string; mobile: string },
  hours: 'Any time' | 'Office hours',
): Promise<void> {
  await page.goto(`${desk.baseUrl}/desk/colleagues`);
  await page.getByLabel('Name', { exact: true }).fill(c.name);
  await page.getByLabel('Role (optional)').fill(c.role);
  await page.getByLabel('Department (optional)').fill(c.department);
  await page.getByLabel('Mobile', { exact: true }).fill(c.mobile);
  await page.getByLabel(hours, { exact: true }).check();
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Add colleague' }).click(),
  ]);
  await page.waitForLoadState();
  await page.getByRole('link', { name: c.name, exact: true }).waitFor();
}

/** Presses `button` on the page and waits for the page the POST answers with. */
async function post(page: Page, button: string): Promise<void> {
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  await page.waitForLoadState();
}

/** From an enquiry's page: asks `who` (by text) `question`, with the suggested due time. */
async function askColleague(page: Page, who: string, question: string): Promise<void> {
  await page
    .locator('#ask-colleagues')
    .getByLabel(new RegExp(`^${who},`))
    .check();
  await page.getByLabel('Your question').fill(question);
  await post(page, 'Send the question');
}

/** On the rota besides Jo and Rob (issue 27): one whose last test page failed, one not yet verified. */
const FAILED = { name: 'Priya Shah', phone: '+447911234569' };
const UNVERIFIED = { name: 'Dan Hughes', phone: '+447911234570' };

/**
 * docs/rota.png: the rota page a manager sees at 1280, once the gap check that adding Jo and Rob
 * queued has run (it would otherwise resolve the gaps written here). Jo confirmed her shift, Rob
 * has not confirmed his; nobody is on call from the end of theirs until Priya's, whose last test
 * page was undelivered (so her shift is a gap too); Dan's number is not verified.
 */
async function rotaShot(browser: Browser, d: Desk): Promise<void> {
  await waitUntil(
    'the gap check to run',
    async () =>
      (
        await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'rota_gap_check'`.execute(d.db)
      ).rows[0].n === 0 || null,
    20_000,
    250,
  );
  const now = Date.now();
  // Whole hours, as a rota is written.
  const at = (h: number) => new Date(Math.floor(now / HOUR) * HOUR + h * HOUR);
  const verified = at(-24 * 7);
  await d.db
    .updateTable('person')
    .set({ phone_verified_at: verified })
    .where('phone', 'in', [ON_CALL.phone, BACKUP.phone])
    .execute();
  const [priya] = await d.db
    .insertInto('person')
    .values([
      { ...FAILED, phone_verified_at: verified },
      { ...UNVERIFIED, phone_verified_at: null },
    ])
    .returning('id')
    .execute();
  const shiftOf = (phone: string) =>
    d.db
      .updateTable('rota_entry')
      .where('person_id', '=', (eb) => eb.selectFrom('person').select('id').where('phone', '=', phone))
      .where('ends_at', '>', new Date(now));
  await shiftOf(ON_CALL.phone)
    .set({ reminded_at: new Date(now - 8 * HOUR), confirmed_at: new Date(now - 7.8 * HOUR) })
    .execute();
  await shiftOf(BACKUP.phone)
    .set({ reminded_at: new Date(now - 8 * HOUR) })
    .execute();
  // Jo's and Rob's shifts end together; the gap starts there.
  const { ends_at: theirEnd } = await d.db
    .selectFrom('rota_entry')
    .select('ends_at')
    .where('role', '=', 'primary')
    .orderBy('ends_at', 'desc')
    .executeTakeFirstOrThrow();
  await d.db
    .insertInto('rota_entry')
    .values({ person_id: priya!.id, role: 'primary', starts_at: at(42), ends_at: at(58), created_by: d.manager.email })
    .execute();
  await d.db
    .insertInto('outbound_message')
    .values({
      owner_kind: 'message',
      medium: 'sms',
      idempotency_key: 'test-page:screenshots',
      to_number: FAILED.phone,
      content: 'Press Office test page',
      state: 'sent',
      provider_status: 'undelivered',
      created_at: new Date(now - 3 * HOUR),
    })
    .execute();
  await d.db
    .insertInto('rota_gap')
    .values([
      { starts_at: theirEnd, ends_at: at(42), reason: 'nobody', person_id: null, found_at: at(-1), resolved_at: null },
      {
        starts_at: at(42),
        ends_at: at(58),
        reason: 'failed_number',
        person_id: priya!.id,
        found_at: new Date(now - 3 * HOUR),
        resolved_at: null,
      },
    ])
    .execute();
  const ctx = await browser.newContext(BROWSER_CONTEXT);
  ctx.setDefaultTimeout(15_000);
  const page = await ctx.newPage();
  await signIn(page, d.baseUrl, d.manager);
  await page.goto(`${d.baseUrl}/desk/rota`);
  await page.locator('.rota-table tr.is-gap').first().waitFor();
  // From the top to the people list: the add forms below it are in the text already.
  const people = await page.locator('.rota-people').boundingBox();
  if (!people) throw new Error('the rota page has no people list');
  await page.screenshot({
    path: join(DOCS, 'rota.png'),
    fullPage: true,
    clip: { x: 0, y: 0, width: 1280, height: people.y + people.height + 16 },
  });
  await ctx.close();
  log('wrote docs/rota.png');
}

/** The library's lines for docs/lines-insert.png (as a manager would have approved them). */
const LIBRARY = [
  {
    title: 'Depot fire: at the scene',
    text: 'Fire crews and police are at the depot on Mill Lane after a fire broke out at about 7pm. Nobody is reported hurt. Mill Lane is closed between the ring road and Station Street; please avoid the area. We will say more by 9pm.',
  },
  {
    title: 'Arrests: we do not name people',
    text: 'We do not name people who have been arrested unless they are charged.',
  },
  {
    title: 'Live investigation',
    text: 'This is a live investigation and we cannot comment further while enquiries continue.',
  },
];

/**
 * docs/lines-insert.png: an enquiry's SMS reply box at 1280 after the officer typed "depot sce"
 * in "Insert a line or template", pressed the down arrow and Enter (keyboard only, as the
 * browser test does): the line's words in the box and its SMS length under it.
 */
async function linesInsertShot(browser: Browser, d: Desk): Promise<void> {
  const now = new Date();
  await d.db
    .insertInto('line_to_take')
    .values(
      LIBRARY.map((l) => ({
        ...l,
        approved_by: 'Ch Supt Mark Reid',
        approved_at: now,
        created_at: now,
        created_by: d.manager.email,
        updated_at: now,
      })),
    )
    .execute();
  const e = await d.submit({
    name: 'Jamie Reid',
    outlet: 'Mill Lane Gazette',
    phone: '07911 123458',
    subject: 'Fire at the Mill Lane depot',
    details: 'Is anyone hurt, and which roads are closed? We go to print at 10pm.',
  });
  const ctx = await browser.newContext(BROWSER_CONTEXT);
  ctx.setDefaultTimeout(15_000);
  const page = await ctx.newPage();
  await signIn(page, d.baseUrl, SAM);
  await enquiryPage(page, d, e.reference);
  await page.locator('#reply-insert').focus();
  await page.keyboard.type('depot sce');
  await page.locator('#reply-insert-list [role="option"]').first().waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await waitUntil('the line in the reply box', async () => (await page.locator('#reply').inputValue()) || null, 5_000);
  // The box drawn tall enough for the whole line, as an officer drags its corner, so the picture shows every word.
  await page
    .locator('#reply')
    .evaluate((box: HTMLTextAreaElement) => box.style.setProperty('height', `${box.scrollHeight + 8}px`));
  // Measured from the top of the page, as the full-page clip is (typing scrolled the form into view).
  await page.evaluate(() => window.scrollTo(0, 0));
  const form = await page.locator('form[action$="/reply"]').boundingBox();
  const button = await page.locator('form[action$="/reply"] button[type="submit"]').boundingBox();
  if (!form || !button) throw new Error('the enquiry page has no SMS reply form');
  const margin = 16;
  await page.screenshot({
    path: join(DOCS, 'lines-insert.png'),
    fullPage: true,
    clip: {
      x: Math.max(0, form.x - margin),
      y: Math.max(0, form.y - margin),
      width: form.width + 2 * margin,
      height: button.y + button.height - form.y + 2 * margin,
    },
  });
  await ctx.close();
  log('wrote docs/lines-insert.png');
}

/**
 * docs/lines.png: the library of lines to take at 1280, as an officer finds it (the lines of
 * docs/lines-insert.png, which it follows: one has passed its review date).
 */
async function linesShot(browser: Browser, d: Desk): Promise<void> {
  await d.db
    .updateTable('line_to_take')
    .set({ review_by: '2026-11-30' })
    .where('title', '=', 'Live investigation')
    .execute();
  const ctx = await browser.newContext(BROWSER_CONTEXT);
  ctx.setDefaultTimeout(15_000);
  const page = await ctx.newPage();
  await signIn(page, d.baseUrl, SAM);
  await page.goto(`${d.baseUrl}/desk/lines`);
  await page.screenshot({ path: join(DOCS, 'lines.png'), fullPage: true });
  await ctx.close();
  log('wrote docs/lines.png');
}

/**
 * docs/journalist.png: a journalist's record at 1280 as an officer reads it (issue 29): a flag
 * first, her outlets and contacts, the press card checked, her enquiries by the form and by text
 * (matched by her email and mobile), and two staff notes.
 */
async function journalistShot(browser: Browser, d: Desk): Promise<void> {
  await d.submit({
    name: 'Ruth Adeyemi',
    outlet: 'Northside Echo',
    email: 'ruth.adeyemi@northsideecho.example.co.uk',
    subject: 'Knife amnesty bin figures',
    details: 'How many knives were handed in at the Northside amnesty bins this year?',
  });
  await d.sms('+447911300111', 'Ruth at the Echo again: is the Mill Lane closure linked to last night’s stabbing?');
  const now = new Date();
  const made = { created_at: now, created_by: SAM.email, updated_at: now };
  const outlet = await d.db
    .insertInto('outlet')
    .values({ name: 'Northside Echo', kind: 'regional', area: 'Northside and the valleys', ...made })
    .returning('id')
    .executeTakeFirstOrThrow();
  await d.db
    .insertInto('outlet_spelling')
    .values([
      { spelling: 'northside echo', outlet_id: outlet.id },
      { spelling: 'the echo', outlet_id: outlet.id },
    ])
    .execute();
  const j = await d.db
    .insertInto('journalist')
    .values({
      name: 'Ruth Adeyemi',
      preferred_channel: 'sms',
      press_card_checked_on: DateTime.now().setZone('Europe/London').minus({ months: 2 }).toISODate()!,
      press_card_checked_by: SAM.email,
      flags: ['embargo_breach'],
      ...made,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await d.db
    .insertInto('journalist_contact')
    .values([
      { journalist_id: j.id, kind: 'phone', value: '+447911300111' },
      { journalist_id: j.id, kind: 'email', value: 'ruth.adeyemi@northsideecho.example.co.uk' },
    ])
    .execute();
  await d.db.insertInto('journalist_outlet').values({ journalist_id: j.id, outlet_id: outlet.id }).execute();
  await d.db
    .insertInto('journalist_note')
    .values([
      {
        journalist_id: j.id,
        at: new Date(now.getTime() - 40 * 86_400_000),
        written_by: KIM.email,
        text: 'Published the custody figures an hour before the embargo lifted. Head of news spoke to her editor.',
      },
      {
        journalist_id: j.id,
        at: now,
        written_by: SAM.email,
        text: 'Prefers a text first; will ring back within ten minutes.',
      },
    ])
    .execute();
  const ctx = await browser.newContext(BROWSER_CONTEXT);
  ctx.setDefaultTimeout(15_000);
  const page = await ctx.newPage();
  await signIn(page, d.baseUrl, SAM);
  await page.goto(`${d.baseUrl}/desk/journalists/${j.id}`);
  // Down to the notes (the edit form below them is the add form's).
  await page.evaluate(() => window.scrollTo(0, 0));
  const notes = await page.locator('form[action$="/notes"]').boundingBox();
  if (!notes) throw new Error('the record has no note form');
  await page.screenshot({
    path: join(DOCS, 'journalist.png'),
    fullPage: true,
    clip: { x: 0, y: 0, width: 1280, height: Math.ceil(notes.y + notes.height + 16) },
  });
  await ctx.close();
  log('wrote docs/journalist.png');
}

/**
 * docs/enquiry-presence.png: the top of an enquiry's page at 1280 as Kim sees it while Sam, in his
 * own browser, is typing a reply on the same enquiry (issue 29): "Sam Patel is writing a reply."
 */
async function presenceShot(browser: Browser, d: Desk): Promise<void> {
  const { reference } = await d.submit({
    name: 'Priya Shah',
    outlet: 'Valley Radio',
    phone: '07911 123457',
    subject: 'Flooding on the B4520 at Pont Ddu',
    details: 'Listeners say the road is under water at Pont Ddu. Is it closed, and is there a diversion?',
  });
  const kimCtx = await browser.newContext(BROWSER_CONTEXT);
  const samCtx = await browser.newContext(BROWSER_CONTEXT);
  for (const c of [kimCtx, samCtx]) c.setDefaultTimeout(15_000);
  const kim = await kimCtx.newPage();
  await signIn(kim, d.baseUrl, KIM);
  await kim.goto(`${d.baseUrl}/desk/enquiries/${reference}`);
  await kim.locator('#presence[data-live="connected"]').waitFor();
  const sam = await samCtx.newPage();
  await signIn(sam, d.baseUrl, SAM);
  await sam.goto(`${d.baseUrl}/desk/enquiries/${reference}`);
  await sam.getByLabel('Reply to the journalist by SMS').fill('Yes, the B4520 is closed at Pont Ddu; ');
  await kim.locator('#presence-status', { hasText: 'Sam Patel is writing a reply.' }).waitFor();
  const panel = await kim.locator('#presence').boundingBox();
  if (!panel) throw new Error('the enquiry page shows no presence');
  await kim.screenshot({
    path: join(DOCS, 'enquiry-presence.png'),
    clip: { x: 0, y: 0, width: 1280, height: Math.ceil(panel.y + panel.height + 120) },
  });
  await kimCtx.close();
  await samCtx.close();
  log('wrote docs/enquiry-presence.png');
}

/** "07911 200001" as Twilio writes it. */
const e164 = (mobile: string) => `+44${mobile.replace(/\s/g, '').slice(1)}`;

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
    // Urgent enquiries' responses need sign-off (statements.signOff), so the sign-off panel says so.
    const signOff = { statements: { signOff: 'urgent' } };
    desk = await startDesk({ databaseUrl: database.url, config: { ...ALWAYS_OPEN, ...signOff } });
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
      config: { office: { hours: weekdays, closures: [today] }, ...signOff },
    });
    const nightUrl = night.baseUrl!;
    const d = desk;

    await d.createUser(SAM);
    await d.createUser(KIM);
    const now = Date.now();
    await d.addToRota({ ...ON_CALL, from: new Date(now - 6 * HOUR), to: new Date(now + 18 * HOUR) });
    await d.addToRota({ ...BACKUP, role: 'backup', from: new Date(now - 6 * HOUR), to: new Date(now + 18 * HOUR) });
    mkdirSync(DOCS, { recursive: true });
    if (wanted('rota.png')) await rotaShot(browser, d);
    if (wanted('lines-insert.png') || wanted('lines.png')) await linesInsertShot(browser, d);
    if (wanted('lines.png')) await linesShot(browser, d);
    if (wanted('journalist.png')) await journalistShot(browser, d);
    if (wanted('enquiry-presence.png')) await presenceShot(browser, d);
    if (ONLY.length && ONLY.every((f) => QUICK.includes(f))) return;

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
    const firearms = await d.submit({
      name: 'Tom Fraser',
      outlet: 'BBC Radio Midlands',
      phone: '07911 123457',
      subject: 'Firearms officers at Harbour Road retail park',
      details: 'Listeners report armed officers at the retail park. Is there any risk to the public?',
      urgent: true,
    });
    await d.shiftIntoPast(firearms.reference, HOUR / 2);
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

    // Issue 26: a manager keeps the directory of colleagues; Sam asks the duty inspector (who
    // answers by text) and a detective (not yet), and sends a response for sign-off to gold.
    log('colleagues, questions and sign-off…');
    const managerCtx = await browser.newContext(BROWSER_CONTEXT);
    managerCtx.setDefaultTimeout(15_000);
    const managerPage = await managerCtx.newPage();
    await signIn(managerPage, d.baseUrl, d.manager);
    await addColleague(managerPage, d, KHAN, 'Any time');
    await addColleague(managerPage, d, WALSH, 'Office hours');
    await addColleague(managerPage, d, REID, 'Any time');
    await managerCtx.close();
    const textTo = (mobile: string, has: string) =>
      waitUntil(
        `the text to ${mobile}`,
        () =>
          d.twilio.messages.find(
            (m) => m.to === e164(mobile) && m.body?.includes(firearms.reference) && m.body.includes(has),
          ),
        20_000,
      );
    await enquiryPage(page, d, firearms.reference);
    await act(page, nothing, 'Assign to me');
    await askColleague(
      page,
      KHAN.name,
      'Is the retail park still cordoned off, and was anyone hurt or detained? BBC Radio Midlands want a line for their next bulletin.',
    );
    await textTo(KHAN.mobile, '/q/');
    await d.sms(
      e164(KHAN.mobile),
      'Cordon lifted a few minutes ago. One man detained at the scene, an imitation firearm recovered. Nobody hurt.',
    );
    await askColleague(
      page,
      WALSH.name,
      'Has the man detained at Harbour Road been arrested, and for what? Can we say his age?',
    );
    await page
      .getByLabel('The response to be signed off')
      .fill(
        'Armed officers went to Harbour Road retail park after a report of a man carrying what looked like a gun. A man was detained at the scene and an imitation firearm was recovered. Nobody was hurt, and there is no risk to the public.',
      );
    await page
      .locator('#signoff-approvers')
      .getByLabel(new RegExp(`^${REID.name},`))
      .check();
    await post(page, 'Send for sign-off');
    const approverText = await textTo(REID.mobile, '/s/');
    const approverPath = /\/s\/[A-Za-z0-9_-]{22}/.exec(approverText.body ?? '')?.[0];
    if (!approverPath) throw new Error(`no approver link in ${approverText.body}`);
    // As if the work had taken a few minutes rather than seconds: the first question 12 minutes
    // ago (Khan's answer 8), the second 6, the draft 5 (each due time moves with its question).
    const enquiryId = sql`(SELECT id FROM enquiry WHERE reference = ${firearms.reference})`;
    const ago = (minutes: number) => sql`make_interval(mins => ${minutes})`;
    const khanQuestion = sql`(SELECT q.id FROM colleague_question q WHERE q.enquiry_id = ${enquiryId} ORDER BY q.id LIMIT 1)`;
    await waitUntil(
      "the duty inspector's answer",
      async () =>
        (
          await sql<{
            n: number;
          }>`SELECT count(*)::int AS n FROM question_answer WHERE question_id = ${khanQuestion}`.execute(d.db)
        ).rows[0].n > 0 || null,
      20_000,
      250,
    );
    await sql`UPDATE colleague_question SET asked_at = asked_at - ${ago(12)}, due_at = due_at - ${ago(12)},
      answered_at = answered_at - ${ago(8)} WHERE id = ${khanQuestion}`.execute(d.db);
    await sql`UPDATE question_recipient SET answered_at = answered_at - ${ago(8)} WHERE question_id = ${khanQuestion}`.execute(
      d.db,
    );
    await sql`UPDATE question_answer SET received_at = received_at - ${ago(8)} WHERE question_id = ${khanQuestion}`.execute(
      d.db,
    );
    await sql`UPDATE colleague_question SET asked_at = asked_at - ${ago(6)}, due_at = due_at - ${ago(6)}
      WHERE enquiry_id = ${enquiryId} AND id <> ${khanQuestion}`.execute(d.db);
    await sql`UPDATE statement_draft SET sent_at = sent_at - ${ago(5)}, created_at = created_at - ${ago(5)},
      updated_at = updated_at - ${ago(5)} WHERE enquiry_id = ${enquiryId}`.execute(d.db);
    await sql`UPDATE signoff_request SET sent_at = sent_at - ${ago(5)}
      WHERE draft_id IN (SELECT id FROM statement_draft WHERE enquiry_id = ${enquiryId})`.execute(d.db);
    // The answer is on the page.
    await waitUntil(
      "the duty inspector's answer on the page",
      async () => {
        await enquiryPage(page, d, firearms.reference);
        return (await page.locator('#questions blockquote.answer').count()) > 0 || null;
      },
      20_000,
      500,
    );

    mkdirSync(DOCS, { recursive: true });
    log('screenshots…');
    if (wanted('queue.png')) {
      await page.goto(`${d.baseUrl}/desk`);
      await page.screenshot({ path: join(DOCS, 'queue.png'), fullPage: true });
    }
    if (wanted('enquiry.png')) {
      await enquiryPage(page, d, cordon.reference);
      await page.screenshot({ path: join(DOCS, 'enquiry.png'), fullPage: true });
    }
    if (wanted('enquiry-signoff.png')) {
      // The two panels, from the top of the questions to the bottom of the sign-off.
      await enquiryPage(page, d, firearms.reference);
      const [top, bottom] = await Promise.all([
        page.locator('#questions').boundingBox(),
        page.locator('#signoff').boundingBox(),
      ]);
      if (!top || !bottom) throw new Error('the questions or sign-off panel is missing');
      const margin = 16;
      const y = Math.max(0, top.y - margin);
      await page.screenshot({
        path: join(DOCS, 'enquiry-signoff.png'),
        fullPage: true,
        clip: { x: 0, y, width: 1280, height: bottom.y + bottom.height + margin - y },
      });
    }
    if (wanted('approver-phone.png')) {
      const phone = await browser.newContext(PHONE_CONTEXT);
      const approver = await phone.newPage();
      const res = await approver.goto(`${d.baseUrl}${approverPath}`);
      if (res?.status() !== 200) throw new Error(`the approver's page answered ${res?.status()}`);
      await approver.screenshot({ path: join(DOCS, 'approver-phone.png'), fullPage: true });
      await phone.close();
    }

    if (wanted('form.png')) {
      const visitor = await browser.newContext(BROWSER_CONTEXT);
      const form = await visitor.newPage();
      await form.goto(`${d.baseUrl}/`);
      await form.screenshot({ path: join(DOCS, 'form.png'), fullPage: true });
      await visitor.close();
    }
    await ctx.close();
    log(
      `wrote ${SHOTS.filter((f) => !QUICK.includes(f) && wanted(f))
        .map((f) => join('docs', f))
        .join(', ')}`,
    );
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
