import type { Task } from 'graphile-worker';
import { typedTask } from '../jobs/jobs.js';
import type { OutboxService } from './outbox.service.js';

/** The outbox's tasks: one plain text, or one plain call, sent once per key (idempotent: each re-reads its row). */
export function outboxTasks(outbox: OutboxService): { send_sms: Task; place_call: Task; send_email: Task } {
  return {
    send_email: typedTask('send_email', (p) => outbox.sendEmail(p)),
    send_sms: typedTask('send_sms', (p) => outbox.sendMessage(p)),
    place_call: typedTask('place_call', (p) => outbox.placeCall(p)),
  };
}
