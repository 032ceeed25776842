/**
 * Cover without a manager (issue 27, item 4), in a real browser: an officer's cover page at 1280px
 * and 320px, the request sent from it (the whole shift, the form's default), and a colleague's
 * accept link opened and accepted on a 320px phone. No WCAG 2.2 A/AA violation on any of them,
 * and no sideways scrolling. The accept link is the one the service texted (the fake Twilio's record).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_SKIP_MESSAGE, browserPlan, browserSuiteTitle, CHROMIUM_PATH } from '../support/browser.js';
import { expectFits, expectNoViolations } from '../support/browser-expect.js';
import { signIn, waitUntil, type Credentials } from './desk-fixture.js';
import { useBrowserDesk, type BrowserDesk } from './browser-desk.js';

const plan = browserPlan();
if (plan === 'skip') console.warn(`\n${BROWSER_SKIP_MESSAGE}\n`);

if (plan === 'fail') {
  describe('cover requests in a browser (PRESSDESK_REQUIRE_BROWSER is set)', () => {
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
const SAM = '+447911200001';
const JO = '+447911200002';
const ALEX = '+447911200003';
const HOUR = 3_600_000;

describe.skipIf(plan !== 'run')(browserSuiteTitle('asking for cover and accepting it, at 1280px and 320px'), () => {
  const env: BrowserDesk = useBrowserDesk(OFFICER);
  beforeAll(async () => {
    const { db } = env.database;
    // On whole minutes: the form's datetime-local fields carry minutes, and the whole shift must be asked for.
    const start = new Date(Math.ceil(Date.now() / HOUR) * HOUR + 3 * HOUR);
    const end = new Date(start.getTime() + 8 * HOUR);
    const verified = new Date(Date.now() - 24 * HOUR);
    const [sam] = await db
      .insertInto('person')
      .values([
        { name: 'Sam Patel', phone: SAM, phone_verified_at: verified },
        { name: 'Jo Smith', phone: JO, phone_verified_at: verified },
        { name: 'Alex Brown', phone: ALEX, phone_verified_at: verified },
      ])
      .returning('id')
      .execute();
    await db
      .insertInto('rota_entry')
      .values({ person_id: sam!.id, role: 'primary', starts_at: start, ends_at: end, created_by: 'test' })
      .execute();
    // The desk knows Sam as that rota person by the account's mobile.
    await db.updateTable('app_user').set({ mobile: SAM }).where('email', '=', OFFICER.email).execute();
  });

  it('the officer asks for cover of their shift and a colleague accepts on a phone, without an axe violation or sideways scroll', async () => {
    const base = env.desk.baseUrl;
    for (const context of [env.phone, env.desktop]) {
      const width = context === env.phone ? '320px' : '1280px';
      const page = await context.newPage();
      await signIn(page, base, OFFICER);
      await page.goto(`${base}/desk/cover`);
      await expect(page.getByRole('heading', { name: /^On call: / }).count()).resolves.toBe(1);
      await expect(page.getByText('You have no requests for cover.').count()).resolves.toBe(1);
      await expectFits(page, `the cover page at ${width}`);
      await expectNoViolations(page, `the cover page at ${width}`);
      if (context === env.phone) {
        await page.close();
        continue;
      }
      // At 1280px: ask for the whole shift, as the form offers by default.
      await Promise.all([
        page.waitForURL(`${base}/desk/cover?done=asked`),
        page.getByRole('button', { name: 'Ask for cover of this shift' }).click(),
      ]);
      await expect(page.getByText('Your colleagues have been asked to cover.').count()).resolves.toBe(1);
      await expect(page.locator('.cover-requests').innerText()).resolves.toMatch(
        /^On call .+ to .+: waiting for a colleague to accept\./,
      );
      await expectFits(page, 'the cover page with a request at 1280px');
      await expectNoViolations(page, 'the cover page with a request at 1280px');
      await page.close();
    }

    // Each colleague is texted their own accept link; Jo opens hers on her phone.
    const linkTo = (phone: string) =>
      env.desk.twilio.messages
        .map((m) => (m.to === phone ? /\/cover\/([A-Za-z0-9_-]{22})\b/.exec(m.body ?? '')?.[1] : undefined))
        .find(Boolean);
    const token = await waitUntil(
      'the cover links texted to Jo and Alex',
      () => linkTo(ALEX) && linkTo(JO),
      15_000,
      100,
    );
    expect(token).not.toBe(linkTo(ALEX));
    expect(env.desk.twilio.messages.filter((m) => m.to === SAM)).toEqual([]);
    const page = await env.phone.newPage();
    await page.goto(`${base}/cover/${token}`);
    await expect(page.getByRole('heading', { name: 'Cover Sam Patel’s on-call shift' }).count()).resolves.toBe(1);
    await expectFits(page, 'the accept link at 320px');
    await expectNoViolations(page, 'the accept link at 320px');
    await Promise.all([
      page.waitForURL(`${base}/cover/${token}`),
      page.getByRole('button', { name: 'Accept: I will cover it' }).click(),
    ]);
    await expect(page.getByText('Thank you: you are on the rota for that time now.').count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: 'Accept: I will cover it' }).count()).resolves.toBe(0);
    await expectFits(page, 'the accepted link at 320px');
    await expectNoViolations(page, 'the accepted link at 320px');
    await page.close();

    // Sam's cover page now says who took it.
    const desk = await env.desktop.newPage();
    await desk.goto(`${base}/desk/cover`);
    await expect(desk.locator('.cover-requests').innerText()).resolves.toContain('covered by Jo Smith.');
    await desk.close();
  }, 120_000);
});
