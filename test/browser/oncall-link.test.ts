/**
 * The on-call officer's mobile view (issue 15, item 2) in a real browser on a 320px-wide phone
 * screen, with JavaScript off: the link from the page SMS opens the enquiry, nothing scrolls
 * sideways, axe-core finds no WCAG 2.2 A/AA violations (also with an error shown), and the
 * forms work by tapping: a note, an empty reply refused beside its field, a call placed to the
 * officer's phone, the line given recorded and the enquiry marked answered.
 */
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
import { phoneContexts } from '../support/browser-suite.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { PRESS_OFFICE_NUMBER, startDesk, waitUntil, type Desk } from './desk-fixture.js';

const plan = browserPlan();
if (plan === 'skip') console.warn(`\n${BROWSER_SKIP_MESSAGE}\n`);

if (plan === 'fail') {
  describe('on-call link in a browser (PRESSDESK_REQUIRE_BROWSER is set)', () => {
    it('needs chromium', () => {
      throw new Error(`PRESSDESK_REQUIRE_BROWSER is set but ${CHROMIUM_PATH} is missing: apt-get install -y chromium`);
    });
  });
}

const ON_CALL = { name: 'Jo Smith', phone: '+447911234567' };
const JOURNALIST_PHONE = '+447911123456';
const HOUR = 3_600_000;

