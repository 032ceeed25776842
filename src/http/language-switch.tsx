import type { Context } from 'hono';
import { t } from '../i18n/catalogue.js';
import { LANGUAGE_NAMES, LANGUAGE_TAGS, pickLanguage, type Lang } from '../i18n/languages.js';

/**
 * The language of a journalist's page: their choice (`chosen`, else the switch's `?lang=`) if the
 * office offers it, else their browser's `Accept-Language`, else the office's first. Says so in
 * `Content-Language` when the office offers more than one (English-only offices are unchanged).
 */
export function pageLanguage(c: Context, offered: readonly Lang[], chosen?: string | null): Lang {
  const lang = pickLanguage(offered, {
    chosen: chosen ?? c.req.query('lang'),
    acceptLanguage: c.req.header('accept-language'),
  });
  if (offered.length > 1) {
    c.header('Content-Language', LANGUAGE_TAGS[lang]);
    c.header('Vary', 'Accept-Language', { append: true });
  }
  return lang;
}

/**
 * The language switch of a journalist's page (issue 31): a link to the same page (`?lang=`) in
 * each other language the office offers, its text in that language and marked with its `lang`
 * and `hreflang`, so a screen reader says "English" in English on a Welsh page. Nothing when the
 * office offers one language, so English-only offices see no change. `path`: the page's own
 * address when it was reached by a POST (a form shown again with its errors), whose address a
 * link cannot open; default: this address.
 */
export function LanguageSwitch(props: { offered: readonly Lang[]; current: Lang; path?: string }) {
  const others = props.offered.filter((l) => l !== props.current);
  if (others.length === 0) return null;
  return (
    <nav class="language-switch" aria-label={t(props.current, 'common.languageSwitch')}>
      {others.map((l) => (
        <a href={`${props.path ?? ''}?lang=${l}`} lang={LANGUAGE_TAGS[l]} hreflang={LANGUAGE_TAGS[l]}>
          {LANGUAGE_NAMES[l]}
        </a>
      ))}
    </nav>
  );
}
