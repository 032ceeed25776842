/**
 * How each medium leaves Press Desk: one sender per medium behind one interface, so the outbox
 * (src/outbox/outbox.service.ts) sends, and looks for an earlier attempt, without knowing which
 * medium or provider it is: SMS and voice over Twilio, email over SMTP.
 */
// Only `providerSenders`, the Twilio implementation, names Twilio; the interface does not.
import type { TwilioGateway } from '../telephony/twilio.client.js';
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
 * The senders: SMS and calls over Twilio, email over SMTP (`email`, src/email/smtp.sender.ts).
 * `recordedCallSids(phone)` lists the calls already recorded to a phone,
 * so that a look-up after a crash does not claim another page's call as its own.
 */
export function providerSenders(
  gateway: TwilioGateway,
  recordedCallSids: (phone: string) => Promise<string[]>,
  email: Sender,
): Record<Medium, Sender> {
  return {
    email,
    sms: {
      send: (m) => gateway.sendSms({ to: m.to, body: m.content, statusCallback: m.statusCallback }),
      findEarlier: (a) => gateway.findSentSms(a),
    },
    call: {
      send: (m) =>
        gateway.placeCall({
          to: m.to,
          twiml: m.content,
          statusCallback: m.statusCallback,
          ...(m.detectMachine ? { machineDetection: { statusCallback: m.statusCallback } } : {}),
        }),
      findEarlier: async (a) =>
        gateway.findPlacedCall({ to: a.to, since: a.since, exclude: await recordedCallSids(a.to) }),
      end: (sid) => gateway.endCall(sid),
    },
  } satisfies Record<Medium, Sender>;
}
