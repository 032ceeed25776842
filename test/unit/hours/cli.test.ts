import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

/** `npm run hours -- <args>` as an operator would run it, with the shipped default config. */
async function hours(...args: string[]) {
  return runCli('hours.ts', args, {});
}

describe('npm run hours', () => {
  it('explains a bank holiday closure and when the office reopens', async () => {
    const { code, stdout } = await hours('2026-12-28T10:00');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(
      'Closed at 10:00am on Monday 28 December 2026 (Boxing Day (substitute day)). Opens 9:00am on Tuesday 29 December 2026.',
    );
  });

  it('says when an open office closes', async () => {
    const { code, stdout } = await hours('2026-12-29T10:00');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(
      'Open at 10:00am on Tuesday 29 December 2026. Closes 5:00pm on Tuesday 29 December 2026.',
    );
  });

  it('answers for now without an argument', async () => {
    const { code, stdout } = await hours();
    expect(code).toBe(0);
    expect(stdout).toMatch(/^(Open|Closed) at \d{1,2}:\d{2}[ap]m today/);
  });

  it('exits 2 with a message on stderr for a bad argument', async () => {
    const { code, stdout, stderr } = await hours('2026-02-30T10:00');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Not a date-time');
  });
});
