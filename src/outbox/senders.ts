/**
 * How each medium leaves Press Desk: one sender per medium behind one interface, so the outbox
 * (src/outbox/outbox.service.ts) sends, and looks for an earlier attempt, without knowing which
 * medium or provider it is: SMS and voice over Twilio, email over SMTP.
 */
// The interface names no provider: the Twilio senders are src/telephony/twilio.senders.ts, the SMTP one
// src/email/smtp.sender.ts, and src/services.ts puts them together (the outbox imports neither).
import type { Medium } from './outbox.tables.js';

// The outbox table's medium column; defined there so the tables file stays a leaf.
export type { Medium };

/** What to hand a sender: to whom, and the content (an SMS's text, or the TwiML a call plays). */
export interface SenderMessage {
  to: string;
  content: string;
  /** Absolute URL the provider posts delivery status to. */
  statusCallback: string;
  /**
   * Calls only: ask the provider whether a person or a machine answered; the verdict is posted to
   * `statusCallback` too (see `DeliveryStatusService.handleAnswer`).
   */
  detectMachine?: boolean;
}

/** Where to look for an attempt whose outcome is unknown: sent to `to` since `since`, carrying `marker`. */
export interface EarlierAttempt {
  to: string;
  since: Date;
  /** Text an earlier SMS carries (calls are matched by recipient and time only). */
  marker: string;
}

/** What a provider answers when it accepts a message: its id for it (an SMS or call SID) and the initial status. */
export interface SendResult {
  sid: string;
  status: string;
}

/** One medium's way out. Every failure is a `SendError` (it says whether a retry can help). */
export interface Sender {
  /** Sends once; resolves with the provider's id once the provider has accepted it. */
  send(message: SenderMessage): Promise<SendResult>;
  /** The provider's id of an earlier attempt that did reach it, or null (then send again). */
  findEarlier(attempt: EarlierAttempt): Promise<string | null>;
  /** Ends what is still going on (a call in progress); absent for media with nothing to end. */
  end?(sid: string): Promise<void>;
}

/**
 * What the outbox asks of the record of numbers that texted STOP (src/sms/opt-out.ts implements it
 * with `outboxOptOuts`): the outbox sits below the SMS feature and knows no keyword or provider code.
 */
export interface OptOuts {
  /** Why a text to `phone` is refused for good because its owner opted out, or null when texts may go. */
  refusal(phone: string): Promise<string | null>;
  /** Records that the provider refused a text to `phone` at `at` because its owner unsubscribed. */
  unsubscribedAtProvider(phone: string, at: Date): Promise<void>;
}

/**
 * `sender` with each send's result told to `observe`: null when the provider took the message,
 * else what the send threw (which still reaches the outbox unchanged). For measured health
 * (src/health): the outbox knows nothing of it. `observe` must not throw; it runs before the
 * outbox records the send, so keep it cheap (it writes only when the channel's state changes).
 */
export function observedSender(sender: Sender, observe: (error: unknown) => Promise<void>): Sender {
  return {
    ...sender,
    async send(message) {
      let result: SendResult;
      try {
        result = await sender.send(message);
      } catch (err) {
        await observe(err);
        throw err;
      }
      await observe(null);
      return result;
    },
  };
}
