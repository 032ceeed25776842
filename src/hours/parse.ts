import { DateTime } from 'luxon';
import { officeZone } from './zone.js';

/**
 * The one rule for instants typed by people (the `at` query, an enquiry's deadline): ISO-8601
 * with `Z` or an offset, or `YYYY-MM-DDTHH:mm[:ss[.SSS]]` without one, read as office time.
 * Seconds and fractions are optional; a date without a time is refused, because "by Tuesday"
 * is not an instant.
 */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * The calendar answers for instants in these years only (UTC): before 1900 the office's zone
 * keeps local mean time and the holiday rules are guesses, and "0001-01-01" or "9999-…" are
 * typing slips or probes, not questions anyone means. Outside them an instant is refused (400),
 * never passed on to the calendar arithmetic.
 */
const FIRST_INSTANT = Date.UTC(1900, 0, 1);
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** True when `dt` lies within the years the calendar answers for (1900–9999, UTC). */
export function inCalendarRange(dt: DateTime): boolean {
  const ms = dt.toMillis();
  return ms >= FIRST_INSTANT && ms <= LAST_INSTANT;
}

/**
 * Parses `text` by the rule above and returns the instant in `zone`, or null when it is not a
 * date-time, lies outside 1900–9999 (see `inCalendarRange`), or names a wall-clock time that
 * never happens. luxon quietly moves "2026-02-30" and
 * times in a spring-forward gap to a neighbouring instant; a journalist's deadline must not move,
 * so every field is checked against what was written. A local time that happens twice (autumn
 * fall-back) is read as its first occurrence, the earlier and therefore safer deadline.
 */
export function parseInstant(text: string, zone: string): DateTime | null {
  const m = ISO_DATE_TIME.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '0', , offset] = m;
  const written = [y, mo, d, h, mi, s].map(Number);

  if (offset) {
    // With an offset the instant is plain arithmetic; luxon's parser cost a few per cent of
    // intake's CPU. Date.UTC rolls "02-30" over to March, so the fields must read back as written.
    const [yy, mm, dd, hh, mn, ss] = written;
    const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
    const wall = new Date(0);
    wall.setUTCFullYear(yy, mm - 1, dd);
    wall.setUTCHours(hh, mn, ss, ms);
    const back = [
      wall.getUTCFullYear(),
      wall.getUTCMonth() + 1,
      wall.getUTCDate(),
      wall.getUTCHours(),
      wall.getUTCMinutes(),
      wall.getUTCSeconds(),
    ];
    if (back.some((v, i) => v !== written[i])) return null;
    const om = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset);
    const offsetMinutes = om ? (om[1] === '-' ? -1 : 1) * (Number(om[2]) * 60 + Number(om[3] ?? 0)) : 0;
    if (om && (Number(om[2]) > 23 || Number(om[3] ?? 0) > 59)) return null;
    const instant = DateTime.fromMillis(wall.getTime() - offsetMinutes * 60_000, { zone: officeZone(zone) });
    return inCalendarRange(instant) ? instant : null;
  }
  let dt: DateTime = DateTime.fromISO(text.trim(), { zone: officeZone(zone) });
  if (!dt.isValid) return null;
  const [ry, rmo, rd, rh, rmi, rs] = [dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second];
  if ([ry, rmo, rd, rh, rmi, rs].some((v, i) => v !== written[i])) return null;

  dt = earliestOccurrence(dt);
  return inCalendarRange(dt) ? dt.setZone(officeZone(zone)) : null;
}

/** Of the instants sharing `dt`'s wall-clock reading (two in the repeated autumn hour), the first. */
export function earliestOccurrence(dt: DateTime): DateTime {
  const all = dt.getPossibleOffsets();
  return all.reduce((a, b) => (b.toMillis() < a.toMillis() ? b : a), dt).setZone(dt.zone);
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The start of a calendar day typed as YYYY-MM-DD (a filter's "from" or "to"), in the office's
 * `zone`; null when `text` is not a real date of that form.
 */
export function officeDayStart(text: string, zone: string): DateTime | null {
  if (!ISO_DAY.test(text)) return null;
  const d = DateTime.fromISO(text, { zone });
  return d.isValid ? d.startOf('day') : null;
}
