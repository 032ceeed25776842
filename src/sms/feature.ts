import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { twilioWebhooks } from '../telephony/webhook-group.js';
import { smsWebhookRoutes } from './sms.routes.js';
import { clearOptOut, forgetOrphanOptOutsBefore } from './opt-out.repository.js';
import {
  eraseCommandsNaming,
  eraseOrphanTextsNaming,
  eraseTextsOf,
  forgetOrphanTextsBefore,
} from './sms-intake.repository.js';

/** Inbound SMS: Twilio's webhook, the texts received and the numbers that said STOP. */
export const smsFeature: FeatureDescriptor<Services> = {
  name: 'sms',
  routes: [twilioWebhooks((s, auth) => smsWebhookRoutes({ inbound: s.inboundSms, ...auth }))],
  personal: {
    sms_inbound: {
      columns: ['from_number', 'body', 'reply'],
      erasedBy: [eraseTextsOf, eraseCommandsNaming, eraseOrphanTextsNaming, forgetOrphanTextsBefore],
    },
    sms_opt_out: { columns: ['phone'], erasedBy: [clearOptOut, forgetOrphanOptOutsBefore] },
  },
};
