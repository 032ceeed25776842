/**
 * Intake's judgement of whether the office is open at the edges of a working day (issue 24,
 * item 3): the opening instant itself is open, the last millisecond before closing is open, and
 * the closing instant is closed, in winter and in summer time. The shipped office calendar
 * (config/default.json: 09:00-17:00 Monday to Friday, Europe/London).
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseFileConfig } from '../../../src/config.js';
import { judgeEnquiry } from '../../../src/enquiries/urgency.js';

const config = parseFileConfig();

/** A wall-clock time in London, to the millisecond. */
const london = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/London' }).toJSDate();

/** Whether intake takes an urgent enquiry at `at` as in hours, and whether it pages on-call. */
function judged(at: Date) {
  const j = judgeEnquiry(at, { deadline: null, saysUrgent: true }, config);
  return { open: j.open, outOfHours: j.outOfHours, needsOnCall: j.needsOnCall };
}

const OPEN = { open: true, outOfHours: false, needsOnCall: false };
const CLOSED = { open: false, outOfHours: true, needsOnCall: true };

describe('intake at the edges of a working day', () => {
  it.each([
    ['a winter Wednesday', '2026-12-02'],
    ['a summer Wednesday', '2026-07-01'],
  ])(
    'on %s: open at exactly 09:00:00.000 and at 16:59:59.999, closed at 08:59:59.999 and at exactly 17:00:00.000',
    (_name, day) => {
      expect(judged(london(`${day}T08:59:59.999`))).toEqual(CLOSED);
      expect(judged(london(`${day}T09:00:00.000`))).toEqual(OPEN);
      expect(judged(london(`${day}T16:59:59.999`))).toEqual(OPEN);
      expect(judged(london(`${day}T17:00:00.000`))).toEqual(CLOSED);
    },
  );
});
