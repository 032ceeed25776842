/**
 * The placeholders of reply templates and outcome messages (issue 28, item 2): `{name}` and the
 * like, filled from the enquiry when a template is inserted or a message offered. One list, so a
 * template naming anything else is refused when it is saved (`unknownPlaceholders`) and the
 * managers' page lists exactly what can be used.
 *
 * `{status_link}` fills with the redacted link (`…/status/[link]`): the outbox gives it a fresh
 * token only as the message is sent (src/enquiries/status-link.ts), so no working link is ever
 * written into a reply box, the timeline or the record of what was said.
 */
import type { Config } from '../config.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { redactedStatusUrl } from '../enquiries/status-link.js';
import { formatOfficeTime } from '../hours/format.js';
import { isOpen, nextOpening } from '../hours/office-hours.js';
import type { Lang } from '../i18n/languages.js';

/** Every placeholder, with what it becomes (shown to managers writing templates). */
export const PLACEHOLDERS = {
  name: "the journalist's name",
  reference: "the enquiry's reference, like PD-7KM-4QX",
  outlet: "the journalist's outlet",
  office_hours: 'the office hours in words, like "9am to 5pm, Monday to Friday"',
  next_opening: 'when the office next opens, like "9:00am on Monday 7 December" ("now" while it is open)',
  status_link: "the journalist's status page (a fresh link as the message is sent)",
  foi_page: "the office's Freedom of Information page (lines.foiUrl)",
  organisation: 'the organisation an enquiry is referred to (outcome messages only)',
} as const;

/** A placeholder's name. */
export type Placeholder = keyof typeof PLACEHOLDERS;

const PATTERN = /\{([a-z_]+)\}/g;

/** Whether `name` is a placeholder. */
export function isPlaceholder(name: string): name is Placeholder {
  return Object.hasOwn(PLACEHOLDERS, name);
}

/** The names in braces in `body` that are not placeholders, each once, in order of appearance. */
export function unknownPlaceholders(body: string): string[] {
  const unknown = new Set<string>();
  for (const m of body.matchAll(PATTERN)) if (!isPlaceholder(m[1])) unknown.add(m[1]);
  return [...unknown];
}

/** The placeholders `body` uses, each once. */
export function placeholdersIn(body: string): Placeholder[] {
  const used = new Set<Placeholder>();
  for (const m of body.matchAll(PATTERN)) if (isPlaceholder(m[1])) used.add(m[1]);
  return [...used];
}

/** `body` with each placeholder replaced by its value; names that are not placeholders are left as written. */
export function fillPlaceholders(body: string, values: Readonly<Record<Placeholder, string>>): string {
  return body.replace(PATTERN, (whole, name: string) => (isPlaceholder(name) ? values[name] : whole));
}

const DAYS = [
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
] as const;

/** "9am", "5:30pm", "12 noon" from "HH:MM". */
function clockWords(hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number);
  if (h === 12 && m === 0) return '12 noon';
  if (h === 0 && m === 0) return 'midnight';
  const hour = h % 12 === 0 ? 12 : h % 12;
  return `${hour}${m ? `:${String(m).padStart(2, '0')}` : ''}${h < 12 ? 'am' : 'pm'}`;
}

/**
 * The office's weekly hours in words: "9am to 5pm, Monday to Friday" for the usual week; days
 * with the same hours are grouped ("9am to 5pm, Monday to Thursday; 9am to 4:30pm, Friday").
 * Bank holidays are not listed (the next opening says when it opens).
 */
export function officeHoursInWords(hours: Config['office']['hours']): string {
  const groups: Array<{ key: string; days: string[] }> = [];
  for (const [k, name] of DAYS) {
    const intervals = hours[k];
    if (!intervals.length) continue;
    const key = intervals.map(([a, b]) => `${clockWords(a)} to ${clockWords(b)}`).join(' and ');
    const last = groups.at(-1);
    if (last && last.key === key) last.days.push(name);
    else groups.push({ key, days: [name] });
  }
  if (!groups.length) return 'by appointment';
  return groups
    .map((g) => `${g.key}, ${g.days.length > 2 ? `${g.days[0]} to ${g.days.at(-1)}` : g.days.join(' and ')}`)
    .join('; ');
}

/**
 * Every placeholder's value for `enquiry` at `now`: its journalist, reference and outlet, the
 * office's hours and next opening in office time, the redacted status link, the FOI page, and the
 * `organisation` given (empty when none). `lang`: the journalist's language; the office's hours
 * are said in English whatever it is (a Welsh form of them is still to come).
 */
export function placeholderValues(
  enquiry: Pick<Enquiry, 'name' | 'reference' | 'outlet'>,
  config: Pick<Config, 'office' | 'publicBaseUrl' | 'lines'>,
  now: Date,
  organisation = '',
  lang: Lang = 'en',
): Record<Placeholder, string> {
  const opening = isOpen(now, config.office) ? null : nextOpening(now, config.office);
  // A Welsh message (issue 31) gets Welsh words where a value is words, not data.
  if (lang !== 'en')
    return {
      ...placeholderValues(enquiry, config, now, organisation),
      name: enquiry.name.trim() || 'chi',
      next_opening: opening ? formatOfficeTime(opening, config.office, now, lang) : 'nawr',
      foi_page: config.lines.foiUrl ?? 'y dudalen Rhyddid Gwybodaeth ar ein gwefan',
    };
  return {
    name: enquiry.name.trim() || 'there',
    reference: enquiry.reference,
    outlet: enquiry.outlet,
    office_hours: officeHoursInWords(config.office.hours),
    next_opening: opening ? formatOfficeTime(opening, config.office, now) : 'now',
    status_link: redactedStatusUrl(config.publicBaseUrl),
    foi_page: config.lines.foiUrl ?? 'the Freedom of Information page on our website',
    organisation,
  };
}
