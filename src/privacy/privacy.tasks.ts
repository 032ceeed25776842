import type { Task, TaskList } from 'graphile-worker';
import type { CronEntry } from '../feature.js';
import type { PrivacyService } from './privacy.service.js';

/**
 * Daily at 02:41 UTC (graphile-worker matches crontab times in UTC whatever the process's time
 * zone: 03:41 in summer in London): erase personal data past its retention period.
 */
export const PRIVACY_CRONTAB_ENTRY = {
  task: 'retention_sweep',
  pattern: '41 2 * * *',
  maxAttempts: 1,
} as const satisfies CronEntry;

/** The retention sweep: idempotent, batched, safe to run on several workers (rows are erased once). */
export function privacyTasks(privacy: PrivacyService): TaskList {
  const sweep: Task = async (_payload, helpers) => {
    const n = await privacy.sweep();
    if (n) helpers.logger.info(`retention: erased personal data from ${n} enquiries`);
  };
  return { retention_sweep: sweep };
}
