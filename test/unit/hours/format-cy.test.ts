/**
 * Issue 31: the written office times in Welsh (`lang` 'cy'), the contract the web pages, texts and
 * emails share: Welsh clock words, "heddiw"/"yfory", and luxon's Welsh day and month names after
 * "ddydd" (the mutated "dydd" a time adverb takes). English, the default, is unchanged.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseFileConfig } from '../../../src/config.js';
import { formatClock, formatDeadline, formatOfficeTime, formatShortTime } from '../../../src/hours/format.js';

const office = parseFileConfig().office;
const london = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/London' });

describe('office times in Welsh', () => {
  it('says the clock with yb and yh', () => {
    expect(formatClock(london('2026-12-29T09:00'), 'cy')).toBe('9:00yb');
    expect(formatClock(london('2026-12-29T17:30'), 'cy')).toBe('5:30yh');
    expect(formatClock(london('2026-12-29T00:00'), 'cy')).toBe('12:00yb');
  });

  it('says "heddiw" and "yfory" by the office date', () => {
    expect(formatOfficeTime(london('2026-12-29T17:00'), office, london('2026-12-29T10:00'), 'cy')).toBe(
      '5:00yh heddiw',
    );
    expect(formatOfficeTime(london('2026-12-29T09:00'), office, london('2026-12-28T22:00'), 'cy')).toBe('9:00yb yfory');
  });

  it('names the day and month in Welsh, with the year when it differs or there is no now', () => {
    expect(formatOfficeTime(london('2026-12-29T09:00'), office, london('2026-06-01T12:00'), 'cy')).toBe(
      '9:00yb ddydd Mawrth 29 Rhagfyr',
    );
    expect(formatOfficeTime(london('2027-01-04T09:00'), office, london('2026-12-24T17:00'), 'cy')).toBe(
      '9:00yb ddydd Llun 4 Ionawr 2027',
    );
    expect(formatOfficeTime(london('2026-12-29T09:00'), office, undefined, 'cy')).toBe(
      '9:00yb ddydd Mawrth 29 Rhagfyr 2026',
    );
  });

  it('shortens for a text message with Welsh short names', () => {
    expect(formatShortTime(london('2026-12-29T14:30'), office, london('2026-06-01T12:00'), 'cy')).toBe(
      'Maw 29 Rhag 14:30',
    );
    expect(formatDeadline(london('2027-01-04T09:00'), office, london('2026-12-24T17:00'), 'cy')).toBe(
      'Llun 4 Ion 2027 09:00',
    );
  });

  it('leaves English exactly as it was when no language is given', () => {
    expect(formatOfficeTime(london('2026-12-29T09:00'), office, london('2026-06-01T12:00'))).toBe(
      '9:00am on Tuesday 29 December',
    );
    expect(formatOfficeTime(london('2026-12-29T09:00'), office, london('2026-06-01T12:00'), 'en')).toBe(
      '9:00am on Tuesday 29 December',
    );
    expect(formatShortTime(london('2026-12-29T14:30'), office, london('2026-06-01T12:00'))).toBe('Tue 29 Dec 14:30');
  });
});
