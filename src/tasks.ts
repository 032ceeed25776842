import type { Task, TaskList } from 'graphile-worker';
import { cronLine } from './feature.js';
import { FEATURES } from './features.js';
import { PAGING_RETRY_CAP } from './oncall/paging.tasks.js';
import type { Services } from './services.js';
import { CRON_TASKS, JOB_SCHEMAS, type CronTaskName, type JobName } from './jobs/jobs.js';

/** Every scheduled task, as graphile-worker crontab lines, from the features' cron entries in list order. */
export const CRONTAB = FEATURES.flatMap((f) => f.cron ?? [])
  .map(cronLine)
  .join('\n');

/** Every task name the runner must have a handler for: the queued jobs of src/jobs/jobs.ts and the cron tasks. */
export const TASK_NAMES = [...(Object.keys(JOB_SCHEMAS) as JobName[]), ...CRON_TASKS] as const;

/**
 * Every task the job runner knows, gathered from the features' descriptors. Every queued task of
 * src/jobs/jobs.ts and every cron task must have its handler (or its jobs would wait forever), and
 * no two features may claim one name: both are checked here, at start, and by
 * test/unit/feature-list.test.ts.
 */
export function taskList(services: Services): TaskList & Record<JobName | CronTaskName, Task> {
  const list: TaskList = {};
  for (const f of FEATURES) {
    for (const [name, task] of Object.entries(f.tasks?.(services) ?? {})) {
      if (name in list) throw new Error(`task ${name} has two handlers (the second in feature ${f.name})`);
      if (task) list[name] = task;
    }
  }
  const missing = TASK_NAMES.filter((n) => !list[n]);
  if (missing.length) throw new Error(`tasks without a handler in the feature list: ${missing.join(', ')}`);
  return list as TaskList & Record<JobName | CronTaskName, Task>;
}

/** Retries that must come sooner than graphile-worker's backoff would bring them (the runner's `retryCap`). */
export const RETRY_CAP = PAGING_RETRY_CAP;
