import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { outboxTasks } from './outbox.tasks.js';
import { eraseMessagesOf } from './outbox.repository.js';

/** The outbox: every text, call and email that leaves, once. */
export const outboxFeature: FeatureDescriptor<Services> = {
  name: 'outbox',
  tasks: (s) => outboxTasks(s.outbox),
  personal: {
    outbound_message: {
      columns: ['to_number', 'content'],
      // Page texts and calls are erased by oncall's erasePagesOf, digest texts by reports' eraseFromDigests.
      erasedBy: [eraseMessagesOf],
    },
  },
};
