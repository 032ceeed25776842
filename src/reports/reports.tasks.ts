import type { Task, TaskList } from 'graphile-worker';
import type { CronEntry } from '../feature.js';
import type { DigestService } from './digest.service.js';
import type { ReportsService } from './reports.service.js';

/**
 * Cron schedule of the report tasks (graphile-worker crontab syntax, matched in UTC: the calendar
 * sync is at 03:17 UTC, 04:17 in summer in London; the digest check decides office time itself).
 */
export const REPORTS_CRONTAB_ENTRIES = [
  { task: 'handover_check', pattern: '*/5 * * * *', maxAttempts: 1 },
  { task: 'calendar_sync', pattern: '17 3 * * *', maxAttempts: 1 },
] as const satisfies readonly CronEntry[];

/**
 * The morning digest check (every five minutes: it makes the digest once the office has
 * opened, so late starts and bank holidays need no special case) and the nightly refresh of the
 * calendar table that working-time figures read. The task keeps the digest's old name,
 * `handover_check`: the crontab and queued jobs know it by that identifier.
 */
export function reportsTasks(deps: { digest: DigestService; reports: ReportsService }): TaskList {
  const digestCheck: Task = async () => {
    await deps.digest.generateIfDue();
  };
  const calendarSync: Task = async () => {
    await deps.reports.syncCalendar();
  };
  return { handover_check: digestCheck, calendar_sync: calendarSync };
}
