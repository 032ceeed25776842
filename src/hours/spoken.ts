/**
 * Office hours said aloud, for the phone line: sentences a text-to-speech voice (Twilio `<Say>`,
 * Amazon Polly) reads naturally. Clock times are spelled out in words because voices read "9:00"
 * as "nine hundred" or "nine zero zero" depending on the engine; dates keep their digits ("the
 * 30th of November"), which every voice reads as an ordinal. English names are spelled out
 * rather than taken from Intl so the wording does not change with the machine's ICU data; other
 * languages name months as the written journeys do (format.ts).
 *
 * The text is plain (it may contain an apostrophe, as in "New Year's Day"): whoever puts it into
 * TwiML or SSML escapes it for XML.
 */
import type { DateTime } from 'luxon';
import type { OfficeConfig } from '../config.js';
import { holidayOrClosure } from './holidays.js';
import { officeStatus, type Instant } from './office-hours.js';
import { toCalendarDate } from './wall-clock.js';
import { calendarDays, DAYS, dateNames, hour12, MONTHS } from './format.js';
import { t } from '../i18n/catalogue.js';
import type { Lang } from '../i18n/languages.js';

const UNITS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty'];

/** 0..59 as words: "seven", "fifteen", "forty-five". */
function numberWords(n: number): string {
  if (n < 20) return UNITS[n];
  const unit = n % 10;
  return unit === 0 ? TENS[Math.floor(n / 10)] : `${TENS[Math.floor(n / 10)]}-${UNITS[unit]}`;
}

/** "1st", "2nd", "3rd", "11th", "22nd": the teens take "th" whatever their last digit. */
function ordinal(day: number): string {
  const teen = day % 100 >= 11 && day % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][day % 10] ?? 'th');
  return `${day}${suffix}`;
}

/**
 * The wall-clock time of `dt`, in `dt`'s own zone, as words for speech: "nine a.m.", "one thirty
 * p.m.", "eight oh five a.m.", "noon" for 12:00 and "midnight" for 00:00. Seconds are dropped (a
 * caller is told the minute). Pass `dt` already in the office zone.
 */
export function spokenTime(dt: DateTime): string {
  const { hour, minute } = dt;
  if (minute === 0 && hour === 0) return 'midnight';
  if (minute === 0 && hour === 12) return 'noon';
  const minutes = minute === 0 ? '' : minute < 10 ? ` oh ${UNITS[minute]}` : ` ${numberWords(minute)}`;
  return `${UNITS[hour12(hour)]}${minutes} ${hour < 12 ? 'a.m.' : 'p.m.'}`;
}

/** Whole calendar days from `now`'s date to `dt`'s, both read in `dt`'s zone. */
function daysFrom(now: DateTime, dt: DateTime): number {
  return calendarDays(now.setZone(dt.zone), dt);
}

/** " 2027" after a date in another year than `now`'s (read in `dt`'s zone); nothing in the same year. */
function otherYear(dt: DateTime, now: DateTime): string {
  return dt.year === now.setZone(dt.zone).year ? '' : ` ${dt.year}`;
}

/** "Monday the 30th of November", with the year when it differs from `now`'s (in `dt`'s zone). */
function dateWords(dt: DateTime, now: DateTime): string {
  return `${DAYS[dt.weekday - 1]} the ${ordinal(dt.day)} of ${MONTHS[dt.month - 1]}${otherYear(dt, now)}`;
}

/**
 * The calendar date of `dt` relative to `now`, for speech: "today", "tomorrow", otherwise "on
 * Monday the 30th of November", with the year added when it is not `now`'s year. Both are read in
 * `dt`'s zone (pass `dt` in the office zone; `now` may be in any zone), so "today" means the
 * office's today even when the server runs in UTC.
 */
export function spokenDay(dt: DateTime, now: DateTime): string {
  const days = daysFrom(now, dt);
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  return `on ${dateWords(dt, now)}`;
}

/**
 * When the office opens, as words after "It opens at". Midnight belongs to two days, so it is
 * tied to the day it starts: "midnight tonight", "midnight at the start of Monday the …".
 */
function openingWords(dt: DateTime, now: DateTime): string {
  if (dt.hour === 0 && dt.minute === 0) {
    return daysFrom(now, dt) === 1 ? 'midnight tonight' : `midnight at the start of ${dateWords(dt, now)}`;
  }
  return `${spokenTime(dt)} ${spokenDay(dt, now)}`;
}

/**
 * When the office closes, as words after "open until": no day when it is today ("five p.m."), as
 * the caller is already inside that opening. A closing at 00:00 ends the day before, so it is
 * spoken as that day's midnight ("midnight", not "midnight tomorrow").
 */
function closingWords(dt: DateTime, now: DateTime): string {
  if (dt.hour === 0 && dt.minute === 0) {
    const dayBefore = dt.minus({ days: 1 });
    const days = daysFrom(now, dayBefore);
    if (days === 0) return 'midnight';
    if (days === 1) return 'midnight tomorrow night';
    return `midnight at the end of ${dateWords(dayBefore, now)}`;
  }
  return daysFrom(now, dt) === 0 ? spokenTime(dt) : `${spokenTime(dt)} ${spokenDay(dt, now)}`;
}

