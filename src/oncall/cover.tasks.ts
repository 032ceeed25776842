import type { Task } from 'graphile-worker';
import type { CronEntry } from '../feature.js';
import type { CoverService } from './cover.service.js';

/**
 * Every minute: requests for cover that nobody has accepted `onCall.cover.escalateBeforeMinutes`
 * before their period starts are told to the managers (at that minute, not up to an hour later).
 * One attempt: the next minute's run does what is still due.
 */
export const COVER_CRONTAB_ENTRY = {
  task: 'cover_watch',
  pattern: '* * * * *',
  maxAttempts: 1,
} as const satisfies CronEntry;

/** The cover watch task: idempotent (each request is claimed once, SKIP LOCKED). */
export function coverTasks(cover: CoverService): Record<'cover_watch', Task> {
  return {
    cover_watch: async () => {
      await cover.escalateDue();
    },
  };
}
