import type { Task } from 'graphile-worker';
import { typedTask } from '../jobs/jobs.js';
import type { HoldingLines } from './holding-line.service.js';

/**
 * The holding line's fan-out (`incident_line_send`): one job per "send", which queues the line to
 * every linked journalist who has not had it, in batches (src/incidents/holding-line.service.ts).
 * A job that fails part-way runs again and carries on: the batches already done are recorded.
 */
export function holdingLineTasks(deps: { holdingLines: HoldingLines }): { incident_line_send: Task } {
  return {
    incident_line_send: typedTask('incident_line_send', async ({ incidentId, lineId }) => {
      await deps.holdingLines.fanOut(incidentId, lineId);
    }),
  };
}
