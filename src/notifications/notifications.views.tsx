import type { OfficeConfig } from '../config.js';
import { formatShortTime } from '../hours/format.js';
import { Notice } from '../web/forms.js';
import { Csrf, DeskLayout } from '../web/layout.js';
import type { DeskSession } from '../web/session.js';
import { LIST_LIMIT, type NotificationView } from './notifications.service.js';

/** The signed-in user's notifications on the desk. */
export const NOTIFICATIONS_PATH = '/desk/notifications';

/**
 * The notifications page: newest first, unread ones marked (in words, not only by weight), each
 * a link that opens the enquiry (at the note, for a mention) and marks it read; "Mark all as read"
 * when any is unread.
 */
export function NotificationsPage(p: {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  notifications: NotificationView[];
  notice?: string;
}) {
  const unread = p.notifications.filter((n) => !n.read_at).length;
  return (
    <DeskLayout title="Notifications" officeName={p.office.name} session={p.session} current={NOTIFICATIONS_PATH}>
      <Notice text={p.notice} focus />
      <h1>Notifications</h1>
      <p class="hint">
        When a colleague assigns you an enquiry or mentions you in a note (by typing @ and your name), it is listed
        here. An urgent enquiry assigned to you while you are signed out is also texted to your mobile, if your account
        has one.
      </p>
      {p.notifications.length ? (
        <>
          <p>{unread === 0 ? 'All read.' : `${unread} unread.`}</p>
          {unread ? (
            <form method="post" action={`${NOTIFICATIONS_PATH}/read`}>
              <Csrf token={p.session.session.csrf_token} />
              <button type="submit" class="button button--secondary">
                Mark all as read
              </button>
            </form>
          ) : null}
          <ul class="notifications">
            {p.notifications.map((n) => (
              <li id={`notification-${n.id}`} class={n.read_at ? 'is-read' : 'is-unread'}>
                {n.read_at ? null : <strong>Unread: </strong>}
                <a href={`${NOTIFICATIONS_PATH}/${n.id}`}>{n.text}</a>{' '}
                <time class="hint" datetime={n.created_at.toISOString()}>
                  {formatShortTime(n.created_at, p.office, p.now)}
                </time>
              </li>
            ))}
          </ul>
          {p.notifications.length >= LIST_LIMIT ? <p class="hint">The newest {LIST_LIMIT} are shown.</p> : null}
        </>
      ) : (
        <p>No notifications yet. You will see one here when a colleague assigns you an enquiry or mentions you.</p>
      )}
    </DeskLayout>
  );
}
