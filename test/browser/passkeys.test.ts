/**
 * Passkeys as a second factor in a real browser (issue 30, item 2), with chromium's virtual
 * authenticator (the DevTools protocol's WebAuthn domain): a manager adds a passkey on their
 * second-factor page, signs out, and after their password signs in with the passkey. WebAuthn
 * refuses an IP address as the relying party, so the service runs as http://localhost:PORT.
 */
import { createServer } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BROWSER_SKIP_MESSAGE,
  browserPlan,
  browserSuiteTitle,
  CHROMIUM_PATH,
  launchBrowser,
} from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio.js';
import { startService, type ServiceProcess } from '../support/service-process.js';
import { ALWAYS_OPEN, MANAGER, signIn } from './desk-fixture.js';
import { DESKTOP } from './browser-desk.js';

const plan = browserPlan();
if (plan === 'skip') console.warn(`\n${BROWSER_SKIP_MESSAGE}\n`);

if (plan === 'fail') {
  describe('passkeys in a browser (PRESSDESK_REQUIRE_BROWSER is set)', () => {
    it('needs chromium', () => {
      throw new Error(`PRESSDESK_REQUIRE_BROWSER is set but ${CHROMIUM_PATH} is missing: apt-get install -y chromium`);
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(plan !== 'run')(browserSuiteTitle('passkeys: registration and sign-in'), () => {
  let database: TestDatabase;
  let twilio: FakeTwilio;
  let service: ServiceProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let baseUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    twilio = await startFakeTwilio();
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    service = await startService({
      databaseUrl: database.url,
      twilio,
      port,
      name: 'press-desk',
      config: ALWAYS_OPEN,
      env: {
        PUBLIC_BASE_URL: baseUrl,
        PRESSDESK_ADMIN_EMAIL: MANAGER.email,
        PRESSDESK_ADMIN_PASSWORD: MANAGER.password,
      },
    });
    browser = (await launchBrowser())!;
    context = await browser.newContext(DESKTOP);
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    // A platform authenticator that verifies its user (as Touch ID or Windows Hello would).
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
  }, 90_000);
  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await service?.stop();
    await twilio?.close();
    await database?.drop();
  });

  it('adds a passkey, then signs in with it after the password', async () => {
    await signIn(page, baseUrl, MANAGER);
    await page.goto(`${baseUrl}/desk/account/second-factor`);
    await page.getByLabel('Name it').fill('Work laptop');
    await Promise.all([
      page.waitForURL(`${baseUrl}/desk/account/second-factor?done=passkey`),
      page.getByRole('button', { name: 'Add a passkey' }).click(),
    ]);
    await expect.poll(() => page.getByRole('cell', { name: 'Work laptop', exact: true }).count()).toBe(1);
    // The first factor's recovery codes are offered at once.
    await page.getByRole('button', { name: 'Make your recovery codes' }).click();
    await expect.poll(() => page.locator('.recovery-codes li').count()).toBe(10);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${baseUrl}/desk/login`);
    await page.getByLabel('Email address').fill(MANAGER.email);
    await page.getByLabel('Password').fill(MANAGER.password);
    await Promise.all([
      page.waitForURL(`${baseUrl}/desk/login/second-factor`, { timeout: 30_000 }),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    // The password alone is no session: the desk is still closed.
    const closed = await page.request.get(`${baseUrl}/desk`, { maxRedirects: 0 });
    expect(closed.status()).toBe(303);
    await Promise.all([
      page.waitForURL(`${baseUrl}/desk`),
      page.getByRole('button', { name: 'Use a passkey' }).click(),
    ]);
    expect(await page.getByRole('heading', { level: 1 }).first().textContent()).toBeTruthy();
    const last = await page.request.get(`${baseUrl}/desk/account/second-factor`);
    expect(await last.text()).not.toContain('<td data-label="Last used">never</td>');
  });
});
