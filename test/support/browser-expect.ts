/** Assertions shared by the browser tests (vitest's expect over test/support/browser.ts's checks). */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { axeViolations, formatViolations, horizontalOverflow } from './browser.js';

/**
 * Fails when the page scrolls sideways at its viewport's width (WCAG 1.4.10 Reflow at a phone's
 * 320px), naming the elements that stick out, or when a box that scrolls on its own is not a
 * named, focusable region (keyboard users could not scroll it).
 */
export async function expectFits(page: Page, where: string): Promise<void> {
  const o = await horizontalOverflow(page);
  expect(
    o.scrollWidth,
    `${where} scrolls sideways at ${o.viewport}px: content is ${o.scrollWidth}px wide; past the right edge: ${o.culprits.join('; ')}`,
  ).toBeLessThanOrEqual(o.viewport);
  expect(
    o.unlabelledScrollers,
    `${where}: boxes scroll sideways without role="region", a label and tabindex="0"`,
  ).toEqual([]);
}

/** Fails when axe-core finds WCAG 2.2 A/AA violations on the page, listing them. */
export async function expectNoViolations(page: Page, where: string): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations.length, formatViolations(where, violations)).toBe(0);
}
