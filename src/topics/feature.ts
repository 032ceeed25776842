import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { topicRoutes } from './topics.routes.js';

/** Topics (issue 28, item 3): the managed list, rules at intake, and enquiries' topics. */
export const topicsFeature: FeatureDescriptor<Services> = {
  name: 'topics',
  deskPages: [
    {
      // The list and each topic's page are the managers'; changing an enquiry's topics
      // (`POST /desk/enquiries/:reference/topics`) is any officer's.
      managerOnly: ['/topics'],
      nav: { href: '/desk/topics', label: 'Topics', rank: 55 },
      build: (s) => topicRoutes(s),
    },
  ],
  kept: {
    'topic.name': 'a subject the office deals with, not a person',
    'topic.assign_to': 'the staff user a topic assigns its enquiries to (an id)',
  },
};
