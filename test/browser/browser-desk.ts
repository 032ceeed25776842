/**
 * The set-up most browser suites share: a fresh database, the desk service on it (office always
 * open), one officer, chromium, and a desktop (1280 px) and a phone (320 px) context in the UK.
 * Call `useBrowserDesk` inside a `describe`: it registers that describe's beforeAll and afterAll,
 * and the object it returns is filled in by the time the tests run.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { ALWAYS_OPEN, startDesk, type Credentials, type Desk } from './desk-fixture.js';

/** A desktop browser in the UK (the date pickers follow the browser's locale). */
export const DESKTOP = { viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/London' };
/** A small phone in the UK. */
export const PHONE = {
  viewport: { width: 320, height: 640 },
  isMobile: true,
  hasTouch: true,
  locale: 'en-GB',
  timezoneId: 'Europe/London',
};

export interface BrowserDesk {
  database: TestDatabase;
  desk: Desk;
  browser: Browser;
  desktop: BrowserContext;
  phone: BrowserContext;
}

/**
 * Starts the desk and the browser before the describe's tests (with `officer` able to sign in) and
 * stops both after; `config` is laid over the always-open office's (top-level keys replaced).
 */
export function useBrowserDesk(officer: Credentials, config: Record<string, unknown> = {}): BrowserDesk {
  const env = {} as BrowserDesk;
  beforeAll(async () => {
    env.database = await createTestDatabase();
    const [d, b] = await Promise.all([
      startDesk({ databaseUrl: env.database.url, config: { ...ALWAYS_OPEN, ...config } }),
      launchBrowser(),
    ]);
    env.desk = d;
    env.browser = b!;
    await env.desk.createUser(officer);
    env.desktop = await env.browser.newContext(DESKTOP);
    env.phone = await env.browser.newContext(PHONE);
    for (const c of [env.desktop, env.phone]) c.setDefaultTimeout(15_000);
  }, 90_000);
  afterAll(async () => {
    for (const c of [env.desktop, env.phone]) await c?.close().catch(() => undefined);
    await env.browser?.close();
    await env.desk?.close();
    await env.database?.drop();
  });
  return env;
}
