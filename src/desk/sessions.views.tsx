import type { OfficeConfig } from '../config.js';
import { formatShortTime } from '../hours/format.js';
import { Csrf } from '../web/layout.js';
import type { SignedInSession } from './sessions.service.js';

/**
 * The account page's "Where you are signed in" (issue 30, item 3): each live session of the user
 * with when it started and was last used, the browser and the network it signed in from; this
 * device marked; a "Sign out" for each, and "Sign out everywhere else" when there are others.
 */
export function SignedInList(p: {
  sessions: readonly SignedInSession[];
  csrf: string;
  office: OfficeConfig;
  now: Date;
}) {
  const others = p.sessions.filter((s) => !s.current).length;
  return (
    <section aria-labelledby="sessions-title" class="signed-in">
      <h2 id="sessions-title">Where you are signed in</h2>
      <p class="hint">
        Sign out anywhere you do not recognise, then change your password. A manager who disables your account or
        changes your role signs you out everywhere.
      </p>
      <table class="users-table stack" id="sessions">
        <caption class="visually-hidden">Your sessions on the desk</caption>
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Network</th>
            <th scope="col">Signed in</th>
            <th scope="col">Last used</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {p.sessions.map((s) => {
            const device = s.device ?? 'Unknown device';
            return (
              <tr id={`session-${s.id}`}>
                <td data-label="Device">
                  {device}
                  {s.current ? <strong> (this device)</strong> : null}
                </td>
                <td data-label="Network">{s.network ?? <span class="hint">—</span>}</td>
                <td data-label="Signed in">{formatShortTime(s.startedAt, p.office, p.now)}</td>
                <td data-label="Last used">{formatShortTime(s.lastUsedAt, p.office, p.now)}</td>
                <td data-label="Actions" class="row-actions">
                  <form method="post" action={`/desk/account/sessions/${s.id}/end`} class="inline-form">
                    <Csrf token={p.csrf} />
                    <button type="submit" class="button button--secondary">
                      Sign out
                      <span class="visually-hidden">
                        {' '}
                        {s.current
                          ? 'on this device'
                          : `${device}, signed in ${formatShortTime(s.startedAt, p.office, p.now)}`}
                      </span>
                    </button>
                  </form>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {others ? (
        <form method="post" action="/desk/account/sessions/end-others" class="inline-form">
          <Csrf token={p.csrf} />
          <button type="submit" class="button button--warning">
            Sign out everywhere else
          </button>
        </form>
      ) : (
        <p>You are signed in on this device only.</p>
      )}
    </section>
  );
}
