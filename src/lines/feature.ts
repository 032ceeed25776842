import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { lineRoutes } from './lines.routes.js';

/** Lines to take and reply templates (issue 28, items 1 and 2): the office's approved wording. */
export const linesFeature: FeatureDescriptor<Services> = {
  name: 'lines',
  deskPages: [
    {
      nav: { href: '/desk/lines', label: 'Lines', rank: 15 },
      // Every officer reads and inserts lines; changing lines is checked per route (requireManager), templates here.
      managerOnly: ['/lines/templates'],
      build: (s) => lineRoutes({ clock: s.clock, config: s.config, lines: s.lines }),
    },
  ],
  kept: {
    'line_to_take.text': "the office's approved wording, for every journalist: no journalist's data",
    'reply_template.body': "the office's procedural wording with placeholders: filled only in the reply that is sent",
  },
};
