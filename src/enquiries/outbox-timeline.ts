import type { Db, Tx } from '../db/database.js';
import type { OutboxEvent, OutboxTimeline } from '../outbox/outbox.events.js';
import { addEvent, findEventMatching } from './enquiries.repository.js';

/** The enquiry timeline as the outbox's `OutboxTimeline`: its entries are ordinary timeline events. */
export const outboxTimeline: OutboxTimeline = {
  add: async (db: Db | Tx, enquiryId: string, at: Date, event: OutboxEvent) => {
    await addEvent(db, { enquiryId, at, ...event });
  },
  hasAnswer: async (tx, enquiryId, key) =>
    (await findEventMatching(tx, enquiryId, 'callback_answered', { key })) !== undefined,
};
