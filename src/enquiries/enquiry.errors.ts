/**
 * The form's field errors in the journalist's language (issue 31). The checks speak English
 * (`parseEnquiryInput`'s `fields`, which the API returns); for another language each field's
 * problem code is worded from the catalogue instead, so no English sentence is ever translated
 * at run time.
 */
import { t, type MessageKey } from '../i18n/catalogue.js';
import type { Lang } from '../i18n/languages.js';
import type { EnquiryField, FieldProblem } from './enquiry.input.js';

/** Each field's label on the form, as errors name it. */
const LABEL_KEYS: Record<EnquiryField, MessageKey> = {
  name: 'web.form.name',
  outlet: 'web.form.outlet',
  email: 'web.form.email',
  phone: 'web.form.phone',
  subject: 'web.form.subject',
  details: 'web.form.details',
  deadline: 'web.form.deadline',
  urgent: 'web.form.urgent',
};

/** One field's problem, worded in `lang`. */
export function fieldErrorMessage(lang: Lang, field: EnquiryField, problem: FieldProblem): string {
  const label = t(lang, LABEL_KEYS[field]);
  switch (problem.code) {
    case 'required':
      return t(lang, 'web.error.required', { field, label });
    case 'tooLong':
      return t(lang, 'web.error.tooLong', { label, max: (problem.max ?? 0).toLocaleString('en-GB') });
    case 'notText':
      return t(lang, 'web.error.notText', { label });
    case 'invalid':
      return t(lang, 'web.error.invalid', { label });
    default:
      return t(lang, `web.error.${problem.code}`);
  }
}

/**
 * The messages to show beside the form's fields: the English ones as they are in English (the
 * wording journalists and tests already know), else each problem worded in `lang`.
 */
export function formErrors(
  lang: Lang,
  english: Partial<Record<EnquiryField, string>>,
  problems: Partial<Record<EnquiryField, FieldProblem>>,
): Record<string, string> {
  if (lang === 'en') return { ...english };
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(english) as [EnquiryField, string][]) {
    const problem = problems[field];
    out[field] = problem ? fieldErrorMessage(lang, field, problem) : message;
  }
  return out;
}
