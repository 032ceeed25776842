import { Hono } from 'hono';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { deskSession, type DeskEnv } from '../web/session.js';
import type { NotificationService } from './notifications.service.js';
import { NOTIFICATIONS_PATH, NotificationsPage } from './notifications.views.js';

// Confirmations after a redirect are chosen by a fixed key, never by text from the query string.
const NOTICES: Partial<Record<string, string>> = { read: 'All your notifications are marked as read.' };

/**
 * The signed-in user's notifications (`/desk/notifications`): the list; one opened
 * (`GET /desk/notifications/:id`: marked read, then on to the enquiry); all marked read
 * (`POST /desk/notifications/read`); and the count with the newest unread, for the live queue
 * (`GET /desk/notifications/latest.json`). Only ever the user's own.
 */
export function notificationRoutes(deps: {
  clock: Clock;
  config: Pick<Config, 'office'>;
  notifications: NotificationService;
}) {
  const app = new Hono<DeskEnv>();

  app.get('/notifications', async (c) => {
    const s = deskSession(c);
    const list = await deps.notifications.list(s.user.id);
    return c.html(
      <NotificationsPage
        session={s}
        office={deps.config.office}
        now={deps.clock()}
        notifications={list}
        notice={NOTICES[c.req.query('done') ?? '']}
      />,
    );
  });

  app.get('/notifications/latest.json', async (c) => {
    const { unread, newest } = await deps.notifications.latest(deskSession(c).user.id);
    c.header('Cache-Control', 'no-store');
    return c.json({
      unread,
      newest: newest ? { text: newest.text, href: `${NOTIFICATIONS_PATH}/${newest.id}` } : null,
    });
  });

  app.post('/notifications/read', async (c) => {
    await deps.notifications.readAll(deskSession(c).user.id);
    return c.redirect(`${NOTIFICATIONS_PATH}?done=read`, 303);
  });

  // Opening one marks it read (a link, so it works from any list, and a second click does no harm).
  app.get('/notifications/:id', async (c) => {
    const href = await deps.notifications.open(deskSession(c).user.id, c.req.param('id'));
    return c.redirect(href, 303);
  });

  return app;
}
