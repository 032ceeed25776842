/**
 * The journalist's status page (issue 17, items 2–3) in a real browser: the link from the API's
 * 201 opens the enquiry at 320px and 1280px with no sideways scroll on the phone and no WCAG 2.2
 * A/AA violations (also with an error shown); with JavaScript off the journalist adds
 * information, sees an empty addition refused beside its field, and withdraws the enquiry (a
 * missing confirmation refused first), after which the page says it is withdrawn. A released
 * response is shown on the page; with PRESSDESK_SCREENSHOTS=1 that page is saved as
 * docs/status-page.png for the README.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import {
  BROWSER_SKIP_MESSAGE,
  browserPlan,
  browserSuiteTitle,
  CHROMIUM_PATH,
  launchBrowser,
} from '../support/browser.js';
import { expectFits, expectNoViolations } from '../support/browser-expect.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { REPO_ROOT } from '../support/service-process.js';
import { minutesFromNow, startDesk, type Desk, type EnquiryInput } from './desk-fixture.js';

const plan = browserPlan();
if (plan === 'skip') console.warn(`\n${BROWSER_SKIP_MESSAGE}\n`);

if (plan === 'fail') {
  describe('status page in a browser (PRESSDESK_REQUIRE_BROWSER is set)', () => {
    it('needs chromium', () => {
      throw new Error(`PRESSDESK_REQUIRE_BROWSER is set but ${CHROMIUM_PATH} is missing: apt-get install -y chromium`);
    });
  });
}

const PHONE = { viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 900 } };
const SCREENSHOTS = ['1', 'true'].includes((process.env.PRESSDESK_SCREENSHOTS ?? '').toLowerCase());

describe.skipIf(plan !== 'run')(browserSuiteTitle('the journalist’s status page at 320px and 1280px'), () => {
  let database: TestDatabase;
  let desk: Desk;
  let browser: Browser;
  let phone: BrowserContext;
  let desktop: BrowserContext;
  /** The phone with JavaScript off (axe and the overflow check need it on, so they run in `phone`). */
  let noScript: BrowserContext;

  /** Submits an enquiry through the public API and returns its reference and the status link the 201 carries. */
  async function submit(input: EnquiryInput): Promise<{ reference: string; link: string }> {
    const r = (await desk.submit(input)) as { reference: string; statusUrl?: string };
    expect(r.statusUrl, 'the API 201 carries statusUrl').toMatch(
      new RegExp(`^${desk.baseUrl}/status/[A-Za-z0-9_-]{22,}$`),
    );
    return { reference: r.reference, link: r.statusUrl! };
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    const [d, b] = await Promise.all([startDesk({ databaseUrl: database.url }), launchBrowser()]);
    desk = d;
    browser = b!;
    phone = await browser.newContext(PHONE);
    desktop = await browser.newContext(DESKTOP);
    noScript = await browser.newContext({ ...PHONE, javaScriptEnabled: false });
    for (const c of [phone, desktop, noScript]) c.setDefaultTimeout(10_000);
  }, 90_000);

  afterAll(async () => {
    for (const c of [phone, desktop, noScript]) await c?.close().catch(() => undefined);
    await browser?.close();
    await desk?.close();
    await database?.drop();
  });

  /** Submits the form of the button named `button`; the status of the POST's answer, once the next page has loaded. */
  async function press(page: Page, button: string): Promise<number> {
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: button }).click(),
    ]);
    await page.waitForLoadState();
    return res.status();
  }

  it('opens the enquiry from the API’s link, fits 320px and has no accessibility violations at 320px or 1280px', async () => {
    onTestFailed(() => console.error(desk.service.output()));
    const { reference, link } = await submit({
      name: 'Alex Reporter',
      outlet: 'Evening Gazette',
      phone: '07911 123456',
      subject: 'Road closures for the marathon',
      details: 'Which roads close on Sunday, and from when?',
      deadline: minutesFromNow(26 * 60),
    });
    for (const [context, width] of [
      [phone, 320],
      [desktop, 1280],
    ] as const) {
      const page = await context.newPage();
      const res = await page.goto(link);
      expect(res?.status()).toBe(200);
      expect(res?.headers()['referrer-policy']).toBe('no-referrer');
      expect(await page.locator('meta[name="robots"]').getAttribute('content')).toContain('noindex');
      expect(await page.locator('meta[name="referrer"]').getAttribute('content')).toBe('no-referrer');
      await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Road closures for the marathon');
      const main = await page.locator('main').innerText();
      expect(main).toContain(reference);
      expect(main).toContain('Received');
      expect(main).toContain('The press office');
      expect(main).toContain('We will text you when it is answered or closed');
      // What the journalist sent is theirs already; the page repeats none of it, and no contact details.
      for (const absent of ['Alex Reporter', '07911 123456', 'Which roads close']) expect(main).not.toContain(absent);
      expect(await page.locator('script').count()).toBe(0);
      if (width === 320) await expectFits(page, 'the status page');
      await expectNoViolations(page, `GET /status/{token} at ${width}px`);
      await page.close();
    }
  });

  it('adds information with JavaScript off, and shows an empty addition refused beside its field (422, still accessible)', async () => {
    onTestFailed(() => console.error(desk.service.output()));
    const { link } = await submit({
      name: 'Sam Writer',
      outlet: 'Daily Courier',
      phone: '07911 123457',
      subject: 'Library opening hours',
      details: 'Are branch opening hours changing in the new year?',
    });
    let page = await noScript.newPage();
    await page.goto(link);
    await page
      .getByLabel('What you want to add', { exact: true })
      .fill('Also: will Sunday opening at the central library continue?');
    expect(await press(page, 'Add information')).toBe(303);
    expect(page.url()).toBe(`${link}?done=add`);
    await expect(page.getByRole('status').innerText()).resolves.toContain('What you added is now with your enquiry');
    await expect(page.locator('.status-additions').innerText()).resolves.toContain(
      'will Sunday opening at the central library continue?',
    );

    // Nothing typed: refused, the message above the field and in the summary, nothing added.
    expect(await press(page, 'Add information')).toBe(422);
    await expect(page.locator('.error-summary').innerText()).resolves.toContain('Enter what you want to add');
    const field = page.getByLabel('What you want to add', { exact: true });
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    await expect(page.locator('#information-error').innerText()).resolves.toContain('Enter what you want to add');
    expect(await page.locator('.status-additions li').count()).toBe(1);
    await page.close();

    // The same refusal, checked with JavaScript on for axe and the overflow check, at both widths.
    for (const [context, width] of [
      [phone, 320],
      [desktop, 1280],
    ] as const) {
      page = await context.newPage();
      await page.goto(link);
      expect(await press(page, 'Add information')).toBe(422);
      if (width === 320) await expectFits(page, 'the status page with an error');
      await expectNoViolations(page, `POST /status/{token}/add with nothing typed (422) at ${width}px`);
      await page.close();
    }
  });

  it('withdraws with JavaScript off only once confirmed, and the page then says withdrawn', async () => {
    onTestFailed(() => console.error(desk.service.output()));
    const { link } = await submit({
      name: 'Ria News',
      outlet: 'Metro',
      phone: '07911 123458',
      subject: 'Bin collection changes',
      details: 'When do the new collection days start?',
    });
    const page = await noScript.newPage();
    await page.goto(link);
    await page.getByLabel('Why you no longer need it (optional)').fill('Found the answer on the council website.');
    expect(await press(page, 'Withdraw enquiry')).toBe(422);
    await expect(page.locator('#confirm-error').innerText()).resolves.toContain('Tick the box to confirm');
    // The reason typed is kept for the second try.
    expect(await page.getByLabel('Why you no longer need it (optional)').inputValue()).toBe(
      'Found the answer on the council website.',
    );

    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    await page.getByLabel('Yes, withdraw this enquiry').check();
    expect(await press(page, 'Withdraw enquiry')).toBe(303);
    expect(page.url()).toBe(`${link}?done=withdraw`);
    await expect(page.getByRole('status').innerText()).resolves.toContain('Your enquiry is withdrawn');
    await expect(page.locator('#stage-title').innerText()).resolves.toContain('Withdrawn');
    await expect(page.locator('main').innerText()).resolves.toContain(
      'Your reason: Found the answer on the council website.',
    );
    // Nothing left to change: no forms but none.
    expect(await page.getByRole('button', { name: 'Add information' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Withdraw enquiry' }).count()).toBe(0);
    await page.close();

    // A form left open in another tab: refused with the reason, nothing added.
    const late = await fetch(`${link}/add`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, information: 'One more thing' }).toString(),
    });
    expect(late.status).toBe(409);
    const html = await late.text();
    expect(html).toContain('can no longer be changed');
    expect(html).not.toContain('One more thing');
  });

  it('refuses a post without the page’s form token (403) and changes nothing', async () => {
    onTestFailed(() => console.error(desk.service.output()));
    const { link } = await submit({
      name: 'Kim Post',
      outlet: 'Radio Northside',
      phone: '07911 123461',
      subject: 'Tram timetable',
      details: 'Is the tram timetable changing?',
    });
    const res = await fetch(`${link}/withdraw`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'confirm=yes&_csrf=forged',
    });
    expect(res.status).toBe(403);
    const page = await noScript.newPage();
    await page.goto(link);
    await expect(page.locator('#stage-title').innerText()).resolves.toContain('Received');
    expect(await page.getByRole('button', { name: 'Withdraw enquiry' }).count()).toBe(1);
    await page.close();
  });

  it('answers a tampered or unknown link with the same 404 page', async () => {
    onTestFailed(() => console.error(desk.service.output()));
    const { link } = await submit({
      name: 'Lee Chan',
      outlet: 'Metro',
      phone: '07911 123459',
      subject: 'Park lighting',
      details: 'Is the park lighting being switched off at night?',
    });
    const last = link.slice(-1);
    const tampered = `${link.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`;
    const bodies: string[] = [];
    for (const url of [tampered, `${desk.baseUrl}/status/not-a-token`]) {
      const res = await fetch(url);
      expect(res.status).toBe(404);
      bodies.push(await res.text());
    }
    expect(bodies[0]).toContain('This link does not work');
    expect(bodies[1]).toBe(bodies[0]);
    const page = await phone.newPage();
    await page.goto(tampered);
    await expectFits(page, 'the 404 page');
    await expectNoViolations(page, 'GET /status/{tampered token} (404)');
    await page.close();
  });

  it('shows a released response (and saves the README screenshot with PRESSDESK_SCREENSHOTS=1)', async () => {
    onTestFailed(() => console.error(desk.service.output()));
    const { reference, link } = await submit({
      name: 'Alex Morgan',
      outlet: 'Evening Gazette',
      phone: '07911 123460',
      subject: 'Police cordon on Market Street',
      details: 'Residents say Market Street has been sealed off since about 1am. What is happening?',
      deadline: minutesFromNow(20 * 60),
    });
    let page = await noScript.newPage();
    await page.goto(link);
    await page
      .getByLabel('What you want to add', { exact: true })
      .fill('We go to print at 6pm, so anything before then helps. Is anyone hurt?');
    expect(await press(page, 'Add information')).toBe(303);
    await page.close();
    // The desk's release is another helper's screen; here the fixture records it as the desk would.
    await desk.db
      .updateTable('enquiry')
      .set({
        status: 'answered',
        response_given:
          'A suspected gas leak at number 42. The cordon stays until engineers say it is safe; nobody has been hurt and no one has been arrested.',
        response_released_at: new Date(),
      })
      .where('reference', '=', reference)
      .execute();

    page = await phone.newPage();
    await page.setViewportSize({ width: 400, height: 800 });
    await page.goto(link);
    await expect(page.locator('#stage-title').innerText()).resolves.toContain('Answered');
    await expect(page.locator('.status-response').innerText()).resolves.toContain('nobody has been hurt');
    await expect(page.locator('.status-additions').innerText()).resolves.toContain('We go to print at 6pm');
    await expectNoViolations(page, 'GET /status/{token} with a released response');
    if (SCREENSHOTS) {
      mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
      await page.screenshot({ path: join(REPO_ROOT, 'docs', 'status-page.png'), fullPage: true });
    }
    await page.close();
  });
});
