import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { callbackRoutes } from './callback.routes.js';
import { onCallLinkRoutes } from './link.routes.js';
import { onCallListLinkRoutes } from './list-link.routes.js';
import { PAGING_CRONTAB_ENTRY, pagingTasks } from './paging.tasks.js';
import { twilioCallbackRoutes } from './twilio-callbacks.routes.js';

const twilioAuth = (s: Services) => ({ authToken: s.config.twilio.authToken, publicBaseUrl: s.config.publicBaseUrl });

/** On-call: paging and its Twilio callbacks, the officer's callback call, the on-call links, the rota. */
export const oncallFeature: FeatureDescriptor<Services> = {
  name: 'oncall',
  routes: [
    {
      area: 'webhook',
      mount: '/twilio',
      bodies: { public: ['/twilio/*'] },
      json: ['/twilio/*'],
      build: (s) => twilioCallbackRoutes({ paging: s.paging, ...twilioAuth(s) }),
    },
    {
      area: 'callback',
      mount: '/twilio',
      bodies: { public: ['/twilio/*'] },
      json: ['/twilio/*'],
      build: (s) => callbackRoutes({ onCallActions: s.onCallActions, ...twilioAuth(s) }),
    },
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
