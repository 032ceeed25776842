import type { Task } from 'graphile-worker';
import type { CronEntry } from '../feature.js';
import { typedTask } from '../jobs/jobs.js';
import type { RotaGuard } from './rota-guard.service.js';

/**
 * Every minute, the handoff watch (a reminder is due at its minute, not up to five later); every
 * morning at 06:10 UTC (before the office opens in either season), the gap check over the next
 * days, which otherwise runs only when the rota changes: a shift that slides into the window, or a
 * number whose page failed overnight, is then found without anyone touching the rota.
 */
export const ROTA_GUARD_CRONTAB = [
  { task: 'rota_watch', pattern: '* * * * *', maxAttempts: 1 },
  { task: 'rota_gap_sweep', pattern: '10 6 * * *', maxAttempts: 1 },
] as const satisfies readonly CronEntry[];

/** The guard's tasks. Each is idempotent: the watch claims each entry once, the gap check reconciles. */
export function rotaGuardTasks(guard: RotaGuard): Record<'rota_watch' | 'rota_gap_sweep' | 'rota_gap_check', Task> {
  return {
    rota_watch: async () => {
      await guard.watch();
    },
    rota_gap_sweep: async () => {
      await guard.checkGaps();
    },
    rota_gap_check: typedTask('rota_gap_check', async () => {
      await guard.checkGaps();
    }),
  };
}
