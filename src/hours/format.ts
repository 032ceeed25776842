/**
 * How times are said to journalists. Names are spelled out here rather than taken from Intl so
 * the wording ("Sep" vs "Sept", "am" vs "AM") does not change with the machine's ICU data.
 */
import { DateTime } from 'luxon';
import type { OfficeConfig } from '../config.js';
import type { Instant } from './office-hours.js';

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function zoned(at: Instant, office: OfficeConfig): DateTime {
  const dt = at instanceof Date ? DateTime.fromJSDate(at) : at;
  return dt.setZone(office.timezone);
}

/** "9:00am", "12:30pm", "12:00am" for midnight: the clock face, as a journalist would write it. */
export function formatClock(dt: DateTime): string {
  const h12 = dt.hour % 12 === 0 ? 12 : dt.hour % 12;
  return `${h12}:${String(dt.minute).padStart(2, '0')}${dt.hour < 12 ? 'am' : 'pm'}`;
}

/**
 * An instant in office time as a phrase: "5:00pm today", "9:00am tomorrow" (relative to `now`, by
 * office-zone date), otherwise "9:00am on Tuesday 29 December", with the year added when it is not
 * `now`'s year, or always when no `now` is given (nothing to take the year from).
 */
export function formatOfficeTime(at: Instant, office: OfficeConfig, now?: Instant): string {
  const dt = zoned(at, office);
  const clock = formatClock(dt);
  if (now !== undefined) {
    const today = zoned(now, office).startOf('day');
    const day = dt.startOf('day');
    if (day.hasSame(today, 'day')) return `${clock} today`;
    if (day.hasSame(today.plus({ days: 1 }), 'day')) return `${clock} tomorrow`;
  }
  const withYear = now === undefined || dt.year !== zoned(now, office).year;
  return `${clock} on ${DAYS[dt.weekday - 1]} ${dt.day} ${MONTHS[dt.month - 1]}${withYear ? ` ${dt.year}` : ''}`;
}

/** A deadline short enough for an SMS: "Tue 29 Dec 14:30", year appended when not `now`'s year. */
export function formatDeadline(at: Instant, office: OfficeConfig, now?: Instant): string {
  const dt = zoned(at, office);
  const withYear = now !== undefined && dt.year !== zoned(now, office).year;
  const time = `${String(dt.hour).padStart(2, '0')}:${String(dt.minute).padStart(2, '0')}`;
  return `${DAYS[dt.weekday - 1].slice(0, 3)} ${dt.day} ${MONTHS[dt.month - 1].slice(0, 3)}${withYear ? ` ${dt.year}` : ''} ${time}`;
}
