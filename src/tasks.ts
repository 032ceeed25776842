import type { Task, TaskList } from 'graphile-worker';
import { DEADLINES_CRONTAB, deadlineTasks } from './deadlines/deadline.tasks.js';
import { holdingLineTasks } from './incidents/holding-line.tasks.js';
import { incidentSummaryTasks } from './incidents/incident-summary.tasks.js';
import { PAGING_CRONTAB, PAGING_RETRY_CAP, pagingTasks } from './oncall/paging.tasks.js';
import { outboxTasks } from './outbox/outbox.tasks.js';
import { PRIVACY_CRONTAB, privacyTasks } from './privacy/privacy.tasks.js';
import { REPORTS_CRONTAB, reportsTasks } from './reports/reports.tasks.js';
import type { Services } from './services.js';
import { voiceTasks } from './voice/voice.tasks.js';
import type { JobName } from './jobs/jobs.js';

/** Every scheduled task, as graphile-worker crontab lines. */
export const CRONTAB = [PAGING_CRONTAB, REPORTS_CRONTAB, PRIVACY_CRONTAB, DEADLINES_CRONTAB].join('\n');

/**
 * Every task the job runner knows, gathered from the domains that own them. Every queued task of
 * src/jobs/jobs.ts must have its handler here (checked below), or its jobs would wait forever.
 */
export function taskList(services: Services): TaskList {
  const list = { ...pagingTasks(services.paging), ...outboxTasks(services.outbox), ...reportsTasks(services), ...privacyTasks(services.privacy), ...voiceTasks(services.voice), ...deadlineTasks(services), ...incidentSummaryTasks(services.incidentSummaries), ...holdingLineTasks(services) };
  return list satisfies Record<JobName, Task> & TaskList;
}

/** Retries that must come sooner than graphile-worker's backoff would bring them (the runner's `retryCap`). */
export const RETRY_CAP = PAGING_RETRY_CAP;
