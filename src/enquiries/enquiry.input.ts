import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { DateTime } from 'luxon';
import { z } from 'zod';
import { parseInstant } from '../hours/parse.js';
import { LANGUAGES } from '../i18n/languages.js';
import { parsedNumberRefusal, refusalMessage } from './phone-numbers.js';

/** Field length limits, shown to journalists in messages and enforced in the form's maxlength. */
export const LIMITS = {
  name: 200,
  outlet: 200,
  email: 254,
  phone: 40,
  subject: 200,
  details: 10_000,
  deadline: 64,
} as const;

/** The fields a journalist submits, by form or API. */
export const ENQUIRY_FIELDS = ['name', 'outlet', 'email', 'phone', 'subject', 'details', 'deadline', 'urgent'] as const;
export type EnquiryField = (typeof ENQUIRY_FIELDS)[number];

/** A validated, normalised enquiry, ready for the service. */
export interface EnquiryInput {
  name: string;
  outlet: string;
  email: string | null;
  phone: string | null;
  subject: string;
  details: string;
  deadline: Date | null;
  urgent: boolean;
}

// C0/C1 controls except tab and newline, plus the bidirectional overrides and isolates that can
// make a queue entry read differently from what was sent.
// eslint-disable-next-line no-control-regex
const STRIP = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/**
 * The documented normalisation of journalist text: Unicode NFC, CRLF/CR to LF, control and
 * bidi-override characters removed, outer white space trimmed; single-line fields also fold
 * internal line breaks and tabs to spaces. Everything else (HTML, quotes, emoji) is kept as sent
 * and only ever rendered as text.
 */
export function normaliseText(value: string, multiline: boolean): string {
  // Unpaired surrogate halves (only a JSON "\ud800" escape can make one) are not text: they
  // become U+FFFD here, as PostgreSQL would store them, so what is checked is what is stored.
  let s = value
    .replace(/\p{Cs}/gu, '\uFFFD')
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(STRIP, '');
  if (!multiline) s = s.replace(/[\n\t]+/g, ' ');
  return s.trim();
}

/** Normalises a phone number to E.164 (UK numbers may be written nationally), or null if invalid. */
export function normalisePhone(text: string): string | null {
  const parsed = parsePhoneNumberFromString(text, 'GB');
  if (!parsed?.isValid()) return null;
  return parsed.number;
}

const LABELS: Record<EnquiryField, string> = {
  name: 'Name',
  outlet: 'News outlet',
  email: 'Email address',
  phone: 'Phone number',
  subject: 'Subject',
  details: 'Details of your enquiry',
  deadline: 'Deadline',
  urgent: 'Urgent',
};

const REQUIRED_MESSAGE: Partial<Record<EnquiryField, string>> = {
  name: 'Enter your name',
  outlet: 'Enter the news outlet you work for, or "freelance"',
  subject: 'Enter a subject',
  details: 'Enter the details of your enquiry',
};

function textField(field: EnquiryField, multiline = false) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? normaliseText(v, multiline) : v),
    z
      .string({
        error: (iss) =>
          iss.input === undefined || iss.input === null
            ? (REQUIRED_MESSAGE[field] ?? `Enter ${LABELS[field].toLowerCase()}`)
            : `${LABELS[field]} must be text`,
      })
      .min(1, { error: REQUIRED_MESSAGE[field] ?? `Enter ${LABELS[field].toLowerCase()}` })
      .max(LIMITS[field as keyof typeof LIMITS], {
        error: `${LABELS[field]} must be ${LIMITS[field as keyof typeof LIMITS].toLocaleString('en-GB')} characters or fewer`,
      }),
  );
}

function optionalText(field: 'email' | 'phone' | 'deadline') {
  return z.preprocess(
    (v) => {
      if (v === undefined || v === null) return null;
      if (typeof v !== 'string') return v;
      const s = normaliseText(v, false);
      return s === '' ? null : s;
    },
    z
      .string({ error: `${LABELS[field]} must be text` })
      .max(LIMITS[field], { error: `${LABELS[field]} must be ${LIMITS[field]} characters or fewer` })
      .nullable(),
  );
}

const TRUE_WORDS = new Set(['true', 'on', 'yes', '1']);
const FALSE_WORDS = new Set(['false', 'off', 'no', '0', '']);

/**
 * Each field a journalist sends, checked on its own (`parseEnquiryInput` adds the checks across
 * fields). The OpenAPI document's `EnquiryInput` is generated from this schema: the `meta` here is
 * what API clients read.
 */
