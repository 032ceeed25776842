import type { TaskList } from 'graphile-worker';
import { pagingTasks } from '../oncall/paging.tasks.js';
import { reportsTasks } from '../reports/reports.tasks.js';
import type { Services } from '../services.js';

export { REPORTS_CRONTAB as CRONTAB } from '../reports/reports.tasks.js';

/** Every task the job runner knows, gathered from the domains that own them. */
export function taskList(services: Services): TaskList {
  return { ...pagingTasks(services.paging), ...reportsTasks(services) };
}
