/**
 * The list behind a bundled page text's link ("and N more: …/m/list/{token}", issue 22) in a real
 * browser on a 320px-wide phone screen: every enquiry of the bundle readable without scrolling
 * sideways, axe-core finding no WCAG 2.2 A/AA violations, before and after the officer
 * acknowledges one, and the page working with JavaScript off (it has no forms and no script).
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import { expectFits, expectNoViolations } from '../support/browser-expect.js';
import { describeInBrowser, phoneContexts } from '../support/browser-suite.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startDesk, waitUntil, type Desk } from './desk-fixture.js';

const ON_CALL = { name: 'Jo Smith', phone: '+447911234567' };
const HOUR = 3_600_000;
/** The held enquiries: more than two segments' worth, so the bundle text links to the list. */
const HELD = [
  {
    name: 'Bea Broadcaster',
    outlet: 'Regional Television News',
    subject: 'Road closures around the depot fire tonight',
  },
  {
    name: 'Cal Columnist',
    outlet: 'The Weekly Chronicle and Advertiser',
    subject: 'How many firefighters are at the scene?',
  },
  { name: 'Dee Deskeditor', outlet: 'Northern Wire Service', subject: 'Evacuation of the houses on Kestrel Street' },
  { name: 'Eve Editor', outlet: 'Valley Times', subject: 'Is the air quality warning still in force?' },
  { name: 'Fin Freelance', outlet: 'Freelance', subject: 'Which roads reopen tomorrow morning, and when?' },
];

describeInBrowser('the bundle list link on a 320px phone', () => {
  let database: TestDatabase;
  let desk: Desk;
  let browser: Browser;
  let phone: BrowserContext;
  let noScript: BrowserContext;
  let listUrl: string;
  let references: string[];

  beforeAll(async () => {
    database = await createTestDatabase();
    // An eight-second bundling window (room for five submissions on a loaded machine) and the
    // smallest bundle text, so five held enquiries overflow it.
    const [d, b] = await Promise.all([
      startDesk({ databaseUrl: database.url, config: { onCall: { bundleSeconds: 8, bundleSegments: 2 } } }),
      launchBrowser(),
    ]);
    desk = d;
    browser = b!;
    const now = Date.now();
    await desk.addToRota({ ...ON_CALL, from: new Date(now - HOUR), to: new Date(now + 12 * HOUR) });
    // The office is closed (service-process's default config): the first page goes alone and
    // opens the window; the five after it are held and go in one text.
    const first = await desk.submit({
      name: 'Alex Reporter',
      outlet: 'Evening Gazette',
      phone: '07911 123400',
      subject: 'Fire at the Kestrel Street depot',
      details: 'Need a line tonight.',
      urgent: true,
    });
    await desk.twilio.waitForMessages(1, 15_000);
    references = [first.reference];
    const held = await Promise.all(
      HELD.map((j, i) =>
        desk.submit({ ...j, details: 'Need a line tonight.', phone: `07911 12341${i}`, urgent: true }),
      ),
    );
    references.push(...held.map((e) => e.reference));
    const bundle = await waitUntil(
      'the bundle text to the officer',
      async () => desk.twilio.messages.filter((m) => m.to === ON_CALL.phone)[1],
      30_000,
      100,
    );
    listUrl = /\nand \d+ more: (\S+)\n/.exec(bundle.body ?? '')?.[1] ?? '';
    expect(listUrl, bundle.body).toMatch(new RegExp(`^${desk.baseUrl}/m/list/[A-Za-z0-9_-]{22}$`));
    ({ phone, noScript } = await phoneContexts(browser));
  }, 90_000);

  afterAll(async () => {
    for (const c of [phone, noScript]) await c?.close().catch(() => undefined);
    await browser?.close();
    await desk?.close();
    await database?.drop();
  });

  it('lists every enquiry of the bundle, fits 320px and has no accessibility violations', async () => {
    onTestFailed(() => console.error(desk.service.output()));
    const page = await phone.newPage();
    const res = await page.goto(listUrl);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['referrer-policy']).toBe('no-referrer');
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('5 urgent enquiries');
    const list = page.getByRole('list', { name: 'The enquiries of this page text, soonest deadline first' });
    const rows = await list.getByRole('listitem').allInnerTexts();
    expect(rows).toHaveLength(HELD.length);
    // The held five, not the first (it had its own text); each with who asked and what about.
    expect(rows.join('\n')).not.toContain(references[0]);
    for (const [i, j] of HELD.entries()) {
      const row = rows.find((r) => r.includes(references[i + 1]));
      expect(row, references[i + 1]).toBeDefined();
      for (const part of [j.name, j.outlet, j.subject]) expect(row).toContain(part);
      // The tag is a word of its own ("code 12 Urgent", not "code 12Urgent" read aloud); CSS shows it in capitals.
      expect(row).toMatch(/ code \w+ urgent\n/i);
    }
    await expect(page.locator('.lead').innerText()).resolves.toContain('5 waiting for an acknowledgement');
    expect(await page.locator('form').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(0);
    await expectFits(page, 'the bundle list');
    await expectNoViolations(page, 'GET /m/list/{token}');
    await page.close();
  });

  it('shows an acknowledged enquiry as such, with JavaScript off, and stays accessible', async () => {
    onTestFailed(() => console.error(desk.service.output()));
    // The officer acknowledges one of them by texting ACK and its code, as the list says.
    let page = await noScript.newPage();
    await page.goto(listUrl);
    const code = /code (\S+)/.exec(
      await page.getByRole('listitem').filter({ hasText: references[1] }).innerText(),
    )?.[1];
    expect(code).toBeTruthy();
    await page.close();
    const reply = await desk.sms(ON_CALL.phone, `ACK ${code}`);
    expect(reply).toContain(references[1]);
    page = await noScript.newPage();
    await page.goto(listUrl);
    const row = page.getByRole('listitem').filter({ hasText: references[1] });
    await expect(row.innerText()).resolves.toMatch(/ code \w+ acknowledged\n/i);
    await expect(row.innerText()).resolves.not.toMatch(/urgent/i);
    await expect(page.locator('.lead').innerText()).resolves.toContain('4 waiting for an acknowledgement');
    await page.close();

    page = await phone.newPage();
    await page.goto(listUrl);
    await expectFits(page, 'the bundle list with one acknowledged');
    await expectNoViolations(page, 'GET /m/list/{token} with one acknowledged');
    await page.close();
  });
});
