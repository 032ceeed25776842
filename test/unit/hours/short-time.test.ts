import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseFileConfig } from '../../../src/config.js';
import { formatDeadline, formatShortTime } from '../../../src/hours/format.js';

const office = parseFileConfig().office;
const london = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/London' });

// Issue 13: times that are not deadlines have their own formatter; the words did not change.
describe('formatShortTime', () => {
  it('says any instant as "Tue 29 Dec 14:30", with the year when it is not now’s', () => {
    expect(formatShortTime(london('2026-12-29T14:30'), office)).toBe('Tue 29 Dec 14:30');
    expect(formatShortTime(london('2027-01-04T09:00'), office, london('2026-12-29T00:00'))).toBe(
      'Mon 4 Jan 2027 09:00',
    );
  });

  it('and deadlines are said the same way today', () => {
    const at = london('2026-03-29T01:30');
    expect(formatDeadline(at, office, london('2026-03-28T12:00'))).toBe(
      formatShortTime(at, office, london('2026-03-28T12:00')),
    );
  });
});
