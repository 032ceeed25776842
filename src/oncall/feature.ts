import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { rotaRoutes } from './rota.routes.js';
import { twilioWebhooks } from '../telephony/webhook-group.js';
import { callbackRoutes } from './callback.routes.js';
import { onCallLinkRoutes } from './link.routes.js';
import { onCallListLinkRoutes } from './list-link.routes.js';
import { PAGING_CRONTAB_ENTRY, pagingTasks } from './paging.tasks.js';
import { twilioCallbackRoutes } from './twilio-callbacks.routes.js';

/** On-call: paging and its Twilio callbacks, the officer's callback call, the on-call links, the rota. */
export const oncallFeature: FeatureDescriptor<Services> = {
  name: 'oncall',
  deskPages: [
    { managerOnly: ['/rota'], nav: { href: '/desk/rota', label: 'Rota', rank: 30 }, build: (s) => rotaRoutes(s) },
  ],
  routes: [
    twilioWebhooks((s, auth) => twilioCallbackRoutes({ paging: s.paging, ...auth })),
    twilioWebhooks((s, auth) => callbackRoutes({ onCallActions: s.onCallActions, ...auth }), 'callback'),
    { area: 'link', mount: '/', bodies: { public: ['/m/*'] }, build: (s) => onCallLinkRoutes(s) },
    { area: 'link', mount: '/', bodies: { public: ['/m/*'] }, build: (s) => onCallListLinkRoutes(s) },
  ],
  tasks: (s) => pagingTasks(s.paging),
  cron: [PAGING_CRONTAB_ENTRY],
  kept: {
    'person.name': "the rota's people (staff), kept while on the rota",
    'person.phone': "the rota's people (staff), kept while on the rota",
    'rota_entry.note': "the desk's note on a rota slot (staff)",
    'oncall_link.phone': 'the on-call phone the link was sent to (staff)',
    'oncall_list_link.phone': 'the on-call phone the link was sent to (staff)',
    'page_step.to_number': 'the on-call number a page went to (staff); the page texts are erased in outbound_message',
    'page_phone_window.phone': 'the on-call number being paged (staff)',
  },
};
