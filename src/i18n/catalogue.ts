/**
 * One message catalogue per language (issue 31): every journalist-facing word, in ICU
 * MessageFormat (plurals, selects, `{name}` arguments) formatted by intl-messageformat. The
 * catalogue is assembled from one area file per part of the journey (`messages/*.ts`); in each,
 * the English messages define the keys and every other language must have exactly those keys
 * (the compiler refuses a missing one, and test/unit/i18n checks it at run time too).
 */
import { IntlMessageFormat } from 'intl-messageformat';
import { LANGUAGE_TAGS, type Lang } from './languages.js';
import { common } from './messages/common.js';
import { errors } from './messages/errors.js';
import { hours } from './messages/hours.js';
import { texts } from './messages/texts.js';
import { voice } from './messages/voice.js';
import { web } from './messages/web.js';

/** Every area's messages, by language. A new area is one file in `messages/` and one entry here. */
const AREAS = [common, texts, voice, web, hours, errors] as const;

type AreaKeys<A> = A extends { en: infer E } ? keyof E : never;
/** A key of the catalogue: `<area>.<name>`, e.g. `common.officeHours`. */
export type MessageKey = AreaKeys<(typeof AREAS)[number]> & string;
/** The values a message may be given: text, numbers, and dates (formatted by the caller first, usually). */
export type MessageValues = Record<string, string | number>;

/** One language's whole catalogue: every key to its ICU message text. */
export type Catalogue = Record<MessageKey, string>;

function assemble(lang: Lang): Catalogue {
  return Object.assign({}, ...AREAS.map((a) => a[lang])) as Catalogue;
}

/** The catalogues, assembled once. */
export const CATALOGUES: Readonly<Record<Lang, Catalogue>> = { en: assemble('en'), cy: assemble('cy') };

/** Compiled messages, by language and key: each is parsed once, on first use. */
const compiled = new Map<string, IntlMessageFormat>();

/**
 * The message `key` in `lang`, with `values` put in (ICU plurals follow the language's rules:
 * Welsh has six forms). Throws when a value the message needs is missing: a message with a hole
 * in it must never reach a journalist.
 */
export function t(lang: Lang, key: MessageKey, values?: MessageValues): string {
  const id = `${lang}\u0000${key}`;
  let f = compiled.get(id);
  if (!f) {
    f = new IntlMessageFormat(CATALOGUES[lang][key], LANGUAGE_TAGS[lang], undefined, { ignoreTag: true });
    compiled.set(id, f);
  }
  return String(f.format(values));
}

/** A translator bound to one language: `const tr = translator('cy'); tr('common.officeHours')`. */
export function translator(lang: Lang): (key: MessageKey, values?: MessageValues) => string {
  return (key, values) => t(lang, key, values);
}
