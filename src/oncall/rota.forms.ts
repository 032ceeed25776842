import type { FieldErrors } from '../http/form-schema.js';

/**
 * The rota page's forms, typed: each form's field names (as the page posts them and as the rota
 * service reports its problems), and the refused form the page shows again. A message for a
 * field no form has, or a page that shows a field's error under another name, does not compile.
 */

/** The "add a shift or override" form's fields, in page order (`createdBy` is shown at `personId`). */
export const SHIFT_FIELDS = ['personId', 'createdBy', 'name', 'phone', 'role', 'startsAt', 'endsAt', 'note'] as const;

/** A field of the "add a shift or override" form, or one the service reports for it. */
export type ShiftField = (typeof SHIFT_FIELDS)[number];

/** The "add a person" form's fields, in page order. */
export const PERSON_FIELDS = ['name', 'phone'] as const;

/** A field of the "add a person" form. */
export type PersonField = (typeof PERSON_FIELDS)[number];

/** One shift's edit form's fields, in page order (its "End now" and delete refusals are shown at `endsAt`). */
export const ENTRY_FIELDS = ['personId', 'startsAt', 'endsAt'] as const;

/** A field of one shift's edit form. */
export type EntryField = (typeof ENTRY_FIELDS)[number];

/** What was typed in a form's fields, shown again beside its refusal. */
export type FormValues<F extends string> = Partial<Record<F, string>>;

/** Per-field messages of a refused form; `form` when the refusal names no field. */
export type RotaErrors<F extends string> = FieldErrors<F | 'form'>;

/** A refused form on the rota page: which one (per-row forms with their row), its messages and what was typed. */
export type RotaProblem =
  | { form: 'shift'; errors: RotaErrors<ShiftField>; values: FormValues<ShiftField | 'override'> }
  | { form: 'person'; errors: RotaErrors<PersonField>; values: FormValues<PersonField> }
  | { form: 'entry'; rowId: string; errors: RotaErrors<EntryField>; values: FormValues<EntryField> }
  | { form: 'phone'; rowId: string; errors: RotaErrors<'phone'>; values: FormValues<'phone'> }
  | { form: 'code'; rowId: string; errors: RotaErrors<'code'>; values: FormValues<'code'> };
