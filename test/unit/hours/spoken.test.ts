import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseFileConfig, type OfficeConfig } from '../../../src/config.js';
import { spokenDay, spokenOfficeStatus, spokenTime } from '../../../src/hours/spoken.js';

/** The shipped default: 09:00-17:00 Monday to Friday, Europe/London, England and Wales bank holidays. */
const office = parseFileConfig().office;

/** The default office with some settings replaced, validated by the real config schema. */
function officeWith(override: Record<string, unknown>): OfficeConfig {
  return parseFileConfig({ office: override }).office;
}

/** A wall-clock time in London. */
const london = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/London' });
/** What the phone line says at an instant. */
const say = (at: DateTime | Date, config: OfficeConfig = office) => spokenOfficeStatus(at, config).text;

describe('spokenTime: the clock as words', () => {
  const table: Array<[string, string]> = [
    ['09:00', 'nine a.m.'],
    ['12:00', 'noon'],
    ['00:00', 'midnight'],
    ['13:30', 'one thirty p.m.'],
    ['08:05', 'eight oh five a.m.'],
    ['17:45', 'five forty-five p.m.'],
    ['00:30', 'twelve thirty a.m.'],
    ['12:01', 'twelve oh one p.m.'],
    ['10:10', 'ten ten a.m.'],
    ['11:15', 'eleven fifteen a.m.'],
    ['23:59', 'eleven fifty-nine p.m.'],
    ['16:20', 'four twenty p.m.'],
    ['07:19', 'seven nineteen a.m.'],
  ];

  it.each(table)('%s is "%s"', (hhmm, words) => {
    expect(spokenTime(london(`2026-07-01T${hhmm}`))).toBe(words);
  });

  it("drops seconds and reads the clock in the DateTime's own zone", () => {
    expect(spokenTime(london('2026-07-01T09:00:59'))).toBe('nine a.m.');
    // 08:00Z on 30 March 2026 is 09:00 BST: the first working morning after the clocks go forward.
    expect(spokenTime(DateTime.fromISO('2026-03-30T08:00:00Z').setZone('Europe/London'))).toBe('nine a.m.');
    expect(spokenTime(DateTime.fromISO('2026-03-30T08:00:00Z', { zone: 'utc' }))).toBe('eight a.m.');
  });
});

describe('spokenDay: the date relative to now', () => {
  it('says "today" and "tomorrow" by the date in the DateTime\'s zone', () => {
    expect(spokenDay(london('2026-11-30T09:00'), london('2026-11-30T07:00'))).toBe('today');
    expect(spokenDay(london('2026-12-01T09:00'), london('2026-11-30T23:59'))).toBe('tomorrow');
    // 23:30Z on 1 July is already 2 July in London: "now" in UTC must not make it "tomorrow".
    expect(spokenDay(london('2026-07-02T09:00'), DateTime.fromISO('2026-07-01T23:30:00Z', { zone: 'utc' }))).toBe(
      'today',
    );
  });

  it('says "on Monday the 30th of November" with English ordinals', () => {
    const now = london('2026-06-01T12:00');
    expect(spokenDay(london('2026-11-30T09:00'), now)).toBe('on Monday the 30th of November');
    expect(spokenDay(london('2026-07-01T09:00'), now)).toBe('on Wednesday the 1st of July');
    expect(spokenDay(london('2026-07-02T09:00'), now)).toBe('on Thursday the 2nd of July');
    expect(spokenDay(london('2026-07-03T09:00'), now)).toBe('on Friday the 3rd of July');
    expect(spokenDay(london('2026-07-11T09:00'), now)).toBe('on Saturday the 11th of July');
    expect(spokenDay(london('2026-07-12T09:00'), now)).toBe('on Sunday the 12th of July');
    expect(spokenDay(london('2026-07-13T09:00'), now)).toBe('on Monday the 13th of July');
    expect(spokenDay(london('2026-07-21T09:00'), now)).toBe('on Tuesday the 21st of July');
    expect(spokenDay(london('2026-07-22T09:00'), now)).toBe('on Wednesday the 22nd of July');
    expect(spokenDay(london('2026-07-23T09:00'), now)).toBe('on Thursday the 23rd of July');
    expect(spokenDay(london('2026-07-31T09:00'), now)).toBe('on Friday the 31st of July');
  });

  it('adds the year only when it is not the current year in the office zone', () => {
    expect(spokenDay(london('2027-01-04T09:00'), london('2026-12-31T17:00'))).toBe('on Monday the 4th of January 2027');
    // 00:30Z on 1 January 2026 is still 2026 in London (GMT), but a UTC "now" a day earlier is 2025.
    expect(spokenDay(london('2026-01-05T09:00'), DateTime.fromISO('2025-12-31T23:30:00Z', { zone: 'utc' }))).toBe(
      'on Monday the 5th of January 2026',
    );
    expect(spokenDay(london('2026-01-05T09:00'), london('2026-01-01T00:30'))).toBe('on Monday the 5th of January');
  });
});

