/**
 * Edges of office time that mutation testing (docs/testing.md "Mutation testing") found untested:
 * what a typed date may be, clock changes in a zone far from UTC (Auckland, +12/+13), month names,
 * and the year said beside a time in another office zone.
 */
import { Settings } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFileConfig } from '../../../src/config.js';
import { formatOfficeTime, formatShortTime } from '../../../src/hours/format.js';
import { toCalendarDate, wallClockInstant } from '../../../src/hours/wall-clock.js';

const office = parseFileConfig().office;
const auckland = { ...office, timezone: 'Pacific/Auckland' };
const MINUTE = 60_000;

describe('a typed date (YYYY-MM-DD)', () => {
  const defaultZone = Settings.defaultZone;
  afterEach(() => {
    Settings.defaultZone = defaultZone;
  });

  it('is that calendar day whatever the zone the server itself runs in', () => {
    Settings.defaultZone = 'Pacific/Auckland';
    expect(toCalendarDate('2026-03-29', office)).toBe(Date.UTC(2026, 2, 29));
  });

  it('is refused, naming what was typed, when it is a date and time, has extra text, or does not exist', () => {
    for (const typed of ['2026-03-29T10:00', '2026-03-29 ', ' 2026-03-29', '+002026-03-29', '2026-02-30', '2026-3-29'])
      expect(() => toCalendarDate(typed, office), typed).toThrow(new RangeError(`not a date: ${typed}`));
  });
});

describe('office hours across a clock change in Auckland (+13 to +12 in April, +12 to +13 in September)', () => {
  it('01:00 on the day the clocks go back is still daylight time: 12:00 UTC the day before', () => {
    expect(wallClockInstant(Date.UTC(2026, 3, 5), 60, 'Pacific/Auckland')).toBe(Date.UTC(2026, 3, 4, 12));
  });

  it('02:30 on the day the clocks go forward never shows: the office opens when the clock jumps, 14:00 UTC the day before', () => {
    expect(wallClockInstant(Date.UTC(2026, 8, 27), 150, 'Pacific/Auckland')).toBe(Date.UTC(2026, 8, 26, 14));
    expect(wallClockInstant(Date.UTC(2026, 8, 27), 180, 'Pacific/Auckland')).toBe(Date.UTC(2026, 8, 26, 14));
    expect(wallClockInstant(Date.UTC(2026, 8, 27), 120, 'Pacific/Auckland') + MINUTE).toBe(
      Date.UTC(2026, 8, 26, 14, 1),
    );
  });
});

describe('a time said to a journalist', () => {
  it('names its month, every month of the year', () => {
    const months = [
      'January',
      'February',
      'March',
      'April',
      'May',
      'June',
      'July',
      'August',
      'September',
      'October',
      'November',
      'December',
    ];
    for (const [i, name] of months.entries())
      expect(formatOfficeTime(new Date(Date.UTC(2026, i, 15, 12)), office)).toContain(` 15 ${name} 2026`);
  });

  it("gives the year when it is not now's year in the office's own zone: in London on 31 December, not in Auckland, already in 2027", () => {
    const now = new Date(Date.UTC(2026, 11, 31, 11, 30));
    const at = new Date(Date.UTC(2027, 0, 2, 12));
    expect(formatShortTime(at, office, now)).toBe('Sat 2 Jan 2027 12:00');
    expect(formatShortTime(at, auckland, now)).toBe('Sun 3 Jan 01:00');
  });
});