export const enquiryFieldsSchema = z
  .object({
    name: textField('name'),
    outlet: textField('outlet'),
    email: optionalText('email').meta({ format: 'email' }),
    phone: optionalText('phone').meta({
      description:
        'UK national or international format; stored as E.164. Premium-rate, shared-cost, personal, pager, VoIP and satellite numbers, and numbers outside the countries Press Desk calls (twilio.allowedCountries), are refused',
    }),
    subject: textField('subject'),
    details: textField('details', true),
    deadline: optionalText('deadline').meta({
      description: 'ISO-8601 with offset, or YYYY-MM-DDTHH:mm read in the office time zone; must be in the future',
    }),
    urgent: z.preprocess(
      (v) => {
        if (v === undefined || v === null) return false;
        if (typeof v === 'string' && TRUE_WORDS.has(v.trim().toLowerCase())) return true;
        if (typeof v === 'string' && FALSE_WORDS.has(v.trim().toLowerCase())) return false;
        return v;
      },
      z.boolean({ error: 'Urgent must be true or false' }),
    ),
  })
  .meta({ description: 'At least one of email and phone is required.' });

/**
 * Fields only the JSON API reads. `acknowledge`: also send the journalist the reference, next step
 * and status link by email or text, as the web form always does (src/enquiries/acknowledgement.ts).
 * Off unless asked: an API client has all of it in the 201 at once, and a newsroom system may
 * pass it on itself; so existing integrations see no new messages to their journalists.
 */
export const apiOnlyFieldsSchema = z.object({
  acknowledge: z
    .preprocess(
      (v) => (v === undefined || v === null ? false : v),
      z.boolean({ error: 'acknowledge must be true or false' }),
    )
    .meta({
      description:
        'Also send the journalist the reference, next step and status link: by email to `email` when email is connected, else by text to `phone` when it is a mobile; within limits per address or number and per client. The 201 says how (`acknowledgedBy`).',
    }),
  language: z
    .enum(LANGUAGES, { error: `language must be one of ${LANGUAGES.join(', ')}` })
    .optional()
    .meta({
      description:
        'The language the journalist is answered in from now on (`en` English, `cy` Welsh): the acknowledgement, the status page and every later message. Absent: English.',
    }),
});

const emailSchema = z.email();

/**
 * True when `text` is one plain mailbox (`name@example.com`): no display name, no second address,
 * no `?cc=` or other parameters, no comment, at most 254 characters. The one test of an address
 * Press Desk will write to, for the form, the API and the email channel alike.
 */
export function isSingleMailbox(text: string): boolean {
  return text.length <= LIMITS.email && emailSchema.safeParse(text).success;
}
type Raw = z.infer<typeof enquiryFieldsSchema>;

/**
 * What is wrong with one field, as a code the journalist's language can word (issue 31:
 * src/enquiries/enquiry.errors.ts turns it into a catalogue message); `max` for `tooLong`.
 */
export type FieldProblem = {
  code:
    | 'required'
    | 'tooLong'
    | 'notText'
    | 'invalid'
    | 'email'
    | 'phone'
    | 'phoneRefused'
    | 'contact'
    | 'deadlineFormat'
    | 'deadlinePast'
    | 'deadlineFar';
  max?: number;
};

export type ParseResult =
  | { ok: true; value: EnquiryInput }
  | {
      ok: false;
      /** Each field's message in English (the API's `fields`, the English form). */
      fields: Partial<Record<EnquiryField, string>>;
      /** The same problems as codes, for the journalist's language. */
      problems: Partial<Record<EnquiryField, FieldProblem>>;
    };

/** The code of a zod issue on one field: what `textField` and `optionalText` refuse. */
function problemOf(issue: z.core.$ZodIssue | undefined, input: unknown): FieldProblem {
  if (issue?.code === 'too_big' && typeof issue.maximum === 'number') return { code: 'tooLong', max: issue.maximum };
  if (issue?.code === 'too_small') return { code: 'required' };
  if (issue?.code === 'invalid_type')
    return input === undefined || input === null ? { code: 'required' } : { code: 'notText' };
  return { code: 'invalid' };
}

/**
 * Validates and normalises a submitted enquiry (from JSON or a form) against the office's time
 * zone and `now`, and the countries whose numbers Press Desk calls (`twilio.allowedCountries`: a
 * number it would never call or text back is refused, see phone-numbers.ts). Returns every
 * problem at once, one message per field, worded for the journalist. Unknown fields are ignored.
 */