describe('spokenOfficeStatus: what a caller hears (default office, real zone and holiday data)', () => {
  it('on a Friday evening: opens on Monday', () => {
    expect(spokenOfficeStatus(london('2026-11-27T18:30'), office)).toEqual({
      open: false,
      text: 'The press office is closed. It opens at nine a.m. on Monday the 30th of November.',
    });
  });

  it('on a Saturday: opens on Monday; on a Sunday: opens tomorrow', () => {
    expect(say(london('2026-11-28T11:00'))).toBe(
      'The press office is closed. It opens at nine a.m. on Monday the 30th of November.',
    );
    expect(say(london('2026-11-29T20:00'))).toBe('The press office is closed. It opens at nine a.m. tomorrow.');
  });

  it('on a weekday before nine: opens today', () => {
    expect(say(london('2026-11-30T07:15'))).toBe('The press office is closed. It opens at nine a.m. today.');
    // 23:30Z on 1 July is 00:30 BST on Thursday 2 July: "today", by the office's date.
    expect(say(new Date('2026-07-01T23:30:00Z'))).toBe('The press office is closed. It opens at nine a.m. today.');
  });

  it('after closing on a weekday: opens tomorrow', () => {
    expect(say(london('2026-11-30T17:00'))).toBe('The press office is closed. It opens at nine a.m. tomorrow.');
  });

  it('within hours: open until five p.m.', () => {
    expect(spokenOfficeStatus(london('2026-11-30T09:00'), office)).toEqual({
      open: true,
      text: 'The press office is open until five p.m.',
    });
    expect(say(london('2026-11-30T16:59:59'))).toBe('The press office is open until five p.m.');
  });

  it('Christmas Eve evening 2026: shut for Christmas Day (Fri) and the Boxing Day substitute (Mon 28th), opens Tuesday', () => {
    expect(say(london('2026-12-24T17:30'))).toBe(
      'The press office is closed. It opens at nine a.m. on Tuesday the 29th of December.',
    );
    expect(say(london('2026-12-25T10:00'))).toBe(
      'The press office is closed today for Christmas Day. It opens at nine a.m. on Tuesday the 29th of December.',
    );
    expect(say(london('2026-12-26T10:00'))).toBe(
      'The press office is closed today for Boxing Day. It opens at nine a.m. on Tuesday the 29th of December.',
    );
    expect(say(london('2026-12-27T10:00'))).toBe(
      'The press office is closed. It opens at nine a.m. on Tuesday the 29th of December.',
    );
    expect(say(london('2026-12-28T10:00'))).toBe(
      'The press office is closed today for Boxing Day (substitute day). It opens at nine a.m. tomorrow.',
    );
  });

  it("year boundary: 31 December 2026 evening, New Year's Day 2027 a Friday, opens Monday the 4th of January 2027", () => {
    expect(say(london('2026-12-31T19:00'))).toBe(
      'The press office is closed. It opens at nine a.m. on Monday the 4th of January 2027.',
    );
    // Once it is 2027 in London the year is not said.
    expect(say(london('2027-01-01T00:00'))).toBe(
      "The press office is closed today for New Year's Day. It opens at nine a.m. on Monday the 4th of January.",
    );
    // 23:30Z on 31 December 2026 is 23:30 GMT: still 2026 in London.
    expect(say(new Date('2026-12-31T23:30:00Z'))).toBe(
      'The press office is closed. It opens at nine a.m. on Monday the 4th of January 2027.',
    );
  });

  it('a configured closure day says so, and the day before does not', () => {
    const withClosure = officeWith({ closures: ['2026-07-15'] });
    expect(say(london('2026-07-15T10:00'), withClosure)).toBe(
      'The press office is closed today. It opens at nine a.m. tomorrow.',
    );
    expect(say(london('2026-07-14T18:00'), withClosure)).toBe(
      'The press office is closed. It opens at nine a.m. on Thursday the 16th of July.',
    );
    expect(say(london('2026-07-14T12:00'), withClosure)).toBe('The press office is open until five p.m.');
  });

  it('no opening within the search horizon: says closed and nothing more', () => {
    const neverOpen = officeWith({ hours: { mon: [], tue: [], wed: [], thu: [], fri: [] } });
    expect(spokenOfficeStatus(london('2026-11-30T10:00'), neverOpen)).toEqual({
      open: false,
      text: 'The press office is closed.',
    });
    expect(say(london('2026-12-25T10:00'), neverOpen)).toBe('The press office is closed today for Christmas Day.');
  });
});

