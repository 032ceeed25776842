import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseFileConfig, type OfficeConfig } from '../../../src/config.js';
import {
  addWorkingMillis,
  addWorkingMinutes,
  closedDayReason,
  isOpen,
  nextOpening,
  officeStatus,
  openState,
  workingMinutesBetween,
} from '../../../src/hours/office-hours.js';

/** The shipped default: 09:00-17:00 Monday to Friday, Europe/London, England and Wales bank holidays. */
const office = parseFileConfig().office;

/** The default office with some settings replaced, validated by the real config schema. */
function officeWith(override: Record<string, unknown>): OfficeConfig {
  return parseFileConfig({ office: override }).office;
}

/** A wall-clock time in London, as a journalist would say it. */
const london = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/London' });
/** The absolute instant, so DST mistakes cannot hide behind a matching local reading. */
const utc = (dt: DateTime | null) => (dt ? dt.toUTC().toISO() : null);

describe('opening and closing on the dot', () => {
  it('is open at 16:59:59 and closed at exactly 17:00:00', () => {
    expect(isOpen(london('2026-07-01T16:59:59'), office)).toBe(true);
    expect(isOpen(london('2026-07-01T17:00:00'), office)).toBe(false);
    expect(officeStatus(london('2026-07-01T17:00:00'), office).reason).toBe('outside opening hours');
  });

  it('is closed at 08:59:59 and open at exactly 09:00:00', () => {
    expect(isOpen(london('2026-07-01T08:59:59'), office)).toBe(false);
    expect(isOpen(london('2026-07-01T09:00:00'), office)).toBe(true);
  });

  it('at midnight on a weekday is closed until 09:00 that morning', () => {
    const s = officeStatus(london('2026-07-01T00:00:00'), office);
    expect(s).toMatchObject({ open: false, reason: 'outside opening hours' });
    expect(s.nextOpening?.toISO()).toBe('2026-07-01T09:00:00.000+01:00');
    expect(s.nextClosing?.toISO()).toBe('2026-07-01T17:00:00.000+01:00');
  });

  it('when open, gives the closing of this period and the opening after it', () => {
    const s = officeStatus(london('2026-07-03T10:00'), office); // a Friday
    expect(s).toMatchObject({ open: true, reason: 'open' });
    expect(s.at.toISO()).toBe('2026-07-03T10:00:00.000+01:00');
    expect(s.nextClosing?.toISO()).toBe('2026-07-03T17:00:00.000+01:00');
    expect(s.nextOpening?.toISO()).toBe('2026-07-06T09:00:00.000+01:00');
  });

  it('reads an instant given with another offset as the same moment in London', () => {
    const at = DateTime.fromISO('2026-07-01T10:00:00+02:00', { setZone: true }); // 09:00 BST
    const s = officeStatus(at, office);
    expect(s.open).toBe(true);
    expect(s.at.toISO()).toBe('2026-07-01T09:00:00.000+01:00');
    expect(isOpen(new Date('2026-07-01T07:59:59Z'), office)).toBe(false); // 08:59:59 BST
  });

  it('calls a Saturday or Sunday "weekend"', () => {
    expect(officeStatus(london('2026-07-04T00:00'), office).reason).toBe('weekend');
    const s = officeStatus(london('2026-07-05T12:00'), office);
    expect(s).toMatchObject({ open: false, reason: 'weekend' });
    expect(s.nextOpening?.toISO()).toBe('2026-07-06T09:00:00.000+01:00');
  });

  it('names a weekday without hours "closed on <Weekday>s"', () => {
    const noWednesdays = officeWith({ hours: { wed: [] } });
    expect(officeStatus(london('2026-07-01T10:00'), noWednesdays).reason).toBe('closed on Wednesdays');
    expect(closedDayReason('2026-07-01', noWednesdays)).toBe('closed on Wednesdays');
    expect(closedDayReason('2026-07-02', noWednesdays)).toBeNull();
  });
});

