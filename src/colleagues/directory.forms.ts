import { z } from 'zod';
import type { OfficeConfig } from '../config.js';
import { singleMailbox } from '../email/address.js';
import { normalisePhone, normaliseText } from '../enquiries/enquiry.input.js';
import { cannotTakeTexts, numberRefusal } from '../enquiries/phone-numbers.js';
import { defineForm, type FieldErrors, type FieldId } from '../http/form-schema.js';
import type { WeekHours } from './colleagues.tables.js';

/** The most each of a colleague's fields may hold (the table's CHECKs). */
export const COLLEAGUE_LIMITS = { name: 100, role: 100, department: 100, email: 320 } as const;

/**
 * When a colleague can usually be reached: at any time (a duty inspector), in the office's own
 * hours, on weekdays between two times, or (editing only) as stored, when what is stored is none
 * of these any more (the office's hours of the day they were added, since changed).
 */
export const HOURS_CHOICES = ['any', 'office', 'weekdays', 'keep'] as const;
export type HoursChoice = (typeof HOURS_CHOICES)[number];

/** The fields of the add and edit forms, in page order (the error summary lists them so). */
export const COLLEAGUE_FIELDS = ['name', 'role', 'department', 'mobile', 'email', 'hours', 'from', 'to'] as const;

/** The message when neither a mobile nor an email address is given. */
export const NO_CONTACT = 'Give a mobile or an email address, so questions can reach them';

const HHMM = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** "8:00" → "08:00"; anything else as it is. */
function padTime(t: string): string {
  return /^\d:\d\d$/.test(t) ? `0${t}` : t;
}

/** A time of day as a browser's `type="time"` sends it ("08:00"; "8:00" taken too), or null when it is not one. */
function timeOfDay(t: string, allowMidnightEnd: boolean): string | null {
  const v = padTime(t.trim());
  if (HHMM.test(v)) return v;
  return allowMidnightEnd && v === '24:00' ? v : null;
}

/** Where Press Desk texts, for a message: "the United Kingdom", "the United Kingdom or Ireland". */
function placesOf(allowedCountries: readonly string[]): string {
  const names = new Intl.DisplayNames(['en-GB'], { type: 'region' });
  const places = allowedCountries.map((c) => (c === 'GB' ? 'the United Kingdom' : (names.of(c) ?? c)));
  return places.length > 1 ? `${places.slice(0, -1).join(', ')} or ${places[places.length - 1]}` : (places[0] ?? '');
}

/** Why Press Desk would not text `e164`, worded for a manager, or null when it would. */
export function mobileProblem(e164: string, allowedCountries: readonly string[]): string | null {
  const refusal = numberRefusal(e164, allowedCountries);
  if (refusal === 'country')
    return `Press Desk only texts numbers in ${placesOf(allowedCountries)}: give a mobile number there, or only an email address`;
  if (refusal)
    return 'Press Desk does not text premium-rate, shared-cost, pager, VoIP or satellite numbers: give an ordinary mobile number, or only an email address';
  if (cannotTakeTexts(e164))
    return 'This number cannot take texts (it looks like a landline): give a mobile number, or only an email address';
  return null;
}

/**
 * One line of text (line breaks fold to spaces, normalised as the desk's other text) of at most
 * `max` characters; `required`: "Enter {what}" when blank. The desk's messages: "Keep it to
 * {max} characters or fewer", summarised as "{what} is too long".
 */
function line(max: number, what: string, required: boolean) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? normaliseText(v, false) : ''),
    z.string().check((ctx) => {
      if (!ctx.value && required) {
        const message = `Enter ${what}`;
        ctx.issues.push({ code: 'custom', message, input: ctx.value, params: { summary: message }, continue: true });
      } else if (ctx.value.length > max) {
        const message = `Keep it to ${max.toLocaleString('en-GB')} characters or fewer`;
        const summary = `${what[0].toUpperCase()}${what.slice(1)} is too long`;
        ctx.issues.push({ code: 'custom', message, input: ctx.value, params: { summary }, continue: true });
      }
    }),
  );
}

/**
 * A colleague as a manager adds or edits them (`POST /desk/colleagues`, `POST /desk/colleagues/:id`):
 * name (required), role and department (optional), mobile (any format libphonenumber-js reads,
 * stored E.164; one Press Desk texts: `twilio.allowedCountries`, not costly, not a landline) and
 * email (one plain mailbox), at least one of the two; when they can usually be reached, with the
 * times for `weekdays` (from before to). Every problem at once, one message per field.
 */
