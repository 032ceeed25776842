import { z } from 'zod';
import { normalisePhone } from '../enquiries/enquiry.input.js';
import { staffText } from '../enquiries/staff-text.js';
import { defineForm, type FieldErrors, type FieldId } from '../http/form-schema.js';
import { CHANNELS, FLAGS, type Channel, type JournalistFlag } from './journalists.tables.js';

/** The most a record's fields may hold. */
export const JOURNALIST_LIMITS = { name: 200, outlet: 200, list: 2000, email: 254, note: 2000 } as const;

/** The lines of a box (one item a line; commas and semicolons separate too), trimmed, blanks dropped. */
function lines(v: unknown): string[] {
  return typeof v === 'string'
    ? v
        .split(/[\n;,]+/)
        .map((s) => s.trim().replace(/\s+/g, ' '))
        .filter(Boolean)
    : [];
}

/** A box of one item a line: text (absent: empty) no longer than a record's list may be. */
function box<T>(items: (v: string, ctx: z.RefinementCtx) => T) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? v : ''),
    z
      .string()
      .max(JOURNALIST_LIMITS.list, `Keep it to ${JOURNALIST_LIMITS.list.toLocaleString('en-GB')} characters or fewer`)
      .transform(items),
  );
}

/**
 * A box of contacts, one a line (split at line breaks, commas and semicolons only: "07911 123456"
 * keeps its space): each as `normalise` stores it, repeats dropped; the first it cannot read
 * refuses the box with `refusal` of what was typed.
 */
function contactBox(normalise: (typed: string) => string | null, refusal: (typed: string) => string) {
  return box((v, ctx) => {
    const out: string[] = [];
    for (const typed of lines(v)) {
      const value = normalise(typed);
      if (!value) {
        ctx.issues.push({ code: 'custom', message: refusal(typed), input: typed });
        return z.NEVER;
      }
      if (!out.includes(value)) out.push(value);
    }
    return out;
  });
}

/** A box of phone numbers, one a line: each to E.164 (UK numbers may be written nationally). */
const phones = contactBox(
  normalisePhone,
  (typed) => `“${typed}” is not a phone number: enter one a line, like 07911 123456`,
);

/** A box of email addresses, one a line: each lowercased. */
const emails = contactBox(
  (typed) =>
    typed.length > JOURNALIST_LIMITS.email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(typed) ? null : typed.toLowerCase(),
  (typed) => `“${typed}” is not an email address: enter one a line, like name@example.com`,
);

/** A box of outlets, one a line, as the desk writes them. */
const outlets = box((v, ctx) => {
  // Outlets may hold commas ("Smith, Jones & Co"): one a line only.
  const out = v
    .split('\n')
    .map((s) => s.trim().replace(/\s+/g, ' '))
    .filter(Boolean);
  const long = out.find((o) => o.length > JOURNALIST_LIMITS.outlet);
  if (long) {
    ctx.issues.push({
      code: 'custom',
      message: `Keep each outlet to ${JOURNALIST_LIMITS.outlet} characters or fewer`,
      input: long,
    });
    return z.NEVER;
  }
  return [...new Map(out.map((o) => [o.toLowerCase(), o])).values()];
});

/** A date typed in a date box (YYYY-MM-DD), or null when blank. */
const date = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim() : ''),
  z
    .string()
    .refine((v) => v === '' || (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))), {
      message: 'Enter the date the press card was checked, like 2026-12-07',
    })
    .transform((v) => (v === '' ? null : v)),
);

/**
 * A journalist's record as an officer adds or edits it (`POST /desk/journalists`,
 * `POST /desk/journalists/:id`): name (required, one line); outlets, phones and emails (one a
 * line; phones to E.164, emails lowercased); the preferred channel ('' : none); when their UK
 * Press Card was checked (a date, not in the future: the service checks it); and the flags (ticked
 * boxes, a repeated field). Every problem at once, one per field; the service checks what needs
 * the database (a phone or email already on another record).
 */
export const journalistForm = defineForm(
  z.object({
    name: staffText(JOURNALIST_LIMITS.name, 'the journalist’s name').transform((n) => n.replace(/\s+/g, ' ')),
    outlets,
    phones,
    emails,
    preferredChannel: z.preprocess(
      (v) => (typeof v === 'string' ? v : ''),
      z
        .string()
        .refine((v) => v === '' || (CHANNELS as readonly string[]).includes(v), {
          message: 'Choose one of the channels listed, or no preference',
        })
        .transform((v) => (v === '' ? null : (v as Channel))),
    ),
    pressCardCheckedOn: date,
    flags: z.preprocess(
      (v) => (Array.isArray(v) ? v : typeof v === 'string' && v ? [v] : []),
      z
        .array(z.string())
        .refine((a) => a.every((f) => (FLAGS as readonly string[]).includes(f)), {
          message: 'Choose flags from the list',
        })
        .transform((a) => [...new Set(a)] as JournalistFlag[]),
    ),
  }),
);

/** The record form's fields, in page order. */
export const JOURNALIST_FIELDS = [
  'name',
  'outlets',
  'phones',
  'emails',
  'preferredChannel',
  'pressCardCheckedOn',
  'flags',
] as const;

/** A field of the record form. */
export type JournalistField = FieldId<typeof journalistForm.schema>;

/** What the record form sent, before it is checked (flags: the ticked boxes). */
export type JournalistInput = Partial<Record<Exclude<JournalistField, 'flags'>, string>> & { flags?: string[] };

/** Per-field messages of the record form. */
export type JournalistErrors = FieldErrors<JournalistField | 'form'>;

/** A staff note about a journalist (`POST /desk/journalists/:id/notes`). */
export const journalistNoteForm = defineForm(z.object({ note: staffText(JOURNALIST_LIMITS.note, 'the note') }));