describe('bank holidays in England and Wales (type "public" from date-holidays)', () => {
  // The spec: gov.uk's list for 2026 and 2027, with date-holidays' names verbatim.
  const bankHolidays: Array<[string, string]> = [
    ['2026-01-01', "New Year's Day"],
    ['2026-04-03', 'Good Friday'],
    ['2026-04-06', 'Easter Monday'],
    ['2026-05-04', 'Early May bank holiday'],
    ['2026-05-25', 'Spring bank holiday'],
    ['2026-08-31', 'Summer bank holiday'],
    ['2026-12-25', 'Christmas Day'],
    ['2026-12-28', 'Boxing Day (substitute day)'], // 26 December 2026 is a Saturday
    ['2027-01-01', "New Year's Day"],
    ['2027-03-26', 'Good Friday'],
    ['2027-03-29', 'Easter Monday'],
    ['2027-05-03', 'Early May bank holiday'],
    ['2027-05-31', 'Spring bank holiday'],
    ['2027-08-30', 'Summer bank holiday'],
    ['2027-12-27', 'Christmas Day (substitute day)'], // Christmas 2027 is a Saturday
    ['2027-12-28', 'Boxing Day (substitute day)'], // and Boxing Day a Sunday
  ];

  it.each(bankHolidays)('%s is closed at 10:00 for %s', (date, name) => {
    const s = officeStatus(london(`${date}T10:00`), office);
    expect(s).toMatchObject({ open: false, reason: name });
    expect(s.nextOpening!.toMillis()).toBeGreaterThan(london(`${date}T23:59:59`).toMillis());
  });

  it('closes on no other weekday of 2026 or 2027', () => {
    const closedWeekdays: string[] = [];
    for (let d = london('2026-01-01T10:00'); d.year < 2028; d = d.plus({ days: 1 })) {
      if (d.weekday <= 5 && !isOpen(d, office)) closedWeekdays.push(d.toISODate()!);
    }
    expect(closedWeekdays).toEqual(bankHolidays.map(([date]) => date));
  });

  it('names a holiday falling on a weekend rather than saying "weekend"', () => {
    expect(officeStatus(london('2026-12-26T10:00'), office).reason).toBe('Boxing Day');
    expect(officeStatus(london('2027-12-25T10:00'), office).reason).toBe('Christmas Day');
  });

  it("ignores observances such as Mother's Day", () => {
    expect(closedDayReason('2026-03-15', office)).toBe('weekend');
  });

  it('reopens on Tuesday 29 December 2026 after Christmas', () => {
    const s = officeStatus(london('2026-12-24T17:00'), office);
    expect(s.nextOpening?.toISO()).toBe('2026-12-29T09:00:00.000+00:00');
  });

  it('has no holidays when office.holidays is null', () => {
    const noHolidays = officeWith({ holidays: null });
    expect(isOpen(london('2026-12-28T10:00'), noHolidays)).toBe(true);
    expect(closedDayReason('2026-12-25', noHolidays)).toBeNull();
  });

  it('closes on a configured closure date, and says so', () => {
    const withClosure = officeWith({ closures: ['2026-07-15'] });
    const s = officeStatus(london('2026-07-15T10:00'), withClosure);
    expect(s).toMatchObject({ open: false, reason: 'office closure' });
    expect(s.nextOpening?.toISO()).toBe('2026-07-16T09:00:00.000+01:00');
    expect(officeStatus(london('2026-07-14T16:00'), withClosure).nextOpening?.toISO()).toBe(
      '2026-07-16T09:00:00.000+01:00',
    );
  });
});

