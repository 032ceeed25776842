import { SIGNOFF_LIMITS } from '../statements/signoff.service.js';
import { z } from 'zod';
import { normaliseText } from '../enquiries/enquiry.input.js';
import { staffText } from '../enquiries/staff-text.js';
import { defineForm, type FieldErrors, type FieldId } from '../http/form-schema.js';
import { INCIDENT_LINE_KINDS } from './incident.tables.js';

/** The most the desk may write in each of an incident's fields. */
export const INCIDENT_LIMITS = { name: 120, description: 2000, terms: 500 } as const;

/** The most a holding or press line may hold: it goes out as one text of at most a few segments. */
export const LINE_LIMITS = { text: SIGNOFF_LIMITS.line } as const;

/**
 * An incident's name, description (optional: blank is '') and search terms, declared or edited.
 * Normalised as before this form existed: line breaks are folded in the description and kept in
 * the name and terms (which looks reversed; kept so that stored text does not change here).
 */
export const incidentDetailsForm = defineForm(
  z.object({
    name: staffText(INCIDENT_LIMITS.name, 'a name'),
    description: staffText(INCIDENT_LIMITS.description, 'a description', true, true).transform((d) => d ?? ''),
    terms: staffText(INCIDENT_LIMITS.terms, 'search terms'),
  }),
);

const CHOOSE_KIND = 'Choose a holding line or a press line';

/**
 * A new line for an incident (`POST /incidents/:id/lines`): `kind` holding (when not chosen) or
 * press, and the text, normalised like a journalist's (line breaks kept), 1 to 1,000 characters.
 * The messages the desk has always given, with their summaries ("Enter the line", "The line is
 * too long").
 */
export const newLineForm = defineForm(
  z.object({
    kind: z.preprocess(
      (v) => (v === undefined || v === '' ? 'holding' : v),
      z.enum(INCIDENT_LINE_KINDS, { error: CHOOSE_KIND }),
    ),
    text: z.preprocess(
      (v) => (typeof v === 'string' ? normaliseText(v, true) : ''),
      z.string().check((ctx) => {
        if (!ctx.value) {
          const message = 'Enter the line to send to the journalists';
          ctx.issues.push({ code: 'custom', message, input: ctx.value, params: { summary: 'Enter the line' } });
        } else if (ctx.value.length > LINE_LIMITS.text) {
          const message = `Keep it to ${LINE_LIMITS.text.toLocaleString('en-GB')} characters or fewer`;
          ctx.issues.push({ code: 'custom', message, input: ctx.value, params: { summary: 'The line is too long' } });
        }
      }),
    ),
  }),
);

/** A field of the declare or edit form. */
export type IncidentDetailsField = FieldId<typeof incidentDetailsForm.schema>;

/** A field of the new-line form. */
export type NewLineField = FieldId<typeof newLineForm.schema>;

/**
 * A line's sign-off form's fields (src/statements names `approvers` and `via`); `signoffLine` is
 * the line the form was about, `line` a refused send, `override` a manager's reason to send
 * without sign-off; `approver` the incident's named approver.
 */
export type LineSignOffField = 'approvers' | 'via' | 'signoffLine' | 'line' | 'override' | 'approver';

/** The incident page's forms' fields: its edit form's, its new-line form's and its lines' sign-off. */
export type IncidentPageField = IncidentDetailsField | NewLineField | LineSignOffField;

/** Per-field messages for the incident page. */
export type IncidentPageErrors = FieldErrors<IncidentPageField>;

/** What was typed in the incident page's forms, shown again beside a refusal. */
export type IncidentPageValues = Partial<Record<IncidentPageField, string>>;

/** Per-field messages for the incidents list's declare form. */
export type DeclareErrors = FieldErrors<IncidentDetailsField>;

/** What was typed in the declare form. */
export type DeclareValues = Partial<Record<IncidentDetailsField, string>>;
