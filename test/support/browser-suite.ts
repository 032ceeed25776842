import type { Browser, BrowserContext } from 'playwright-core';
import { describe, it } from 'vitest';
import { BROWSER_SKIP_MESSAGE, browserPlan, browserSuiteTitle, CHROMIUM_PATH } from './browser.js';

/**
 * A browser test file's suite: runs `body` when chromium is installed; without it, skips saying
 * why, or, when PRESSDESK_REQUIRE_BROWSER is set (CI), fails with how to install it.
 */
export function describeInBrowser(title: string, body: () => void): void {
  const plan = browserPlan();
  if (plan === 'skip') console.warn(`\n${BROWSER_SKIP_MESSAGE}\n`);
  if (plan === 'fail') {
    describe(`${title} (PRESSDESK_REQUIRE_BROWSER is set)`, () => {
      it('needs chromium', () => {
        throw new Error(
          `PRESSDESK_REQUIRE_BROWSER is set but ${CHROMIUM_PATH} is missing: apt-get install -y chromium`,
        );
      });
    });
  }
  describe.skipIf(plan !== 'run')(browserSuiteTitle(title), body);
}

/**
 * Two contexts of a 320px-wide touch phone: `phone` with JavaScript on (axe and the overflow check
 * need it) and `noScript` with it off (the forms must work as plain forms); 10 s default timeouts.
 */
export async function phoneContexts(browser: Browser): Promise<{ phone: BrowserContext; noScript: BrowserContext }> {
  const screen = { viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true };
  const phone = await browser.newContext(screen);
  const noScript = await browser.newContext({ ...screen, javaScriptEnabled: false });
  for (const c of [phone, noScript]) c.setDefaultTimeout(10_000);
  return { phone, noScript };
}
