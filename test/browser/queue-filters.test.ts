/**
 * The queue's filters in a real browser (issue 23, item 4): an officer filters by outlet, then
 * presses "This week" (which keeps the outlet), and the result count says how many match; the
 * filtered queue passes axe (WCAG 2.2 A/AA) and fits the screen at 1280px and 320px. An enquiry
 * that arrives through the API while the page is open updates the counts without a reload.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { BROWSER_SKIP_MESSAGE, browserPlan, browserSuiteTitle, CHROMIUM_PATH } from '../support/browser.js';
import { expectFits, expectNoViolations } from '../support/browser-expect.js';
import { signIn, type Credentials, type Desk } from './desk-fixture.js';
import { useBrowserDesk } from './browser-desk.js';

const plan = browserPlan();
if (plan === 'skip') console.warn(`\n${BROWSER_SKIP_MESSAGE}\n`);

if (plan === 'fail') {
  describe('queue filters in a browser (PRESSDESK_REQUIRE_BROWSER is set)', () => {
    it('needs chromium', () => {
      throw new Error(`PRESSDESK_REQUIRE_BROWSER is set but ${CHROMIUM_PATH} is missing: apt-get install -y chromium`);
    });
  });
}

const OFFICER: Credentials = {
  email: 'rae.officer@press.example.org',
  password: 'officer-password-9012',
  name: 'Rae Officer',
};
const DAY = 86_400_000;

describe.skipIf(plan !== 'run')(browserSuiteTitle('queue filters at 1280px and 320px, with live counts'), () => {
  const env = useBrowserDesk(OFFICER);
  let desk: Desk;
  let desktop: BrowserContext;
  let phone: BrowserContext;
  beforeAll(() => {
    ({ desk, desktop, phone } = env);
  });

  /** Filters the queue by outlet, then "This week"; returns the page on the filtered view. */
  async function filtered(ctx: BrowserContext): Promise<Page> {
    const page = await ctx.newPage();
    await signIn(page, desk.baseUrl, OFFICER);
    await page.goto(`${desk.baseUrl}/desk`);
    await page.getByLabel('Outlet').fill('bbc');
    await Promise.all([page.waitForURL(/outlet=bbc/), page.getByRole('button', { name: 'Apply' }).click()]);
    await Promise.all([
      page.waitForURL(/from=\d{4}-\d{2}-\d{2}/),
      page.getByRole('link', { name: 'This week' }).click(),
    ]);
    return page;
  }

  it('filters by outlet and "This week", shows the count, and passes axe at both widths', async () => {
    onTestFailed(() => console.error(desk.service.output()));
    const thisWeek = await desk.submit({
      name: 'Tom Fraser',
      outlet: 'BBC Radio Midlands',
      phone: '07911 123457',
      subject: 'Road closure on the ring road',
      details: 'How long will it last?',
    });
    const lastMonth = await desk.submit({
      name: 'Priya Shah',
      outlet: 'BBC News Online',
      email: 'priya.shah@example.co.uk',
      subject: 'Bin collections',
      details: 'Why were they missed?',
    });
    const otherOutlet = await desk.submit({
      name: 'Alex Morgan',
      outlet: 'Evening Gazette',
      phone: '07911 123456',
      subject: 'Library hours',
      details: 'Are they changing?',
    });
    await desk.shiftIntoPast(lastMonth.reference, 30 * DAY);

    const page = await filtered(desktop);
    const url = new URL(page.url());
    expect(url.searchParams.get('outlet')).toBe('bbc');
    await expect(page.locator('#result-count').innerText()).resolves.toBe('1 enquiry');
    await expect(page.locator(`#row-${thisWeek.reference}`).count()).resolves.toBe(1);
    await expect(page.locator(`#row-${lastMonth.reference}`).count()).resolves.toBe(0);
    await expect(page.locator(`#row-${otherOutlet.reference}`).count()).resolves.toBe(0);
    await expect(page.getByLabel('Outlet').inputValue()).resolves.toBe('bbc');
    await expectNoViolations(page, 'the queue filtered by outlet and this week at 1280px');
    await expectFits(page, 'the queue filtered by outlet and this week at 1280px');

    // A bad date: the message, still accessible.
    await page.goto(`${desk.baseUrl}/desk?from=2026-12-09&to=2026-12-01`);
    await expect(page.locator('.error-summary').innerText()).resolves.toContain(
      'Received from must be on or before received to',
    );
    await expectNoViolations(page, 'the queue with a bad date range at 1280px');

    const small = await filtered(phone);
    await expect(small.locator('#result-count').innerText()).resolves.toBe('1 enquiry');
    await expectNoViolations(small, 'the queue filtered by outlet and this week at 320px');
    await expectFits(small, 'the queue filtered by outlet and this week at 320px');
  });

  it('updates the counts live when an enquiry arrives through the API', async () => {
    onTestFailed(() => console.error(desk.service.output()));
    const page = await filtered(desktop);
    await page.waitForSelector('body[data-live="connected"]');
    const before = Number(await page.locator('[data-count="open"]').innerText());
    const count = await page.locator('#result-count').innerText();
    expect(count).toMatch(/^\d+ enquir(y|ies)$/);
    const n = Number(count.split(' ')[0]);

    await desk.submit({
      name: 'Sam Lee',
      outlet: 'BBC Radio Midlands',
      phone: '07911 123458',
      subject: 'Flooding on the bypass',
      details: 'Is it closed?',
    });
    await expect.poll(() => page.locator('#result-count').innerText(), { timeout: 10_000 }).toBe(`${n + 1} enquiries`);
    await expect
      .poll(() => page.locator('[data-count="open"]').innerText(), { timeout: 10_000 })
      .toBe(String(before + 1));
    // No reload: the arrival also shows in the page's live section (its own request, so it may come after the counts).
    await expect.poll(() => page.locator('#live-section').isHidden(), { timeout: 10_000 }).toBe(false);
  });
});
