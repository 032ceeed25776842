import type { Tx } from '../db/database.js';
import { addJob } from '../jobs/queue.repository.js';

/**
 * Queues the gap check (rota-guard.service.ts) to run once `tx` commits. Many changes, one check:
 * the job's key replaces a check still waiting. Apart from the service so that the rota service,
 * which calls it on every change, does not import the guard that reads the rota.
 */
export async function queueGapCheck(tx: Tx, now: Date): Promise<void> {
  await addJob(tx, 'rota_gap_check', {}, { jobKey: 'rota-gap-check', runAt: now });
}
