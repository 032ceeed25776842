/**
 * Inserting a line to take while typing a reply (issue 28, items 1 and 2), in a real browser and
 * by keyboard only, at 1280px and 320px: the officer tabs to the SMS reply's "Insert a line or
 * template", types part of a line's title, ArrowDown, Enter; the box then holds the line's exact
 * words, the focus is back in the box, the counter under it gives the characters and SMS
 * segments; sent, the text the journalist gets (fake Twilio) is the line, unchanged. A line past
 * its review date shows its warning on the first Enter and goes in only on the second. The page
 * has no axe violation with the list of suggestions open, and fits 320px. An incident's new-line
 * form offers lines only (a template is filled for one enquiry; a line goes to many).
 *
 * The library is written in SQL (line_to_take, reply_template), so this needs nothing of the
 * library's own pages.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, expect, it, onTestFailed } from 'vitest';
import { expectFits, expectNoViolations } from '../support/browser-expect.js';
import { describeInBrowser } from '../support/browser-suite.js';
import { signIn, waitUntil, type Credentials, type Desk } from './desk-fixture.js';
import { useBrowserDesk } from './browser-desk.js';

const OFFICER: Credentials = {
  email: 'sam.patel@press.example.org',
  password: 'officer-password-5678',
  name: 'Sam Patel',
};
/** Two SMS segments in GSM: 153 × 2 places hold it, 160 do not. */
const DEPOT_LINE =
  'Fire crews and police are at the depot on Mill Lane after a fire broke out at about 7pm. Nobody is reported hurt. Mill Lane is closed between the ring road and Station Street; please avoid the area. We will say more by 9pm.';
const A38_LINE = 'The A38 is closed overnight for resurfacing between junctions 3 and 4. It reopens at 6am.';