describe('clock changes (real Europe/London zone data)', () => {
  const changes = [
    // [label, Friday before, Monday after (first working day after the change), its 09:00 in UTC, closing Friday 17:00 in UTC]
    ['spring 2026 (29 March)', '2026-03-27', '2026-03-30', '2026-03-30T08:00:00.000Z', '2026-03-27T17:00:00.000Z'],
    ['autumn 2026 (25 October)', '2026-10-23', '2026-10-26', '2026-10-26T09:00:00.000Z', '2026-10-23T16:00:00.000Z'],
    // Good Friday and Easter Monday 2027 surround the change: the Thursday before to the Tuesday after.
    ['spring 2027 (28 March)', '2027-03-25', '2027-03-30', '2027-03-30T08:00:00.000Z', '2027-03-25T17:00:00.000Z'],
    ['autumn 2027 (31 October)', '2027-10-29', '2027-11-01', '2027-11-01T09:00:00.000Z', '2027-10-29T16:00:00.000Z'],
  ] as const;

  it.each(changes)(
    '%s: 09:00 on the first working day after is open, at the right UTC instant',
    (_, _before, after, nineUtc) => {
      const nine = london(`${after}T09:00`);
      expect(nine.toUTC().toISO()).toBe(nineUtc);
      expect(isOpen(new Date(nineUtc), office)).toBe(true);
      expect(isOpen(new Date(Date.parse(nineUtc) - 1000), office)).toBe(false);
    },
  );

  it.each(changes)(
    '%s: from closing on the last working day before, opens at the right UTC instant',
    (_, before, _after, nineUtc, closeUtc) => {
      const s = officeStatus(london(`${before}T17:00`), office);
      expect(s.open).toBe(false);
      expect(utc(s.at)).toBe(closeUtc);
      expect(utc(s.nextOpening)).toBe(nineUtc);
      expect(utc(nextOpening(new Date(closeUtc), office))).toBe(nineUtc);
    },
  );

  it.each(changes)('%s: working minutes across the change weekend count two 8-hour days', (_, before, after) => {
    expect(workingMinutesBetween(london(`${before}T09:00`), london(`${after}T17:00`), office)).toBe(2 * 480);
    expect(utc(addWorkingMinutes(london(`${before}T16:00`), 120, office))).toBe(utc(london(`${after}T10:00`)));
  });

  const roundTheClock = officeWith({
    holidays: null,
    hours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]])),
  });

  it('counts real minutes: the spring-forward day has 23 open hours, the autumn one 25', () => {
    expect(workingMinutesBetween(london('2026-03-29T00:00'), london('2026-03-30T00:00'), roundTheClock)).toBe(23 * 60);
    expect(workingMinutesBetween(london('2026-10-25T00:00'), london('2026-10-26T00:00'), roundTheClock)).toBe(25 * 60);
    expect(workingMinutesBetween(london('2027-03-28T00:00'), london('2027-03-29T00:00'), roundTheClock)).toBe(23 * 60);
    expect(workingMinutesBetween(london('2027-10-31T00:00'), london('2027-11-01T00:00'), roundTheClock)).toBe(25 * 60);
  });

  it('an office opening at 01:30 on the spring-forward day opens when the clock jumps past it (02:00 BST)', () => {
    const earlyShift = officeWith({ hours: { sun: [['01:30', '05:00']] } });
    const before = officeStatus(new Date('2026-03-29T00:59:59Z'), earlyShift); // 00:59:59 GMT
    expect(before.open).toBe(false);
    expect(before.nextOpening?.toISO()).toBe('2026-03-29T02:00:00.000+01:00');
    expect(before.nextClosing?.toISO()).toBe('2026-03-29T05:00:00.000+01:00');
    expect(isOpen(new Date('2026-03-29T01:00:00Z'), earlyShift)).toBe(true);
    expect(workingMinutesBetween(london('2026-03-29T00:00'), london('2026-03-30T00:00'), earlyShift)).toBe(180);
  });

  it('an office opening at 01:30 on the fall-back day opens at the first 01:30 (BST)', () => {
    const earlyShift = officeWith({ hours: { sun: [['01:30', '05:00']] } });
    const s = officeStatus(london('2026-10-25T00:00'), earlyShift);
    expect(s.nextOpening?.toISO()).toBe('2026-10-25T01:30:00.000+01:00');
    expect(s.nextClosing?.toISO()).toBe('2026-10-25T05:00:00.000+00:00');
    expect(workingMinutesBetween(london('2026-10-25T00:00'), london('2026-10-26T00:00'), earlyShift)).toBe(270);
  });

  it('a night shift over the spring-forward night runs 22:00 GMT to 06:00 BST without a break', () => {
    const nights = officeWith({ hours: { sat: [['22:00', '24:00']], sun: [['00:00', '06:00']] } });
    const s = officeStatus(london('2026-03-28T23:00'), nights);
    expect(s.open).toBe(true);
    expect(utc(s.nextClosing)).toBe('2026-03-29T05:00:00.000Z');
    expect(workingMinutesBetween(london('2026-03-28T12:00'), london('2026-03-29T12:00'), nights)).toBe(7 * 60);
  });
});

