/**
 * When paging's jobs run: the job keys that make each escalation step and each phone's bundle
 * one job whatever the number of workers, and the queueing of the next step.
 */
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import { addJob, type AddJobOptions } from '../jobs/queue.repository.js';
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
export async function queueStep(db: Db | Tx, pageId: string, step: number, runAt: Date, jobKeyMode?: AddJobOptions['jobKeyMode']): Promise<void> {
  await addJob(db, 'page_step', { pageId, step }, { runAt, jobKey: stepJobKey(pageId, step), ...(jobKeyMode ? { jobKeyMode } : {}) });
}

/** Queues the bundle of a phone's held pages of one kind for the end of its window (an earlier run_at wins). */
export async function queueBundle(tx: Tx, phone: string, action: PageAction, runAt: Date): Promise<void> {
  await addJob(tx, 'page_bundle', { phone, action }, { runAt, jobKey: bundleJobKey(phone, action), jobKeyMode: 'preserve_run_at' });
}

/** Seconds to wait after step `i - 1` was sent before running step `i`. */
export function delayBefore(onCall: Config['onCall'], i: number): number {
  return onCall.escalation[i]?.afterSeconds ?? onCall.ackTimeoutSeconds;
}

/** Queues the step after `index`, its delay counted from `sentAt` (the acknowledgement clock). */
export async function scheduleNext(db: Db | Tx, onCall: Config['onCall'], pageId: string, index: number, sentAt: Date): Promise<void> {
  const next = index + 1;
  const runAt = new Date(sentAt.getTime() + delayBefore(onCall, next) * 1000);
  // preserve_run_at: if a delivery failure already brought the next step forward, keep that.
  await queueStep(db, pageId, next, runAt, 'preserve_run_at');
}
