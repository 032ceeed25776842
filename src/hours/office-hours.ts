/**
 * The office-hours calendar. Every function is pure in (instant, office config): no clock is read
 * here, so the service passes its clock's "now" and tests pass any instant they like.
 *
 * Opening intervals are written as wall-clock times in the office zone and turned into absolute
 * instants day by day, so DST changes need no special cases further up: a working minute is a
 * real minute, and "09:00 on the Monday after the clocks change" is whatever instant the zone says.
 */
import { DateTime } from 'luxon';
import type { OfficeConfig } from '../config.js';
import { holidayOrClosure, publicHolidayOn } from './holidays.js';
import {
  calendarDateAt,
  DAY,
  MINUTE,
  minutesOfDay,
  toCalendarDate,
  wallClockInstant,
  weekday,
  type CalendarDate,
} from './wall-clock.js';

/** An absolute instant. Text is not accepted here: parse it with `parseInstant` so bad input is caught at the edge. */
export type Instant = Date | DateTime;

/** What a journalist (or the service) needs to know about the office at one instant. */
export interface OfficeStatus {
  open: boolean;
  /** The instant asked about, in the office zone. */
  at: DateTime;
  /**
   * When open: the start of the next opening period after the current one ends. When closed: the
   * next instant the office opens. Null when there is none within SEARCH_HORIZON_DAYS.
   */
  nextOpening: DateTime | null;
  /**
   * When open: the end of the current continuous open period (an interval ending "24:00" that runs
   * into one starting "00:00" is one period). When closed: the end of the next opening period.
   * Null when it does not end (or start) within SEARCH_HORIZON_DAYS.
   */
  nextClosing: DateTime | null;
  /** "open", a bank holiday's name, "office closure", "weekend", "closed on Wednesdays" or "outside opening hours". */
  reason: string;
}

/**
 * How far ahead searches look. A bounded horizon makes an all-closed configuration answer null at
 * once instead of looping forever; 400 days covers any real office's next opening with room to spare.
 */
export const SEARCH_HORIZON_DAYS = 400;

const WEEKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** A continuous stretch of opening time, as epoch milliseconds [start, end). */
interface Period {
  start: number;
  end: number;
  /** Still open when the search horizon ran out, so `end` is where we stopped looking, not a closing. */
  openEnded: boolean;
}

/**
 * Why the office is shut for the whole of `day` (a date, or the office-zone date of an instant),
 * or null when the day has opening hours. A bank holiday wins over "weekend" because its name is
 * the more useful thing to tell a journalist on Boxing Day.
 */
export function closedDayReason(day: DateTime | string, office: OfficeConfig): string | null {
  const date = toCalendarDate(day, office);
  const special = holidayOrClosure(date, office);
  if (special) return special;
  const wd = weekday(date);
  if (office.hours[WEEKDAY_KEYS[wd - 1]].length > 0) return null;
  return wd >= 6 ? 'weekend' : `closed on ${WEEKDAY_NAMES[wd - 1]}s`;
}

/**
 * The name of the bank (public) holiday on `day` (a date, or the office-zone date of an instant),
 * from the same calendar that closes the office, or null. Configured office closures are not bank
 * holidays: the on-call hours report (src/reports) counts holiday hours for allowances by this.
 */
export function bankHolidayName(day: DateTime | string, office: OfficeConfig): string | null {
  return publicHolidayOn(toCalendarDate(day, office), office) ?? null;
}

// ---------------------------------------------------------------------------------------------
// Opening periods

/** Opening intervals of one office-zone date as instants, sorted; empty on a closed day. */
function dayIntervals(date: CalendarDate, office: OfficeConfig): Array<[number, number]> {
  const spec = office.hours[WEEKDAY_KEYS[weekday(date) - 1]];
  if (spec.length === 0 || holidayOrClosure(date, office)) return [];
  return spec
    .map(([from, to]): [number, number] => [
      wallClockInstant(date, minutesOfDay(from), office.timezone),
      wallClockInstant(date, minutesOfDay(to), office.timezone),
    ])
    .filter(([s, e]) => e > s) // an interval lying wholly inside a spring gap never happens
    .sort((a, b) => a[0] - b[0]);
}

function neverOpens(office: OfficeConfig): boolean {
  return WEEKDAY_KEYS.every((k) => office.hours[k].length === 0);
}

/**
 * Continuous opening periods whose intervals belong to dates `from`..`until` (office zone), in
 * order, lazily: callers stop as soon as they have their answer, so the horizon costs nothing in
 * the usual case. Touching intervals (…–24:00 then 00:00–…) merge into one period.
 */
