import type { Task, TaskList } from 'graphile-worker';
import type { CronEntry } from '../feature.js';
import type { DirectoryService } from './directory.service.js';

/**
 * Daily at 02:47 UTC (graphile-worker matches crontab times in UTC: 03:47 in summer in London),
 * after the journalists' retention sweep: erase colleagues deactivated longer ago than the
 * retention period. One attempt: a failed run is the next night's work (nothing is erased unless
 * its transaction commits).
 */
export const COLLEAGUE_RETENTION_CRONTAB_ENTRY = {
  task: 'colleague_retention',
  pattern: '47 2 * * *',
  maxAttempts: 1,
} as const satisfies CronEntry;

/** The directory's retention task: idempotent, safe on several workers (each row is locked and checked again). */
export function directoryTasks(directory: DirectoryService): TaskList {
  const retention: Task = async (_payload, helpers) => {
    const n = await directory.sweep();
    // A count only: never who.
    if (n) helpers.logger.info(`colleague retention: erased ${n} colleague${n === 1 ? '' : 's'} from the directory`);
  };
  return { colleague_retention: retention };
}
