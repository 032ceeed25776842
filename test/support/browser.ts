/**
 * The browser for browser tests and the screenshot script: Debian's chromium driven by
 * playwright-core (no browser is ever downloaded), and axe-core for accessibility checks.
 * Free of vitest, so `test/browser/screenshots.ts` can use it too.
 *
 * Without /usr/bin/chromium the browser tests skip with BROWSER_SKIP_MESSAGE, unless
 * PRESSDESK_REQUIRE_BROWSER=1 (set by .ci/run): then a missing browser is a failure.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's chromium. `PRESSDESK_CHROMIUM_PATH` overrides it (only to try the skip and
 * must-run paths on a machine that has chromium: point it at a file that does not exist).
 */
export const CHROMIUM_PATH = process.env.PRESSDESK_CHROMIUM_PATH || '/usr/bin/chromium';

/** Flags for a quiet, offline-friendly headless chromium in a container (no sandbox as root, no GPU, no phoning home). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
] as const;

export const BROWSER_SKIP_MESSAGE =
  "browser tests skipped: install Debian's chromium (apt-get install chromium) to run them";

/** True when the browser tests must run (CI): a missing browser is then a failure, not a skip. */
export function browserRequired(): boolean {
  const v = process.env.PRESSDESK_REQUIRE_BROWSER;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/** True when Debian's chromium is installed and executable. */
export function browserInstalled(): boolean {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * What a browser test file should do: `run`, `skip` (no chromium, not required: say so) or
 * `fail` (no chromium but PRESSDESK_REQUIRE_BROWSER is set).
 */
export function browserPlan(): 'run' | 'skip' | 'fail' {
  if (browserInstalled()) return 'run';
  return browserRequired() ? 'fail' : 'skip';
}

/** A browser suite's title: with the skip message in it when the suite is skipped, so every reporter shows why. */
export function browserSuiteTitle(title: string): string {
  return browserPlan() === 'skip' ? `${title} (${BROWSER_SKIP_MESSAGE})` : title;
}

/**
 * Launches headless chromium with a fresh, throw-away profile (playwright's `launch()` creates a
 * new user-data directory for every browser and removes it on close). Null when chromium is not
 * installed.
 */
export async function launchBrowser(): Promise<Browser | null> {
  if (!browserInstalled()) return null;
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS], timeout: 30_000 });
}

// ---- axe-core ---------------------------------------------------------------------------------

/** WCAG 2.0, 2.1 and 2.2 at levels A and AA: what the desk and the public form must meet. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] as const;

/** The parts of an axe violation worth printing. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: Array<{ target: unknown[]; html: string; failureSummary?: string }>;
}

let axeSource: string | null = null;
function axeScript(): string {
  if (axeSource === null) {
    const require = createRequire(import.meta.url);
    axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  }
  return axeSource;
}

/**
 * Runs axe-core in the page (or only in the elements matching `include`) with the WCAG A/AA tags
 * and returns its violations. The page keeps its
 * real Content-Security-Policy (`script-src 'self'`): axe's source is evaluated through the
 * DevTools protocol, which a page's CSP does not govern, instead of a `<script>` tag it would block.
 */
export async function axeViolations(page: Page, opts: { include?: string } = {}): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.evaluate(axeScript());
  return page.evaluate(
    async ({ tags, include }) => {
      const axe = (
        window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }
      ).axe;
      const context = include ? { include: [include] } : document;
      const result = await axe.run(context, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
      }));
    },
    { tags: [...AXE_TAGS], include: opts.include ?? null },
  );
}

/** Violations as readable text for an assertion message: rule, impact, each element and what to fix. */
export function formatViolations(where: string, violations: AxeViolation[]): string {
  if (!violations.length) return `${where}: no accessibility violations`;
  const lines = [`${where}: ${violations.length} accessibility rule(s) violated`];
  for (const v of violations) {
    lines.push(`- ${v.id} (${v.impact ?? 'n/a'}): ${v.help} <${v.helpUrl}>`);
    for (const n of v.nodes) {
      lines.push(`    element ${n.target.map(String).join(' ')}`);
      lines.push(`      ${n.html.replace(/\s+/g, ' ').slice(0, 300)}`);
      if (n.failureSummary) lines.push(...n.failureSummary.split('\n').map((l) => `      ${l}`));
    }
  }
  return lines.join('\n');
}

/**
 * Width of the page's content vs its viewport (`scrollWidth > viewport` means horizontal
 * scrolling) and the culprits: the innermost visible elements reaching past the right edge
 * (not those inside a box that scrolls on its own: they are that box's content). Also the boxes
 * that do scroll sideways on their own but a keyboard or screen-reader user could not find or
 * scroll: each must be a named region (`role="region"` with `aria-label`/`aria-labelledby`) in
 * the tab order (`tabindex="0"`).
 */
export async function horizontalOverflow(
  page: Page,
): Promise<{ scrollWidth: number; viewport: number; culprits: string[]; unlabelledScrollers: string[] }> {
  return page.evaluate(() => {
    const viewport = document.documentElement.clientWidth;
    const describe = (el: Element) => {
      const id = el.id ? `#${el.id}` : '';
      const cls =
        typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      return `${el.tagName.toLowerCase()}${id}${cls} "${text}"`;
    };
    const scrolls = (el: Element) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
    const insideScroller = (el: Element) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (scrolls(p)) return true;
      return false;
    };
    const past = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && r.right > viewport + 0.5;
    };
    const culprits: string[] = [];
    const unlabelledScrollers: string[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      if (scrolls(el) && el.scrollWidth > el.clientWidth + 1) {
        const named =
          el.getAttribute('role') === 'region' &&
          (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) &&
          el.getAttribute('tabindex') === '0';
        if (!named) unlabelledScrollers.push(`${describe(el)} (${el.scrollWidth}px of content in ${el.clientWidth}px)`);
      }
      if (culprits.length >= 24 || !past(el) || insideScroller(el) || Array.from(el.children).some(past)) continue;
      culprits.push(`${describe(el)} (right edge ${Math.round(el.getBoundingClientRect().right)}px)`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, viewport, culprits, unlabelledScrollers };
  });
}
