import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { DEADLINES_CRONTAB_ENTRY, deadlineTasks } from './deadline.tasks.js';

/** Deadline warnings and breaches, swept every minute. */
export const deadlinesFeature: FeatureDescriptor<Services> = {
  name: 'deadlines',
  tasks: (s) => deadlineTasks(s),
  cron: [DEADLINES_CRONTAB_ENTRY],
};
