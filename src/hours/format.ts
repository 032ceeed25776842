/**
 * How times are said to journalists. Names are spelled out here rather than taken from Intl so
 * the wording ("Sep" vs "Sept", "am" vs "AM") does not change with the machine's ICU data.
 */
import { DateTime } from 'luxon';
import type { OfficeConfig } from '../config.js';
import { t } from '../i18n/catalogue.js';
import { LANGUAGE_TAGS, type Lang } from '../i18n/languages.js';
import type { Instant } from './office-hours.js';
import { officeZone } from './zone.js';

/** Day names, Monday first (luxon's weekday 1). */
export const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
/** Month names, January first (luxon's month 1). */
export const MONTHS = [
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
  return dt.setZone(officeZone(office.timezone));
}

/** An hour of the day (0..23) on a 12-hour clock face: 12 for midnight and noon. */
export function hour12(hour: number): number {
  return hour % 12 === 0 ? 12 : hour % 12;
}

/**
 * Whole calendar days from `from`'s date to `to`'s, each read in its own zone (pass both in the
 * office zone): 0 the same day, 1 the next. Plain date arithmetic: each luxon DateTime in a zone
 * costs an Intl offset look-up, and this runs for every enquiry received.
 */
export function calendarDays(from: DateTime, to: DateTime): number {
  return (Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / 86_400_000;
}

/**
 * "9:00am", "12:30pm", "12:00am" for midnight: the clock face, as a journalist would write it; in
 * Welsh (`lang` 'cy') "9:00yb", "12:30yh". English is the default and never changes.
 */
export function formatClock(dt: DateTime, lang: Lang = 'en'): string {
  const time = `${hour12(dt.hour)}:${String(dt.minute).padStart(2, '0')}`;
  if (lang === 'en') return `${time}${dt.hour < 12 ? 'am' : 'pm'}`;
  return t(lang, dt.hour < 12 ? 'hours.morning' : 'hours.afternoon', { time });
}

/**
 * The weekday and month names of `dt` in `lang`: English from the fixed lists, others from luxon's
 * locale data ("Mawrth", "Rhagfyr"). What is told to a journalist, written or spoken, names them with this.
 */
export function dateNames(dt: DateTime, lang: Lang): { weekday: string; month: string } {
  if (lang === 'en') return { weekday: DAYS[dt.weekday - 1], month: MONTHS[dt.month - 1] };
  const local = dt.setLocale(LANGUAGE_TAGS[lang]);
  // luxon's Welsh weekday is "Dydd Mawrth": the catalogue supplies "dydd" with its mutation.
  return { weekday: local.toFormat('cccc').replace(/^dydd\s+/i, ''), month: local.toFormat('LLLL') };
}

/**
 * An instant in office time as a phrase: "5:00pm today", "9:00am tomorrow" (relative to `now`, by
 * office-zone date), otherwise "9:00am on Tuesday 29 December", with the year added when it is not
 * `now`'s year, or always when no `now` is given (nothing to take the year from). `lang` (default
 * English, whose output never changes) says it for a journalist who reads Welsh: "9:00yb yfory",
 * "9:00yb ddydd Mawrth 29 Rhagfyr". The SMS, email and web journeys all say times with this.
 */
export function formatOfficeTime(at: Instant, office: OfficeConfig, now?: Instant, lang: Lang = 'en'): string {
  const dt = zoned(at, office);
  const clock = formatClock(dt, lang);
  const today = now === undefined ? undefined : zoned(now, office);
  if (today !== undefined) {
    const days = calendarDays(today, dt);
    if (lang !== 'en' && (days === 0 || days === 1))
      return t(lang, days === 0 ? 'hours.today' : 'hours.tomorrow', { clock });
    if (days === 0) return `${clock} today`;
    if (days === 1) return `${clock} tomorrow`;
  }
  const withYear = today === undefined || dt.year !== today.year;
  if (lang !== 'en') {
    const values = { clock, ...dateNames(dt, lang), day: dt.day, year: String(dt.year) };
    return t(lang, withYear ? 'hours.onDateWithYear' : 'hours.onDate', values);
  }
  return `${clock} on ${DAYS[dt.weekday - 1]} ${dt.day} ${MONTHS[dt.month - 1]}${withYear ? ` ${dt.year}` : ''}`;
}

/**
 * `now`'s year in office time, remembered for the last instant asked: a queue page formats two
 * times per row against the same `now`, and each luxon DateTime in a zone costs an Intl look-up.
 */
let lastYear: { ms: number; zone: string; year: number } | null = null;
function yearAt(now: Instant, office: OfficeConfig): number {
  const ms = now instanceof Date ? now.getTime() : now.toMillis();
  if (lastYear?.ms !== ms || lastYear.zone !== office.timezone)
    lastYear = { ms, zone: office.timezone, year: zoned(now, office).year };
  return lastYear.year;
}

/**
 * Any instant in office time, short enough for a table cell or an SMS: "Tue 29 Dec 14:30", year
 * appended when not `now`'s year. For when something happened or happens (received, sent, a
 * shift's start); a deadline is said with `formatDeadline`, and a journalist is told times with
 * `formatOfficeTime`. `lang` 'cy' gives luxon's Welsh short names ("Maw 29 Rhag 14:30"); English
 * (the default) never changes.
 */
export function formatShortTime(at: Instant, office: OfficeConfig, now?: Instant, lang: Lang = 'en'): string {
  const dt = zoned(at, office);
  const withYear = now !== undefined && dt.year !== yearAt(now, office);
  const time = `${String(dt.hour).padStart(2, '0')}:${String(dt.minute).padStart(2, '0')}`;
  if (lang !== 'en') {
    // Welsh short names from luxon ("Maw 29 Rhag 14:30"); the 24-hour clock needs no words.
    const local = dt.setLocale(LANGUAGE_TAGS[lang]);
    return `${local.toFormat('ccc')} ${dt.day} ${local.toFormat('LLL')}${withYear ? ` ${dt.year}` : ''} ${time}`;
  }
  return `${DAYS[dt.weekday - 1].slice(0, 3)} ${dt.day} ${MONTHS[dt.month - 1].slice(0, 3)}${withYear ? ` ${dt.year}` : ''} ${time}`;
}

/**
 * A deadline (the journalist's, or the office's respond-by) short enough for an SMS: today the
 * same words as `formatShortTime`, kept apart so deadlines can be said differently in one place.
 * `lang` as for `formatShortTime` (English by default).
 */
export function formatDeadline(at: Instant, office: OfficeConfig, now?: Instant, lang: Lang = 'en'): string {
  return formatShortTime(at, office, now, lang);
}
