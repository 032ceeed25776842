import { z } from 'zod';
import { normaliseText } from './enquiry.input.js';

/**
 * Text a member of staff writes in a desk or status form, as a form schema field: normalised like
 * a journalist's text (multi-line), required unless `optional` (then blank is null), at most `max`
 * characters. The messages the desk has always given: "Enter {what}"; "Keep it to {max}
 * characters or fewer", whose AppError summary (`params.summary`, see defineForm) is "{what} is
 * too long". `singleLine`: line breaks and tabs fold to spaces, as in a name.
 */
export function staffText(max: number, what: string): z.ZodType<string, unknown>;
export function staffText(max: number, what: string, optional: true, singleLine?: boolean): z.ZodType<string | null>;
export function staffText(max: number, what: string, optional = false, singleLine = false): z.ZodType<string | null> {
  return z
    .preprocess(
      (v) => (typeof v === 'string' ? normaliseText(v, !singleLine) : ''),
      z.string().check((ctx) => {
        const enter = `Enter ${what}`;
        if (!ctx.value) {
          if (optional) return;
          ctx.issues.push({ code: 'custom', message: enter, input: ctx.value, params: { summary: enter } });
        } else if (ctx.value.length > max) {
          const message = `Keep it to ${max.toLocaleString('en-GB')} characters or fewer`;
          ctx.issues.push({ code: 'custom', message, input: ctx.value, params: { summary: `${what} is too long` } });
        }
      }),
    )
    .transform((text) => (text === '' && optional ? null : text));
}
