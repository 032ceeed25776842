import type { Task } from 'graphile-worker';
import { typedTask, type JobName } from '../jobs/jobs.js';
import type { CronEntry } from '../feature.js';
import type { PagingService } from './paging.service.js';

/**
 * Tasks whose retries must not wait out graphile-worker's exponential backoff: the on-call page
 * and the texts to journalists about it (see JobRunnerOptions.retryCap).
 */
export const PAGING_RETRY_CAP = {
  tasks: [
    'page_step',
    'page_bundle',
    'notify_journalist',
    'send_sms',
    'place_call',
    'send_email',
    'incident_summary',
  ] satisfies JobName[] as string[],
  seconds: 30,
  withinHours: 24,
};

/** Every five minutes: hand untouched urgent enquiries to on-call once the office has closed. */
export const PAGING_CRONTAB_ENTRY = {
  task: 'closing_handover',
  pattern: '*/5 * * * *',
  maxAttempts: 1,
} as const satisfies CronEntry;

/** The paging tasks. Each is small and idempotent: it re-reads state and does only what is still due. */
export function pagingTasks(
  paging: PagingService,
): Record<'page_step' | 'page_bundle' | 'notify_journalist' | 'closing_handover', Task> {
  return {
    page_step: typedTask('page_step', (p) => paging.runStep(p.pageId, p.step)),
    page_bundle: typedTask('page_bundle', (p) => paging.sendBundle(p.phone, p.action)),
    notify_journalist: typedTask('notify_journalist', (p) => paging.notifyJournalistOfAck(p.enquiryId)),
    closing_handover: async () => {
      await paging.handOverAtClosing();
    },
  };
}
