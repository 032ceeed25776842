import type { Task } from 'graphile-worker';
import { typedTask } from '../jobs/jobs.js';
import type { IncidentSummaries } from './incident-summary.service.js';

/**
 * The incident summary task: one text to on-call about an incident's enquiries that did not page
 * (queued by `IncidentSummaries.queue`, at most `incidents.summaryMinutes` after the first of them).
 * Idempotent: it re-reads which enquiries are not yet summarised.
 */
export function incidentSummaryTasks(summaries: IncidentSummaries): Record<'incident_summary', Task> {
  return {
    incident_summary: typedTask('incident_summary', async (p) => {
      await summaries.send(p.incidentId);
    }),
  };
}
