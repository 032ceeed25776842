/** The on-call callback's calls in scenario tests: Twilio's answering-machine verdict about one. */
import type { Harness } from './harness.js';

/**
 * Posts Twilio's asynchronous answering-machine verdict (`AnsweredBy`) about the outbound call
 * whose idempotency key is `key`, signed as Twilio sends it to the status callback; returns the
 * app's answer.
 */
export async function answeringVerdict(h: Harness, key: string, answeredBy: string, detectionMs = 2000) {
  const call = await h.database.db
    .selectFrom('outbound_message')
    .select('provider_sid')
    .where('idempotency_key', '=', key)
    .executeTakeFirstOrThrow();
  if (!call.provider_sid) throw new Error(`the call ${key} has not been placed`);
  return h.webhook('/twilio/status', {
    CallSid: call.provider_sid,
    AccountSid: h.twilio.accountSid,
    AnsweredBy: answeredBy,
    MachineDetectionDuration: String(detectionMs),
  });
}