function* openPeriods(from: CalendarDate, until: CalendarDate, office: OfficeConfig): Generator<Period> {
  if (neverOpens(office)) return;
  let pending: Period | undefined;
  for (let d = from; d <= until; d += DAY) {
    for (const [s, e] of dayIntervals(d, office)) {
      if (pending && s <= pending.end) {
        pending.end = Math.max(pending.end, e);
        continue;
      }
      if (pending) yield pending;
      pending = { start: s, end: e, openEnded: false };
    }
  }
  if (pending) {
    const following = dayIntervals(until + DAY, office)[0];
    pending.openEnded = following !== undefined && following[0] <= pending.end;
    yield pending;
  }
}

function toMillis(at: Instant): number {
  const t = at instanceof Date ? at.getTime() : at.toMillis();
  if (!Number.isFinite(t)) throw new RangeError('invalid instant');
  return t;
}

/** Searches start the day before, because the previous day's interval may run to 24:00 and on. */
function searchFrom(t: number, office: OfficeConfig): CalendarDate {
  return calendarDateAt(t, office) - DAY;
}

function inZone(t: number, office: OfficeConfig): DateTime {
  return DateTime.fromMillis(t, { zone: office.timezone });
}

/**
 * The first opening period that has not ended by `t` (the current one when open, else the next)
 * and the one after it, memoised per office config: intake asks this for every enquiry, and the
 * answer stays the same until that period ends, so most calls cost two comparisons instead of a
 * walk over days in the office zone. The memo is valid for instants in [from, current.end): any
 * such instant has the same first unfinished period. An instant before `from` (a test's clock
 * going back) or at/after its end walks again.
 */
interface PeriodMemo {
  from: number;
  current: Period | undefined;
  following: Period | undefined;
}
const periodMemos = new WeakMap<OfficeConfig, PeriodMemo>();

function periodsAround(t: number, office: OfficeConfig): PeriodMemo {
  const memo = periodMemos.get(office);
  if (memo?.current && t >= memo.from && t < memo.current.end) return memo;
  const from = searchFrom(t, office);
  const periods = openPeriods(from, from + SEARCH_HORIZON_DAYS * DAY, office);
  // By hand, not for…of: breaking out of for…of would close the generator before the next period.
  let current: Period | undefined;
  for (let r = periods.next(); !r.done; r = periods.next()) {
    if (r.value.end > t) {
      current = r.value;
      break;
    }
  }
  const next = current && !current.openEnded ? periods.next() : undefined;
  const fresh = { from: t, current, following: next && !next.done ? next.value : undefined };
  periodMemos.set(office, fresh);
  return fresh;
}

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * The office's state at `at` as epoch milliseconds, without building zoned DateTimes: whether it
 * is open, and `nextOpening` as OfficeStatus defines it (when open, the start of the period after
 * this one; when closed, the next opening), null when none within SEARCH_HORIZON_DAYS. For the
 * per-request hot path (intake); `officeStatus` gives the same answer with reasons and zones.
 */
export function openState(at: Instant, office: OfficeConfig): { open: boolean; nextOpening: number | null } {
  const t = toMillis(at);
  const { current, following } = periodsAround(t, office);
  if (!current) return { open: false, nextOpening: null };
  if (current.start <= t) return { open: true, nextOpening: following?.start ?? null };
  return { open: false, nextOpening: current.start };
}

/**
 * As `addWorkingMinutes`, in epoch milliseconds: the instant `minutes` of opening time after
 * `at`, or null when they do not fit within SEARCH_HORIZON_DAYS. When they fit in the current
 * (or, when closed, the next) opening period, no calendar walk happens.
 */
export function addWorkingMillis(at: Instant, minutes: number, office: OfficeConfig): number | null {
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError('minutes must be a non-negative number');
  const t = toMillis(at);
  if (minutes === 0) return t;
  let remaining = minutes * MINUTE;
  const { current } = periodsAround(t, office);
  if (!current) return null;
  const start = Math.max(current.start, t);
  if (start + remaining <= current.end) return start + remaining;
  const from = searchFrom(t, office);
  for (const p of openPeriods(from, from + SEARCH_HORIZON_DAYS * DAY, office)) {
    if (p.end <= t) continue;
    const s = Math.max(p.start, t);
    if (s + remaining <= p.end) return s + remaining;
    remaining -= p.end - s;
  }
  return null;
}

