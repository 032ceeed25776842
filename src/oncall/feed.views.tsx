import type { OfficeConfig } from '../config.js';
import { formatShortTime } from '../hours/format.js';
import { Notice } from '../web/forms.js';
import { Csrf, DeskLayout } from '../web/layout.js';
import type { DeskSession } from '../web/session.js';
import type { FeedOverview, FeedState, IssuedFeed } from './feed.service.js';

/** Where the feeds page lives on the desk. */
export const FEEDS_PATH = '/desk/rota/feeds';

/** What the calendar feeds page shows. */
export interface FeedsPageProps {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  overview: FeedOverview;
  /** A feed just made: its address, shown this once. */
  issued?: IssuedFeed;
  notice?: string;
}

/** The address of a feed just made, to copy (and a webcal: link that opens a calendar app on it). */
function IssuedPanel(props: { issued: IssuedFeed }) {
  const { issued } = props;
  const whose = issued.personName ? `${issued.personName}’s calendar feed` : 'Your feed of the whole rota';
  return (
    <section class="panel notice" aria-labelledby="issued-title" id="issued" tabindex={-1}>
      <h2 id="issued-title">{whose}</h2>
      <p>
        Copy this address now: Press Desk keeps only a fingerprint of it and cannot show it again.
        {issued.replaced ? ' The address made before it has stopped working.' : ''}
      </p>
      <label for="issued-url">Feed address</label>
      <input id="issued-url" type="text" readonly value={issued.url} class="feed-url" autocomplete="off" />
      <p class="hint">
        In Outlook: Add calendar, Subscribe from web, and paste the address. In Google Calendar: Other calendars, From
        URL. {issued.personName ? `Send it to ${issued.personName} only: ` : ''}anyone with the address can see the
        shifts in it.
      </p>
      <p>
        <a href={issued.url.replace(/^https?:/, 'webcal:')}>Open in a calendar app on this computer</a>
      </p>
    </section>
  );
}

/** A working feed in words: when it was made and when a calendar last read it. */
function FeedStatus(props: { feed: FeedState | null; office: OfficeConfig; now: Date }) {
  const { feed } = props;
  if (!feed) return <span class="hint">No feed</span>;
  const when = (d: Date) => formatShortTime(d, props.office, props.now);
  return (
    <>
      Made {when(feed.createdAt)}.{' '}
      {feed.lastFetchedAt ? `Last read by a calendar ${when(feed.lastFetchedAt)}.` : 'Not read by a calendar yet.'}
    </>
  );
}

/**
 * The rota's calendar feeds for managers: each person's private feed of their own shifts (make
 * or replace it, stop it) and the manager's own feed of the whole rota. A feed's address is
 * shown only when it is made.
 */
export function FeedsPage(p: FeedsPageProps) {
  const csrf = p.session.session.csrf_token;
  return (
    <DeskLayout title="Calendar feeds of the rota" officeName={p.office.name} session={p.session} current="/desk/rota">
      <p>
        <a href="/desk/rota">Back to the rota</a>
      </p>
      <Notice text={p.notice} focus />
      {p.issued ? <IssuedPanel issued={p.issued} /> : null}
      <h1>Calendar feeds of the rota</h1>
      <p>
        A feed puts shifts in a calendar (Outlook, Google, Apple) and keeps them up to date: overrides and cover show as
        they change. Shifts show as free time, so an out-of-hours shift does not block a working day. A person’s feed
        has only the times they are on call or backup; it shows the names of who is on before and after, and nothing
        about enquiries.
      </p>
      <p class="hint">
        Anyone with a feed’s address can read it. Making a new one stops the old one; stop a feed when a phone or laptop
        with it is lost or someone leaves the rota (taking someone off the rota stops theirs too).
      </p>

      <section aria-labelledby="mine-title" class="panel">
        <h2 id="mine-title">Your feed of the whole rota</h2>
        <p>
          Everyone’s shifts, for you as a manager. <FeedStatus feed={p.overview.mine} office={p.office} now={p.now} />
        </p>
        <form method="post" action={`${FEEDS_PATH}/rota`} class="inline-form">
          <Csrf token={csrf} />
          <button type="submit" class="button button--secondary">
            {p.overview.mine ? 'Replace feed link' : 'Create feed link'}
            <span class="visually-hidden"> for the whole rota</span>
          </button>
        </form>
        {p.overview.mine ? (
          <form method="post" action={`${FEEDS_PATH}/rota/revoke`} class="inline-form">
            <Csrf token={csrf} />
            <button type="submit" class="button button--warning">
              Revoke<span class="visually-hidden"> your feed of the whole rota</span>
            </button>
          </form>
        ) : null}
      </section>

      <h2 id="people-feeds-title">People’s own feeds</h2>
      {p.overview.people.length ? (
        <table class="rota-feeds stack" aria-labelledby="people-feeds-title">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Feed</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {p.overview.people.map(({ person, feed }) => (
              <tr id={`feed-row-${person.id}`}>
                <td data-label="Name">{person.name}</td>
                <td data-label="Feed">
                  <FeedStatus feed={feed} office={p.office} now={p.now} />
                </td>
                <td data-label="Actions" class="row-actions">
                  <form method="post" action={`${FEEDS_PATH}/people/${person.id}`} class="inline-form">
                    <Csrf token={csrf} />
                    <button type="submit" class="button button--secondary">
                      {feed ? 'Replace feed link' : 'Create feed link'}
                      <span class="visually-hidden"> for {person.name}</span>
                    </button>
                  </form>
                  {feed ? (
                    <form method="post" action={`${FEEDS_PATH}/people/${person.id}/revoke`} class="inline-form">
                      <Csrf token={csrf} />
                      <button type="submit" class="button button--warning">
                        Revoke<span class="visually-hidden"> {person.name}’s feed</span>
                      </button>
                    </form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>Nobody is on the staff list yet. Add people on the rota page first.</p>
      )}
    </DeskLayout>
  );
}
