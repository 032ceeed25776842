/**
 * When paging's jobs run: the job keys that make each escalation step and each phone's bundle
 * one job whatever the number of workers, and the queueing of the next step.
 */
import type { Config, EscalationStep } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import { isOpenStatus, type EnquiryStatus } from '../enquiries/enquiry.model.js';
import { addEvent } from '../enquiries/enquiries.repository.js';
import { addJob, removeJob, type AddJobOptions } from '../jobs/queue.repository.js';
import * as repo from './paging.repository.js';
import type { PageAction } from './paging.tables.js';

/** Job key of a page's escalation step: one job per page and step, whatever the number of workers. */
export function stepJobKey(pageId: string, step: number): string {
  return `page:${pageId}:step:${step}`;
}

/** Job key of one phone's held pages of one kind: one bundle job per phone and kind at a time. */
export function bundleJobKey(phone: string, action: PageAction): string {
  // Texts keep the key they always had, so bundle jobs queued before calls were bundled still match.
  return action === 'sms' ? `bundle:${phone}` : `bundle-call:${phone}`;
}

/** Queues escalation step `step` of a page at `runAt` (`replace` unless told otherwise). */
export async function queueStep(
  db: Db | Tx,
  pageId: string,
  step: number,
  runAt: Date,
  jobKeyMode?: AddJobOptions['jobKeyMode'],
): Promise<void> {
  await addJob(
    db,
    'page_step',
    { pageId, step },
    { runAt, jobKey: stepJobKey(pageId, step), ...(jobKeyMode ? { jobKeyMode } : {}) },
  );
}

/** Queues the bundle of a phone's held pages of one kind for the end of its window (an earlier run_at wins). */
export async function queueBundle(tx: Tx, phone: string, action: PageAction, runAt: Date): Promise<void> {
  await addJob(
    tx,
    'page_bundle',
    { phone, action },
    { runAt, jobKey: bundleJobKey(phone, action), jobKeyMode: 'preserve_run_at' },
  );
}

/** Seconds to wait after step `i - 1` was sent before running step `i`. */
export function delayBefore(onCall: Config['onCall'], i: number): number {
  return onCall.escalation[i]?.afterSeconds ?? onCall.ackTimeoutSeconds;
}

/** Queues the step after `index`, its delay counted from `sentAt` (the acknowledgement clock). */
export async function scheduleNext(
  db: Db | Tx,
  onCall: Config['onCall'],
  pageId: string,
  index: number,
  sentAt: Date,
): Promise<void> {
  const next = index + 1;
  const runAt = new Date(sentAt.getTime() + delayBefore(onCall, next) * 1000);
  // preserve_run_at: if a delivery failure already brought the next step forward, keep that.
  await queueStep(db, pageId, next, runAt, 'preserve_run_at');
}

/**
 * Stops the escalation of an enquiry that is no longer open (answered, closed, withdrawn), in the
 * transaction that changes its status: its queued step jobs are removed and its steps held for a
 * bundle leave it, so no text or call goes out for it. The jobs re-check at send time as well
 * (`PageDelivery`), for a job already running. Does nothing without an unacknowledged page.
 */
export async function stopEscalation(tx: Tx, enquiryId: string, status: EnquiryStatus, now: Date): Promise<void> {
  const page = await repo.activePageOf(tx, enquiryId);
  if (!page) return;
  for (const job of await repo.queuedStepJobs(tx, page.id)) await removeJob(tx, job.key);
  await repo.skipHeldSteps(tx, page.id);
  await addEvent(tx, {
    enquiryId,
    at: now,
    kind: 'escalation_stopped',
    data: { pageId: page.id, reason: `the enquiry was ${status}` },
  });
}

/** Where a page's escalation is, as the paged officer's link shows it. */
export type EscalationState =
  | { kind: 'acknowledged'; at: Date; by: string }
  | { kind: 'stopped'; status: EnquiryStatus }
  | { kind: 'exhausted' }
  /** Not yet acknowledged: the next steps queued (at most two, soonest first; none while held for a bundle). */
  | { kind: 'running'; next: Array<{ at: Date; step: EscalationStep }> };

/**
 * Whether page `pageId` still escalates, read at `now`: acknowledged (by whom, when), stopped by
 * the enquiry's status, exhausted, or running with its next steps. The step after the queued one
 * is estimated as if the queued one goes out on time.
 */
export async function escalationState(
  db: Db | Tx,
  onCall: Config['onCall'],
  pageId: string,
  enquiryStatus: EnquiryStatus,
): Promise<EscalationState> {
  const page = (await repo.pagesByIds(db, [pageId]))[0];
  if (page?.status === 'acknowledged')
    return { kind: 'acknowledged', at: page.acknowledged_at!, by: page.acknowledged_by ?? '' };
  if (!isOpenStatus(enquiryStatus)) return { kind: 'stopped', status: enquiryStatus };
  if (!page || page.status === 'exhausted') return { kind: 'exhausted' };
  const job = (await repo.queuedStepJobs(db, pageId))[0];
  const index = job ? Number(/:step:(\d+)$/.exec(job.key)?.[1]) : NaN;
  const next: Array<{ at: Date; step: EscalationStep }> = [];
  if (job && onCall.escalation[index]) {
    next.push({ at: job.run_at, step: onCall.escalation[index] });
    const after = onCall.escalation[index + 1];
    if (after) next.push({ at: new Date(job.run_at.getTime() + delayBefore(onCall, index + 1) * 1000), step: after });
  }
  return { kind: 'running', next };
}
