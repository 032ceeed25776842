import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { statusRoutes } from './status.routes.js';

/** The journalist's status page (`/status/{token}`); its links are deleted by eraseEnquiries. */
export const statusFeature: FeatureDescriptor<Services> = {
  name: 'status',
  routes: [
    {
      area: 'link',
      mount: '/',
      bodies: { public: ['/status/*'] },
      build: (s) => statusRoutes({ pages: s.statusPages, config: s.config, clock: s.clock, pool: s.pool, log: s.log }),
    },
  ],
};
