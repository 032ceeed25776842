import type { Task, TaskList } from 'graphile-worker';
import type { CronEntry } from '../feature.js';
import type { DeadlineWatch } from './deadline.service.js';

/**
 * Cron schedule of the deadline sweep (graphile-worker crontab syntax): every minute, so a
 * warning or a breach is announced within a minute of coming due. One attempt: a failed sweep is
 * simply the next minute's work (nothing is marked unless its transaction commits).
 */
export const DEADLINES_CRONTAB_ENTRY = {
  task: 'deadline_sweep',
  pattern: '* * * * *',
  maxAttempts: 1,
} as const satisfies CronEntry;

/** The deadline sweep task: announces due warnings and breaches (src/deadlines/deadline.service.ts). */
export function deadlineTasks(deps: { deadlines: DeadlineWatch }): TaskList {
  const sweep: Task = async () => {
    await deps.deadlines.sweep();
  };
  return { deadline_sweep: sweep };
}
