import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { recordingRoutes } from './recording.routes.js';
import { twilioWebhooks } from '../telephony/webhook-group.js';
import { voiceRoutes } from './voice.routes.js';
import { voiceTasks } from './voice.tasks.js';
import { eraseCallsOf, eraseCallsOfEnquiries, forgetOrphanCallsBefore } from './voice.repository.js';

/** The phone line: Twilio's voice webhooks, the calls and their recordings. */
export const voiceFeature: FeatureDescriptor<Services> = {
  name: 'voice',
  deskPages: [{ build: (s) => recordingRoutes(s) }],
  routes: [twilioWebhooks((s, auth) => voiceRoutes({ voice: s.voice, ...auth }))],
  tasks: (s) => voiceTasks(s.voice),
  personal: {
    voice_call: {
      columns: ['from_number', 'transcription', 'dialled_number'],
      erasedBy: [eraseCallsOfEnquiries, eraseCallsOf, forgetOrphanCallsBefore],
    },
  },
  kept: { 'voice_call.dialled_name': 'the on-call officer the call was put through to (staff), not the caller' },
};
