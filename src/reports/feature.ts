import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { reportsRoutes } from './reports.routes.js';
import { REPORTS_CRONTAB_ENTRIES, reportsTasks } from './reports.tasks.js';
import { eraseFromDigests, forgetDigestCallersBefore } from './digest.repository.js';
import { onCallHoursRoutes } from './oncall-hours.routes.js';
import { OnCallHoursService } from './oncall-hours.service.js';
import { topicReportRoutes } from './topic-report.routes.js';
import { TopicReportService } from './topic-report.service.js';

/** Reports and the morning digest, with their desk page. */
export const reportsFeature: FeatureDescriptor<Services> = {
  name: 'reports',
  deskPages: [
    { nav: { href: '/desk/reports', label: 'Reports', rank: 20 }, build: (s) => reportsRoutes(s) },
    // The on-call hours report (issue 27, item 7): names staff and their hours, for managers.
    {
      managerOnly: ['/reports/oncall', '/reports/oncall.csv'],
      build: (s) => onCallHoursRoutes({ hours: new OnCallHoursService(s), clock: s.clock, config: s.config }),
    },
    // By topic and outlet, month by month (issue 28, item 6): whose enquiries by the rule of /desk/reports (an officer sees their own).
    { build: (s) => topicReportRoutes({ report: new TopicReportService(s), clock: s.clock, config: s.config }) },
  ],
  tasks: (s) => reportsTasks(s),
  cron: REPORTS_CRONTAB_ENTRIES,
  personal: {
    handover_digest: {
      columns: ['summary'],
      erasedBy: [eraseFromDigests, forgetDigestCallersBefore],
    },
  },
};
