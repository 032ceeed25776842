/**
 * The languages Press Desk can speak to journalists (issue 31). Staff pages stay English; every
 * journalist-facing word comes from the catalogue (`catalogue.ts`) in the enquiry's language.
 */

/** Every language a catalogue exists for, in no particular order (`office.languages` orders them). */
export const LANGUAGES = ['en', 'cy'] as const;
export type Lang = (typeof LANGUAGES)[number];

/** Each language in its own words: the language switch shows these, marked with their `lang`. */
export const LANGUAGE_NAMES: Record<Lang, string> = { en: 'English', cy: 'Cymraeg' };

/** The BCP 47 tag for `lang` attributes, `Content-Language`, luxon's locale and Twilio's `<Say language>`. */
export const LANGUAGE_TAGS: Record<Lang, string> = { en: 'en-GB', cy: 'cy-GB' };

/** Whether `v` is a language Press Desk has a catalogue for. */
export function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}

/**
 * The language to answer in, of the office's `offered` ones (first = the office's first
 * language): the one the person chose (a `?lang=` switch or the enquiry's stored language) if
 * offered, else the best of their browser's `Accept-Language` that is offered (by q-value, then
 * order; `cy-GB` counts as `cy`), else the office's first.
 */
export function pickLanguage(
  offered: readonly Lang[],
  asked: { chosen?: string | null; acceptLanguage?: string | null } = {},
): Lang {
  const first = offered[0] ?? 'en';
  if (isLang(asked.chosen) && offered.includes(asked.chosen)) return asked.chosen;
  const header = asked.acceptLanguage ?? '';
  if (!header) return first;
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
      return { base: tag.trim().toLowerCase().split('-')[0] ?? '', q: q ? Number(q[1]) : 1, i };
    })
    .filter((x) => x.q > 0 && Number.isFinite(x.q))
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) {
    if (r.base === '*') return first;
    if (isLang(r.base) && offered.includes(r.base)) return r.base;
  }
  return first;
}
