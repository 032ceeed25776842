/**
 * The port by which the outbox tells a feature that one of its plain messages (owner `message`)
 * never reached the phone: Twilio refused it for good when asked to send it, or a delivery callback
 * said it failed. The outbox sits below the features, so it names none of them; the composition
 * root (src/services.ts) wires the feature that cares (the incident summaries to on-call, issue 27).
 */
import type { Tx } from '../db/database.js';
import type { OutboundMessage } from './outbox.tables.js';

/** Why a plain message did not reach the phone: the provider's words and its error code, when it gave one. */
export interface Refusal {
  error: string;
  /** Twilio's error code (21614, 30003, …) or null. */
  code: string | null;
}

/** Who is told when a plain message is refused for good. */
export interface MessageRefusals {
  /**
   * Called in the transaction that records the refusal, with `message`'s row locked, so reports of
   * one message are handled one at a time. One message can be reported more than once (a failed
   * status callback after an undelivered one, Twilio repeating a callback): it must act once.
   */
  refused(tx: Tx, message: OutboundMessage, refusal: Refusal, at: Date): Promise<void>;
}
