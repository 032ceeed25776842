import type { OfficeConfig } from '../config.js';
import { formatShortTime } from '../hours/format.js';
import { Layout } from '../http/layout.js';
import { LinkGonePage } from './cover.views.js';
import type { LinkedShift } from './shift-link.service.js';

/** What the last action on the page did, chosen by a fixed key (never text from the query string). */
export const SHIFT_NOTICES = {
  confirmed: 'Thank you: your shift is confirmed.',
  asked:
    'Your colleagues have been asked to cover. You will get a text when one of them accepts; until then the shift is yours.',
} as const;

/** A reminded shift, opened from the link in its reminder: confirm it, or ask for cover. */
export function ShiftPage(p: {
  office: OfficeConfig;
  now: Date;
  shift: LinkedShift;
  action: string;
  csrf: string;
  notice?: string;
  problem?: string;
}) {
  const s = p.shift;
  const when = (d: Date) => formatShortTime(d, p.office, p.now);
  const what = s.role === 'primary' ? 'on call' : 'the backup (next contact)';
  return (
    <Layout title={`Your shift from ${when(s.startsAt)}`} officeName={p.office.name}>
      <h1>Your shift, {s.name}</h1>
      {p.notice ? (
        <div class="notice" role="status">
          <p>{p.notice}</p>
        </div>
      ) : null}
      {p.problem ? (
        <div class="notice" role="alert">
          <p>{p.problem}</p>
        </div>
      ) : null}
      <p>
        You are {what} for {p.office.name} from {when(s.startsAt)} to {when(s.endsAt)}.
      </p>
      {s.confirmedAt ? (
        <p>Confirmed {when(s.confirmedAt)}.</p>
      ) : (
        <form method="post" action={`${p.action}/confirm`}>
          <input type="hidden" name="_csrf" value={p.csrf} />
          <button type="submit" class="button">
            Confirm: I have the on-call phone
          </button>
        </form>
      )}
      <h2>Can’t do it?</h2>
      <form method="post" action={`${p.action}/cover`}>
        <input type="hidden" name="_csrf" value={p.csrf} />
        <p>
          Your colleagues are texted a link; the first to accept takes the shift{s.startsAt < p.now ? ' from now' : ''}.
        </p>
        <button type="submit" class="button button--secondary">
          Ask colleagues to cover it
        </button>
      </form>
    </Layout>
  );
}

/** A shift link that opens nothing (unknown, mistyped, the shift over): one page for every reason. */
export function ShiftGonePage(p: { officeName: string }) {
  return <LinkGonePage officeName={p.officeName} stops="The shift it was about has ended" />;
}
