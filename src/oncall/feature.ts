import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { rotaRoutes } from './rota.routes.js';
import { twilioWebhooks } from '../telephony/webhook-group.js';
import { callbackRoutes } from './callback.routes.js';
import { onCallLinkRoutes } from './link.routes.js';
import { onCallListLinkRoutes } from './list-link.routes.js';
import { PAGING_CRONTAB_ENTRY, pagingTasks } from './paging.tasks.js';
import { twilioCallbackRoutes } from './twilio-callbacks.routes.js';
import { feedRoutes } from './feed.routes.js';
import { feedDeskRoutes } from './feed-desk.routes.js';
import { ROTA_GUARD_CRONTAB, rotaGuardTasks } from './rota-guard.tasks.js';
import { rotationRoutes } from './rotation.routes.js';
import { rotationsFor } from './rotation.service.js';
import { ROTATION_CRONTAB_ENTRY, rotationTasks } from './rotation.tasks.js';
import { coverFor } from './cover.service.js';
import { coverDeskRoutes } from './cover-desk.routes.js';
import { coverLinkRoutes } from './cover.routes.js';
import { shiftLinkRoutes } from './shift-link.routes.js';
import { ShiftLinks } from './shift-link.service.js';
import { COVER_CRONTAB_ENTRY, coverTasks } from './cover.tasks.js';

/** On-call: paging and its Twilio callbacks, the officer's callback call, the on-call links, the rota. */
export const oncallFeature: FeatureDescriptor<Services> = {
  name: 'oncall',
  deskPages: [
    {
      managerOnly: ['/rota'],
      nav: { href: '/desk/rota', label: 'Rota', rank: 30 },
      build: (s) => rotaRoutes(s),
      notices: (s) => () => s.rotaGuard.notices(),
    },
    // The rota's calendar feeds (issue 27, item 6) and repeating rotations (item 5): under
    // /rota, so managers only by the entry above (`/rota` covers everything below it).
    { build: (s) => feedDeskRoutes(s) },
    // Named fields, not a spread of the services: the desk's route table is also read over stand-ins.
    { build: (s) => rotationRoutes({ clock: s.clock, config: s.config, rota: s.rota, rotations: rotationsFor(s) }) },
    // Cover requests (issue 27, item 4): every signed-in user's own page, not under /rota. No
    // header section (the officer's header stays queue, incidents, reports).
    { build: (s) => coverDeskRoutes({ db: s.db, clock: s.clock, config: s.config, rota: s.rota, cover: coverFor(s) }) },
  ],
  routes: [
    twilioWebhooks((s, auth) => twilioCallbackRoutes({ paging: s.paging, ...auth })),
    twilioWebhooks((s, auth) => callbackRoutes({ onCallActions: s.onCallActions, ...auth }), 'callback'),
    { area: 'link', mount: '/', bodies: { public: ['/m/*'] }, build: (s) => onCallLinkRoutes(s) },
    { area: 'link', mount: '/', bodies: { public: ['/m/*'] }, build: (s) => onCallListLinkRoutes(s) },
    // A calendar feed is a GET only: no body is taken.
    { area: 'link', mount: '/', build: (s) => feedRoutes(s) },
    // A colleague's accept link for a cover request: its own per-address budget, like the feeds.
    {
      area: 'link',
      mount: '/',
      bodies: { public: ['/cover/*'] },
      build: (s) => coverLinkRoutes({ ...s, cover: coverFor(s) }),
    },
    // The link in a shift reminder: confirm the shift, or ask for cover (issue 27).
    {
      area: 'link',
      mount: '/',
      bodies: { public: ['/r/*'] },
      build: (s) =>
        shiftLinkRoutes({
          clock: s.clock,
          config: s.config,
          pool: s.pool,
          log: s.log,
          links: new ShiftLinks({ db: s.db, clock: s.clock, cover: coverFor(s) }),
        }),
    },
  ],
  tasks: (s) => ({
    ...pagingTasks(s.paging),
    ...rotaGuardTasks(s.rotaGuard),
    ...rotationTasks(rotationsFor(s)),
    ...coverTasks(coverFor(s)),
  }),
  cron: [PAGING_CRONTAB_ENTRY, ...ROTA_GUARD_CRONTAB, ROTATION_CRONTAB_ENTRY, COVER_CRONTAB_ENTRY],
  kept: {
    'person.name': "the rota's people (staff), kept while on the rota",
    'person.phone': "the rota's people (staff), kept while on the rota",
    'person.phone_verified_at': 'when a staff number on the rota was proved by a code (staff)',
    'phone_verification.phone': 'the staff number a verification code was sent to (staff); deleted once verified',
    'rota_entry.note': "the desk's note on a rota slot (staff)",
    'cover_request.note': "the requester's words to their colleagues about a shift (staff), kept with the rota",
    'rotation.name': 'what the managers call a repeating rotation ("Press office weekly"): names no person',
    'oncall_link.phone': 'the on-call phone the link was sent to (staff)',
    'oncall_list_link.phone': 'the on-call phone the link was sent to (staff)',
    'page_step.to_number': 'the on-call number a page went to (staff); the page texts are erased in outbound_message',
    'page_phone_window.phone': 'the on-call number being paged (staff)',
  },
};
