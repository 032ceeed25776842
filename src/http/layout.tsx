import type { Child } from 'hono/jsx';
import { t } from '../i18n/catalogue.js';
import { LANGUAGE_TAGS, type Lang } from '../i18n/languages.js';

/**
 * The page shell shared by public and staff pages: skip link, header, one <main>, footer. All
 * styling comes from /assets/app.css; no inline scripts or styles, so the CSP can forbid them.
 */
export function Layout(props: {
  title: string;
  officeName: string;
  nav?: Child;
  head?: Child;
  children?: Child;
  /** The journalist's language (issue 31): `<html lang>` and the shell's words. Staff pages leave it English. */
  lang?: Lang;
}) {
  const lang = props.lang ?? 'en';
  return (
    <html lang={LANGUAGE_TAGS[lang]}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} – ${props.officeName}`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        {props.head}
      </head>
      <body>
        <a class="skip-link" href="#main">
          {lang === 'en' ? 'Skip to main content' : t(lang, 'web.skipLink')}
        </a>
        <header class="site-header">
          <a href="/">{props.officeName}</a>
          {props.nav}
        </header>
        <main id="main" tabindex={-1}>
          {props.children}
        </main>
        <footer class="site-footer">
          {lang === 'en'
            ? `${props.officeName} · media enquiries`
            : t(lang, 'web.footer', { office: props.officeName })}
        </footer>
      </body>
    </html>
  );
}

/** GOV.UK-style error summary: a focusable box at the top listing each problem, linking to its field. */
export function ErrorSummary(props: { errors: Record<string, string>; order: readonly string[]; lang?: Lang }) {
  const keys = props.order.filter((k) => props.errors[k]);
  const seen = new Set<string>();
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1}>
      <h2 id="error-summary-title">{t(props.lang ?? 'en', 'web.problem')}</h2>
      <ul>
        {keys
          .filter((k) => {
            const dup = seen.has(props.errors[k]);
            seen.add(props.errors[k]);
            return !dup;
          })
          .map((k) => (
            <li>
              <a href={`#${k}`}>{props.errors[k]}</a>
            </li>
          ))}
      </ul>
    </div>
  );
}

/**
 * The message for one field, placed just above it (GOV.UK style), with the element id
 * `${id}-error` that the field's `aria-describedby` names. Nothing without a message.
 */
export function FieldError(props: { id: string; message: string | undefined; lang?: Lang }) {
  return props.message ? (
    <p class="error-message" id={`${props.id}-error`}>
      <span class="visually-hidden">{t(props.lang ?? 'en', 'web.errorPrefix')}</span> {props.message}
    </p>
  ) : null;
}

/** `aria-describedby` for a field with an optional hint (`${id}-hint`) and an optional error (`${id}-error`). */
export function describedBy(id: string, opts: { hint?: boolean; error?: string }): string | undefined {
  const ids = [opts.hint ? `${id}-hint` : '', opts.error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}