describe.skipIf(plan !== 'run')(browserSuiteTitle('the on-call link on a 320px phone'), () => {
  let database: TestDatabase;
  let desk: Desk;
  let browser: Browser;
  let phone: BrowserContext;
  /** The same phone with JavaScript off (axe and the overflow check need it on, so they run in `phone`). */
  let noScript: BrowserContext;
  let link: string;
  let reference: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const [d, b] = await Promise.all([startDesk({ databaseUrl: database.url }), launchBrowser()]);
    desk = d;
    browser = b!;
    const now = Date.now();
    await desk.addToRota({ ...ON_CALL, from: new Date(now - HOUR), to: new Date(now + 12 * HOUR) });
    // The office is closed (service-process's default config): an urgent enquiry pages Jo.
    const urgent = await desk.submit({
      name: 'Alex Reporter',
      outlet: 'Evening Gazette',
      phone: '07911 123456',
      subject: 'Police cordon on Market Street',
      details: 'Residents say the street has been sealed off since 1am. What is happening, and is anyone hurt?',
      urgent: true,
    });
    reference = urgent.reference;
    const [page] = await desk.twilio.waitForMessages(1, 15_000);
    expect(page.to).toBe(ON_CALL.phone);
    link = /\nOpen: (\S+)\n/.exec(page.body ?? '')?.[1] ?? '';
    expect(link, page.body).toMatch(new RegExp(`^${desk.baseUrl}/m/[A-Za-z0-9_-]{22}$`));
    ({ phone, noScript } = await phoneContexts(browser));
  }, 90_000);

  afterAll(async () => {
    for (const c of [phone, noScript]) await c?.close().catch(() => undefined);
    await browser?.close();
    await desk?.close();
    await database?.drop();
  });

  /** Submits the form of the button named `button` and waits for the view again. */
  async function submit(page: Page, button: string): Promise<number | undefined> {
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: button }).click(),
    ]);
    await page.waitForLoadState();
    return res.status();
  }

  it('opens the enquiry, fits 320px and has no accessibility violations', async () => {
    onTestFailed(() => console.error(desk.service.output()));
    const page = await phone.newPage();
    const res = await page.goto(link);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['referrer-policy']).toBe('no-referrer');
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toContain(reference);
    const main = await page.locator('main').innerText();
    for (const part of [
      'Alex Reporter',
      'Evening Gazette',
      '07911 123456',
      'Police cordon on Market Street',
      'sealed off since 1am',
    ])
      expect(main).toContain(part);
    expect(await page.locator('a[href^="tel:"]').count()).toBe(0);
    // One script, the service's own line search for the reply and response boxes (issue 28): nothing inline, nothing from elsewhere.
    expect(await page.locator('script').evaluateAll((s) => s.map((e) => e.getAttribute('src')))).toEqual([
      '/assets/insert.js',
    ]);
    // The declare form's inputs are styled like the other fields (issue 23): a 2px border, full width.
    for (const id of ['#incident-name', '#incident-terms']) {
      const style = await page
        .locator(id)
        .evaluate((el) => ({ border: getComputedStyle(el).borderTopWidth, width: el.getBoundingClientRect().width }));
      expect(style.border, id).toBe('2px');
      expect(style.width, id).toBeGreaterThan(250);
    }
    await expect(page.locator('#incident-terms').inputValue()).resolves.toBe('cordon market');
    await expectFits(page, 'the on-call view');
    await expectNoViolations(page, 'GET /m/{token}');
    await page.close();
  });

  it('adds a note with JavaScript off, and shows an empty reply refused beside its field (422, still accessible)', async () => {
    onTestFailed(() => console.error(desk.service.output()));
    let page = await noScript.newPage();
    await page.goto(link);
    await page
      .getByLabel('Internal note', { exact: true })
      .fill('Duty inspector: cordon for a gas leak, line to follow.');
    expect(await submit(page, 'Add note')).toBe(303);
    // The first work through the link acknowledges the page (issue 23), and says so.
    expect(page.url()).toBe(`${link}?done=note&acked=1`);
    await expect(page.getByRole('status').innerText()).resolves.toContain('Note added.');
    await expect(page.getByRole('status').innerText()).resolves.toContain('escalation stopped');
    await expect(page.locator('.timeline').innerText()).resolves.toContain('Duty inspector: cordon for a gas leak');
    await page.close();

    page = await phone.newPage();
    await page.goto(link);
    expect(await submit(page, 'Send reply')).toBe(422);
    await expect(page.locator('.error-summary').innerText()).resolves.toContain('Enter a reply');
    expect(await page.getByLabel('Text to the journalist', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await expectFits(page, 'the on-call view with an error');
    await expectNoViolations(page, 'POST /m/{token}/reply with nothing typed (422)');
    await page.close();
  });

  it('calls the officer to put them through, then records the line given and marks it answered (JavaScript off)', async () => {
    onTestFailed(() => console.error(desk.service.output()));
    let page = await noScript.newPage();
    await page.goto(link);
    expect(await submit(page, 'Call me, then the journalist')).toBe(303);
    await expect(page.getByRole('status').innerText()).resolves.toContain('Calling you now on 07911 234567');
    const call = await waitUntil(
      'the call to the officer',
      async () =>
        desk.twilio.calls.find(
          (c) => c.to === ON_CALL.phone && (c.twiml ?? '').includes('/twilio/voice/callback-connect'),
        ),
      15_000,
      100,
    );
    expect(call.from).toBe(PRESS_OFFICE_NUMBER);
    // The journalist's number is looked up when the officer has answered, never written into the call.
    expect(call.twiml).not.toContain(JOURNALIST_PHONE);

    await page
      .getByLabel('Line given to the journalist', { exact: true })
      .fill('A gas leak; the cordon stays until the engineers say it is safe. Nobody is hurt.');
    // The button says it sends nothing (issue 23, item 8), and so does the notice.
    expect(await submit(page, 'Mark done (sends nothing to the journalist)')).toBe(303);
    await expect(page.getByRole('status').innerText()).resolves.toContain('marked answered');
    await expect(page.getByRole('status').innerText()).resolves.toContain('Nothing was sent to the journalist.');
    const summary = await page.locator('.summary').innerText();
    expect(summary).toContain('Answered');
    expect(summary).toContain('Nobody is hurt.');
    await page.close();

    page = await phone.newPage();
    await page.goto(`${link}?done=done`);
    await expectFits(page, 'the on-call view after DONE');
    await expectNoViolations(page, 'GET /m/{token}?done=done');
    await page.close();
  });

  it("shows the incident's holding line as sent, with its SMS length, at 390 and 320px, and sends it to this journalist once (issue 23, item 7)", async () => {
    onTestFailed(() => console.error(desk.service.output()));
    const LINE = 'A gas leak on Market Street: the cordon stays until engineers say it is safe. More at 07:00.';
    // The desk declared an incident, linked this enquiry and wrote its line.
    const incident = await desk.db
      .insertInto('incident')
      .values({
        name: 'Market Street cordon',
        terms: 'cordon',
        declared_at: new Date(),
        declared_by: 'desk@press.example.org',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await desk.db
      .insertInto('incident_line')
      .values({
        incident_id: incident.id,
        kind: 'holding',
        text: LINE,
        created_at: new Date(),
        created_by: 'desk@press.example.org',
      })
      .execute();
    await desk.db.updateTable('enquiry').set({ incident_id: incident.id }).where('reference', '=', reference).execute();

    const wide = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      for (const [context, width] of [
        [wide, 390],
        [phone, 320],
      ] as const) {
        const page = await context.newPage();
        await page.goto(link);
        await expect(page.locator('#line-text').innerText()).resolves.toBe(LINE);
        await expect(page.locator('#line-size').innerText()).resolves.toBe(`${LINE.length} characters, 1 SMS segment.`);
        await expectFits(page, `the on-call view with the holding line at ${width}px`);
        await expectNoViolations(page, `GET /m/{token} with the holding line at ${width}px`);
        await page.close();
      }
    } finally {
      await wide.close();
    }

    const page = await noScript.newPage();
    await page.goto(link);
    expect(await submit(page, 'Send the holding line to this journalist')).toBe(303);
    await expect(page.getByRole('status').innerText()).resolves.toContain(
      'The holding line is queued to the journalist by SMS to 07911 123456, exactly as written.',
    );
    await expect(page.locator('#line').innerText()).resolves.toContain('Sent to this journalist at');
    expect(await page.getByRole('button', { name: 'Send the holding line to this journalist' }).count()).toBe(0);
    await waitUntil(
      'the line to reach the journalist',
      async () => desk.twilio.messages.find((m) => m.to === JOURNALIST_PHONE && m.body === LINE),
      15_000,
      100,
    );
    await expectFits(page, 'the on-call view after sending the line');
    await page.close();
    expect(desk.twilio.messages.filter((m) => m.to === JOURNALIST_PHONE && m.body === LINE)).toHaveLength(1);
  });
});
