/**
 * Issue 31, the web journey in Welsh, in a real browser: a Welsh-first office (office.languages
 * ["cy","en"]) serves its form in Welsh with `<html lang="cy-GB">` and a switch whose English
 * link is marked `lang="en-GB"`; the form with Welsh errors, the Welsh confirmation and the Welsh
 * status page have no WCAG 2.2 A/AA violations at 320px and 1280px. With PRESSDESK_SCREENSHOTS=1
 * the form and the status page are saved as docs/form-cy.png and docs/status-page-cy.png.
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
import { ALWAYS_OPEN, startDesk, type Desk } from './desk-fixture.js';

const plan = browserPlan();
if (plan === 'skip') console.warn(`\n${BROWSER_SKIP_MESSAGE}\n`);

if (plan === 'fail') {
  describe('the Welsh journey in a browser (PRESSDESK_REQUIRE_BROWSER is set)', () => {
    it('needs chromium', () => {
      throw new Error(`PRESSDESK_REQUIRE_BROWSER is set but ${CHROMIUM_PATH} is missing: apt-get install -y chromium`);
    });
  });
}

// A Welsh speaker's browser (its Accept-Language is cy-GB): an English one would be answered in
// English, as the scenario tests show.
const PHONE = { viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true, locale: 'cy-GB' };
const DESKTOP = { viewport: { width: 1280, height: 900 }, locale: 'cy-GB' };
const SCREENSHOTS = ['1', 'true'].includes((process.env.PRESSDESK_SCREENSHOTS ?? '').toLowerCase());

describe.skipIf(plan !== 'run')(browserSuiteTitle('the Welsh form and status page at 320px and 1280px'), () => {
  let database: TestDatabase;
  let desk: Desk;
  let browser: Browser;
  let phone: BrowserContext;
  let desktop: BrowserContext;

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = { ...ALWAYS_OPEN, office: { ...ALWAYS_OPEN.office, languages: ['cy', 'en'] } };
    const [d, b] = await Promise.all([startDesk({ databaseUrl: database.url, config }), launchBrowser()]);
    desk = d;
    browser = b!;
    phone = await browser.newContext(PHONE);
    desktop = await browser.newContext(DESKTOP);
    for (const c of [phone, desktop]) c.setDefaultTimeout(10_000);
  }, 90_000);

  afterAll(async () => {
    for (const c of [phone, desktop]) await c?.close().catch(() => undefined);
    await browser?.close();
    await desk?.close();
    await database?.drop();
  });

  /** The page's language and its switch: the other language's link marked with its own `lang`. */
  async function expectWelshWithSwitch(page: Page): Promise<void> {
    expect(await page.locator('html').getAttribute('lang')).toBe('cy-GB');
    const english = page.locator('.language-switch a');
    await expect(english.innerText()).resolves.toBe('English');
    expect(await english.getAttribute('lang')).toBe('en-GB');
    expect(await english.getAttribute('hreflang')).toBe('en-GB');
  }

  it('shows the form in Welsh, with Welsh errors, accessibly at 320px and 1280px; English by the switch', async () => {
    onTestFailed(() => console.error(desk.service.output()));
    for (const [context, width] of [
      [phone, 320],
      [desktop, 1280],
    ] as const) {
      const page = await context.newPage();
      await page.goto(`${desk.baseUrl}/`);
      await expectWelshWithSwitch(page);
      await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Anfon ymholiad gan y cyfryngau');
      if (width === 320) await expectFits(page, 'the Welsh form');
      await expectNoViolations(page, `GET / in Welsh at ${width}px`);
      if (SCREENSHOTS && width === 1280) {
        mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
        await page.getByLabel('Eich enw').fill('Siân Gohebydd');
        await page.getByLabel('Cyfrwng newyddion').fill('Radio Cymru');
        await page.getByLabel('Cyfeiriad e-bost').fill('sian@radiocymru.example');
        await page.getByLabel('Pwnc').fill('Llifogydd ar Heol y Bont');
        await page
          .getByLabel('Manylion eich ymholiad')
          .fill('Faint o dai sydd wedi’u heffeithio, a phryd fydd y ffordd yn ailagor?');
        await page.screenshot({ path: join(REPO_ROOT, 'docs', 'form-cy.png'), fullPage: true });
        await page.goto(`${desk.baseUrl}/`);
      }

      // Sent empty: the errors are Welsh, by their fields, and still accessible.
      await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Anfon yr ymholiad' }).click()]);
      await expect(page.locator('.error-summary').innerText()).resolves.toContain('Rhowch eich enw');
      await expectWelshWithSwitch(page);
      await expectNoViolations(page, `POST /enquiries in Welsh with errors at ${width}px`);

      await page.locator('.language-switch a').click();
      await page.waitForLoadState();
      expect(await page.locator('html').getAttribute('lang')).toBe('en-GB');
      await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Send a media enquiry');
      expect(await page.locator('.language-switch a').getAttribute('lang')).toBe('cy-GB');
      await page.close();
    }
  });

  it('confirms in Welsh and opens a Welsh status page, accessibly at 320px and 1280px', async () => {
    onTestFailed(() => console.error(desk.service.output()));
    const page = await desktop.newPage();
    await page.goto(`${desk.baseUrl}/`);
    await page.getByLabel('Eich enw').fill('Siân Gohebydd');
    await page.getByLabel('Cyfrwng newyddion').fill('Radio Cymru');
    await page.getByLabel('Rhif ffôn').fill('07911 123470');
    await page.getByLabel('Pwnc').fill('Llifogydd ar Heol y Bont');
    await page
      .getByLabel('Manylion eich ymholiad')
      .fill('Faint o dai sydd wedi’u heffeithio, a phryd fydd y ffordd yn ailagor?');
    await Promise.all([
      page.waitForURL(/\/confirmation/),
      page.getByRole('button', { name: 'Anfon yr ymholiad' }).click(),
    ]);
    await expectWelshWithSwitch(page);
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Mae’ch ymholiad wedi cyrraedd');
    await expectNoViolations(page, 'the Welsh confirmation');
    const link = await page.locator('.status-link a').getAttribute('href');
    expect(link).toMatch(/\/status\//);
    await page.close();

    for (const [context, width] of [
      [phone, 320],
      [desktop, 1280],
    ] as const) {
      const status = await context.newPage();
      await status.goto(link!);
      await expectWelshWithSwitch(status);
      await expect(status.locator('#stage-title').innerText()).resolves.toContain('Wedi cyrraedd');
      await expect(status.locator('main').innerText()).resolves.toContain('Ychwanegu gwybodaeth');
      if (width === 320) await expectFits(status, 'the Welsh status page');
      await expectNoViolations(status, `GET /status/{token} in Welsh at ${width}px`);
      if (SCREENSHOTS && width === 1280) {
        await status.setViewportSize({ width: 400, height: 800 });
        await status.screenshot({ path: join(REPO_ROOT, 'docs', 'status-page-cy.png'), fullPage: true });
      }
      await status.close();
    }
  });
});
