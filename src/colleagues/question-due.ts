/**
 * When a question to colleagues is due, by default: an hour of the colleague's working time
 * before the enquiry's respond-by (in office time, where they keep usual hours; plain time where
 * they can be reached at any hour), so the officer still has time to write the answer. Pure
 * functions of (instants, hours, office), like the office-hours calendar they use.
 */
import type { OfficeConfig } from '../config.js';
import { addWorkingMillis, openingPeriods } from '../hours/office-hours.js';
import type { WeekHours } from './colleagues.tables.js';

/** How long before respond-by an answer is wanted. */
export const DUE_BEFORE_RESPOND_BY_MINUTES = 60;
/** Without a respond-by: this long after asking. */
export const DUE_WITHOUT_RESPOND_BY_MINUTES = 120;
/** Never sooner than this after asking: nobody answers in no time. */
export const SOONEST_DUE_MINUTES = 15;

const MINUTE = 60_000;
/** How far back the calendar is searched for the colleague's working time. */
const LOOK_BACK_DAYS = 31;

/** The colleague's calendar: the office's time zone, holidays and closures, with their own week. */
function calendarOf(hours: WeekHours, office: OfficeConfig): OfficeConfig {
  return { ...office, hours };
}

/**
 * The instant `minutes` of working time (on `hours`) before `at`; plain time when `hours` is null
 * (any time) or the working time does not fit in the last month.
 */
export function workingTimeBefore(at: Date, minutes: number, hours: WeekHours | null, office: OfficeConfig): Date {
  const plain = new Date(at.getTime() - minutes * MINUTE);
  if (!hours) return plain;
  const periods = openingPeriods(new Date(at.getTime() - LOOK_BACK_DAYS * 86_400_000), at, calendarOf(hours, office));
  let remaining = minutes * MINUTE;
  for (let i = periods.length - 1; i >= 0; i--) {
    const p = periods[i];
    const length = p.end.getTime() - p.start.getTime();
    if (length >= remaining) return new Date(p.end.getTime() - remaining);
    remaining -= length;
  }
  return plain;
}

/**
 * The default due time of a question asked at `now` of a colleague with usual `hours` (null: any
 * time) about an enquiry due by `respondBy` (null: none): an hour of their working time before
 * respond-by; without one, two hours of their working time after asking. Never sooner than
 * SOONEST_DUE_MINUTES after asking.
 */
export function defaultDue(now: Date, respondBy: Date | null, hours: WeekHours | null, office: OfficeConfig): Date {
  let due: Date;
  if (respondBy) due = workingTimeBefore(respondBy, DUE_BEFORE_RESPOND_BY_MINUTES, hours, office);
  else {
    const t = hours ? addWorkingMillis(now, DUE_WITHOUT_RESPOND_BY_MINUTES, calendarOf(hours, office)) : null;
    due = new Date(t ?? now.getTime() + DUE_WITHOUT_RESPOND_BY_MINUTES * MINUTE);
  }
  const soonest = now.getTime() + SOONEST_DUE_MINUTES * MINUTE;
  return due.getTime() < soonest ? new Date(soonest) : due;
}

/** The default due time of one question to several colleagues: the earliest of theirs. */
export function defaultDueFor(
  now: Date,
  respondBy: Date | null,
  colleagues: ReadonlyArray<{ usual_hours: WeekHours | null }>,
  office: OfficeConfig,
): Date {
  const times = colleagues.map((c) => defaultDue(now, respondBy, c.usual_hours, office).getTime());
  return new Date(times.length ? Math.min(...times) : defaultDue(now, respondBy, null, office).getTime());
}