/** Ends a sentence with a full stop, unless it already ends with one (the one in "a.m." or "p.m."). */
function sentence(words: string): string {
  return words.endsWith('.') ? words : `${words}.`;
}

/**
 * What the phone line tells a caller at `at`, everything in the office's zone. Pure, like
 * `officeStatus`, which it reads.
 * - Open: "The press office is open until five p.m." (the day added when the period ends on
 *   another day; "The press office is open." when it does not end within the search horizon).
 * - Closed: "The press office is closed. It opens at nine a.m. on Monday the 30th of November."
 *   ("… today." / "… tomorrow."). On a bank holiday the first sentence is "The press office is
 *   closed today for Christmas Day." (the holiday's name as the calendar gives it); on a
 *   configured closure day, "The press office is closed today.". With no opening within the
 *   search horizon the second sentence is left out rather than guessed.
 */
export function spokenOfficeStatus(
  at: Instant,
  office: OfficeConfig,
  lang: Lang = 'en',
): { open: boolean; text: string } {
  if (lang !== 'en') return spokenOfficeStatusIn(lang, at, office);
  const status = officeStatus(at, office);
  const now = status.at;
  if (status.open) {
    const until = status.nextClosing;
    return {
      open: true,
      text: until
        ? sentence(`The press office is open until ${closingWords(until, now)}`)
        : 'The press office is open.',
    };
  }
  // holidayOrClosure rather than status.reason: the reason also carries "weekend", "closed on
  // Wednesdays" and "outside opening hours", which a caller is not told as a day's closure.
  const special = holidayOrClosure(toCalendarDate(now, office), office);
  const first =
    special === undefined
      ? 'The press office is closed.'
      : special === 'office closure'
        ? 'The press office is closed today.'
        : `The press office is closed today for ${special}.`;
  const opens = status.nextOpening;
  return { open: false, text: opens ? `${first} ${sentence(`It opens at ${openingWords(opens, now)}`)}` : first };
}

/** An hour (0..23) as the word on a 12-hour clock; `soft`: mutated, as Welsh needs after "am", "tan" and "i". */
function hourWord(lang: Lang, hour: number, form: 'soft' | 'radical'): string {
  return t(lang, 'voice.hourWord', { hour: hour12(hour), form });
}

/** The time of `dt` from the catalogue's `voice.clock`: "naw o'r gloch", "hanner awr wedi dau", "chwarter i bump". */
function clockWords(lang: Lang, dt: DateTime): string {
  const special = dt.minute === 0 && dt.hour === 0 ? 'midnight' : dt.minute === 0 && dt.hour === 12 ? 'noon' : null;
  return t(lang, 'voice.clock', {
    minute: dt.minute,
    hour: special ?? hourWord(lang, dt.hour, 'radical'),
    soft: hourWord(lang, dt.hour, 'soft'),
    next: hourWord(lang, dt.hour + 1, 'soft'),
  });
}

/**
 * `dt` as words from the catalogue's `voice.clock` and `voice.when`, in speech order for `lang`:
 * "naw o'r gloch fore Llun", "hanner awr wedi pump y prynhawn yma". Within a week the weekday
 * names the day; further off the date is added, as digits a voice reads in its own language.
 */
function whenWords(lang: Lang, dt: DateTime, now: DateTime): string {
  const time = clockWords(lang, dt);
  const days = daysFrom(now, dt);
  const period = dt.hour < 12 ? 'morning' : dt.hour < 18 ? 'afternoon' : 'evening';
  // The month as the written journeys name it in `lang` (format.ts), "8 Ionawr".
  const date = days > 6 ? `, ${dt.day} ${dateNames(dt, lang).month}${otherYear(dt, now)}` : '';
  return t(lang, 'voice.when', {
    relative: days === 0 ? 'today' : days === 1 ? 'tomorrow' : 'other',
    time,
    period,
    weekday: dt.weekday,
    date,
  });
}

/**
 * `spokenOfficeStatus` in a language other than English (issue 31), every word from the
 * catalogue: "Mae Swyddfa'r Wasg ar gau. Bydd yn agor am naw o'r gloch fore Llun." A closing at
 * midnight is said as the midnight that ends the day ("tan hanner nos").
 */
function spokenOfficeStatusIn(lang: Lang, at: Instant, office: OfficeConfig): { open: boolean; text: string } {
  const status = officeStatus(at, office);
  const now = status.at;
  if (status.open) {
    const until = status.nextClosing;
    if (!until) return { open: true, text: t(lang, 'voice.open') };
    const end = until.hour === 0 && until.minute === 0 ? until.minus({ minutes: 1 }) : until;
    // A closing at midnight, or later today, is said as the time alone ("tan hanner nos", "tan bump o'r gloch").
    const when = daysFrom(now, end) === 0 ? clockWords(lang, until) : whenWords(lang, until, now);
    return { open: true, text: t(lang, 'voice.openUntil', { when }) };
  }
  const special = holidayOrClosure(toCalendarDate(now, office), office);
  const first =
    special === undefined
      ? t(lang, 'voice.closed')
      : special === 'office closure'
        ? t(lang, 'voice.closedToday')
        : t(lang, 'voice.closedForHoliday', { holiday: special });
  const opens = status.nextOpening;
  return {
    open: false,
    text: opens ? `${first} ${t(lang, 'voice.opensAt', { when: whenWords(lang, opens, now) })}` : first,
  };
}
