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