describe('opening intervals', () => {
  const lunchBreak = officeWith({
    hours: {
      mon: [
        ['09:00', '12:00'],
        ['13:00', '17:00'],
      ],
      tue: [
        ['09:00', '12:00'],
        ['13:00', '17:00'],
      ],
      wed: [
        ['09:00', '12:00'],
        ['13:00', '17:00'],
      ],
    },
  });

  it('split intervals: closed over lunch, reopening at 13:00', () => {
    const s = officeStatus(london('2026-07-01T12:30'), lunchBreak);
    expect(s).toMatchObject({ open: false, reason: 'outside opening hours' });
    expect(s.nextOpening?.toISO()).toBe('2026-07-01T13:00:00.000+01:00');
    expect(s.nextClosing?.toISO()).toBe('2026-07-01T17:00:00.000+01:00');
  });

  it('split intervals: open in the morning, closing at 12:00, reopening at 13:00', () => {
    const s = officeStatus(london('2026-07-01T10:00'), lunchBreak);
    expect(s.open).toBe(true);
    expect(s.nextClosing?.toISO()).toBe('2026-07-01T12:00:00.000+01:00');
    expect(s.nextOpening?.toISO()).toBe('2026-07-01T13:00:00.000+01:00');
    expect(workingMinutesBetween(london('2026-07-01T00:00'), london('2026-07-02T00:00'), lunchBreak)).toBe(420);
    expect(addWorkingMinutes(london('2026-07-01T11:30'), 60, lunchBreak)?.toISO()).toBe(
      '2026-07-01T13:30:00.000+01:00',
    );
  });

  it('"24:00" ends the day at midnight and joins a 00:00 start into one open period', () => {
    const lateFriday = officeWith({ hours: { fri: [['09:00', '24:00']], sat: [['00:00', '12:00']] } });
    expect(isOpen(london('2026-07-03T23:59:59'), lateFriday)).toBe(true);
    expect(isOpen(london('2026-07-04T00:00'), lateFriday)).toBe(true);
    const s = officeStatus(london('2026-07-03T23:00'), lateFriday);
    expect(s.nextClosing?.toISO()).toBe('2026-07-04T12:00:00.000+01:00');
    expect(s.nextOpening?.toISO()).toBe('2026-07-06T09:00:00.000+01:00');
  });

  it('"24:00" with nothing after it closes at midnight', () => {
    const lateMonday = officeWith({ hours: { mon: [['18:00', '24:00']], tue: [] } });
    const s = officeStatus(london('2026-07-06T20:00'), lateMonday);
    expect(s.nextClosing?.toISO()).toBe('2026-07-07T00:00:00.000+01:00');
    expect(officeStatus(london('2026-07-07T00:00'), lateMonday)).toMatchObject({
      open: false,
      reason: 'closed on Tuesdays',
    });
  });

  it('an office open round the clock reports no closing rather than searching for ever', () => {
    const always = officeWith({
      holidays: null,
      hours: Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]),
      ),
    });
    expect(officeStatus(london('2026-07-01T03:00'), always)).toMatchObject({
      open: true,
      nextOpening: null,
      nextClosing: null,
    });
  });

  it('an all-closed week never opens: every search answers null (and returns, bounded by the horizon)', () => {
    const shut = officeWith({ hours: { mon: [], tue: [], wed: [], thu: [], fri: [] } });
    const s = officeStatus(london('2026-07-01T10:00'), shut);
    expect(s).toEqual({ open: false, at: s.at, nextOpening: null, nextClosing: null, reason: 'closed on Wednesdays' });
    expect(nextOpening(london('2026-07-01T10:00'), shut)).toBeNull();
    expect(addWorkingMinutes(london('2026-07-01T10:00'), 240, shut)).toBeNull();
    expect(workingMinutesBetween(london('2026-01-01T00:00'), london('2027-01-01T00:00'), shut)).toBe(0);
  });

  it('an office whose only open day is closed for the whole search horizon answers null', () => {
    const mondaysOnly = officeWith({ hours: { tue: [], wed: [], thu: [], fri: [] } });
    const closures: string[] = [];
    for (let d = london('2026-07-06'); d.year < 2028; d = d.plus({ weeks: 1 })) closures.push(d.toISODate()!);
    const closedAllYear = { ...mondaysOnly, closures };
    const s = officeStatus(london('2026-07-01T10:00'), closedAllYear);
    expect(s).toMatchObject({ open: false, nextOpening: null, nextClosing: null });
    expect(addWorkingMinutes(london('2026-07-01T10:00'), 1, closedAllYear)).toBeNull();
  });
});

