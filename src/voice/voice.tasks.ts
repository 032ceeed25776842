import type { Task } from 'graphile-worker';
import { typedTask } from '../jobs/jobs.js';
import type { VoiceService } from './voice.service.js';

/** The phone line's tasks: deleting a caller's recording at Twilio after erasure (retried until Twilio agrees). */
export function voiceTasks(voice: VoiceService): Record<'delete_recording', Task> {
  return { delete_recording: typedTask('delete_recording', (p) => voice.deleteRecording(p.recordingSid)) };
}
