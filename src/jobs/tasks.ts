import type { TaskList } from 'graphile-worker';
import { pagingTasks } from '../oncall/paging.tasks.js';
import type { Services } from '../services.js';

/** Every task the job runner knows, gathered from the domains that own them. */
export function taskList(services: Services): TaskList {
  return { ...pagingTasks(services.paging) };
}
