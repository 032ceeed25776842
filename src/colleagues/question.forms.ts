import { z } from 'zod';
import { staffText } from '../enquiries/staff-text.js';
import {
  allValues,
  defineForm,
  firstValue,
  type FieldErrors,
  type FieldId,
  type RepeatedBody,
} from '../http/form-schema.js';

/** Lengths of what is written to and by colleagues: a question fits one text with its link and words around it. */
export const QUESTION_LIMITS = { question: 1_200, answer: 10_000 } as const;

/**
 * Asking colleagues (`POST /desk/enquiries/:ref/questions`): who (`colleagues`, repeated ids), how
 * (`via`), the question, and the due time as typed (`due`, `YYYY-MM-DDTHH:mm` in office time;
 * blank: the default before respond-by). Who and when are checked by the service, which knows
 * the directory and the clock.
 */
export const askForm = defineForm(
  z.object({
    question: staffText(QUESTION_LIMITS.question, 'the question'),
    via: z.preprocess(
      (v) => (typeof v === 'string' ? v : ''),
      z.enum(['sms', 'email'], { error: 'Choose text or email' }),
    ),
    due: z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string().max(40, 'Enter a date and time')),
  }),
);

/** A colleague's answer on their link (`POST /q/:token`). */
export const answerForm = defineForm(z.object({ answer: staffText(QUESTION_LIMITS.answer, 'your answer') }));

/** Every field the ask form's error map can name: the form's, and `colleagues` (checked by the service). */
export type AskField = FieldId<typeof askForm.schema> | 'colleagues';

/** The ask form's problems, one message per field. */
export type AskErrors = FieldErrors<AskField>;

/** What an ask form sent, as `QuestionService.ask` takes it. */
export interface AskInput {
  colleagueIds: string[];
  question: string;
  via: string;
  due: string;
}

/**
 * Reads an ask form from a body parsed with `parseBody({ all: true })`: the ticked colleagues
 * (`colleagues`, repeated), and the first value of each other field ('' when absent or a file).
 */
export function readAskForm(raw: RepeatedBody): AskInput {
  return {
    colleagueIds: allValues(raw, 'colleagues'),
    question: firstValue(raw, askForm.ids.question),
    via: firstValue(raw, askForm.ids.via),
    due: firstValue(raw, askForm.ids.due),
  };
}
