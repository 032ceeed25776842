/**
 * The languages as the desk names them (issue 31). Staff pages stay English, so each language is
 * named in English with its own name after it when that differs: "Welsh (Cymraeg)".
 */
import { LANGUAGE_NAMES, type Lang } from './languages.js';

/** Each language's label on desk pages, filters and reports. */
export const LANGUAGE_LABELS: Record<Lang, string> = {
  en: 'English',
  cy: `Welsh (${LANGUAGE_NAMES.cy})`,
};
