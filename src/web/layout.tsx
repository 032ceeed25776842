import type { Child } from 'hono/jsx';
import type { DeskNotice, DeskSession } from './session.js';

// Part of the session (session.ts), which the layout reads; re-exported for the pages that set notices.
export type { DeskNotice };

/** Hidden CSRF field for every desk form. */
export function Csrf(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

/**
 * The staff page shell: header with the desk's sections (manager sections only for managers),
 * who is signed in, sign out. Scripts come from /assets only (the CSP forbids inline ones).
 */
export function DeskLayout(props: {
  title: string;
  officeName: string;
  session: DeskSession;
  current?: string;
  scripts?: string[];
  children?: Child;
}) {
  const { user } = props.session;
  // A section's count (unread notifications) is read out with its label: "Notifications, 2 new".
  const link = (href: string, label: string, count?: number) => (
    <a href={href} aria-current={props.current === href ? 'page' : undefined}>
      {label}
      {count ? (
        <span class="nav-count">
          <span class="visually-hidden">, </span>
          {count}
          <span class="visually-hidden"> new</span>
        </span>
      ) : null}
    </a>
  );
  return (
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} – ${props.officeName} desk`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        {(props.scripts ?? []).map((src) => (
          <script src={src} defer />
        ))}
      </head>
      <body class="desk">
        <a class="skip-link" href="#main">
          Skip to main content
        </a>
        <header class="site-header">
          <a href="/desk">{props.officeName} desk</a>
          <nav aria-label="Desk">
            {(props.session.nav ?? [])
              .filter((l) => !l.managerOnly || user.role === 'manager')
              .map((l) => link(l.href, l.label, l.count))}
          </nav>
          <form method="post" action="/desk/logout" class="signout">
            <Csrf token={props.session.session.csrf_token} />
            <a class="who" href="/desk/account" aria-current={props.current === '/desk/account' ? 'page' : undefined}>
              {user.name} ({user.role})
            </a>{' '}
            <button type="submit" class="link-button">
              Sign out
            </button>
          </form>
        </header>
        <main id="main" tabindex={-1} class="desk-main">
          {(props.session.notices ?? []).map((n) => (
            <section class="banner" aria-label="Warning">
              <p class="banner__title">{n.title}</p>
              <p>{n.text}</p>
              {n.href ? (
                <p>
                  <a href={n.href}>Put it right</a>
                </p>
              ) : null}
            </section>
          ))}
          {props.children}
        </main>
      </body>
    </html>
  );
}
