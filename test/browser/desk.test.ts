/**
 * The triage desk in a real browser (Debian's chromium through playwright-core) against the real
 * service process: a press officer signs in, sees a new enquiry arrive on the open queue without
 * reloading (LISTEN/NOTIFY → server-sent events → desk.js), opens it, assigns it to themselves,
 * replies by SMS (the fake Twilio receives exactly that text), records the response and closes
 * it. A stored XSS payload stays text everywhere; the queue and an enquiry fit a 320px screen.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import {
  BROWSER_SKIP_MESSAGE,
  browserPlan,
  browserSuiteTitle,
  CHROMIUM_PATH,
  horizontalOverflow,
  launchBrowser,
} from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import {
  PRESS_OFFICE_NUMBER,
  signIn,
  startDesk,
  waitUntil,
  type Credentials,
  type Desk,
  type Submitted,
} from './desk-fixture.js';

const plan = browserPlan();
if (plan === 'skip') console.warn(`\n${BROWSER_SKIP_MESSAGE}\n`);

const OFFICER: Credentials = {
  email: 'sam.patel@press.example.org',
  password: 'officer-password-5678',
  name: 'Sam Patel',
};
const JOURNALIST_PHONE = '+447911123456';
const XSS_SUBJECT = '<img src=x onerror="window.__xss=1">';
const XSS_DETAILS = '<script>window.__xss=1</script>';

if (plan === 'fail') {
  describe('browser tests (PRESSDESK_REQUIRE_BROWSER is set)', () => {
    it('need chromium', () => {
      throw new Error(`PRESSDESK_REQUIRE_BROWSER is set but ${CHROMIUM_PATH} is missing: apt-get install -y chromium`);
    });
  });
}

describe.skipIf(plan !== 'run')(browserSuiteTitle('the triage desk in a browser'), () => {
  let database: TestDatabase;
  let desk: Desk;
  let browser: Browser;
  /** The officer's signed-in cookies, shared by every context below. */
  let officerState: Awaited<ReturnType<BrowserContext['storageState']>>;
  const contexts: BrowserContext[] = [];

  async function context(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
    const ctx = await browser.newContext({ storageState: officerState, ...options });
    ctx.setDefaultTimeout(10_000);
    contexts.push(ctx);
    return ctx;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    const [d, b] = await Promise.all([startDesk({ databaseUrl: database.url }), launchBrowser()]);
    desk = d;
    browser = b!;
    await desk.createUser(OFFICER);
    // One signed-in session for the tests below (the first test signs in on its own).
    const ctx = await browser.newContext();
    await signIn(await ctx.newPage(), desk.baseUrl, OFFICER);
    officerState = await ctx.storageState();
    await ctx.close();
  }, 90_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await desk?.close();
    await database?.drop();
  });

  const url = (path: string) => `${desk.baseUrl}${path}`;

  it('signs an officer in and shows the queue', async () => {
    onTestFailed(() => console.error(desk.service.output()));
    const ctx = await browser.newContext();
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(url('/desk'));
    expect(new URL(page.url()).pathname).toBe('/desk/login');
    await page.getByLabel('Email address').fill(OFFICER.email);
    await page.getByLabel('Password').fill(OFFICER.password);
    // The login page remembers where the officer was going.
    await Promise.all([page.waitForURL(url('/desk')), page.getByRole('button', { name: 'Sign in' }).click()]);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Queue');
    expect(await page.locator('.site-header .who').textContent()).toContain('Sam Patel (officer)');
  });

  it('works an enquiry from arrival to closed: live arrival, assign, SMS reply, response, close', {
    timeout: 45_000,
  }, async () => {
    onTestFailed(() => console.error(desk.service.output()));
    const page = await (await context()).newPage();
    await page.goto(url('/desk'));
    await page.locator('body[data-live="connected"]').waitFor();
    await desk.waitForLiveFeed();
    // Anything that reloads the page would drop this marker.
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

    const { reference } = await desk.submit({
      name: 'Alex Reporter',
      outlet: 'Evening Gazette',
      phone: '07911 123456',
      subject: 'Road closure on the A38',
      details: 'Why was the A38 closed overnight, and for how long?',
    });
    const row = page.locator(`#row-${reference}`);
    await row.waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    expect(await page.locator('#live-section').isVisible()).toBe(true);
    expect(await row.locator('.subject').textContent()).toBe('Road closure on the A38');
    expect(await page.locator('#live-status').textContent()).toContain(reference);

    await Promise.all([
      page.waitForURL(url(`/desk/enquiries/${reference}`)),
      row.getByRole('link', { name: reference }).click(),
    ]);
    await expect.poll(() => page.locator('h1').textContent()).toContain(reference);

    // Assign to me.
    await Promise.all([
      page.waitForURL(
        (u) => u.pathname === `/desk/enquiries/${reference}` && u.searchParams.get('done') === 'assigned',
      ),
      page.getByRole('button', { name: 'Assign to me' }).click(),
    ]);
    expect(await summary(page, 'Assigned to')).toBe('Sam Patel');
    expect(await page.locator('.timeline').textContent()).toContain('Assigned to Sam Patel');

    // Reply by SMS: a graphile-worker job sends it through Twilio to the journalist.
    const reply = `Thanks Alex: the A38 reopened at 06:10. Ref ${reference}.`;
    await page.getByLabel('Reply to the journalist by SMS').fill(reply);
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/desk/enquiries/${reference}` && u.searchParams.get('done') === 'sms'),
      page.getByRole('button', { name: 'Send SMS reply' }).click(),
    ]);
    const sent = await waitUntil(
      'the SMS reply at fake Twilio',
      () => {
        const to = desk.twilio.messages.filter((m) => m.to === JOURNALIST_PHONE);
        return to.length ? to : null;
      },
      15_000,
    );
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toBe(reply);
    expect(sent[0].from).toBe(PRESS_OFFICE_NUMBER);

    // Record the response given.
    const line = 'A spokesperson said: "The road was closed for resurfacing."';
    await page.getByLabel('Record the response given (press line)').fill(line);
    await Promise.all([
      page.waitForURL(
        (u) => u.pathname === `/desk/enquiries/${reference}` && u.searchParams.get('done') === 'response',
      ),
      page.getByRole('button', { name: 'Record response' }).click(),
    ]);
    expect(await summary(page, 'Response given')).toBe(line);

    // Close it.
    await page.getByLabel('Status', { exact: true }).selectOption('closed');
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/desk/enquiries/${reference}` && u.searchParams.get('done') === 'status'),
      page.getByRole('button', { name: 'Change status' }).click(),
    ]);
    expect(await summary(page, 'Status')).toBe('Closed');
    const timeline = await page.locator('.timeline').textContent();
    expect(timeline).toContain('Response given (press line)');
    expect(timeline).toMatch(/SMS out to \+447911123456|Reply by SMS queued/);
    expect(timeline).toContain('→ Closed');

    // The open queue no longer lists it; the closed view does.
    await page.goto(url('/desk'));
    expect(await page.locator(`#row-${reference}`).count()).toBe(0);
    await page.goto(url('/desk?status=closed'));
    expect(await page.locator(`#row-${reference}`).count()).toBe(1);
  });

  it('renders a stored XSS payload as text on the confirmation page, the live and loaded queue, and the enquiry page', {
    timeout: 45_000,
  }, async () => {
    onTestFailed(() => console.error(desk.service.output()));
    // The CSP would block the payload anyway; without it, only escaping stands between the
    // journalist's text and the officer's browser. That is what is tested here.
    const ctx = await context({ bypassCSP: true });
    const dialogs: string[] = [];
    ctx.on('page', (p) =>
      p.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      }),
    );
    const queue = await ctx.newPage();
    queue.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await queue.goto(url('/desk'));
    await queue.locator('body[data-live="connected"]').waitFor();
    await desk.waitForLiveFeed();

    // A journalist submits the payload through the public form.
    const form = await ctx.newPage();
    await form.goto(url('/'));
    await form.getByLabel('Your name').fill('<b>Mallory</b>');
    await form.getByLabel('News outlet').fill('"><svg onload="window.__xss=1">');
    await form.getByLabel('Email address').fill('mallory@example.com');
    await form.getByLabel('Subject').fill(XSS_SUBJECT);
    await form.getByLabel('Details of your enquiry').fill(XSS_DETAILS);
    await Promise.all([
      form.waitForURL(/\/enquiries\/[^/]+\/confirmation$/),
      form.getByRole('button', { name: 'Send enquiry' }).click(),
    ]);
    const reference = (await form.locator('.reference').textContent())!.trim();
    expect(reference).toMatch(/^PD-/);
    await expectInert(form, 'confirmation page');

    // Live-inserted row (desk.js parses the row's HTML with a <template>).
    const row = queue.locator(`#row-${reference}`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.locator('.subject').textContent()).toBe(XSS_SUBJECT);
    await expectInert(queue, 'queue (live row)');

    // Server-rendered queue.
    await queue.reload();
    expect(await queue.locator(`#row-${reference} .subject`).textContent()).toBe(XSS_SUBJECT);
    expect(await queue.locator(`#row-${reference}`).textContent()).toContain('<b>Mallory</b>');
    await expectInert(queue, 'queue');

    // The enquiry page.
    await queue.goto(url(`/desk/enquiries/${reference}`));
    expect(await queue.locator('p.subject').textContent()).toBe(XSS_SUBJECT);
    expect(await queue.locator('.panel.pre').first().textContent()).toBe(XSS_DETAILS);
    await expectInert(queue, 'enquiry page');

    expect(dialogs).toEqual([]);
  });

  it('shows what the journalist adds on their status page on the open queue, without a reload', {
    timeout: 30_000,
  }, async () => {
    onTestFailed(() => console.error(desk.service.output()));
    const submitted = (await desk.submit({
      name: 'Kit Reporter',
      outlet: 'Valley Radio',
      phone: '07911 123457',
      subject: 'Bin collections over Christmas',
      details: 'Which days are collections moved to?',
    })) as Submitted & { statusUrl: string };
    const { reference, statusUrl } = submitted;
    const page = await (await context()).newPage();
    await page.goto(url('/desk'));
    await page.locator('body[data-live="connected"]').waitFor();
    await desk.waitForLiveFeed();
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    const row = page.locator(`#row-${reference}`);
    expect(await row.textContent()).not.toContain('New information from the journalist');

    // The journalist, on their own status page (no desk session), adds to the enquiry.
    const statusPage = await fetch(statusUrl);
    expect(statusPage.status).toBe(200);
    const csrf = /name="_csrf" value="([^"]*)"/.exec(await statusPage.text())?.[1];
    expect(csrf).toBeTruthy();
    const added = await fetch(`${statusUrl}/add`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        _csrf: csrf!,
        information: 'The council website still shows the old dates.',
      }).toString(),
    });
    expect(added.status).toBe(303);

    await row.locator('.added-marker').waitFor({ timeout: 10_000 });
    expect(await row.locator('.added-marker').textContent()).toContain('New information from the journalist');
    // Refreshed in place: still one row for it, in the same document, and said to screen readers.
    expect(await page.locator(`#row-${reference}`).count()).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    expect(await page.locator('#live-status').textContent()).toBe(`New information on ${reference}.`);
  });

  it('fits a 320px wide screen: the queue and an enquiry page scroll only vertically', {
    timeout: 30_000,
  }, async () => {
    onTestFailed(() => console.error(desk.service.output()));
    const { reference } = await desk.submit({
      name: 'Priya Raman-Fitzgerald',
      outlet: 'The Midlands Morning Chronicle and Advertiser',
      email: 'newsdesk@midlandsmorningchronicle.co.uk',
      phone: '07911 123789',
      subject: 'Request for the full list of incidents attended on the ring road interchange last weekend',
      details:
        'Longwordwithoutanyspacesatalltoseewhetherthelayoutwrapsitproperly_https://example.com/a/very/long/link/that/should/wrap',
      urgent: true,
    });
    // Urgent out of hours: wait for the page to go out, so the enquiry shows its escalation steps.
    await waitUntil('the page SMS', () => desk.twilio.messages.some((m) => m.body?.includes(reference)), 15_000);
    const ctx = await context({ viewport: { width: 320, height: 640 } });
    const page = await ctx.newPage();
    for (const path of ['/desk', `/desk/enquiries/${reference}`]) {
      await page.goto(url(path));
      expect(new URL(page.url()).pathname).toBe(path);
      const o = await horizontalOverflow(page);
      expect(
        o.scrollWidth,
        `${path} at 320px: content is ${o.scrollWidth}px wide; past the right edge: ${o.culprits.join('; ')}`,
      ).toBeLessThanOrEqual(320);
    }
  });
});

/** The text beside a label in the enquiry's summary list. */
async function summary(page: Page, label: string): Promise<string | null> {
  const dd = page.locator(`.summary dt:text-is("${label}") + dd`);
  return (await dd.textContent())?.trim() ?? null;
}

/** No payload ran and none became markup. */
async function expectInert(page: Page, where: string): Promise<void> {
  // An <img src=x> would fail to load almost at once and run its onerror; give it the chance.
  await page.waitForTimeout(300);
  const found = await page.evaluate(() => ({
    xss: (window as unknown as { __xss?: unknown }).__xss,
    imgs: document.querySelectorAll('img[src="x"]').length,
    svgs: document.querySelectorAll('svg[onload]').length,
    bold: Array.from(document.querySelectorAll('b')).filter((b) => b.textContent === 'Mallory').length,
    scripts: Array.from(document.scripts).filter((s) => s.textContent?.includes('__xss')).length,
  }));
  expect(found, where).toEqual({ xss: undefined, imgs: 0, svgs: 0, bold: 0, scripts: 0 });
}