/**
 * The office's state at `at`. Intervals are half-open: open at exactly 09:00:00, closed at exactly
 * 17:00:00. See OfficeStatus for what nextOpening/nextClosing mean in each state.
 */
export function officeStatus(at: Instant, office: OfficeConfig): OfficeStatus {
  const t = toMillis(at);
  const atZoned = inZone(t, office);
  const from = searchFrom(t, office);
  const periods = openPeriods(from, from + SEARCH_HORIZON_DAYS * DAY, office);
  for (const p of periods) {
    if (p.end <= t) continue;
    const closing = p.openEnded ? null : inZone(p.end, office);
    if (p.start <= t) {
      const next = p.openEnded ? undefined : periods.next();
      return {
        open: true,
        at: atZoned,
        nextOpening: next && !next.done ? inZone(next.value.start, office) : null,
        nextClosing: closing,
        reason: 'open',
      };
    }
    return {
      open: false,
      at: atZoned,
      nextOpening: inZone(p.start, office),
      nextClosing: closing,
      reason: closedReason(atZoned, office),
    };
  }
  return { open: false, at: atZoned, nextOpening: null, nextClosing: null, reason: closedReason(atZoned, office) };
}

function closedReason(at: DateTime, office: OfficeConfig): string {
  return closedDayReason(at, office) ?? 'outside opening hours';
}

/** Whether the office is open at `at` (open at 09:00:00 exactly, closed at 17:00:00 exactly). */
export function isOpen(at: Instant, office: OfficeConfig): boolean {
  const t = toMillis(at);
  const from = searchFrom(t, office);
  for (const p of openPeriods(from, from + DAY, office)) {
    if (p.end > t) return p.start <= t;
  }
  return false;
}

/**
 * The earliest instant >= `at` when the office is open: `at` itself when open now, else the start
 * of the next opening period. Null when the office does not open within SEARCH_HORIZON_DAYS.
 * (OfficeStatus.nextOpening differs when open: there it is the opening after the current period.)
 */
export function nextOpening(at: Instant, office: OfficeConfig): DateTime | null {
  const t = toMillis(at);
  const from = searchFrom(t, office);
  for (const p of openPeriods(from, from + SEARCH_HORIZON_DAYS * DAY, office)) {
    if (p.end > t) return inZone(Math.max(p.start, t), office);
  }
  return null;
}

/**
 * The instant at which `minutes` of opening time have passed since `at`: the office's "respond by"
 * promise. Finishing exactly at a closing time answers that closing time (Friday 16:00 + 60 is
 * Friday 17:00, not Monday 09:00); zero minutes answers `at`. Opening time is real elapsed time,
 * so an hour lost to the spring clock change is not counted. Null when the minutes do not fit
 * within SEARCH_HORIZON_DAYS (an office that never opens).
 */
export function addWorkingMinutes(at: Instant, minutes: number, office: OfficeConfig): DateTime | null {
  const t = addWorkingMillis(at, minutes, office);
  return t === null ? null : inZone(t, office);
}

/**
 * Minutes of opening time in [a, b), for reports on how fast the office answers. Fractional when
 * the instants are not on whole minutes; 0 when b is not after a. Walks days, not minutes, so a
 * year-long span costs a few hundred day lookups.
 */
export function workingMinutesBetween(a: Instant, b: Instant, office: OfficeConfig): number {
  const ta = toMillis(a);
  const tb = toMillis(b);
  if (tb <= ta) return 0;
  const until = calendarDateAt(tb, office);
  let total = 0;
  for (const p of openPeriods(searchFrom(ta, office), until, office)) {
    if (p.start >= tb) break;
    total += Math.max(0, Math.min(p.end, tb) - Math.max(p.start, ta));
  }
  return total / MINUTE;
}

/**
 * Every continuous opening period that overlaps [a, b), clipped to it, oldest first: the
 * calendar as data, so SQL reports can measure working time with the same rules as intake.
 */
export function openingPeriods(a: Instant, b: Instant, office: OfficeConfig): Array<{ start: Date; end: Date }> {
  const ta = toMillis(a);
  const tb = toMillis(b);
  const out: Array<{ start: Date; end: Date }> = [];
  if (tb <= ta) return out;
  for (const p of openPeriods(searchFrom(ta, office), calendarDateAt(tb, office), office)) {
    if (p.start >= tb) break;
    if (p.end <= ta) continue;
    out.push({ start: new Date(Math.max(p.start, ta)), end: new Date(Math.min(p.end, tb)) });
  }
  return out;
}
