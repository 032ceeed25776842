/**
 * The incident page where lines need sign-off (issue 26), in a real browser: a line's sign-off
 * state and its form, and the manager's choice of the incident's approver, have no WCAG 2.2 A/AA
 * violation at 1280px and 320px, and fit the phone without sideways scrolling.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_SKIP_MESSAGE, browserPlan, browserSuiteTitle, CHROMIUM_PATH } from '../support/browser.js';
import { expectFits, expectNoViolations } from '../support/browser-expect.js';
import { signIn, type Credentials } from './desk-fixture.js';
import { useBrowserDesk, type BrowserDesk } from './browser-desk.js';

const plan = browserPlan();
if (plan === 'skip') console.warn(`\n${BROWSER_SKIP_MESSAGE}\n`);

if (plan === 'fail') {
  describe('line sign-off in a browser (PRESSDESK_REQUIRE_BROWSER is set)', () => {
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

describe.skipIf(plan !== 'run')(
  browserSuiteTitle('the incident page with lines that need sign-off, at 1280px and 320px'),
  () => {
    const env: BrowserDesk = useBrowserDesk(OFFICER, { statements: { signOff: 'incident' } });
    let incidentUrl: string;
    beforeAll(async () => {
      await env.desk.createUser(MANAGER, 'manager');
      const now = new Date();
      const { db } = env.database;
      for (const [name, role, mobile] of [
        ['Det Supt Grey', 'Senior investigating officer (Major Crime)', '+447911200001'],
        ['Insp Amber', 'Duty inspector', '+447911200002'],
      ])
        await db
          .insertInto('colleague')
          .values({ name, role, mobile, email: null, usual_hours: null, created_at: now, updated_at: now })
          .execute();
      const { id } = await db
        .insertInto('incident')
        .values({ name: 'Market Street cordon', terms: 'cordon', declared_at: now, declared_by: MANAGER.email })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('incident_line')
        .values({
          incident_id: id,
          kind: 'holding',
          text: 'Officers are at an address on Market Street. The road is closed while they work.',
          created_at: now,
          created_by: MANAGER.email,
        })
        .execute();
      incidentUrl = `${env.desk.baseUrl}/desk/incidents/${id}`;
      // A journalist asks about it (linked at intake): the line has someone to go to.
      const res = await fetch(`${env.desk.baseUrl}/api/enquiries`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          name: 'Ann Reporter',
          outlet: 'Evening Gazette',
          phone: '+447911123456',
          subject: 'Police cordon on Market Street',
          details: 'What is happening?',
        }),
      });
      expect(res.status).toBe(201);
    });

    it('shows the line awaiting sign-off, its form and the approver choice without an axe violation or sideways scroll', async () => {
      for (const context of [env.desktop, env.phone]) {
        const width = context === env.phone ? '320px' : '1280px';
        const page = await context.newPage();
        await signIn(page, env.desk.baseUrl, MANAGER);
        await page.goto(incidentUrl);
        await expect(page.locator('#lines').innerText()).resolves.toContain('Needs sign-off before it is sent.');
        await expect(page.getByLabel('Who signs off its lines and responses').count()).resolves.toBe(1);
        await expect(page.getByRole('button', { name: 'Send for sign-off' }).count()).resolves.toBe(1);
        await expectFits(page, `the incident page with a line needing sign-off at ${width}`);
        await expectNoViolations(page, `the incident page with a line needing sign-off at ${width}`);
        // Nobody chosen: refused beside the form, still accessible.
        await Promise.all([
          page.waitForResponse((r) => r.request().method() === 'POST'),
          page.getByRole('button', { name: 'Send for sign-off' }).click(),
        ]);
        await page.waitForLoadState();
        await expect(page.locator('#line-signoff-approvers').innerText()).resolves.toContain('Choose who signs it off');
        await expectFits(page, `the refused line sign-off at ${width}`);
        await expectNoViolations(page, `the refused line sign-off at ${width}`);
        await page.close();
      }
    }, 90_000);
  },
);
