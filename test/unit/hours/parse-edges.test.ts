/**
 * Edges of typed instants and days that mutation testing (docs/testing.md "Mutation testing")
 * found untested: the calendar's first and last instants, fractions of a second, every offset
 * form, and a typed office day.
 */
import { describe, expect, it } from 'vitest';
import { officeDayStart, parseInstant } from '../../../src/hours/parse.js';

const LONDON = 'Europe/London';
const at = (text: string) => parseInstant(text, LONDON)?.toMillis() ?? null;

describe('a typed instant', () => {
  it('is taken from the first instant of 1900 to the last of 9999, and refused a millisecond outside', () => {
    expect(at('1900-01-01T00:00:00Z')).toBe(Date.UTC(1900, 0, 1));
    expect(at('1899-12-31T23:59:59.999Z')).toBeNull();
    expect(at('9999-12-31T23:59:59.999Z')).toBe(Date.UTC(9999, 11, 31, 23, 59, 59, 999));
    expect(at('9999-12-31T23:30:00-01:00')).toBeNull();
  });

  it('may have spaces around it, with an offset or in office time', () => {
    expect(at(' 2026-03-30T10:00Z ')).toBe(Date.UTC(2026, 2, 30, 10));
    expect(at(' 2026-03-30T10:00 ')).toBe(Date.UTC(2026, 2, 30, 9));
  });

  it('keeps a fraction of a second to the millisecond: .5 is 500 ms, .123456 is 123 ms', () => {
    expect(at('2026-03-30T10:00:00.5Z')).toBe(Date.UTC(2026, 2, 30, 10, 0, 0, 500));
    expect(at('2026-03-30T10:00:00.123456Z')).toBe(Date.UTC(2026, 2, 30, 10, 0, 0, 123));
  });

  it('takes an offset as +hh, +hhmm or +hh:mm, and refuses one of 24 hours or 60 minutes', () => {
    expect(at('2026-03-30T10:00+01')).toBe(Date.UTC(2026, 2, 30, 9));
    expect(at('2026-03-30T10:00+0130')).toBe(Date.UTC(2026, 2, 30, 8, 30));
    expect(at('2026-03-30T10:00-01:30')).toBe(Date.UTC(2026, 2, 30, 11, 30));
    expect(at('2026-03-30T10:00+23:59')).toBe(Date.UTC(2026, 2, 29, 10, 1));
    expect(at('2026-03-30T10:00+24:00')).toBeNull();
    expect(at('2026-03-30T10:00+01:60')).toBeNull();
  });

  it('is refused with anything before it', () => {
    expect(at('x2026-03-30T10:00Z')).toBeNull();
    expect(at('by 2026-03-30T10:00')).toBeNull();
  });
});

describe('a typed office day (a filter from or to)', () => {
  it('starts at midnight in office time, in summer and in winter', () => {
    expect(officeDayStart('2026-07-01', LONDON)?.toMillis()).toBe(Date.UTC(2026, 5, 30, 23));
    expect(officeDayStart('2026-12-01', LONDON)?.toMillis()).toBe(Date.UTC(2026, 11, 1));
  });

  it('is refused unless it is exactly a real YYYY-MM-DD', () => {
    for (const typed of [
      '2026-7-01',
      '2026-07-1',
      '26-07-01',
      '2026-07-01T00:00',
      'x2026-07-01',
      '2026-07-01x',
      '2026-02-30',
      'abcd-07-01',
      '2026-ab-01',
      '2026-07-ab',
    ])
      expect(officeDayStart(typed, LONDON), typed).toBeNull();
  });
});
