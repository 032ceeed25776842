import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { reportsRoutes } from './reports.routes.js';
import { REPORTS_CRONTAB_ENTRIES, reportsTasks } from './reports.tasks.js';
import { eraseFromDigests, forgetDigestCallersBefore } from './digest.repository.js';

/** Reports and the morning digest, with their desk page. */
export const reportsFeature: FeatureDescriptor<Services> = {
  name: 'reports',
  deskPages: [{ nav: { href: '/desk/reports', label: 'Reports', rank: 20 }, build: (s) => reportsRoutes(s) }],
  tasks: (s) => reportsTasks(s),
  cron: REPORTS_CRONTAB_ENTRIES,
  personal: {
    handover_digest: {
      columns: ['summary'],
      erasedBy: [eraseFromDigests, forgetDigestCallersBefore],
    },
  },
};
