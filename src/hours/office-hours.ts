/**
 * The office-hours calendar. Every function is pure in (instant, office config): no clock is read
 * here, so the service passes its clock's "now" and tests pass any instant they like.
 *
 * Opening intervals are written as wall-clock times in the office zone and turned into absolute
 * instants day by day, so DST changes need no special cases further up: a working minute is a
 * real minute, and "09:00 on the Monday after the clocks change" is whatever instant the zone says.
 */
import Holidays from 'date-holidays';
import { DateTime, IANAZone } from 'luxon';
import type { OfficeConfig } from '../config.js';

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
const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * A calendar date as the epoch milliseconds of its UTC midnight: plain numbers with no zone to
 * shift them, so walking a year of days costs additions rather than DateTime objects.
 */
type CalendarDate = number;

const isoDate = (date: CalendarDate) => new Date(date).toISOString().slice(0, 10);
/** 1 = Monday … 7 = Sunday, as luxon and the `office.hours` keys count (1 January 1970 was a Thursday). */
// The double modulo keeps dates before 1970 (negative day numbers) in 1..7.
const weekday = (date: CalendarDate) => ((((Math.floor(date / DAY) + 3) % 7) + 7) % 7) + 1;

/** A continuous stretch of opening time, as epoch milliseconds [start, end). */
interface Period {
  start: number;
  end: number;
  /** Still open when the search horizon ran out, so `end` is where we stopped looking, not a closing. */
  openEnded: boolean;
}

// ---------------------------------------------------------------------------------------------
// Holidays and closures

/** date-holidays arguments for each `office.holidays` value the config schema allows. */
const HOLIDAY_REGIONS: Record<NonNullable<OfficeConfig['holidays']>, [country: string, state: string]> = {
  'GB-ENG': ['GB', 'ENG'],
};
const holidayCalendars = new Map<string, Holidays>();
const holidayNamesByRegionYear = new Map<string, Map<string, string>>();

/** Name of the public holiday on `isoDate`, from date-holidays verbatim; observances such as Mother's Day do not close the office. */
function publicHolidayName(isoDate: string, year: number, office: OfficeConfig): string | undefined {
  if (office.holidays === null) return undefined;
  const key = `${office.holidays}:${year}`;
  let byDate = holidayNamesByRegionYear.get(key);
  if (!byDate) {
    let calendar = holidayCalendars.get(office.holidays);
    if (!calendar) {
      const [country, state] = HOLIDAY_REGIONS[office.holidays];
      calendar = new Holidays(country, state, { languages: 'en' });
      holidayCalendars.set(office.holidays, calendar);
    }
    byDate = new Map();
    for (const h of calendar.getHolidays(year)) {
      if (h.type !== 'public') continue;
      // `date` is the holiday's local calendar date ("YYYY-MM-DD hh:mm:ss"); its `start`/`end`
      // instants are in the region's zone, which need not be the office's.
      const day = h.date.slice(0, 10);
      const before = byDate.get(day);
      byDate.set(day, before ? `${before} and ${h.name}` : h.name);
    }
    holidayNamesByRegionYear.set(key, byDate);
  }
  return byDate.get(isoDate);
}

/** The office-zone date on which instant `t` falls. */
function calendarDateAt(t: number, office: OfficeConfig): CalendarDate {
  const wall = t + IANAZone.create(office.timezone).offset(t) * MINUTE;
  return wall - (((wall % DAY) + DAY) % DAY);
}

function toCalendarDate(day: DateTime | string, office: OfficeConfig): CalendarDate {
  if (typeof day !== 'string') return calendarDateAt(day.toMillis(), office);
  const d = DateTime.fromISO(day, { zone: 'utc' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !d.isValid) throw new RangeError(`not a date: ${day}`);
  return d.toMillis();
}

function holidayOrClosure(date: CalendarDate, office: OfficeConfig): string | undefined {
  const iso = isoDate(date);
  return (
    publicHolidayName(iso, Number(iso.slice(0, 4)), office) ??
    (office.closures.includes(iso) ? 'office closure' : undefined)
  );
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

// ---------------------------------------------------------------------------------------------
// Wall clock to instants

function minutesOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/**
 * Zone offsets sampled at UTC midnights, memoised: asking Intl for an offset costs ~15µs, and a
 * year-long report would otherwise ask thousands of times. Cleared when large, so it stays bounded.
 */
const midnightOffsets = new Map<string, Map<number, number>>();

function offsetAtUtcMidnight(tz: IANAZone, ms: number): number {
  let byMs = midnightOffsets.get(tz.name);
  if (!byMs) midnightOffsets.set(tz.name, (byMs = new Map()));
  let o = byMs.get(ms);
  if (o === undefined) {
    if (byMs.size >= 100_000) byMs.clear();
    o = tz.offset(ms);
    byMs.set(ms, o);
  }
  return o;
}

/**
 * The zone's offset for every instant whose wall clock can read a time on `date` (offsets stay
 * within ±14h, so the day before to the day after covers them), or undefined when it changes in
 * that window: then the careful path below runs. Zones do not change twice within a day.
 */
function steadyOffset(date: CalendarDate, tz: IANAZone): number | undefined {
  const o = offsetAtUtcMidnight(tz, date - DAY);
  for (const k of [0, DAY, 2 * DAY]) if (offsetAtUtcMidnight(tz, date + k) !== o) return undefined;
  return o;
}

/**
 * The first instant at which the office's clock reads `minutes` past midnight on `date` (1440 =
 * "24:00", midnight ending the day). In the autumn repeated hour that is the first occurrence; in
 * the spring gap, where the time never shows, it is the moment the clock jumps past it: an office
 * opening at 01:30 on 29 March 2026 in London opens at 02:00 BST (01:00Z), when 01:30 has passed.
 */
function wallClockInstant(date: CalendarDate, minutes: number, zone: string): number {
  const tz = IANAZone.create(zone);
  const wall = date + minutes * MINUTE; // as if the zone were UTC; "24:00" lands on the next midnight
  const steady = steadyOffset(date, tz);
  if (steady !== undefined) return wall - steady * MINUTE;
  // Every occurrence of this reading uses an offset in force within a day of it.
  const offsets = [...new Set([tz.offset(wall - DAY), tz.offset(wall), tz.offset(wall + DAY)])];
  let first = Infinity;
  for (const o of offsets) {
    const t = wall - o * MINUTE;
    if (tz.offset(t) === o && t < first) first = t;
  }
  if (first !== Infinity) return first;
  // A spring gap: find the jump by bisection, the wall clock rising monotonically across it.
  const wallAt = (t: number) => t + tz.offset(t) * MINUTE;
  let lo = wall - Math.max(...offsets) * MINUTE;
  let hi = wall - Math.min(...offsets) * MINUTE;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallAt(mid) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

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
  if (memo && memo.current && t >= memo.from && t < memo.current.end) return memo;
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
    return { open: false, at: atZoned, nextOpening: inZone(p.start, office), nextClosing: closing, reason: closedReason(atZoned, office) };
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