describeInBrowser('inserting a line while typing a reply, by keyboard, at 1280px and 320px', () => {
  const env = useBrowserDesk(OFFICER);
  let desk: Desk;
  let depotId: string;
  let a38Id: string;
  beforeAll(async () => {
    desk = env.desk;
    const now = new Date();
    const line = async (title: string, text: string, reviewBy: string | null) =>
      (
        await desk.db
          .insertInto('line_to_take')
          .values({
            title,
            text,
            review_by: reviewBy,
            approved_by: 'Chief Supt Reid',
            approved_at: now,
            created_at: now,
            created_by: desk.manager.email,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    depotId = await line('Depot fire: at the scene', DEPOT_LINE, null);
    // Past its review date: it warns before use.
    a38Id = await line('A38 closure overnight', A38_LINE, '2020-01-31');
    await desk.db
      .insertInto('reply_template')
      .values({
        title: 'Acknowledgement',
        body: 'Thanks {name}: we have your enquiry {reference}.',
        created_at: now,
        created_by: desk.manager.email,
        updated_at: now,
      })
      .execute();
  });

  /** Presses Tab until `id` has the focus (keyboard only); fails after `max` presses. */
  async function tabTo(page: Page, id: string, max = 120): Promise<void> {
    for (let i = 0; i < max; i++) {
      if ((await page.evaluate(() => document.activeElement?.id)) === id) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached #${id}`);
  }

  /** The id of the focused element. */
  const focused = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

  /** Waits for the search's list to be open with at least one option. */
  async function listOpen(page: Page): Promise<void> {
    await page.waitForSelector('#reply-insert[aria-expanded="true"]');
    await page.waitForSelector('#reply-insert-list [role="option"]');
  }

  async function insertAndSend(context: BrowserContext, width: number, phone: string): Promise<void> {
    const where = `at ${width}px`;
    const e = await desk.submit({
      name: 'Alex Morgan',
      outlet: 'Evening Gazette',
      phone,
      subject: 'Fire at the Mill Lane depot',
      details: 'Is anyone hurt? Which roads are closed?',
    });
    const page = await context.newPage();
    await signIn(page, desk.baseUrl, OFFICER);
    await page.goto(`${desk.baseUrl}/desk/enquiries/${e.reference}`);

    // By keyboard: to the search above the SMS reply box.
    await tabTo(page, 'reply-insert');
    const search = page.locator('#reply-insert');
    await expect(search.getAttribute('role')).resolves.toBe('combobox');
    await expect(page.locator('label[for="reply-insert"]').innerText()).resolves.toBe('Insert a line or template');
    await expect(page.locator('#reply-sms-count').innerText()).resolves.toBe('0 characters · 0 SMS segments');
    await page.keyboard.type('depot sce');
    await listOpen(page);
    // The list is open: the page, the combobox and its options pass axe.
    await expectNoViolations(page, `the enquiry page with the line suggestions open ${where}`);
    if (width === 320) await expectFits(page, `the enquiry page with the line suggestions open ${where}`);

    await page.keyboard.press('ArrowDown');
    const active = await search.getAttribute('aria-activedescendant');
    expect(active, where).toBeTruthy();
    const option = page.locator(`[id="${active}"]`);
    await expect(option.getAttribute('aria-selected')).resolves.toBe('true');
    const optionText = await option.innerText();
    expect(optionText).toContain(`${depotId} · Depot fire: at the scene`);
    expect(optionText).toContain('2 SMS segments');
    await page.keyboard.press('Enter');

    // The box holds the line's exact words; the focus is back in it; the counter measures it.
    const reply = page.locator('#reply');
    await expect(reply.inputValue()).resolves.toBe(DEPOT_LINE);
    await expect(focused(page)).resolves.toBe('reply');
    await expect(page.locator('#reply-sms-count').innerText()).resolves.toBe(
      `${DEPOT_LINE.length} characters · 2 SMS segments`,
    );
    await expect(search.getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(search.inputValue()).resolves.toBe('');

    // Sent by keyboard: the journalist gets the line, unchanged.
    await page.getByRole('button', { name: 'Send SMS reply', exact: true }).focus();
    await Promise.all([page.waitForURL((u) => u.searchParams.get('done') === 'sms'), page.keyboard.press('Enter')]);
    const sent = await waitUntil(
      `the reply to ${phone}`,
      () => desk.twilio.messages.find((m) => m.to === phone),
      20_000,
    );
    expect(sent.body, where).toBe(DEPOT_LINE);

    // A line past its review date: the first Enter warns, the second inserts.
    await page.waitForLoadState();
    await tabTo(page, 'reply-insert');
    await page.keyboard.type('a38');
    await listOpen(page);
    await page.keyboard.press('ArrowDown');
    const a38 = page.locator(`[id="${await search.getAttribute('aria-activedescendant')}"]`);
    await expect(a38.innerText()).resolves.toContain(`${a38Id} · A38 closure overnight`);
    await expect(a38.innerText()).resolves.toMatch(/review due/i);
    await page.keyboard.press('Enter');
    await expect(reply.inputValue()).resolves.toBe('');
    await expect(focused(page)).resolves.toBe('reply-insert');
    await expect(a38.locator('.insert__confirm').innerText()).resolves.toMatch(
      /^Due for review since 31 January 2020.*Press Enter again to insert it anyway\.$/,
    );
    await expect
      .poll(() => page.locator('#reply-insert-status').innerText())
      .toMatch(/^Due for review since 31 January 2020/);
    await expectNoViolations(page, `the review warning in the open list ${where}`);
    await page.keyboard.press('Enter');
    await expect(reply.inputValue()).resolves.toBe(A38_LINE);
    await expect(focused(page)).resolves.toBe('reply');
    await expect(page.locator('#reply-sms-count').innerText()).resolves.toBe(
      `${A38_LINE.length} characters · 1 SMS segment`,
    );
    // Escape closes the list without inserting.
    await tabTo(page, 'reply-insert');
    await page.keyboard.type('depot');
    await listOpen(page);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Escape');
    await expect(search.getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(reply.inputValue()).resolves.toBe(A38_LINE);
    await page.close();
  }

  it('at 1280px: tab to the search, type, ArrowDown, Enter; the line goes in, is counted and reaches the journalist exactly', async () => {
    onTestFailed(() => console.error(desk.service.output()));
    await insertAndSend(env.desktop, 1280, '+447911123456');
  }, 120_000);

  it("on an incident's new-line form: lines only (a template is for one enquiry), inserted by keyboard and counted", async () => {
    onTestFailed(() => console.error(desk.service.output()));
    const { id } = await desk.db
      .insertInto('incident')
      .values({
        name: 'Mill Lane depot fire',
        terms: 'depot',
        declared_at: new Date(),
        declared_by: desk.manager.email,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const page = await env.desktop.newPage();
    await signIn(page, desk.baseUrl, OFFICER);
    await page.goto(`${desk.baseUrl}/desk/incidents/${id}`);
    await tabTo(page, 'text-insert');
    await expect(page.locator('label[for="text-insert"]').innerText()).resolves.toBe('Insert a line to take');
    // The template matches, but is not offered here.
    await page.keyboard.type('acknowledgement');
    await expect.poll(() => page.locator('#text-insert-status').innerText()).toBe('Nothing in the library matches.');
    await expect(page.locator('#text-insert').getAttribute('aria-expanded')).resolves.toBe('false');
    await page.keyboard.press('Escape');
    await page.keyboard.type('depot sce');
    await page.waitForSelector('#text-insert-list [role="option"]');
    await expectNoViolations(page, 'the incident page with the line suggestions open at 1280px');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(page.locator('#text').inputValue()).resolves.toBe(DEPOT_LINE);
    await expect(focused(page)).resolves.toBe('text');
    await expect(page.locator('#text-sms-count').innerText()).resolves.toBe(
      `${DEPOT_LINE.length} characters · 2 SMS segments`,
    );
    await page.close();
  }, 120_000);

  it('at 320px: the same, fitting the phone', async () => {
    onTestFailed(() => console.error(desk.service.output()));
    await insertAndSend(env.phone, 320, '+447911123457');
  }, 120_000);
});
