import { Hono } from 'hono';
import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { HEALTH_CRONTAB_ENTRY, healthTasks } from './health.tasks.js';

/**
 * Measured health of Twilio, the mailbox and SMTP: the desk's banner while one is failing (on
 * every page, for everyone: officers are the ones who must watch the queue or the mailbox), and
 * the re-check of failing channels. `/readyz` reads the same record (src/app.tsx wires it).
 */
export const healthFeature: FeatureDescriptor<Services> = {
  name: 'health',
  // No pages of its own: only the notices every desk page shows.
  deskPages: [{ build: () => new Hono(), notices: (s) => () => s.health.notices() }],
  tasks: (s) => healthTasks(s),
  cron: [HEALTH_CRONTAB_ENTRY],
};
