/**
 * Words every part of the journalist's journey shares (the language switch). English defines the
 * keys; Welsh must have every one (`satisfies` below).
 */
const en = {
  'common.languageSwitch': 'Language',
  'common.otherLanguage': 'This page in {language}',
} as const;

const cy = {
  'common.languageSwitch': 'Iaith',
  'common.otherLanguage': 'Y dudalen hon yn {language}',
} as const satisfies Record<keyof typeof en, string>;

/** The shared area of the catalogue. */
export const common = { en, cy } satisfies { en: Record<keyof typeof en, string>; cy: Record<keyof typeof en, string> };
