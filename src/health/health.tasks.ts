import type { Task, TaskList } from 'graphile-worker';
import type { CronEntry } from '../feature.js';
import type { ServiceHealth } from './service-health.service.js';

/**
 * Cron schedule of the re-check (graphile-worker crontab syntax): every five minutes, so a
 * channel put right (a token fixed at Twilio's end, a mail server back) shows `ok` again within
 * five minutes even when nothing is sent. Only failing channels are checked: a working one is
 * measured by its own sends and sessions. One attempt: a failed run is simply the next one's work.
 */
export const HEALTH_CRONTAB_ENTRY = {
  task: 'service_health_check',
  pattern: '*/5 * * * *',
  maxAttempts: 1,
} as const satisfies CronEntry;

/** The re-check task (src/health/service-health.service.ts `recheckFailing`). */
export function healthTasks(deps: { health: ServiceHealth }): TaskList {
  const recheck: Task = async () => {
    await deps.health.recheckFailing();
  };
  return { service_health_check: recheck };
}
