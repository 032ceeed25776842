import type { Task } from 'graphile-worker';
import type { CronEntry } from '../feature.js';
import type { RotationService } from './rotation.service.js';

/**
 * Every hour at five past (UTC; the time of day plays no part): extend each rotation's shifts to
 * the horizon. Hourly rather than daily costs one small query when nothing is due, and a failed
 * run is the next hour's work rather than the next day's, so the rota never falls short of the
 * days the gap check looks at. One attempt: the next run simply does what is still due.
 */
export const ROTATION_CRONTAB_ENTRY = {
  task: 'rotation_generate',
  pattern: '5 * * * *',
  maxAttempts: 1,
} as const satisfies CronEntry;

/** The rotation generation task: idempotent, safe on several workers (each rotation is locked and carries on where the last run stopped). */
export function rotationTasks(rotations: RotationService): Record<'rotation_generate', Task> {
  return {
    rotation_generate: async (_payload, helpers) => {
      const r = await rotations.generateDue();
      // Counts only: never who.
      if (r.added || r.reassigned)
        helpers.logger.info(
          `rotations: ${r.added} shift${r.added === 1 ? '' : 's'} generated, ${r.reassigned} handed on from people who left the staff list`,
        );
    },
  };
}
