/**
 * The message catalogue (issue 31): every key in every language, every message well formed and
 * formatted with the values its English form names, and the language chosen the way a journalist
 * would expect (their choice, else their browser's, else the office's first).
 */
import { describe, expect, it } from 'vitest';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { CATALOGUES, t, type MessageKey } from '../../../src/i18n/catalogue.js';
import { LANGUAGES, pickLanguage } from '../../../src/i18n/languages.js';

/** The argument names a message uses (`{name}`, plurals' and selects' too), sorted. */
function argumentsOf(message: string): string[] {
  const names = new Set<string>();
  const walk = (els: MessageFormatElement[]) => {
    for (const el of els) {
      if (el.type === TYPE.literal || el.type === TYPE.pound) continue;
      if ('value' in el && typeof el.value === 'string') names.add(el.value);
      if ('options' in el) for (const o of Object.values(el.options)) walk(o.value);
      if ('children' in el) walk(el.children);
    }
  };
  walk(parse(message, { ignoreTag: true }));
  return [...names].sort();
}

const keys = Object.keys(CATALOGUES.en) as MessageKey[];

describe('the catalogue', () => {
  it('has every key in every language, and nothing else', () => {
    for (const lang of LANGUAGES) expect(Object.keys(CATALOGUES[lang]).sort(), lang).toEqual([...keys].sort());
  });

  it('has no empty message, and each translation takes exactly the arguments the English takes', () => {
    for (const lang of LANGUAGES)
      for (const key of keys) {
        expect(CATALOGUES[lang][key].trim(), `${lang} ${key}`).not.toBe('');
        expect(argumentsOf(CATALOGUES[lang][key]), `${lang} ${key}`).toEqual(argumentsOf(CATALOGUES.en[key]));
      }
  });

  it('formats every message in every language with its arguments filled', () => {
    for (const lang of LANGUAGES)
      for (const key of keys) {
        const values = Object.fromEntries(
          argumentsOf(CATALOGUES.en[key]).map((a) => [a, a === 'count' ? 2 : `‹${a}›`]),
        );
        const text = t(lang, key, values);
        expect(text, `${lang} ${key}`).not.toMatch(/\{[a-zA-Z_]+\}/);
      }
  });

  it('refuses to format a message with an argument missing', () => {
    expect(() => t('cy', 'common.otherLanguage')).toThrow();
  });
});

describe('choosing the language', () => {
  const welshFirst = ['cy', 'en'] as const;
  it("answers in the office's first language when nothing is asked", () => {
    expect(pickLanguage(welshFirst)).toBe('cy');
    expect(pickLanguage(['en', 'cy'])).toBe('en');
  });
  it('follows the choice made on the page, when the office offers it', () => {
    expect(pickLanguage(welshFirst, { chosen: 'en', acceptLanguage: 'cy' })).toBe('en');
    expect(pickLanguage(['en'], { chosen: 'cy' })).toBe('en');
  });
  it("follows the browser's Accept-Language by preference, cy-GB counting as cy", () => {
    expect(pickLanguage(welshFirst, { acceptLanguage: 'en-GB,en;q=0.9' })).toBe('en');
    expect(pickLanguage(['en', 'cy'], { acceptLanguage: 'fr;q=1, cy-GB;q=0.8, en;q=0.5' })).toBe('cy');
    expect(pickLanguage(welshFirst, { acceptLanguage: 'de, fr' })).toBe('cy');
    expect(pickLanguage(welshFirst, { acceptLanguage: 'cy;q=0, en' })).toBe('en');
  });
});
