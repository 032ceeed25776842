/**
 * The one ids module (issue 25, item 4): what each row-id variant and the E.164 check admit, pinned
 * on the edge inputs where the variants differ, so merging them later is a visible decision.
 */
import { describe, expect, it } from 'vitest';
import { e164, isE164, isLongRowId, isRowId, isRowIdDigits, jobRowId } from '../../src/ids.js';

const BIGINT_MAX = '9223372036854775807';

describe('row ids', () => {
  it.each([
    // text, isRowId, isRowIdDigits, isLongRowId, jobRowId
    ['1', true, true, true, true],
    ['42', true, true, true, true],
    ['0', false, true, false, true],
    ['007', false, true, false, true],
    ['9'.repeat(18), true, true, true, true],
    [BIGINT_MAX, false, false, true, true],
    ['1'.repeat(20), false, false, false, true],
    ['', false, false, false, false],
    ['-1', false, false, false, false],
    ['1e3', false, false, false, false],
    [' 12', false, false, false, false],
    ['12\n', false, false, false, false],
  ])('%j', (text, row, digits, long, job) => {
    expect(isRowId(text)).toBe(row);
    expect(isRowIdDigits(text)).toBe(digits);
    expect(isLongRowId(text)).toBe(long);
    expect(jobRowId.safeParse(text).success).toBe(job);
  });

  it('every 18-digit row id fits a bigint', () => {
    expect(BigInt('9'.repeat(18)) < BigInt(BIGINT_MAX)).toBe(true);
  });
});

describe('E.164', () => {
  it.each([
    ['+447911123456', true],
    ['+1234567', true],
    ['+123456', false],
    ['+1234567890123456', false],
    ['+123456789012345', true],
    ['+0447911123456', false],
    ['447911123456', false],
    ['07911 123456', false],
    ['+44 7911 123456', false],
    ['+447911123456\n', false],
  ])('%j → %s', (text, ok) => {
    expect(isE164(text)).toBe(ok);
    expect(e164().safeParse(text).success).toBe(ok);
  });

  it('carries the caller’s message', () => {
    const r = e164('must be E.164').safeParse('07911');
    expect(r.success ? '' : r.error.issues[0]?.message).toBe('must be E.164');
  });
});