describe('working minutes (the "respond by" promise)', () => {
  it('Friday 16:00 + 240 working minutes is Monday 12:00', () => {
    expect(addWorkingMinutes(london('2026-07-03T16:00'), 240, office)?.toISO()).toBe('2026-07-06T12:00:00.000+01:00');
  });

  it('Christmas Eve 2026 (Thursday) 16:00 + 240 is Tuesday 29 December 12:00', () => {
    expect(addWorkingMinutes(london('2026-12-24T16:00'), 240, office)?.toISO()).toBe('2026-12-29T12:00:00.000+00:00');
  });

  it('finishing exactly at closing time answers the closing time, not the next morning', () => {
    expect(addWorkingMinutes(london('2026-07-03T16:00'), 60, office)?.toISO()).toBe('2026-07-03T17:00:00.000+01:00');
  });

  it('starts counting at the next opening when asked out of hours; zero minutes is the instant itself', () => {
    expect(addWorkingMinutes(london('2026-07-04T10:00'), 30, office)?.toISO()).toBe('2026-07-06T09:30:00.000+01:00');
    expect(addWorkingMinutes(london('2026-07-04T10:00'), 0, office)?.toISO()).toBe('2026-07-04T10:00:00.000+01:00');
    expect(() => addWorkingMinutes(london('2026-07-04T10:00'), -1, office)).toThrow(RangeError);
  });

  it('a normal week holds 2400 working minutes', () => {
    expect(workingMinutesBetween(london('2026-07-06T00:00'), london('2026-07-13T00:00'), office)).toBe(2400);
    expect(workingMinutesBetween(london('2026-07-13T00:00'), london('2026-07-06T00:00'), office)).toBe(0);
  });

  it('2026 holds 253 working days: 261 weekdays less 8 bank holidays', () => {
    expect(workingMinutesBetween(london('2026-01-01T00:00'), london('2027-01-01T00:00'), office)).toBe(253 * 480);
  });

  it('partial periods count to the second', () => {
    expect(workingMinutesBetween(london('2026-07-01T16:59:30'), london('2026-07-02T09:00:30'), office)).toBe(1);
  });
});

