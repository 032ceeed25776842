import { z } from 'zod';
import { staffText } from '../enquiries/staff-text.js';
import { defineForm, type FieldErrors, type FieldId } from '../http/form-schema.js';
import { isRowId } from '../ids.js';

/** The most a topic's name and terms may hold. */
export const TOPIC_LIMITS = { name: 80, terms: 500 } as const;

/** A choice of a row ('' : none): its id, or a message when it cannot be one. */
function choice(message: string) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : ''),
    z
      .string()
      .refine((v) => v === '' || isRowId(v), { message })
      .transform((v) => (v === '' ? null : v)),
  );
}

/**
 * A topic as a manager adds or edits it (`POST /desk/topics`, `POST /desk/topics/:id`): its name
 * (one line, required), its terms (websearch syntax, as the queue's search box; blank: never
 * suggested at intake), the line it suggests, whether it requires sign-off (a ticked box sends
 * `yes`), and the officer it assigns new enquiries to. Every problem at once, one per field; the
 * service checks what needs the database (a unique name, terms that can match, a current line, an
 * active officer).
 */
export const topicForm = defineForm(
  z.object({
    // One line: a name's line breaks fold to spaces.
    name: staffText(TOPIC_LIMITS.name, 'a name').transform((n) => n.replace(/\s+/g, ' ')),
    terms: staffText(TOPIC_LIMITS.terms, 'search terms', true, true).transform((t) => t ?? ''),
    suggestLine: choice('Choose a line from the list, or none'),
    requireSignoff: z.preprocess((v) => v === 'yes' || v === 'true' || v === 'on', z.boolean()),
    assignTo: choice('Choose an officer from the list, or nobody'),
  }),
);

/** The add and edit forms' fields, in page order. */
export const TOPIC_FIELDS = ['name', 'terms', 'suggestLine', 'requireSignoff', 'assignTo'] as const;

/** A field of the add or edit form. */
export type TopicField = FieldId<typeof topicForm.schema>;

/** What the form sent, before it is checked. */
export type TopicInput = Partial<Record<TopicField, string>>;

/** Per-field messages of the add or edit form. */
export type TopicErrors = FieldErrors<TopicField | 'form'>;