export function parseEnquiryInput(
  raw: unknown,
  ctx: { now: DateTime; timezone: string; allowedCountries: readonly string[] },
): ParseResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      ok: false,
      fields: { name: 'The enquiry must be an object with the fields name, outlet, subject and details' },
      problems: { name: { code: 'invalid' } },
    };
  }
  const fields: Partial<Record<EnquiryField, string>> = {};
  const problems: Partial<Record<EnquiryField, FieldProblem>> = {};
  const input = raw as Record<string, unknown>;
  // Each field on its own, so one bad field does not hide the value (or the problems) of another.
  const values: Partial<Raw> = {};
  for (const key of Object.keys(enquiryFieldsSchema.shape) as (keyof Raw)[]) {
    const r = enquiryFieldsSchema.shape[key].safeParse(input[key]);
    if (r.success) (values as Record<string, unknown>)[key] = r.data;
    else {
      fields[key] = r.error.issues[0]?.message ?? `${LABELS[key]} is not valid`;
      problems[key] = problemOf(r.error.issues[0], input[key]);
    }
  }

  const email = values.email;
  if (email && !isSingleMailbox(email)) {
    fields.email = 'Enter an email address in the correct format, like name@example.com';
    problems.email = { code: 'email' };
  }

  const phoneText = values.phone;
  let phone: string | null = null;
  if (phoneText) {
    // Parsed once: the E.164 form and the refusal both come from it (see parsedNumberRefusal).
    const parsed = parsePhoneNumberFromString(phoneText, 'GB');
    phone = parsed?.isValid() ? parsed.number : null;
    if (!phone) {
      fields.phone = 'Enter a phone number, like 07911 123456 or +44 7911 123456';
      problems.phone = { code: 'phone' };
    }
    const refusal = phone && parsed ? parsedNumberRefusal(parsed, ctx.allowedCountries) : null;
    if (refusal) {
      fields.phone = refusalMessage(refusal, ctx.allowedCountries);
      problems.phone = { code: 'phoneRefused' };
    }
  }
  if (!fields.email && !fields.phone && !email && !phoneText) {
    const msg = 'Enter an email address or a phone number so we can reply to you';
    fields.email = msg;
    fields.phone = msg;
    problems.email = { code: 'contact' };
    problems.phone = { code: 'contact' };
  }

  let deadline: Date | null = null;
  if (values.deadline) {
    const d = parseDeadline(values.deadline, ctx);
    if (d.ok) deadline = d.value;
    else {
      fields.deadline = d.error;
      problems.deadline = { code: d.code };
    }
  }

  if (Object.keys(fields).length > 0) return { ok: false, fields, problems };
  const v = values as Raw;
  return {
    ok: true,
    value: {
      name: v.name,
      outlet: v.outlet,
      email: v.email,
      phone,
      subject: v.subject,
      details: v.details,
      deadline,
      urgent: v.urgent,
    },
  };
}

/**
 * A journalist's deadline as typed (ISO-8601 with an offset, or `YYYY-MM-DDTHH:mm` read in the
 * office time zone): ok with the instant when it is in the future and within a year of `ctx.now`,
 * otherwise the message to show beside the field (in English; `code` for other languages). Blank
 * input is the caller's to handle.
 */
export function parseDeadline(
  text: string,
  ctx: { now: DateTime; timezone: string },
): { ok: true; value: Date } | { ok: false; error: string; code: 'deadlineFormat' | 'deadlinePast' | 'deadlineFar' } {
  const dt = parseInstant(text.trim(), ctx.timezone);
  if (!dt)
    return {
      ok: false,
      error: 'Enter the deadline as a date and time, like 2026-12-29T14:30, or leave it blank',
      code: 'deadlineFormat',
    };
  if (dt <= ctx.now) return { ok: false, error: 'Deadline must be in the future', code: 'deadlinePast' };
  if (dt.toMillis() > aYearAfter(ctx.now.toMillis()))
    return { ok: false, error: 'Deadline must be within the next year', code: 'deadlineFar' };
  return { ok: true, value: dt.toJSDate() };
}

/**
 * The same date and time a year after `ms` by the UTC calendar (29 February gives 28 February), in
 * epoch milliseconds. luxon's `plus({ years: 1 })` in the office zone agrees except for an hour
 * around a change of the clocks, which does not matter to "within the next year", and it cost
 * 1.5 % of intake's CPU (issue 32).
 */
function aYearAfter(ms: number): number {
  const d = new Date(ms);
  const day = d.getUTCDate();
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  if (d.getUTCDate() !== day) d.setUTCDate(0);
  return d.getTime();
}
