import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseFileConfig } from '../../../src/config.js';
import { formatDeadline, formatOfficeTime } from '../../../src/hours/format.js';

const office = parseFileConfig().office;
const london = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/London' });

describe('formatOfficeTime: times as a journalist reads them', () => {
  it('says "9:00am on Tuesday 29 December" within the current year', () => {
    expect(formatOfficeTime(london('2026-12-29T09:00'), office, london('2026-06-01T12:00'))).toBe(
      '9:00am on Tuesday 29 December',
    );
  });

  it('adds the year when it differs from now, or when there is no now', () => {
    expect(formatOfficeTime(london('2027-01-04T09:00'), office, london('2026-12-24T17:00'))).toBe(
      '9:00am on Monday 4 January 2027',
    );
    expect(formatOfficeTime(london('2026-12-29T09:00'), office)).toBe('9:00am on Tuesday 29 December 2026');
  });

  it('says "today" and "tomorrow" by the office date', () => {
    expect(formatOfficeTime(london('2026-12-29T17:00'), office, london('2026-12-29T10:00'))).toBe('5:00pm today');
    expect(formatOfficeTime(london('2026-12-29T09:00'), office, london('2026-12-28T22:00'))).toBe('9:00am tomorrow');
    expect(formatOfficeTime(london('2027-01-01T09:00'), office, london('2026-12-31T09:00'))).toBe('9:00am tomorrow');
    // 23:30Z on 1 July is already 2 July in London.
    expect(formatOfficeTime(london('2026-07-02T09:00'), office, new Date('2026-07-01T23:30:00Z'))).toBe('9:00am today');
    expect(formatOfficeTime(london('2026-07-03T09:00'), office, london('2026-07-01T09:00'))).toBe(
      '9:00am on Friday 3 July',
    );
  });

  it('writes the clock with lowercase am/pm, no leading zero, minutes kept', () => {
    const now = london('2026-07-01T08:00');
    expect(formatOfficeTime(london('2026-07-01T14:30'), office, now)).toBe('2:30pm today');
    expect(formatOfficeTime(london('2026-07-01T12:00'), office, now)).toBe('12:00pm today');
    expect(formatOfficeTime(london('2026-07-02T00:00'), office, now)).toBe('12:00am tomorrow');
  });

  it('shows an instant given in another zone in office time', () => {
    expect(formatOfficeTime(new Date('2026-07-01T08:00:00Z'), office)).toBe('9:00am on Wednesday 1 July 2026');
  });
});

describe('formatDeadline: short enough for an SMS', () => {
  it('says "Tue 29 Dec 14:30", with the year only when not this year', () => {
    expect(formatDeadline(london('2026-12-29T14:30'), office)).toBe('Tue 29 Dec 14:30');
    expect(formatDeadline(london('2026-09-07T09:05'), office, london('2026-01-01T00:00'))).toBe('Mon 7 Sep 09:05');
    expect(formatDeadline(london('2027-01-04T09:00'), office, london('2026-12-29T00:00'))).toBe('Mon 4 Jan 2027 09:00');
  });
});
