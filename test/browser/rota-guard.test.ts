/**
 * The rota page as the guard shows it (issue 27), in a real browser: gaps in red, a shift awaiting
 * OK and a confirmed one, a number whose last page or test failed, and the gap banner every desk
 * page carries for managers. No WCAG 2.2 A/AA violation at 1280px and 320px, and no sideways
 * scrolling on the phone.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_SKIP_MESSAGE, browserPlan, browserSuiteTitle, CHROMIUM_PATH } from '../support/browser.js';
import { expectFits, expectNoViolations } from '../support/browser-expect.js';
import { signIn, type Credentials } from './desk-fixture.js';
import { useBrowserDesk, type BrowserDesk } from './browser-desk.js';
import { mintShiftLink } from '../../src/oncall/shift-link.service.js';

const plan = browserPlan();
if (plan === 'skip') console.warn(`\n${BROWSER_SKIP_MESSAGE}\n`);

if (plan === 'fail') {
  describe('the guarded rota in a browser (PRESSDESK_REQUIRE_BROWSER is set)', () => {
    it('needs chromium', () => {
      throw new Error(`PRESSDESK_REQUIRE_BROWSER is set but ${CHROMIUM_PATH} is missing: apt-get install -y chromium`);
    });
  });
}

const OFFICER: Credentials = {
  email: 'sam.patel@press.example.org',
  password: 'officer-password-5678',
  name: 'Sam Patel',
};
const MANAGER: Credentials = {
  email: 'mo.manager@press.example.org',
  password: 'manager-password-5678',
  name: 'Mo Manager',
};
const HOUR = 3_600_000;

describe.skipIf(plan !== 'run')(
  browserSuiteTitle('the rota page with gaps and confirmations, at 1280px and 320px'),
  () => {
    const env: BrowserDesk = useBrowserDesk(OFFICER);
    let kimShift: { id: string; endsAt: Date };
    beforeAll(async () => {
      await env.desk.createUser(MANAGER, 'manager');
      const { db } = env.database;
      const now = Date.now();
      const at = (h: number) => new Date(now + h * HOUR);
      const [jo, kim] = await db
        .insertInto('person')
        .values([
          { name: 'Jo Smith', phone: '+447911200001' },
          { name: 'Kim Lee', phone: '+447911200002' },
        ])
        .returning('id')
        .execute();
      await db
        .insertInto('rota_entry')
        .values([
          // Jo has it now, reminded and confirmed; Kim's shift tonight was reminded and awaits OK.
          {
            person_id: jo!.id,
            role: 'primary',
            starts_at: at(-2),
            ends_at: at(4),
            created_by: 'test',
            reminded_at: at(-4),
            confirmed_at: at(-3),
          },
          {
            person_id: kim!.id,
            role: 'primary',
            starts_at: at(30),
            ends_at: at(40),
            created_by: 'test',
            reminded_at: at(0),
          },
        ])
        .returning(['id', 'ends_at'])
        .execute()
        .then((rows) => {
          kimShift = { id: rows[1]!.id, endsAt: rows[1]!.ends_at };
        });
      // Kim's last test page was undelivered: her shift is a gap; nobody is on between 4 and 30 hours from now.
      await db
        .insertInto('outbound_message')
        .values({
          owner_kind: 'message',
          medium: 'sms',
          idempotency_key: 'test-page:browser',
          to_number: '+447911200002',
          content: 'test',
          state: 'sent',
          provider_status: 'undelivered',
          created_at: at(-1),
        })
        .execute();
      await db
        .insertInto('rota_gap')
        .values([
          { starts_at: at(4), ends_at: at(30), reason: 'nobody', person_id: null, found_at: at(-1), resolved_at: null },
          {
            starts_at: at(30),
            ends_at: at(40),
            reason: 'failed_number',
            person_id: kim!.id,
            found_at: at(-1),
            resolved_at: null,
          },
        ])
        .execute();
    });

    it('shows the gaps in red and the confirmations without an axe violation or sideways scroll', async () => {
      for (const context of [env.desktop, env.phone]) {
        const width = context === env.phone ? '320px' : '1280px';
        const page = await context.newPage();
        await signIn(page, env.desk.baseUrl, MANAGER);
        await page.goto(`${env.desk.baseUrl}/desk`);
        await expect(page.locator('.banner', { hasText: 'The on-call rota has 2 gaps' }).count()).resolves.toBe(1);
        await expectNoViolations(page, `the queue with the gap banner at ${width}`);
        await page.goto(`${env.desk.baseUrl}/desk/rota`);
        const gaps = await page.locator('.rota-gaps').innerText();
        expect(gaps).toContain('2 gaps in the rota');
        expect(gaps).toContain("Kim Lee's number failed its last page or test");
        await expect(page.locator('.rota-table tr.is-gap').count()).resolves.toBeGreaterThan(0);
        const entries = await page.locator('.rota-entries').innerText();
        expect(entries).toMatch(/confirmed/i);
        expect(entries).toMatch(/not confirmed/i);
        await expect(page.locator('.rota-people').innerText()).resolves.toMatch(/last page or test failed/i);
        await expectFits(page, `the rota page with gaps at ${width}`);
        await expectNoViolations(page, `the rota page with gaps at ${width}`);
        await page.close();
      }
      // An officer is not shown the managers' rota warnings.
      const page = await env.desktop.newPage();
      await signIn(page, env.desk.baseUrl, OFFICER);
      await page.goto(`${env.desk.baseUrl}/desk`);
      await expect(page.getByText('The on-call rota has').count()).resolves.toBe(0);
      await page.close();
    }, 90_000);

    it("opens a reminder's shift link on a phone: confirm, then ask for cover, without an axe violation", async () => {
      const token = await env.database.db.transaction().execute((tx) => mintShiftLink(tx, kimShift, new Date()));
      const page = await env.phone.newPage();
      await page.goto(`${env.desk.baseUrl}/r/${token}`);
      await expect(page.locator('h1').innerText()).resolves.toBe('Your shift, Kim Lee');
      await expectFits(page, 'the shift link at 320px');
      await expectNoViolations(page, 'the shift link at 320px');
      await Promise.all([page.waitForURL(/done=confirmed/), page.getByRole('button', { name: /Confirm/ }).click()]);
      await expect(page.locator('main').innerText()).resolves.toContain('Thank you: your shift is confirmed.');
      await expectNoViolations(page, 'the shift link, confirmed, at 320px');
      await Promise.all([
        page.waitForURL(/done=asked/),
        page.getByRole('button', { name: 'Ask colleagues to cover it' }).click(),
      ]);
      await expect(page.locator('main').innerText()).resolves.toContain('Your colleagues have been asked to cover.');
      await expectFits(page, 'the shift link after asking for cover at 320px');
      await expectNoViolations(page, 'the shift link after asking for cover at 320px');
      await page.close();
    }, 60_000);
  },
);
