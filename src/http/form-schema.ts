import type { z } from 'zod';
import { AppError } from './errors.js';

/**
 * One typed boundary for HTML forms: a zod object schema names the fields (their ids on the page
 * and in the service's error map) and turns what the browser sent into typed values, or into one
 * message per field, every problem at once, as the public enquiry form reports them.
 */

/** The field ids of a form: the keys of its schema. */
export type FieldId<S extends z.ZodObject> = Extract<keyof S['shape'], string>;

/** One message per refused field. */
export type FieldErrors<F extends string> = Partial<Record<F, string>>;

/** What a form parse gives: typed values, or every field's message with what was typed. */
export type FormResult<S extends z.ZodObject> =
  | { ok: true; values: z.output<S> }
  | { ok: false; errors: FieldErrors<FieldId<S>>; summary: string; raw: Partial<Record<FieldId<S>, string>> };

/** A body as hono's `parseBody()` gives it, or URL-encoded form data. */
export type FormBody = Record<string, string | File | (string | File)[]> | URLSearchParams;

export interface Form<S extends z.ZodObject> {
  schema: S;
  /** Each field id, typed: `form.ids.note` is `'note'`, for the page's element ids and error keys. */
  ids: { readonly [K in FieldId<S>]: K };
  /** Parses a form body (the first value of a repeated field; files and unknown fields ignored). */
  parse(body: FormBody): FormResult<S>;
  /** What was typed in each of the form's fields ('' for one not sent), to show again beside a refusal. */
  typed(body: FormBody): Record<FieldId<S>, string>;
  /** Checks values that came another way (a text, a link): typed values, or every field's message. */
  validate(values: Partial<Record<FieldId<S>, unknown>>): FormResult<S>;
  /**
   * Checks values that came another way (a text, a link, the command line): typed values, or a
   * 422 AppError naming every field, whose message is `summary` when given (else the first problem's).
   */
  check(values: Partial<Record<FieldId<S>, unknown>>, summary?: string): z.output<S>;
}

/**
 * A custom issue whose AppError summary differs from the field's message: `params.summary`.
 * The summary of a refused field for an AppError's message, where it differs from the field's
 * own message (e.g. "a note is too long" beside "Keep it to 5,000 characters or fewer"): set it
 * as the issue's `params.summary`.
 */
function summaryOf(issue: z.core.$ZodIssue): string {
  const params = (issue as { params?: { summary?: unknown } }).params;
  return typeof params?.summary === 'string' ? params.summary : issue.message;
}

/** A form over `schema`: typed ids, `parse` for bodies and `check` for values from elsewhere. */
export function defineForm<S extends z.ZodObject>(schema: S): Form<S> {
  const keys = Object.keys(schema.shape) as FieldId<S>[];
  const ids = Object.fromEntries(keys.map((k) => [k, k])) as { readonly [K in FieldId<S>]: K };

  function validate(input: Partial<Record<FieldId<S>, unknown>>): FormResult<S> {
    const parsed = schema.safeParse(input);
    if (parsed.success) return { ok: true, values: parsed.data };
    const errors: FieldErrors<FieldId<S>> = {};
    let summary: string | undefined;
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? 'form') as FieldId<S>;
      // The first problem with a field is the one to fix first; later ones would only repeat it.
      if (errors[field] !== undefined) continue;
      errors[field] = issue.message;
      summary ??= summaryOf(issue);
    }
    return { ok: false, errors, summary: summary ?? 'The form has problems', raw: {} };
  }

  /** The form's fields as sent: the first value of each, text only. */
  function rawOf(body: FormBody): Partial<Record<FieldId<S>, string>> {
    const raw: Partial<Record<FieldId<S>, string>> = {};
    for (const key of keys) {
      const v = body instanceof URLSearchParams ? body.get(key) : body[key];
      const first = Array.isArray(v) ? v[0] : v;
      if (typeof first === 'string') raw[key] = first;
    }
    return raw;
  }

  return {
    schema,
    ids,
    validate,
    parse(body) {
      const raw = rawOf(body);
      const result = validate(raw);
      return result.ok ? result : { ...result, raw };
    },
    typed(body) {
      const raw = rawOf(body);
      return Object.fromEntries(keys.map((k) => [k, raw[k] ?? ''])) as Record<FieldId<S>, string>;
    },
    check(values, summary) {
      const result = validate(values);
      if (!result.ok) {
        throw new AppError('validation', summary ?? result.summary, {
          fields: result.errors as Record<string, string>,
        });
      }
      return result.values;
    },
  };
}

/** A body parsed with `parseBody({ all: true })`: a field sent more than once is an array. */
export type RepeatedBody = Record<string, unknown>;

/** The first text value of `key` in a repeated body ('' when absent or a file). */
export function firstValue(body: RepeatedBody, key: string): string {
  const v = body[key];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : '';
}

/** Every text value of `key` in a repeated body (ticked boxes of one name), in the order sent. */
export function allValues(body: RepeatedBody, key: string): string[] {
  return ([] as unknown[]).concat(body[key] ?? []).filter((v): v is string => typeof v === 'string');
}
