import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';

/** Topics (issue 28, item 3): the managed list, rules at intake, and enquiries' topics. */
export const topicsFeature: FeatureDescriptor<Services> = {
  name: 'topics',
  kept: {
    'topic.name': 'a subject the office deals with, not a person',
    'topic.assign_to': 'the staff user a topic assigns its enquiries to (an id)',
  },
};
