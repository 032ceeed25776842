import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { privacyRoutes } from './privacy.routes.js';
import { PRIVACY_CRONTAB_ENTRY, privacyTasks } from './privacy.tasks.js';

/** Erasure on request (pages under /desk) and the daily retention sweep. */
export const privacyFeature: FeatureDescriptor<Services> = {
  name: 'privacy',
  deskPages: [
    {
      managerOnly: ['/privacy'],
      nav: { href: '/desk/privacy', label: 'Data requests', rank: 60 },
      build: (s) => privacyRoutes(s),
    },
  ],
  tasks: (s) => privacyTasks(s.privacy),
  cron: [PRIVACY_CRONTAB_ENTRY],
};
