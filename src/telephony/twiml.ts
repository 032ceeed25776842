/** TwiML answers shared by the SMS and voice webhooks. */
import twilio from 'twilio';

/** TwiML that sends `text` back to the sender of the inbound message; null: an empty answer (nothing is sent). */
export function messagingTwiml(text: string | null): string {
  const response = new twilio.twiml.MessagingResponse();
  if (text !== null) response.message(text);
  return response.toString();
}

/** TwiML that says `text` on a call, in British English, and ends it. */
export function voiceSay(text: string): string {
  const r = new twilio.twiml.VoiceResponse();
  r.say({ voice: 'alice', language: 'en-GB' }, text);
  return r.toString();
}

/**
 * TwiML of a page call: the summary and the prompt, twice, inside one keypress gather posted to
 * `gatherUrl`; then `escalation` and goodbye. Here, with the other TwiML, so paging names no provider.
 */
export function callTwiml(summary: string, prompt: string, escalation: string, gatherUrl: string): string {
  const r = new twilio.twiml.VoiceResponse();
  const gather = r.gather({ numDigits: 1, action: gatherUrl, method: 'POST', timeout: 10 });
  gather.say({ voice: 'alice', language: 'en-GB' }, summary);
  gather.say({ voice: 'alice', language: 'en-GB' }, prompt);
  gather.say({ voice: 'alice', language: 'en-GB' }, summary);
  gather.say({ voice: 'alice', language: 'en-GB' }, prompt);
  r.say({ voice: 'alice', language: 'en-GB' }, `No key pressed. ${escalation} Goodbye.`);
  return r.toString();
}

/** Headers of a TwiML answer. */
export const TWIML_HEADERS = { 'Content-Type': 'text/xml; charset=utf-8' } as const;
