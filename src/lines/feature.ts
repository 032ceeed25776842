import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';

/** Lines to take and reply templates (issue 28, items 1 and 2): the office's approved wording. */
export const linesFeature: FeatureDescriptor<Services> = {
  name: 'lines',
  kept: {
    'line_to_take.text': "the office's approved wording, for every journalist: no journalist's data",
    'reply_template.body': "the office's procedural wording with placeholders: filled only in the reply that is sent",
  },
};