describe('the functions agree with each other', () => {
  const configs: Array<[string, OfficeConfig]> = [
    ['default', office],
    [
      'split',
      officeWith({
        hours: {
          mon: [
            ['09:00', '12:00'],
            ['13:00', '17:00'],
          ],
          sat: [['10:00', '12:00']],
        },
      }),
    ],
    // Sunday's second interval opens inside the spring gap and closes after the autumn repeat.
    [
      'nights',
      officeWith({
        hours: {
          sat: [['22:00', '24:00']],
          sun: [
            ['00:00', '00:45'],
            ['01:30', '06:00'],
          ],
        },
      }),
    ],
  ];
  const seconds = (from: string, to: string) =>
    fc.integer({ min: Date.parse(from) / 1000, max: Date.parse(to) / 1000 }).map((s) => new Date(s * 1000));
  // Any whole second of 2026-2027, or one within days of a clock change, where mistakes hide.
  const instant = fc.oneof(
    seconds('2026-01-01T00:00:00Z', '2027-12-31T00:00:00Z'),
    seconds('2026-03-26T00:00:00Z', '2026-03-31T00:00:00Z'),
    seconds('2026-10-22T00:00:00Z', '2026-10-27T00:00:00Z'),
    seconds('2027-03-25T00:00:00Z', '2027-03-30T00:00:00Z'),
    seconds('2027-10-28T00:00:00Z', '2027-11-02T00:00:00Z'),
  );

  it.each(configs)('%s: adding working minutes and measuring them back gives the same number', (_, cfg) => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 5000 }), (at, minutes) => {
        const end = addWorkingMinutes(at, minutes, cfg);
        expect(end).not.toBeNull();
        expect(workingMinutesBetween(at, end!, cfg)).toBe(minutes);
      }),
      { numRuns: 150 },
    );
  });

  it.each(configs)('%s: status, isOpen and nextOpening tell the same story', (_, cfg) => {
    fc.assert(
      fc.property(instant, (at) => {
        const s = officeStatus(at, cfg);
        expect(isOpen(at, cfg)).toBe(s.open);
        const next = nextOpening(at, cfg)!;
        if (s.open) {
          expect(next.toMillis()).toBe(at.getTime());
          expect(isOpen(s.nextClosing!, cfg)).toBe(false);
          expect(isOpen(s.nextClosing!.minus({ seconds: 1 }), cfg)).toBe(true);
        } else {
          expect(next.toMillis()).toBe(s.nextOpening!.toMillis());
          expect(isOpen(s.nextOpening!, cfg)).toBe(true);
          expect(isOpen(s.nextOpening!.minus({ seconds: 1 }), cfg)).toBe(false);
          expect(workingMinutesBetween(at, s.nextOpening!, cfg)).toBe(0);
        }
      }),
      { numRuns: 150 },
    );
  });

  it.each(configs)(
    '%s: the remembered period answers as a fresh walk, whatever order the instants come in',
    (_, cfg) => {
      // Intake remembers the current opening period between enquiries; a clock that jumps about
      // (tests, a corrected server clock) must still get the calendar's answer every time.
      fc.assert(
        fc.property(
          fc.array(fc.tuple(instant, fc.integer({ min: 1, max: 5000 })), { minLength: 1, maxLength: 20 }),
          (calls) => {
            for (const [at, minutes] of calls) {
              const s = officeStatus(at, cfg);
              expect(openState(at, cfg)).toEqual({ open: s.open, nextOpening: s.nextOpening?.toMillis() ?? null });
              const end = addWorkingMillis(at, minutes, cfg);
              expect(end).toBe(addWorkingMinutes(at, minutes, cfg)!.toMillis());
              expect(workingMinutesBetween(at, new Date(end!), cfg)).toBe(minutes);
              // A moment later, inside the same period, as the next enquiry usually is.
              const later = new Date(at.getTime() + 1000);
              expect(openState(later, cfg).open).toBe(isOpen(later, cfg));
            }
          },
        ),
        { numRuns: 100 },
      );
    },
  );
});
