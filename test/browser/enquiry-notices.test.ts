/**
 * The enquiry page's notices in a real browser (issue 23, item 3): after Assign to me, Send SMS
 * reply and Add note the page opens with a notice at its top, in the first screen, with
 * role="status" and the focus on it, saying what happened ("Assigned to you", "SMS queued to
 * 07911 123456"); the reply's state beside its form goes from queued to Sent; the page passes axe
 * at 1280px and 320px with the notice showing. With PRESSDESK_SCREENSHOTS=1 the page after the SMS
 * reply is saved as docs/enquiry-notice.png for the README. A journalist who texted STOP, or gave
 * a landline, is said so beside the number and in place of the SMS reply form (issue 24), also
 * axe-clean at both widths.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { BROWSER_SKIP_MESSAGE, browserPlan, browserSuiteTitle, CHROMIUM_PATH } from '../support/browser.js';
import { expectFits, expectNoViolations } from '../support/browser-expect.js';
import { REPO_ROOT } from '../support/service-process.js';
import { minutesFromNow, signIn, type Credentials, type Desk } from './desk-fixture.js';
import { useBrowserDesk } from './browser-desk.js';

const plan = browserPlan();
if (plan === 'skip') console.warn(`\n${BROWSER_SKIP_MESSAGE}\n`);

if (plan === 'fail') {
  describe('enquiry notices in a browser (PRESSDESK_REQUIRE_BROWSER is set)', () => {
    it('needs chromium', () => {
      throw new Error(`PRESSDESK_REQUIRE_BROWSER is set but ${CHROMIUM_PATH} is missing: apt-get install -y chromium`);
    });
  });
}

const SCREENSHOTS = ['1', 'true'].includes((process.env.PRESSDESK_SCREENSHOTS ?? '').toLowerCase());
const OFFICER: Credentials = {
  email: 'sam.patel@press.example.org',
  password: 'officer-password-5678',
  name: 'Sam Patel',
};

describe.skipIf(plan !== 'run')(
  browserSuiteTitle('enquiry page: a notice at the top after each action, at 1280px and 320px'),
  () => {
    const env = useBrowserDesk(OFFICER);
    let desk: Desk;
    let desktop: BrowserContext;
    let phone: BrowserContext;
    beforeAll(() => {
      ({ desk, desktop, phone } = env);
    });

    /** Presses the button named `name` and waits for the page its redirect leads to (`?done=<code>`). */
    async function press(page: Page, name: string, done: string): Promise<void> {
      await Promise.all([
        page.waitForURL((u) => u.searchParams.get('done') === done),
        page.getByRole('button', { name, exact: true }).click(),
      ]);
      await page.waitForLoadState();
    }

    /**
     * The notice is the page's status, in view as the page opens (on a phone the focus brings it
     * past the header), above the enquiry, and has the focus.
     */
    async function expectNoticeOnTop(page: Page, text: string | RegExp, where: string): Promise<void> {
      const status = page
        .getByRole('status')
        .filter({ has: page.locator('p') })
        .first();
      const said = (await status.innerText()).trim();
      if (typeof text === 'string') expect(said, where).toBe(text);
      else expect(said, where).toMatch(text);
      expect(await status.getAttribute('id'), where).toBe('notice');
      const box = (await status.boundingBox())!;
      const viewport = page.viewportSize()!;
      expect(box.y, where).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height, `${where}: below the first screen`).toBeLessThanOrEqual(viewport.height);
      const subject = (await page.locator('.subject').boundingBox())!;
      expect(box.y, `${where}: under the enquiry`).toBeLessThan(subject.y);
      expect(await page.evaluate(() => document.activeElement?.id), `${where}: focus`).toBe('notice');
    }

    it('assign, SMS reply and note each leave a notice at the top; axe-clean at both widths', async () => {
      onTestFailed(() => console.error(desk.service.output()));
      const e = await desk.submit({
        name: 'Alex Morgan',
        outlet: 'Evening Gazette',
        phone: '07911 123456',
        subject: 'A38 closed overnight',
        details: 'Why was the A38 closed between junctions 3 and 4 last night?',
        deadline: minutesFromNow(90),
      });
      const url = `${desk.baseUrl}/desk/enquiries/${e.reference}`;

      const page = await desktop.newPage();
      await signIn(page, desk.baseUrl, OFFICER);
      await page.goto(url);
      await expect(page.locator('#notice').count()).resolves.toBe(0);

      await press(page, 'Assign to me', 'assigned');
      await expectNoticeOnTop(page, 'Assigned to you', 'after Assign to me at 1280px');
      await expectNoViolations(page, 'the enquiry page with a notice at 1280px');

      await page.getByLabel('Reply to the journalist by SMS').fill('Thanks Alex: the A38 reopened at 06:10.');
      await press(page, 'Send SMS reply', 'sms');
      await expectNoticeOnTop(page, /^SMS (queued|sending|sent) to 07911 123456$/, 'after Send SMS reply at 1280px');
      // The reply's state beside its form follows the outbox to Sent; the button offers another.
      await expect
        .poll(
          async () => {
            await page.reload();
            return (await page.locator('#reply-state').innerText()).trim();
          },
          { timeout: 15_000 },
        )
        .toMatch(/: Sent$/);
      await expectNoticeOnTop(page, 'SMS sent to 07911 123456', 'the SMS notice once sent');
      await expect(page.getByRole('button', { name: 'Send another SMS reply', exact: true }).count()).resolves.toBe(1);
      await expectNoViolations(page, 'the enquiry page with the SMS notice at 1280px');
      if (SCREENSHOTS) {
        mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
        await page.screenshot({ path: join(REPO_ROOT, 'docs', 'enquiry-notice.png') });
      }
      await page.close();

      const small = await phone.newPage();
      await signIn(small, desk.baseUrl, OFFICER);
      await small.goto(url);
      await small.getByLabel('Internal note').fill('Checked with the roads team: resurfacing overran.');
      await press(small, 'Add note', 'note');
      await expectNoticeOnTop(small, 'Note added', 'after Add note at 320px');
      await expectFits(small, 'the enquiry page with a notice at 320px');
      await expectNoViolations(small, 'the enquiry page with a notice at 320px');
      await small.close();
    });

    it('a journalist who texted STOP and one with a landline: said beside the number and in place of the SMS reply form; axe-clean and fitting at both widths', async () => {
      onTestFailed(() => console.error(desk.service.output()));
      const stopped = await desk.submit({
        name: 'Ann Reporter',
        outlet: 'Evening Gazette',
        phone: '07911 123458',
        subject: 'Depot fire',
        details: 'Any injuries at the depot fire?',
      });
      await desk.sms('+447911123458', 'STOP');
      const landline = await desk.submit({
        name: 'Bo Reporter',
        outlet: 'Radio North',
        phone: '020 7946 0000',
        subject: 'Bridge repairs',
        details: 'When do the bridge repairs end?',
      });

      for (const [context, width] of [
        [desktop, 1280],
        [phone, 320],
      ] as const) {
        const page = await context.newPage();
        await signIn(page, desk.baseUrl, OFFICER);
        await page.goto(`${desk.baseUrl}/desk/enquiries/${stopped.reference}`);
        await expect(page.locator('#opt-out').innerText()).resolves.toMatch(
          /Texted STOP on .+: texts will not reach them; call or email\./,
        );
        await expect(page.locator('#reply-opt-out').innerText()).resolves.toMatch(
          /^No SMS reply can be sent: texted STOP on /,
        );
        await expect(page.getByRole('button', { name: 'Send SMS reply' }).count()).resolves.toBe(0);
        await expect(
          page
            .getByText('The journalist texted STOP: our texts will not reach them until they text START; call or email')
            .count(),
        ).resolves.toBe(1);
        await expectFits(page, `the enquiry of a journalist who texted STOP at ${width}px`);
        await expectNoViolations(page, `the enquiry of a journalist who texted STOP at ${width}px`);

        await page.goto(`${desk.baseUrl}/desk/enquiries/${landline.reference}`);
        await expect(
          page
            .locator('#no-texts')
            .innerText()
            .then((t) => t.trim()),
        ).resolves.toBe('(a landline: it cannot take texts; call or email)');
        await expect(page.locator('#reply-no-texts').innerText()).resolves.toBe(
          '020 7946 0000 is a landline: it cannot take texts; call or email.',
        );
        await expect(page.getByRole('button', { name: 'Send SMS reply' }).count()).resolves.toBe(0);
        await expectFits(page, `the enquiry of a journalist with a landline at ${width}px`);
        await expectNoViolations(page, `the enquiry of a journalist with a landline at ${width}px`);
        await page.close();
      }
    });
  },
);
