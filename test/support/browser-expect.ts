/** Assertions shared by the browser tests (vitest's expect over test/support/browser.ts's checks). */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { axeViolations, formatViolations, horizontalOverflow } from './browser.js';

/** Fails when the page scrolls sideways (at a phone's 320px), naming the elements that stick out. */
export async function expectFits(page: Page, where: string): Promise<void> {
  const o = await horizontalOverflow(page);
  expect(o.scrollWidth, `${where} scrolls sideways at 320px: ${o.culprits.join('; ')}`).toBeLessThanOrEqual(o.viewport);
}

/** Fails when axe-core finds WCAG 2.2 A/AA violations on the page, listing them. */
export async function expectNoViolations(page: Page, where: string): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations.length, formatViolations(where, violations)).toBe(0);
}
