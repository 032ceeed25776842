import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { incidentReportRoutes } from './incident-report.routes.js';
import { incidentRoutes } from './incident.routes.js';
import { holdingLineTasks } from './holding-line.tasks.js';
import { incidentSummaryTasks } from './incident-summary.tasks.js';
import { eraseLineRecipientsOf } from './holding-line.repository.js';

/** Incidents: their desk pages and report, summaries to on-call and the holding line's fan-out. */
export const incidentsFeature: FeatureDescriptor<Services> = {
  name: 'incidents',
  deskPages: [
    { nav: { href: '/desk/incidents', label: 'Incidents', rank: 10 }, build: (s) => incidentRoutes(s) },
    { build: (s) => incidentReportRoutes(s) },
  ],
  tasks: (s) => ({ ...incidentSummaryTasks(s.incidentSummaries), ...holdingLineTasks(s) }),
  personal: {
    incident_line_sent: { columns: ['contact'], erasedBy: [eraseLineRecipientsOf] },
  },
  kept: {
    'incident.name': "the desk's name for the story, not a journalist's",
    'incident.description': "the desk's description of the story",
    'incident.summarised_to': 'a time: how far the summaries to on-call have reached',
    'incident_line.text': "the office's own statement, sent to every journalist",
  },
};
