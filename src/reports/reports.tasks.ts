import type { Task, TaskList } from 'graphile-worker';
import type { HandoverService } from './handover.service.js';
import type { ReportsService } from './reports.service.js';

/** Cron schedule of the report tasks (graphile-worker crontab syntax, Node's clock). */
export const REPORTS_CRONTAB = ['*/5 * * * * handover_check ?max=1', '17 3 * * * calendar_sync ?max=1'].join('\n');

/**
 * The morning handover check (every five minutes: it makes the digest once the office has
 * opened, so late starts and bank holidays need no special case) and the nightly refresh of the
 * calendar table that working-time figures read.
 */
export function reportsTasks(deps: { handover: HandoverService; reports: ReportsService }): TaskList {
  const handoverCheck: Task = async () => {
    await deps.handover.generateIfDue();
  };
  const calendarSync: Task = async () => {
    await deps.reports.syncCalendar();
  };
  return { handover_check: handoverCheck, calendar_sync: calendarSync };
}
