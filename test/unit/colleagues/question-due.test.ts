/**
 * When a question to colleagues is due by default (issue 26, item 2): an hour of the colleague's
 * working time before the enquiry's respond-by, in office time where they keep usual hours.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import type { WeekHours } from '../../../src/colleagues/colleagues.tables.js';
import { defaultDue, defaultDueFor, workingTimeBefore } from '../../../src/colleagues/question-due.js';

const office = loadConfig({}, {}).office;
const NINE_TO_FIVE = [['09:00', '17:00']] as Array<[string, string]>;
const WEEKDAYS: WeekHours = {
  mon: NINE_TO_FIVE,
  tue: NINE_TO_FIVE,
  wed: NINE_TO_FIVE,
  thu: NINE_TO_FIVE,
  fri: NINE_TO_FIVE,
  sat: [],
  sun: [],
};
const d = (iso: string) => new Date(iso);

describe('the default due time of a question', () => {
  it('is an hour before respond-by for someone reachable at any time (a duty inspector)', () => {
    // Tuesday 8 December 2026 (GMT): respond-by 15:30, asked at 10:00.
    expect(defaultDue(d('2026-12-08T10:00:00Z'), d('2026-12-08T15:30:00Z'), null, office)).toEqual(
      d('2026-12-08T14:30:00Z'),
    );
  });

  it("counts only the colleague's working hours: respond-by 09:30 Monday is due 16:30 the Friday before", () => {
    // Friday 4 December 10:00, respond-by Monday 7 December 09:30: half an hour on Monday, half on Friday.
    expect(defaultDue(d('2026-12-04T10:00:00Z'), d('2026-12-07T09:30:00Z'), WEEKDAYS, office)).toEqual(
      d('2026-12-04T16:30:00Z'),
    );
  });

  it('skips bank holidays: respond-by 09:30 on the Tuesday after Easter Monday is due 16:30 on Maundy Thursday', () => {
    // Good Friday 26 March and Easter Monday 29 March 2027 are bank holidays in England; the
    // clocks go forward between them (Thursday is GMT, Tuesday BST).
    expect(workingTimeBefore(d('2027-03-30T08:30:00Z'), 60, WEEKDAYS, office)).toEqual(d('2027-03-25T16:30:00Z'));
  });

  it('keeps the wall clock across the clocks going back: 09:30 Monday 26 October is due 16:30 Friday (BST)', () => {
    // Friday 23 October 2026 is BST (16:30 = 15:30Z); Monday 26 October is GMT (09:30 = 09:30Z).
    expect(workingTimeBefore(d('2026-10-26T09:30:00Z'), 60, WEEKDAYS, office)).toEqual(d('2026-10-23T15:30:00Z'));
  });

  it('without a respond-by, is two of their working hours after asking', () => {
    // Asked Friday 16:00: one hour on Friday, one on Monday morning.
    expect(defaultDue(d('2026-12-04T16:00:00Z'), null, WEEKDAYS, office)).toEqual(d('2026-12-07T10:00:00Z'));
  });

  it('is never sooner than a quarter of an hour after asking', () => {
    expect(defaultDue(d('2026-12-08T15:00:00Z'), d('2026-12-08T15:30:00Z'), null, office)).toEqual(
      d('2026-12-08T15:15:00Z'),
    );
  });

  it('for several colleagues, is the earliest of their due times', () => {
    const due = defaultDueFor(
      d('2026-12-04T10:00:00Z'),
      d('2026-12-07T09:30:00Z'),
      [{ usual_hours: null }, { usual_hours: WEEKDAYS }],
      office,
    );
    expect(due).toEqual(d('2026-12-04T16:30:00Z'));
  });
});
