import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { eraseDecisionsOf } from './decisions.repository.js';
import { decisionsRoutes } from './decisions.routes.js';
import { eraseDraftsOf, forgetApprover } from './signoff.repository.js';
import { approverRoutes } from './signoff.routes.js';

/**
 * Statements and their record (issue 26): the release decision kept with every response (what was
 * released, withheld and why, who decided) and its export for inspections and complaint reviews.
 */
export const statementsFeature: FeatureDescriptor<Services> = {
  name: 'statements',
  deskPages: [{ build: (s) => decisionsRoutes({ db: s.db, config: s.config, clock: s.clock }) }],
  routes: [
    {
      area: 'link',
      mount: '/',
      bodies: { public: ['/s/*'] },
      build: (s) => approverRoutes({ signOff: s.signOff, config: s.config, pool: s.pool, log: s.log }),
    },
  ],
  personal: {
    // The words quote the enquiry; the reasons, who decided (staff) and when stay countable.
    release_decision: { columns: ['released', 'withheld'], erasedBy: [eraseDecisionsOf] },
    statement_draft: { columns: ['text'], erasedBy: [eraseDraftsOf] },
    // With the journalist: where it went and the approver's comment go, who signed off stays (the
    // record). With the approver's own erasure (forgetApprover): their name and address go too.
    signoff_request: { columns: ['address', 'comment'], erasedBy: [eraseDraftsOf, forgetApprover] },
  },
  kept: {
    'release_decision.decided_by': 'who on the staff (or in command) made the release decision',
    'signoff_request.text_hash': 'a SHA-256 of the words approved: no words, and the proof of what was signed off',
    'signoff_request.name':
      "who signed off (a colleague in command): kept with the journalist's erasure as the record; the approver's own erasure removes it (forgetApprover)",
    'release_decision.released_to_page': 'whether the response went on the status page (a yes or no, no words)',
  },
};
