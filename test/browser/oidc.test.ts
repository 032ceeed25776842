/**
 * Issue 30, item 1, in chromium: staff sign in with their organisation's identity provider. The
 * real service (`node src/main.ts`) is pointed at a real OpenID provider (oidc-provider on
 * 127.0.0.1, its own login form), once with accounts created from the role claim ("claim"
 * provisioning) and once with accounts a manager adds first ("invite"). The sign-in page with the provider's button passes axe-core; a first sign-in
 * makes the account; the role follows the claim at every sign-in; a claim that no longer gives a
 * role refuses the sign-in in plain words and ends the sessions already open; a tampered answer
 * and the provider's "no" are refused plainly. test/scenarios/oidc-sign-in.test.ts covers the
 * rest without a browser (nonce, audience, replay, another browser, provider down, break-glass).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../src/db/embedded.js';
import { launchBrowser } from '../support/browser.js';
import { expectNoViolations } from '../support/browser-expect.js';
import { describeInBrowser } from '../support/browser-suite.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startTestProvider, type TestProvider } from '../support/oidc-provider.js';
import { DESKTOP } from './browser-desk.js';
import { ALWAYS_OPEN, startDesk, type Desk } from './desk-fixture.js';

describeInBrowser('signing in with the organisation’s identity provider (OpenID Connect)', () => {
  let database: TestDatabase;
  let provider: TestProvider;
  let desk: Desk;
  /** The same desk's code with "invite" provisioning (the default), on its own database. */
  let inviteDesk: Desk;
  let inviteDatabase: TestDatabase;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    const [port, invitePort] = [await freePort(), await freePort()];
    provider = await startTestProvider([port, invitePort].map((p) => `http://127.0.0.1:${p}/desk/login/oidc/callback`));
    [database, inviteDatabase] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    const [d, i, b] = await Promise.all([
      startDesk({
        databaseUrl: database.url,
        port,
        env: provider.env(),
        config: { ...ALWAYS_OPEN, identity: { oidc: { provisioning: 'claim' } } },
      }),
      startDesk({ databaseUrl: inviteDatabase.url, port: invitePort, env: provider.env(), config: ALWAYS_OPEN }),
      launchBrowser(),
    ]);
    desk = d;
    inviteDesk = i;
    browser = b!;
  }, 90_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await desk?.close();
    await inviteDesk?.close();
    await provider?.close();
    await database?.drop();
    await inviteDatabase?.drop();
  });

  /** A new browser (its own cookies at the desk and at the provider). */
  async function newPage(): Promise<Page> {
    const ctx = await browser.newContext(DESKTOP);
    ctx.setDefaultTimeout(15_000);
    contexts.push(ctx);
    return ctx.newPage();
  }

  /** Presses the desk's button and signs in at the provider's own form as `sub`; resolves on the page it ends on. */
  async function signInWithProvider(page: Page, sub: string, at: Desk = desk): Promise<number | undefined> {
    await page.goto(`${at.baseUrl}/desk/login`);
    await page.getByRole('link', { name: 'Sign in with Press Office' }).click();
    await page.waitForURL(`${provider.issuer}/**`);
    await page.locator('input[name="login"]').fill(sub);
    await page.locator('input[name="password"]').fill('any password');
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().startsWith(`${at.baseUrl}/desk/login/oidc/callback`)),
      page.locator('button[type="submit"]').click(),
    ]);
    await page.waitForLoadState();
    return answer.status();
  }

  function person(sub: string, email: string, roles: string[]) {
    provider.accounts.set(sub, { email, name: `Person ${sub}`, roles });
  }

  it('offers "Sign in with Press Office" before the password form, with no axe violations', async () => {
    const page = await newPage();
    await page.goto(`${desk.baseUrl}/desk/login`);
    const button = page.getByRole('link', { name: 'Sign in with Press Office' });
    await expect(button.isVisible()).resolves.toBe(true);
    const [buttonY, passwordY] = await Promise.all([
      button.boundingBox().then((b) => b!.y),
      page
        .getByLabel('Password')
        .boundingBox()
        .then((b) => b!.y),
    ]);
    expect(buttonY).toBeLessThan(passwordY);
    await expectNoViolations(page, 'sign-in page with an identity provider');
  });

  it('creates the account at the first sign-in from the claim, and the role follows the claim each time', async () => {
    person('kim', 'kim.officer@force.example.org', ['desk-manager']);
    const first = await newPage();
    expect(await signInWithProvider(first, 'kim')).toBe(303);
    expect(new URL(first.url()).pathname).toBe('/desk');
    // A manager sees the Users section.
    await expect(first.getByRole('link', { name: 'Users' }).count()).resolves.toBeGreaterThan(0);
    const made = await desk.db
      .selectFrom('app_user')
      .select(['role', 'id'])
      .where('email', '=', 'kim.officer@force.example.org')
      .executeTakeFirstOrThrow();
    expect(made.role).toBe('manager');

    // Moved to the officer group at the provider: the next sign-in makes Kim an officer.
    person('kim', 'kim.officer@force.example.org', ['desk-officer']);
    const second = await newPage();
    expect(await signInWithProvider(second, 'kim')).toBe(303);
    await expect(second.getByRole('link', { name: 'Users' }).count()).resolves.toBe(0);

    // Left the desk's groups: refused in plain words, and the sessions open elsewhere end.
    person('kim', 'kim.officer@force.example.org', []);
    const third = await newPage();
    expect(await signInWithProvider(third, 'kim')).toBe(403);
    await expect(third.getByRole('alert').textContent()).resolves.toContain(
      'does not give you a role on the Press Office desk',
    );
    await expectNoViolations(third, 'refused sign-in page');
    await second.goto(`${desk.baseUrl}/desk`);
    expect(new URL(second.url()).pathname).toBe('/desk/login');
    await first.goto(`${desk.baseUrl}/desk`);
    expect(new URL(first.url()).pathname).toBe('/desk/login');
  });

  it('with "invite" provisioning, signs in only someone a manager added first', async () => {
    person('noor', 'noor.khan@force.example.org', ['desk-officer']);
    const stranger = await newPage();
    expect(await signInWithProvider(stranger, 'noor', inviteDesk)).toBe(403);
    await expect(stranger.getByRole('alert').textContent()).resolves.toContain(
      'There is no desk account for noor.khan@force.example.org yet',
    );
    await inviteDesk.createUser({
      email: 'Noor.Khan@force.example.org',
      name: 'Noor Khan',
      password: 'noor-password-1234',
    });
    const invited = await newPage();
    expect(await signInWithProvider(invited, 'noor', inviteDesk)).toBe(303);
    expect(new URL(invited.url()).pathname).toBe('/desk');
    await expect(invited.getByText('Noor Khan').count()).resolves.toBeGreaterThan(0);
  });

  it('refuses an answer whose state was changed on the way back', async () => {
    person('val', 'val@force.example.org', ['desk-officer']);
    const page = await newPage();
    // On the way back from the provider (its form's answer and the redirects after it, followed
    // here with the browser's cookies) the state in the URL to the desk is forged.
    await page.route(`${provider.issuer}/interaction/**`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      let res = await route.fetch({ maxRedirects: 0 });
      let location = res.headers().location ?? '';
      while (location && !location.startsWith(desk.baseUrl)) {
        res = await page.request.get(new URL(location, provider.issuer).href, { maxRedirects: 0 });
        location = res.headers().location ?? '';
      }
      const url = new URL(location);
      url.searchParams.set('state', 'forged');
      return route.fulfill({ status: 303, headers: { location: url.href } });
    });
    expect(await signInWithProvider(page, 'val')).toBe(400);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('the state does not match');
    await page.goto(`${desk.baseUrl}/desk`);
    expect(new URL(page.url()).pathname).toBe('/desk/login');
  });
});
