/**
 * Every relative link in README.md and in the markdown under docs/ resolves: the file it names
 * exists, and its `#anchor` (if any) is a heading of the target, slugged as GitHub slugs headings.
 * No database: it reads files only.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** README.md and every .md file under docs/, as paths from the repository root. */
function markdownFiles(): string[] {
  const found = ['README.md'];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(ROOT, dir)).sort()) {
      const path = join(dir, name);
      if (statSync(join(ROOT, path)).isDirectory()) walk(path);
      else if (name.endsWith('.md')) found.push(path);
    }
  };
  walk('docs');
  return found;
}

/** The text with fenced code blocks blanked (links and headings inside them are not links or headings). */
function withoutFences(text: string): string {
  let inFence = false;
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        inFence = !inFence;
        return '';
      }
      return inFence ? '' : line;
    })
    .join('\n');
}

/** GitHub's anchor for a heading: lower case, formatting and punctuation (but - and _) removed, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/ /g, '-');
}

/** Every anchor of a markdown file: its headings' slugs, a repeated one suffixed -1, -2… as GitHub does. */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of withoutFences(text).split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** The link targets of a markdown file: `[text](target)`, `![alt](target)`, `<img src>` and `<a href>`, outside code. */
function linksOf(text: string): string[] {
  const prose = withoutFences(text).replace(/`[^`\n]*`/g, '');
  const links: string[] = [];
  for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push(m[1]!);
  for (const m of prose.matchAll(/<(?:img|a)\s[^>]*?(?:src|href)="([^"]+)"/g)) links.push(m[1]!);
  return links;
}

/** What is wrong with each relative link of `file`, as "file: link: why". */
function brokenLinks(file: string, text: string, read: (path: string) => string | undefined): string[] {
  const problems: string[] = [];
  for (const link of linksOf(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto: …: not ours to check
    const hash = link.indexOf('#');
    const pathPart = decodeURIComponent(hash === -1 ? link : link.slice(0, hash));
    const anchor = hash === -1 ? undefined : decodeURIComponent(link.slice(hash + 1));
    const target = pathPart === '' ? file : relative(ROOT, resolve(ROOT, dirname(file), pathPart));
    if (target.startsWith('..')) {
      problems.push(`${file}: ${link}: points outside the repository`);
      continue;
    }
    if (!existsSync(join(ROOT, target))) {
      problems.push(`${file}: ${link}: ${target} does not exist`);
      continue;
    }
    if (anchor === undefined || anchor === '') continue;
    if (!target.endsWith('.md')) {
      problems.push(`${file}: ${link}: an anchor into ${target}, which is not markdown`);
      continue;
    }
    const targetText = read(target);
    if (targetText !== undefined && !anchorsOf(targetText).has(anchor))
      problems.push(`${file}: ${link}: no heading "#${anchor}" in ${target}`);
  }
  return problems;
}

const read = (path: string): string | undefined => {
  const full = join(ROOT, path);
  return existsSync(full) && statSync(full).isFile() ? readFileSync(full, 'utf8') : undefined;
};

describe('links in the README and docs/', () => {
  it('slugs headings as GitHub does', () => {
    expect(slug('The desk (for press officers and managers)')).toBe('the-desk-for-press-officers-and-managers');
    expect(slug('Reports: how each figure is defined')).toBe('reports-how-each-figure-is-defined');
    expect(slug('Scores (Stryker 9.6.1, vitest 4.1.12, Node 20)')).toBe('scores-stryker-961-vitest-4112-node-20');
    expect(slug('`npm test` and snake_case')).toBe('npm-test-and-snake_case');
  });

  it('finds a missing file and a missing anchor', () => {
    const text =
      '[a](nowhere.md) [b](README.md#no-such-heading) [c](README.md#quick-start) [d](https://example.org/x) `[e](nor-this.md)`';
    expect(brokenLinks('README.md', text, read)).toEqual([
      'README.md: nowhere.md: nowhere.md does not exist',
      'README.md: README.md#no-such-heading: no heading "#no-such-heading" in README.md',
    ]);
  });

  it.each(markdownFiles())('every relative link of %s resolves', (file) => {
    expect(brokenLinks(file, read(file)!, read)).toEqual([]);
  });
});
