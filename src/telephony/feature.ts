import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { deliveryStatusRoutes } from './status.routes.js';

/** Twilio's delivery-status webhook for texts and calls (the outbox records what it says). */
export const telephonyFeature: FeatureDescriptor<Services> = {
  name: 'telephony',
  routes: [
    {
      area: 'webhook',
      mount: '/twilio',
      bodies: { public: ['/twilio/*'] },
      json: ['/twilio/*'],
      build: (s) =>
        deliveryStatusRoutes({
          deliveryStatus: s.deliveryStatus,
          authToken: s.config.twilio.authToken,
          publicBaseUrl: s.config.publicBaseUrl,
        }),
    },
  ],
};
