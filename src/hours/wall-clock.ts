/**
 * Calendar dates and wall-clock readings in the office zone, turned into instants: the arithmetic
 * under the office-hours calendar (office-hours.ts), kept apart so that file holds the rules.
 * Internal to src/hours.
 */
import { DateTime, IANAZone } from 'luxon';
import type { OfficeConfig } from '../config.js';

/** One minute, in milliseconds. */
export const MINUTE = 60_000;
/** One day of 24 hours, in milliseconds (calendar-date arithmetic; zone offsets are applied separately). */
export const DAY = 86_400_000;

/**
 * A calendar date as the epoch milliseconds of its UTC midnight: plain numbers with no zone to
 * shift them, so walking a year of days costs additions rather than DateTime objects.
 */
export type CalendarDate = number;

/** A calendar date as `YYYY-MM-DD`. */
export const isoDate = (date: CalendarDate) => new Date(date).toISOString().slice(0, 10);
/** 1 = Monday … 7 = Sunday, as luxon and the `office.hours` keys count (1 January 1970 was a Thursday). */
// The double modulo keeps dates before 1970 (negative day numbers) in 1..7.
export const weekday = (date: CalendarDate) => ((((Math.floor(date / DAY) + 3) % 7) + 7) % 7) + 1;

/** The office-zone date on which instant `t` falls. */
export function calendarDateAt(t: number, office: OfficeConfig): CalendarDate {
  const wall = t + IANAZone.create(office.timezone).offset(t) * MINUTE;
  return wall - (((wall % DAY) + DAY) % DAY);
}

/** A date given as `YYYY-MM-DD`, or the office-zone date of an instant; RangeError for anything else. */
export function toCalendarDate(day: DateTime | string, office: OfficeConfig): CalendarDate {
  if (typeof day !== 'string') return calendarDateAt(day.toMillis(), office);
  const d = DateTime.fromISO(day, { zone: 'utc' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !d.isValid) throw new RangeError(`not a date: ${day}`);
  return d.toMillis();
}

/** `HH:mm` (or `24:00`) as minutes past midnight. */
export function minutesOfDay(hhmm: string): number {
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
  if (!byMs) {
    byMs = new Map();
    midnightOffsets.set(tz.name, byMs);
  }
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
export function wallClockInstant(date: CalendarDate, minutes: number, zone: string): number {
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
