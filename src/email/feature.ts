import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { attachmentRoutes } from './attachments.routes.js';
import { eraseEmailsOf, forgetOrphanEmailsBefore } from './email.repository.js';

/** Email intake and replies (the IMAP watcher is started by src/main.ts; attachments are under /desk). */
export const emailFeature: FeatureDescriptor<Services> = {
  name: 'email',
  deskPages: [{ build: (s) => attachmentRoutes(s) }],
  personal: {
    email_message: {
      columns: ['from_address', 'from_name', 'reply_to', 'to_addresses', 'cc_addresses', 'subject', 'body_text'],
      erasedBy: [eraseEmailsOf, forgetOrphanEmailsBefore],
    },
    email_attachment: { columns: ['filename', 'content'], erasedBy: [eraseEmailsOf, forgetOrphanEmailsBefore] },
  },
  kept: {
    'email_message.in_reply_to': 'a Message-ID (names no one)',
    'email_attachment.content_type': 'a MIME type',
  },
};
