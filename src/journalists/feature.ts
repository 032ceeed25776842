import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { deleteIdleJournalists, deleteJournalist } from './journalists.repository.js';
import { journalistRoutes } from './journalists.routes.js';
import { outletRoutes } from './outlets.routes.js';

/**
 * Journalists and outlets (issue 29, item 3): a record per journalist (matched to enquiries by
 * phone and email at read time) and per outlet (one name with its spellings). Any officer reads
 * and edits them; erasing a record is the managers' (checked by its route, since `managerOnly`
 * takes whole paths).
 */
export const journalistsFeature: FeatureDescriptor<Services> = {
  name: 'journalists',
  deskPages: [
    {
      nav: { href: '/desk/journalists', label: 'Journalists', rank: 25 },
      build: (s) => journalistRoutes({ clock: s.clock, config: s.config, journalists: s.journalists }),
    },
    {
      build: (s) => outletRoutes({ db: s.db, config: s.config, outlets: s.outlets }),
    },
  ],
  personal: {
    // Deleted (with their contacts, outlets and notes: ON DELETE CASCADE) by an erasure of the
    // record or of one of its phones or emails (src/privacy/privacy.service.ts `eraseIn`), and by
    // the retention sweep once the record is idle and none of its enquiries keeps data.
    journalist: { columns: ['name', 'press_card_checked_by'], erasedBy: [deleteJournalist, deleteIdleJournalists] },
    journalist_contact: { columns: ['value'], erasedBy: [deleteJournalist, deleteIdleJournalists] },
    journalist_note: { columns: ['text', 'written_by'], erasedBy: [deleteJournalist, deleteIdleJournalists] },
  },
  kept: {
    'outlet.name': 'a news organisation, not a person',
    'outlet_spelling.spelling': 'how enquiries spell a news organisation, not a person',
  },
};
