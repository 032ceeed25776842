import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { deliveryStatusRoutes } from './status.routes.js';
import { twilioWebhooks } from './webhook-group.js';

/** Twilio's delivery-status webhook for texts and calls (the outbox records what it says). */
export const telephonyFeature: FeatureDescriptor<Services> = {
  name: 'telephony',
  routes: [twilioWebhooks((s, auth) => deliveryStatusRoutes({ deliveryStatus: s.deliveryStatus, ...auth }))],
};
