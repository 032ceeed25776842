/**
 * The outbox's senders for texts and calls, over Twilio: the adapter from the outbox's `Sender`
 * (src/outbox/senders.ts) to the Twilio gateway. Telephony depends on the outbox's interface, never
 * the other way round; src/services.ts adds the SMTP sender for email.
 */
import type { Sender } from '../outbox/senders.js';
import type { TwilioGateway } from './twilio.client.js';

/**
 * The `sms` and `call` senders over `gateway`. `recordedCallSids(phone)` lists the calls already
 * recorded to a phone, so that a look-up after a crash does not claim another page's call as its own.
 */
export function twilioSenders(
  gateway: TwilioGateway,
  recordedCallSids: (phone: string) => Promise<string[]>,
): { sms: Sender; call: Sender } {
  return {
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
  };
}
