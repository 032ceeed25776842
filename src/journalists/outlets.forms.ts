import { z } from 'zod';
import { staffText } from '../enquiries/staff-text.js';
import { defineForm, type FieldErrors, type FieldId } from '../http/form-schema.js';
import { isRowId } from '../ids.js';
import { OUTLET_KINDS, type OutletKind } from './journalists.tables.js';

/** The most an outlet's fields may hold. */
export const OUTLET_LIMITS = { name: 200, area: 120, spelling: 200 } as const;

/**
 * An outlet as an officer adds or edits it (`POST /desk/outlets`, `POST /desk/outlets/:id`): its
 * one name (one line, required), its type ('' : not set) and its area (optional). The service
 * checks that the name is no other outlet's.
 */
export const outletForm = defineForm(
  z.object({
    name: staffText(OUTLET_LIMITS.name, 'the outlet’s name').transform((n) => n.replace(/\s+/g, ' ')),
    kind: z.preprocess(
      (v) => (typeof v === 'string' ? v : ''),
      z
        .string()
        .refine((v) => v === '' || (OUTLET_KINDS as readonly string[]).includes(v), {
          message: 'Choose one of the types listed, or not set',
        })
        .transform((v) => (v === '' ? null : (v as OutletKind))),
    ),
    area: staffText(OUTLET_LIMITS.area, 'the area', true, true).transform((a) => a ?? ''),
  }),
);

/** A field of the outlet form. */
export type OutletField = FieldId<typeof outletForm.schema>;
export type OutletInput = Partial<Record<OutletField, string>>;
export type OutletErrors = FieldErrors<OutletField | 'form'>;

/**
 * A spelling merged into an outlet (`POST /desk/outlets/spellings`): the spelling as enquiries
 * type it, and the outlet it names.
 */
export const spellingForm = defineForm(
  z.object({
    spelling: staffText(OUTLET_LIMITS.spelling, 'the spelling').transform((n) => n.replace(/\s+/g, ' ')),
    outlet: z.preprocess(
      (v) => (typeof v === 'string' ? v.trim() : ''),
      z.string().refine((v) => isRowId(v), { message: 'Choose the outlet it names' }),
    ),
  }),
);
export type SpellingField = FieldId<typeof spellingForm.schema>;