export function colleagueForm(allowedCountries: readonly string[]) {
  const trimmed = z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string());
  return defineForm(
    z
      .object({
        name: line(COLLEAGUE_LIMITS.name, 'their name', true),
        role: line(COLLEAGUE_LIMITS.role, 'a role', false),
        department: line(COLLEAGUE_LIMITS.department, 'a department', false),
        mobile: trimmed.transform((v, ctx) => {
          if (!v) return null;
          const e164 = normalisePhone(v);
          const message = e164
            ? mobileProblem(e164, allowedCountries)
            : 'Enter a mobile number, like 07911 123456 or +44 7911 123456';
          if (message) ctx.issues.push({ code: 'custom', message, input: v, continue: true });
          return e164;
        }),
        email: trimmed.transform((v, ctx) => {
          if (!v) return null;
          const mailbox = singleMailbox(v);
          if (!mailbox || mailbox.length > COLLEAGUE_LIMITS.email)
            ctx.issues.push({
              code: 'custom',
              message: 'Enter one email address, like jo.smith@police.example',
              input: v,
              continue: true,
            });
          return mailbox;
        }),
        hours: trimmed.transform((v, ctx) => {
          if (!(HOURS_CHOICES as readonly string[]).includes(v))
            ctx.issues.push({
              code: 'custom',
              message: 'Choose when they can usually be reached',
              input: v,
              continue: true,
            });
          return v as HoursChoice;
        }),
        from: trimmed,
        to: trimmed,
      })
      // Every field's issues above are continuable (`continue: true`), so this runs even when some
      // field was refused, and the form reports every problem at once.
      .check((ctx) => {
        const v = ctx.value;
        // A field already refused keeps its own message; only two blanks are "neither given".
        const refused = new Set(ctx.issues.map((i) => i.path?.[0]));
        if (v.mobile === null && v.email === null && !refused.has('mobile') && !refused.has('email')) {
          for (const path of ['mobile', 'email'])
            ctx.issues.push({ code: 'custom', message: NO_CONTACT, input: '', path: [path] });
        }
        if (v.hours !== 'weekdays') return;
        const from = timeOfDay(v.from, false);
        const to = timeOfDay(v.to, true);
        if (!from)
          ctx.issues.push({
            code: 'custom',
            message: 'Enter the time they usually start, like 08:00',
            input: v.from,
            path: ['from'],
          });
        if (!to)
          ctx.issues.push({
            code: 'custom',
            message: 'Enter the time they usually finish, like 16:00',
            input: v.to,
            path: ['to'],
          });
        if (from && to && from >= to)
          ctx.issues.push({
            code: 'custom',
            message: 'The finish time must be after the start time',
            input: v.to,
            path: ['to'],
          });
      }),
  );
}

/** The add and edit form. */
export type ColleagueForm = ReturnType<typeof colleagueForm>;

/** A field of the add or edit form. */
export type ColleagueField = FieldId<ColleagueForm['schema']>;

/** The form's problems, one message per field (`form` when none is named). */
export type ColleagueErrors = FieldErrors<ColleagueField | 'form'>;

/** What was typed in the form's fields, as the browser sent it. */
export type ColleagueValues = Partial<Record<ColleagueField, string>>;

const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/**
 * The week stored for a choice: null for any time, a copy of the office's hours, or Monday to
 * Friday between `from` and `to` (already checked). `keep` is the week stored now.
 */
export function weekOf(
  choice: HoursChoice,
  times: { from: string; to: string },
  officeHours: OfficeConfig['hours'],
  current: WeekHours | null,
): WeekHours | null {
  if (choice === 'any') return null;
  if (choice === 'keep') return current;
  if (choice === 'office')
    return Object.fromEntries(
      WEEK.map((d) => [d, officeHours[d].map(([a, b]) => [a, b] as [string, string])]),
    ) as WeekHours;
  const from = padTime(times.from.trim());
  const to = padTime(times.to.trim());
  return Object.fromEntries(WEEK.map((d, i) => [d, i < 5 ? [[from, to]] : []])) as WeekHours;
}
