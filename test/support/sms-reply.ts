/**
 * An inbound text and the reply Twilio would send for the app's answer: the harness's `sms`
 * posts the signed webhook; this checks the answer as Twilio reads messaging TwiML
 * (`checkMessagingTwiml`: well-formed, <Response> of <Message>s, each at most 1,600 characters)
 * and records the replies Twilio would send, per fake, so a test can look at them all.
 */
import type { FakeTwilio } from './fake-twilio.js';
import { checkMessagingTwiml, type TwimlMessage } from './fake-twilio-model.js';
import type { Harness } from './harness.js';

/** One inbound text and what Twilio sent back for it. */
export interface InboundReply {
  from: string;
  body: string;
  /** HTTP status of the app's answer (Twilio sends no reply for a non-2xx: error 11200). */
  status: number;
  replies: TwimlMessage[];
}

const sent = new WeakMap<FakeTwilio, InboundReply[]>();

/** Every inbound text `smsWithReply` posted to the app behind `fake`, with its replies, oldest first. */
export function repliesOf(fake: FakeTwilio): InboundReply[] {
  return sent.get(fake) ?? [];
}

/**
 * Texts `body` from `from` to the press office and returns what Twilio would reply; throws, with
 * Twilio's error code, when Twilio would refuse the app's answer (so a test cannot pass on a reply
 * no phone would receive).
 */
export async function smsWithReply(h: Harness, from: string, body: string, sid?: string): Promise<InboundReply> {
  const res = await h.sms(from, body, sid);
  const answer = await res.text();
  let replies: TwimlMessage[] = [];
  if (res.status >= 200 && res.status < 300) {
    const verdict = checkMessagingTwiml(answer, res.headers.get('content-type') ?? 'application/xml');
    if (!verdict.ok)
      throw new Error(
        `Twilio would refuse the answer to ${JSON.stringify(body)}: error ${verdict.code}, ${verdict.reason}`,
      );
    replies = verdict.messages;
  }
  const reply: InboundReply = { from, body, status: res.status, replies };
  sent.set(h.twilio, [...repliesOf(h.twilio), reply]);
  return reply;
}

/**
 * The one reply Twilio would send to `body` texted from `from` ('' when the app sends none), as
 * the phone shows it; throws unless the app answered 200 with at most one reply.
 */
export async function replyTo(h: Harness, from: string, body: string, sid?: string): Promise<string> {
  const { status, replies } = await smsWithReply(h, from, body, sid);
  if (status !== 200 || replies.length > 1)
    throw new Error(`the text ${JSON.stringify(body)} got ${status} with ${replies.length} replies`);
  return replies[0]?.body ?? '';
}
