import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { attachmentRoutes } from './attachments.routes.js';

/** Email intake and replies (the IMAP watcher is started by src/main.ts; attachments are under /desk). */
export const emailFeature: FeatureDescriptor<Services> = {
  name: 'email',
  deskPages: [{ build: (s) => attachmentRoutes(s) }],
  personal: {
    email_message: {
      columns: ['from_address', 'from_name', 'reply_to', 'to_addresses', 'cc_addresses', 'subject', 'body_text'],
      erasedBy: 'eraseEmailsOf (email.repository.ts), from eraseEnquiries and eraseOrphansFrom',
    },
    email_attachment: { columns: ['filename', 'content'], erasedBy: 'eraseEmailsOf (email.repository.ts)' },
  },
  kept: {
    'email_message.in_reply_to': 'a Message-ID (names no one)',
    'email_attachment.content_type': 'a MIME type',
  },
};
