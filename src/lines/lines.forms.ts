import { z } from 'zod';
import { staffText } from '../enquiries/staff-text.js';
import { defineForm, type FieldErrors, type FieldId } from '../http/form-schema.js';
import { isRowIdDigits } from '../ids.js';
import { PLACEHOLDERS, unknownPlaceholders } from './placeholders.js';

/** The most each field of a line or template may hold: a line goes out as a text of a few segments. */
export const LINE_FORM_LIMITS = { title: 120, text: 1000, approvedBy: 100, reason: 500, body: 1600 } as const;

/** Required text on one line: the desk's messages, line breaks folded to spaces. */
function oneLine(max: number, what: string) {
  return staffText(max, what).transform((v) => v.replace(/\s*\n\s*/g, ' '));
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date as a browser's `type="date"` sends it, checked to exist; optional (blank: null) unless `required`. */
function dateField(what: string, required: boolean) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : ''),
    z
      .string()
      .check((ctx) => {
        if (!ctx.value) {
          if (required) ctx.issues.push({ code: 'custom', message: `Enter ${what}`, input: ctx.value });
          return;
        }
        const d = new Date(`${ctx.value}T12:00:00Z`);
        if (!ISO_DATE.test(ctx.value) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== ctx.value)
          ctx.issues.push({ code: 'custom', message: `Enter ${what} as a date, like 2027-03-31`, input: ctx.value });
      })
      .transform((v) => v || null),
  );
}

/** A line added or edited by a manager (topics come as repeated `topic` boxes, read apart). */
export const lineForm = defineForm(
  z.object({
    title: oneLine(LINE_FORM_LIMITS.title, 'a title'),
    text: staffText(LINE_FORM_LIMITS.text, 'the words of the line'),
    approvedBy: oneLine(LINE_FORM_LIMITS.approvedBy, 'who approved it'),
    approvedOn: dateField('the day it was approved', true),
    reviewBy: dateField('the review date', false),
    incident: z.preprocess((v) => (typeof v === 'string' && isRowIdDigits(v) ? v : null), z.string().nullable()),
  }),
);
/** A field of the line form. */
export type LineField = FieldId<typeof lineForm.schema> | 'topic';
/** What the line form's fields held. */
export type LineValues = Partial<Record<LineField, string>> & { topics?: readonly string[] };
/** Per-field messages of the line form. */
export type LineErrors = FieldErrors<LineField | 'form'>;

/** Withdrawing a line: why (shown on the line and to anyone who tries to use it). */
export const withdrawForm = defineForm(z.object({ reason: oneLine(LINE_FORM_LIMITS.reason, 'why it is withdrawn') }));

/** The refusal of a body naming `{x}` that is no placeholder: "{nmae} is not a placeholder: use one of {name}, …". */
export function unknownPlaceholderMessage(unknown: readonly string[]): string {
  const all = Object.keys(PLACEHOLDERS)
    .map((p) => `{${p}}`)
    .join(', ');
  const named = unknown.map((u) => `{${u}}`).join(', ');
  return `${named} ${unknown.length === 1 ? 'is not a placeholder' : 'are not placeholders'}: use one of ${all}`;
}

/** A reply template added or edited by a manager: a body naming only placeholders there are. */
export const templateForm = defineForm(
  z.object({
    title: oneLine(LINE_FORM_LIMITS.title, 'a title'),
    body: staffText(LINE_FORM_LIMITS.body, 'the words of the template').check((ctx) => {
      const unknown = unknownPlaceholders(ctx.value);
      if (unknown.length)
        ctx.issues.push({ code: 'custom', message: unknownPlaceholderMessage(unknown), input: ctx.value });
    }),
  }),
);
/** A field of the template form. */
export type TemplateField = FieldId<typeof templateForm.schema>;
/** Per-field messages of the template form. */
export type TemplateErrors = FieldErrors<TemplateField | 'form'>;
