import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { notificationRoutes } from './notifications.routes.js';

/**
 * Desk notifications (issue 29, item 4): assignments and mentions tell the colleague, on their
 * page (with the unread count beside its section in every desk page's header), live in an open
 * queue, and by text for an urgent enquiry when they are signed out.
 */
export const notificationsFeature: FeatureDescriptor<Services> = {
  name: 'notifications',
  deskPages: [
    {
      nav: { href: '/desk/notifications', label: 'Notifications', rank: 5 },
      navCount: (s) => (userId) => s.notifications.unread(userId),
      build: (s) => notificationRoutes(s),
    },
  ],
  kept: {
    'desk_notification.by_name':
      'the member of staff who assigned or mentioned (a colleague’s name, no journalist’s data); it goes with the recipient’s account',
  },
};