describe('spokenOfficeStatus across clock changes (Europe/London)', () => {
  it('the night the clocks go back (Sunday 25 October 2026): both 01:30s open at nine a.m. tomorrow, 09:00 GMT', () => {
    const firstHalfPast = new Date('2026-10-25T00:30:00Z'); // 01:30 BST
    const secondHalfPast = new Date('2026-10-25T01:30:00Z'); // 01:30 GMT
    expect(say(firstHalfPast)).toBe('The press office is closed. It opens at nine a.m. tomorrow.');
    expect(say(secondHalfPast)).toBe('The press office is closed. It opens at nine a.m. tomorrow.');
    // 23:30Z on Saturday 24 October is already Sunday 00:30 BST.
    expect(say(new Date('2026-10-24T23:30:00Z'))).toBe('The press office is closed. It opens at nine a.m. tomorrow.');
    // The opening said is 09:00 GMT: closed at 08:59:59Z, open at 09:00Z.
    expect(spokenOfficeStatus(new Date('2026-10-26T08:59:59Z'), office).open).toBe(false);
    expect(say(new Date('2026-10-26T08:30:00Z'))).toBe('The press office is closed. It opens at nine a.m. today.');
    expect(say(new Date('2026-10-26T09:00:00Z'))).toBe('The press office is open until five p.m.');
  });

  it('the night the clocks go forward (Sunday 29 March 2026): opens at nine a.m. BST on Monday', () => {
    expect(say(new Date('2026-03-28T23:30:00Z'))).toBe(
      'The press office is closed. It opens at nine a.m. on Monday the 30th of March.',
    );
    expect(say(new Date('2026-03-29T00:30:00Z'))).toBe('The press office is closed. It opens at nine a.m. tomorrow.'); // 00:30 GMT
    expect(say(new Date('2026-03-29T01:30:00Z'))).toBe('The press office is closed. It opens at nine a.m. tomorrow.'); // 02:30 BST
    expect(say(new Date('2026-03-30T08:00:00Z'))).toBe('The press office is open until five p.m.'); // 09:00 BST
    expect(say(new Date('2026-03-30T07:59:00Z'))).toBe('The press office is closed. It opens at nine a.m. today.');
  });

  it('an opening inside the spring gap is said as the time the clock shows then (two a.m.)', () => {
    const earlyShift = officeWith({ hours: { sun: [['01:30', '05:00']] } });
    expect(say(new Date('2026-03-29T00:30:00Z'), earlyShift)).toBe(
      'The press office is closed. It opens at two a.m. today.',
    );
  });
});

describe('spokenOfficeStatus: periods ending or starting at midnight, or on another day', () => {
  it('an evening closing at 24:00 is "until midnight", not "midnight tomorrow"', () => {
    const late = officeWith({ hours: { mon: [['09:00', '24:00']] } });
    expect(say(london('2026-11-30T20:00'), late)).toBe('The press office is open until midnight.');
  });

  it('a period running into the next day names the day it ends', () => {
    const nights = officeWith({ holidays: null, hours: { mon: [['22:00', '24:00']], tue: [['00:00', '06:00']] } });
    expect(say(london('2026-11-30T23:00'), nights)).toBe('The press office is open until six a.m. tomorrow.');
    const weekend = officeWith({ holidays: null, hours: { sat: [['00:00', '24:00']], sun: [['00:00', '24:00']] } });
    expect(say(london('2026-11-28T10:00'), weekend)).toBe('The press office is open until midnight tomorrow night.');
    const longWeekend = officeWith({
      holidays: null,
      hours: { fri: [['09:00', '24:00']], sat: [['00:00', '24:00']], sun: [['00:00', '24:00']] },
    });
    expect(say(london('2026-11-27T10:00'), longWeekend)).toBe(
      'The press office is open until midnight at the end of Sunday the 29th of November.',
    );
  });

  it('an opening at 00:00 is tied to the day it starts', () => {
    const saturdays = officeWith({
      holidays: null,
      hours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [['00:00', '12:00']] },
    });
    expect(say(london('2026-11-27T20:00'), saturdays)).toBe(
      'The press office is closed. It opens at midnight tonight.',
    );
    expect(say(london('2026-11-25T20:00'), saturdays)).toBe(
      'The press office is closed. It opens at midnight at the start of Saturday the 28th of November.',
    );
    expect(say(london('2026-11-28T11:00'), saturdays)).toBe('The press office is open until noon.');
  });

  it('open round the clock (no closing within the horizon): "The press office is open."', () => {
    const always = officeWith({
      holidays: null,
      hours: Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]),
      ),
    });
    expect(spokenOfficeStatus(london('2026-11-30T10:00'), always)).toEqual({
      open: true,
      text: 'The press office is open.',
    });
  });
});
