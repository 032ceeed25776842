/**
 * Presence and collision on the enquiry page in real browsers (issue 29, item 1), across two web
 * processes on one database: the desk's own process (web + jobs) and a second `--web` process.
 * Sam has the enquiry open on the second; Omar opens it on the first and Sam sees "Omar Officer is
 * viewing" within two seconds, then "is writing a reply" as Omar types, then nobody when Omar
 * closes the page. Omar sends his reply; Sam's reply from the page he loaded before is stopped
 * with what changed and his text kept, and "Send anyway" sends it once.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { BROWSER_SKIP_MESSAGE, browserPlan, browserSuiteTitle, CHROMIUM_PATH } from '../support/browser.js';
import { startService, type ServiceProcess } from '../support/service-process.js';
import { sql } from 'kysely';
import { ALWAYS_OPEN, signIn, type Credentials } from './desk-fixture.js';
import { DESKTOP, useBrowserDesk } from './browser-desk.js';

const plan = browserPlan();
if (plan === 'skip') console.warn(`\n${BROWSER_SKIP_MESSAGE}\n`);

if (plan === 'fail') {
  describe('presence in a browser (PRESSDESK_REQUIRE_BROWSER is set)', () => {
    it('needs chromium', () => {
      throw new Error(`PRESSDESK_REQUIRE_BROWSER is set but ${CHROMIUM_PATH} is missing: apt-get install -y chromium`);
    });
  });
}

const OMAR: Credentials = {
  email: 'omar.officer@press.example.org',
  password: 'officer-password-5678',
  name: 'Omar Officer',
};
const SAM: Credentials = { email: 'sam.lee@press.example.org', password: 'officer-password-9876', name: 'Sam Lee' };

describe.skipIf(plan !== 'run')(
  browserSuiteTitle('presence and collision on the enquiry page, two web processes'),
  () => {
    const env = useBrowserDesk(OMAR);
    let second: ServiceProcess;
    let omarCtx: BrowserContext;
    let samCtx: BrowserContext;

    beforeAll(async () => {
      await env.desk.createUser(SAM);
      second = await startService({
        databaseUrl: env.database.url,
        twilio: env.desk.twilio,
        mode: 'web',
        name: 'second web',
        config: ALWAYS_OPEN,
      });
      omarCtx = await env.browser.newContext(DESKTOP);
      samCtx = await env.browser.newContext(DESKTOP);
      for (const c of [omarCtx, samCtx]) c.setDefaultTimeout(15_000);
    }, 90_000);
    afterAll(async () => {
      for (const c of [omarCtx, samCtx]) await c?.close().catch(() => undefined);
      await second?.stop();
    });

    const presence = (page: Page) => page.locator('#presence-status');
    /** Waits at most two seconds (the bound) for the presence sentence to read `text`. */
    async function seesWithinTwoSeconds(page: Page, text: string): Promise<void> {
      await expect.poll(() => presence(page).textContent(), { timeout: 2_000, interval: 50 }).toBe(text);
    }

    it('shows each officer the other viewing and writing live, and stops a stale send', {
      timeout: 90_000,
    }, async () => {
      onTestFailed(() => console.error(env.desk.service.output(), second.output()));
      const { reference } = await env.desk.submit({
        name: 'Alex Reporter',
        outlet: 'Evening Gazette',
        phone: '07911 123456',
        subject: 'Road closure on the A38',
        details: 'Why was the A38 closed overnight, and for how long?',
      });
      const first = env.desk.baseUrl;
      const other = second.baseUrl!;
      expect(other).not.toBe(first);

      // Sam, on the second web process, opens the enquiry first: nobody else is on it.
      const sam = await samCtx.newPage();
      await signIn(sam, other, SAM);
      await sam.goto(`${other}/desk/enquiries/${reference}`);
      await sam.locator('#presence[data-live="connected"]').waitFor();
      expect(await presence(sam).textContent()).toBe('Nobody else has this enquiry open.');

      // Omar opens it on the first process: Sam sees him within two seconds; Omar sees Sam on load.
      const omar = await omarCtx.newPage();
      await signIn(omar, first, OMAR);
      await omar.goto(`${first}/desk/enquiries/${reference}`);
      await seesWithinTwoSeconds(sam, 'Omar Officer is viewing.');
      expect(await presence(omar).textContent()).toBe('Sam Lee is viewing.');
      // The live region is polite, and Omar's queue marks the row Sam is on, in words.
      expect(await presence(sam).getAttribute('aria-live')).toBe('polite');
      const queue = await omarCtx.newPage();
      await queue.goto(`${first}/desk`);
      expect(await queue.locator(`#row-${reference}`).textContent()).toContain('Sam Lee is on this');
      await queue.close();

      // Omar types a reply: Sam sees him writing within two seconds.
      await omar.locator('#presence[data-live="connected"]').waitFor();
      await omar.getByLabel('Reply to the journalist by SMS').fill('The road reopened at 6am.');
      await seesWithinTwoSeconds(sam, 'Omar Officer is writing a reply.');

      // Sam starts his own reply on the page he loaded before Omar sends. Everything Sam's live
      // region says from now on is recorded: Omar's page reloading after his send (it leaves, then
      // is back) must not be read out as him going and coming back.
      await sam.getByLabel('Reply to the journalist by SMS').fill('We will come back to you by noon.');
      await sam.evaluate(() => {
        const said: string[] = [];
        (window as unknown as { __said: string[] }).__said = said;
        const region = document.getElementById('presence-status')!;
        new MutationObserver(() => said.push(region.textContent ?? '')).observe(region, {
          childList: true,
          characterData: true,
          subtree: true,
        });
      });
      await Promise.all([
        omar.waitForURL((u) => u.searchParams.get('done') === 'sms'),
        omar.getByRole('button', { name: 'Send SMS reply', exact: true }).click(),
      ]);
      await omar.locator('#presence[data-live="connected"]').waitFor();
      await seesWithinTwoSeconds(sam, 'Omar Officer is viewing.');
      await sam.waitForTimeout(1_500);
      expect(await sam.evaluate(() => (window as unknown as { __said: string[] }).__said)).not.toContain(
        'Nobody else has this enquiry open.',
      );

      // Sam's send is stopped: what changed, his words kept, and the choice to send anyway.
      const [stopped] = await Promise.all([
        sam.waitForResponse(
          (r) => r.url().endsWith(`/desk/enquiries/${reference}/reply`) && r.request().method() === 'POST',
        ),
        sam.getByRole('button', { name: 'Send SMS reply', exact: true }).click(),
      ]);
      expect(stopped.status()).toBe(409);
      await sam.waitForLoadState();
      const notice = sam.locator('#stale');
      await expect
        .poll(() => notice.textContent())
        .toContain('Nothing was sent: this enquiry changed after you opened it');
      expect(await notice.textContent()).toContain('Omar Officer: Reply by SMS queued');
      // The focus is on the notice, so a screen reader starts there.
      await expect.poll(() => sam.evaluate(() => document.activeElement?.id)).toBe('stale');
      expect(await sam.getByLabel('Reply to the journalist by SMS').inputValue()).toBe(
        'We will come back to you by noon.',
      );
      const replies = async () =>
        (
          await sql<{
            n: number;
          }>`SELECT count(*)::int AS n FROM enquiry_event ev JOIN enquiry e ON e.id = ev.enquiry_id
            WHERE e.reference = ${reference} AND ev.kind = 'reply_queued'`.execute(env.desk.db)
        ).rows[0].n;
      expect(await replies()).toBe(1);

      await Promise.all([
        sam.waitForURL((u) => u.searchParams.get('done') === 'sms'),
        notice.getByRole('button', { name: 'Send anyway' }).click(),
      ]);
      expect(await replies()).toBe(2);

      // Omar closes the page: Sam sees nobody within two seconds (the page's goodbye, not the expiry).
      await sam.locator('#presence[data-live="connected"]').waitFor();
      await seesWithinTwoSeconds(sam, 'Omar Officer is viewing.');
      await omar.close({ runBeforeUnload: true });
      await seesWithinTwoSeconds(sam, 'Nobody else has this enquiry open.');
    });
  },
);
