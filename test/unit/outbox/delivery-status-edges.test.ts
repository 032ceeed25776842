/**
 * The edges of the delivery status rules that mutation testing (docs/testing.md "Mutation
 * testing") found untested: a recorded status Press Desk does not know, and who answered a call
 * placed with answering-machine detection.
 */
import { describe, expect, it } from 'vitest';
import { answeredByMachine, statusMayReplace } from '../../../src/outbox/delivery-status.js';

describe('a recorded status Press Desk does not know', () => {
  it('is replaced by any status it knows, earlier or later: an unknown status has no place in the order to defend', () => {
    for (const next of ['queued', 'sent', 'delivered', 'failed'])
      expect(statusMayReplace('sms', 'some-new-status', next), next).toBe(true);
    for (const next of ['ringing', 'completed'])
      expect(statusMayReplace('call', 'some-new-status', next), next).toBe(true);
  });
});

describe('who answered a call (Twilio AnsweredBy)', () => {
  it('a voicemail box, at any point of its greeting, or a fax is a machine', () => {
    for (const by of ['machine_start', 'machine_end_beep', 'machine_end_silence', 'machine_end_other', 'fax'])
      expect(answeredByMachine(by), by).toBe(true);
  });

  it('a person, or a verdict Twilio could not make, is not a machine: the call goes on as answered', () => {
    for (const by of ['human', 'unknown', '']) expect(answeredByMachine(by), by).toBe(false);
  });
});
