import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { mergingRoutes } from './merging.routes.js';

/**
 * Merge and split (issue 29, item 2): any officer merges a duplicate enquiry into another (and
 * undoes it the same day) or splits a new question out of a thread, from the enquiry's page.
 * No personal columns of its own: the merge records hold ids, times and staff addresses; the
 * rows it moves are erased by their own features (an erasure of one side first moves them back
 * to the enquiry they came from: `releaseMergesFor`, run through PrivacyService's `beforeErase`).
 */
export const mergingFeature: FeatureDescriptor<Services> = {
  name: 'merging',
  deskPages: [{ build: (s) => mergingRoutes({ db: s.db, clock: s.clock, config: s.config, merging: s.merging }) }],
};
