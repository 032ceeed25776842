import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { eraseDecisionsOf } from './decisions.repository.js';
import { decisionsRoutes } from './decisions.routes.js';

/**
 * Statements and their record (issue 26): the release decision kept with every response (what was
 * released, withheld and why, who decided) and its export for inspections and complaint reviews.
 */
export const statementsFeature: FeatureDescriptor<Services> = {
  name: 'statements',
  deskPages: [{ build: (s) => decisionsRoutes({ db: s.db, config: s.config, clock: s.clock }) }],
  personal: {
    // The words quote the enquiry; the reasons, who decided (staff) and when stay countable.
    release_decision: { columns: ['released', 'withheld'], erasedBy: [eraseDecisionsOf] },
  },
  kept: {
    'release_decision.decided_by': 'who on the staff (or in command) made the release decision',
    'release_decision.released_to_page': 'whether the response went on the status page (a yes or no, no words)',
  },
};
