/**
 * When the desk is warned that an enquiry is near its respond-by time (issue 18, item 4): an hour
 * (desk.warnBeforeMinutes) of real time before a journalist's deadline, whose clock does not stop
 * at night; an hour of opening time before the office's own target, which is counted in opening
 * time too, so the warning skips weekends and bank holidays exactly as the target does. Real zone
 * data and the shipped office calendar (config/default.json: 09:00-17:00 Monday to Friday,
 * Europe/London, England and Wales bank holidays).
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseFileConfig } from '../../../src/config.js';
import { judgeEnquiry, warnAt } from '../../../src/enquiries/urgency.js';

const config = parseFileConfig();

/** A wall-clock time in London. */
const london = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/London' }).toJSDate();
/** An instant as London wall-clock time with its offset, so a wrong zone or DST mistake shows. */
const shown = (d: Date | null) =>
  d
    ? DateTime.fromJSDate(d).setZone('Europe/London').toISO({ suppressMilliseconds: true, suppressSeconds: true })
    : null;

/** The respond-by and warning times intake gives an enquiry received at `received`. */
function judged(received: Date, deadline: Date | null = null, cfg = config) {
  const j = judgeEnquiry(received, { deadline, saysUrgent: false }, cfg);
  return { respondBy: shown(j.respondBy), warnAt: shown(warnAt(received, j.respondBy, deadline, cfg)) };
}

describe('before a journalist’s deadline: real time', () => {
  it('warns exactly an hour before a deadline in the middle of the night', () => {
    // Wednesday 22:00, deadline 03:00: the office is closed, the journalist is not.
    expect(judged(london('2026-12-02T22:00'), london('2026-12-03T03:00'))).toEqual({
      respondBy: '2026-12-03T03:00+00:00',
      warnAt: '2026-12-03T02:00+00:00',
    });
  });

  it('warns an hour of elapsed time before, across the night the clocks go back', () => {
    // Deadline 01:30 GMT on Sunday 25 October 2026; an hour earlier is 01:30 BST, before the change.
    const r = judged(london('2026-10-24T21:00'), new Date('2026-10-25T01:30:00Z'));
    expect(r.respondBy).toBe('2026-10-25T01:30+00:00');
    expect(r.warnAt).toBe('2026-10-25T01:30+01:00');
  });

  it('warns in real time on a Saturday, when the deadline comes before the target', () => {
    expect(judged(london('2026-12-05T10:00'), london('2026-12-05T16:00'))).toEqual({
      respondBy: '2026-12-05T16:00+00:00',
      warnAt: '2026-12-05T15:00+00:00',
    });
  });

  it('follows the office target (in opening time) when the deadline is later than the target', () => {
    // Friday 16:30, deadline Wednesday: the target, Monday 12:30, comes first.
    expect(judged(london('2026-12-04T16:30'), london('2026-12-09T12:00'))).toEqual({
      respondBy: '2026-12-07T12:30+00:00',
      warnAt: '2026-12-07T11:30+00:00',
    });
  });

  it('warns at once when the deadline is less than an hour away on arrival', () => {
    const received = london('2026-12-02T10:00');
    const at = warnAt(received, london('2026-12-02T10:40'), london('2026-12-02T10:40'), config);
    expect(shown(at)).toBe('2026-12-02T09:40+00:00');
    expect(at!.getTime()).toBeLessThan(received.getTime()); // due at the very next sweep
  });
});

describe('before the office’s own target: opening time', () => {
  it('Friday 16:30 with a 240-minute target: target Monday 12:30, warning Monday 11:30 (not Friday night)', () => {
    expect(judged(london('2026-12-04T16:30'))).toEqual({
      respondBy: '2026-12-07T12:30+00:00',
      warnAt: '2026-12-07T11:30+00:00',
    });
  });

  it('Christmas Eve 16:00: target and warning on Tuesday 29 December (25th, Saturday 26th, substitute Boxing Day 28th closed)', () => {
    // 60 minutes on the 24th; the remaining 180 (target) and 120 (warning) on the 29th.
    expect(judged(london('2026-12-24T16:00'))).toEqual({
      respondBy: '2026-12-29T12:00+00:00',
      warnAt: '2026-12-29T11:00+00:00',
    });
  });

  it('Christmas Eve 14:30: the warning is half an hour after the office reopens on the 29th', () => {
    expect(judged(london('2026-12-24T14:30'))).toEqual({
      respondBy: '2026-12-29T10:30+00:00',
      warnAt: '2026-12-29T09:30+00:00',
    });
  });

  it('Christmas Eve 18:00 (closed): counted from the reopening on the 29th', () => {
    expect(judged(london('2026-12-24T18:00'))).toEqual({
      respondBy: '2026-12-29T13:00+00:00',
      warnAt: '2026-12-29T12:00+00:00',
    });
  });

  it('across the spring bank holiday weekend, in summer time', () => {
    // Friday 22 May 2026 16:30 BST; Monday 25 May is the spring bank holiday.
    expect(judged(london('2026-05-22T16:30'))).toEqual({
      respondBy: '2026-05-26T12:30+01:00',
      warnAt: '2026-05-26T11:30+01:00',
    });
  });

  it('warns at Friday’s close, not Monday’s opening, when the hour before the target starts exactly at closing time', () => {
    // Friday 14:00: 180 minutes to 17:00; the target is 60 minutes into Monday.
    expect(judged(london('2026-12-04T14:00'))).toEqual({
      respondBy: '2026-12-07T10:00+00:00',
      warnAt: '2026-12-04T17:00+00:00',
    });
  });

  it('warns on arrival when the warning period is as long as the target itself', () => {
    const cfg = { ...config, desk: { ...config.desk, warnBeforeMinutes: 240 } };
    const received = london('2026-12-02T10:00');
    expect(judged(received, null, cfg).warnAt).toBe('2026-12-02T10:00+00:00');
  });

  it('uses the configured warning period', () => {
    const cfg = { ...config, desk: { ...config.desk, warnBeforeMinutes: 30 } };
    expect(judged(london('2026-12-04T16:30'), null, cfg)).toEqual({
      respondBy: '2026-12-07T12:30+00:00',
      warnAt: '2026-12-07T12:00+00:00',
    });
  });

  it('has no warning without a respond-by time', () => {
    expect(warnAt(london('2026-12-02T10:00'), null, null, config)).toBeNull();
  });
});
