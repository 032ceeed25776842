import { z } from 'zod';
import { staffText } from '../enquiries/staff-text.js';
import { defineForm, type FieldErrors, type FieldId } from '../http/form-schema.js';
import { isRowId } from '../ids.js';

/** The most the split form's fields may hold (a subject and a question as the enquiry form takes them). */
export const SPLIT_LIMITS = { subject: 200, question: 5000, deadline: 40 } as const;

/**
 * Merging another enquiry into this one (`POST /desk/enquiries/:reference/merge`): the other's
 * reference as typed (any case, spaces or dashes; the service normalises and checks it).
 */
export const mergeForm = defineForm(
  z.object({
    from: z.preprocess(
      (v) => (typeof v === 'string' ? v.trim() : ''),
      z
        .string()
        .min(1, 'Enter the reference of the enquiry to merge into this one')
        .max(40, 'Enter a reference like PD-7KM-4QX'),
    ),
  }),
);

/**
 * Splitting a new question out of the thread (`POST /desk/enquiries/:reference/split`): the
 * journalist's message it is (`message`, a timeline entry's id; blank when typed instead), or the
 * question typed (`question`), its subject, and its deadline (blank: none, the office's usual
 * response target applies, as for a new enquiry). Every problem at once; the service checks that
 * the message is in the thread and parses the deadline in the office's time zone.
 */
export const splitForm = defineForm(
  z.object({
    message: z.preprocess(
      (v) => (typeof v === 'string' ? v.trim() : ''),
      z
        .string()
        .refine((v) => v === '' || isRowId(v), { message: 'Choose one of the messages listed, or type the question' })
        .transform((v) => (v === '' ? null : v)),
    ),
    question: staffText(SPLIT_LIMITS.question, 'the new question', true),
    // One line: a subject's line breaks fold to spaces.
    subject: staffText(SPLIT_LIMITS.subject, 'a subject for the new enquiry').transform((t) => t.replace(/\s+/g, ' ')),
    deadline: z.preprocess(
      (v) => (typeof v === 'string' ? v.trim() : ''),
      z.string().max(SPLIT_LIMITS.deadline, 'Enter the deadline as a date and time, like 2026-12-29T14:30'),
    ),
  }),
);

/** A field of the split form. */
export type SplitField = FieldId<typeof splitForm.schema>;

/** Per-field messages of the split form. */
export type SplitErrors = FieldErrors<SplitField>;
