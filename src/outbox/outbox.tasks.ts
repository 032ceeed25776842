import type { Task } from 'graphile-worker';
import { typedTask } from '../jobs/jobs.js';
import type { OutboxService } from './outbox.service.js';

/** The outbox's task: one plain text, sent once per key (idempotent: it re-reads the row). */
export function outboxTasks(outbox: OutboxService): { send_sms: Task } {
  return { send_sms: typedTask('send_sms', (p) => outbox.sendMessage(p)) };
}
