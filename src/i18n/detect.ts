/**
 * Welsh in, Welsh out (issue 31): the language a journalist wrote in (a text, an email), of the
 * ones the office offers. franc-all's trigram model tells Welsh from English well even in a short
 * text ("Helo, ydy'r ffordd ar gau?"); it is asked only to choose between the offered languages,
 * and only when the office offers more than one, so an English-only office never answers in Welsh.
 */
import { franc } from 'franc-all';
import type { Lang } from './languages.js';

/** franc's ISO 639-3 code of each language Press Desk speaks. */
const ISO_639_3: Record<Lang, string> = { en: 'eng', cy: 'cym' };

/**
 * The language of `text` among `offered` (the office's `office.languages`, first = its first
 * language): the one franc recognises, or the office's first when franc cannot tell (too short,
 * only numbers) or the office offers one language only.
 */
export function detectLanguage(text: string, offered: readonly Lang[]): Lang {
  const first = offered[0] ?? 'en';
  if (offered.length < 2) return first;
  const code = franc(text, { only: offered.map((l) => ISO_639_3[l]), minLength: 3 });
  return offered.find((l) => ISO_639_3[l] === code) ?? first;
}
