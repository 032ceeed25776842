/**
 * Twilio's reserved SMS keywords as Press Desk reads them (issue 24, item 2). With Twilio's
 * default opt-out handling, a text whose whole body (trimmed, any case) is an opt-out keyword
 * opts the sender out of the press office number: Twilio confirms it itself, still forwards the
 * text to /twilio/sms, and refuses every later text to that number (HTTP 400, error 21610) until
 * they text an opt-in keyword. Press Desk records the same state (sms_opt_out) so that it does
 * not try, and can say so on the desk. Pure: no database.
 *
 * HELP and INFO are Twilio's help keywords: Twilio answers them with its own help text and
 * forwards them too, so Press Desk still sees (and answers) them; they are not handled here.
 *
 * Welsh (issue 31): Twilio's default keywords are English only, and Welsh speakers text STOP like
 * everyone else. Press Desk adds no Welsh words of its own (a "DIM" Press Desk obeyed but Twilio
 * did not would leave the two disagreeing about who may be texted). An office that wants Welsh
 * opt-out words (e.g. STOPIO) adds them in Twilio's Advanced Opt-Out, which then sends
 * `OptOutType` with the text; `optOutChange` follows that parameter whatever the word.
 */
import type { OptOuts } from '../outbox/senders.js';
import { TWILIO_UNSUBSCRIBED } from '../telephony/twilio-codes.js';

/** Twilio's default opt-out keywords (https://www.twilio.com/docs/messaging/tutorials/advanced-opt-out). */
export const OPT_OUT_KEYWORDS = [
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'REVOKE',
  'OPTOUT',
] as const;
/** Twilio's default opt-in keywords. */
export const OPT_IN_KEYWORDS = ['START', 'YES', 'UNSTOP'] as const;
/** Twilio's default help keywords: answered by Twilio and forwarded; Press Desk answers them as it always did. */
export const HELP_KEYWORDS = ['HELP', 'INFO'] as const;

/** What a text does to the sender's opt-out, or null when it is not a reserved keyword that changes it. */
export type OptOutChange = { kind: 'stop' | 'start'; keyword: string };

/**
 * The opt-out change `body` makes. `optOutType` is Twilio's `OptOutType` webhook parameter
 * (sent with Advanced Opt-Out, which may have custom keywords): when present it decides;
 * otherwise the default keywords are matched against the whole trimmed body, in any case.
 * "Stop press: the council…" is an enquiry, not an opt-out.
 */
export function optOutChange(body: string, optOutType?: string | null): OptOutChange | null {
  const keyword = body.trim().toUpperCase();
  const type = optOutType?.trim().toUpperCase();
  if (type === 'STOP') return { kind: 'stop', keyword: keyword.slice(0, 40) || 'STOP' };
  if (type === 'START') return { kind: 'start', keyword: keyword.slice(0, 40) || 'START' };
  if (type) return null; // HELP, or a type Twilio adds later: not an opt-out change.
  if ((OPT_OUT_KEYWORDS as readonly string[]).includes(keyword)) return { kind: 'stop', keyword };
  if ((OPT_IN_KEYWORDS as readonly string[]).includes(keyword)) return { kind: 'start', keyword };
  return null;
}

// A Twilio code, so defined with Twilio's (telephony/twilio-codes.ts); re-exported for the opt-out's users.
export { TWILIO_UNSUBSCRIBED };

/** What an opted-out number's row says, and when it started. */
export interface OptOut {
  phone: string;
  opted_out_at: Date;
  keyword: string;
}

/** The opt-out to record at `at` when the provider refused a text because `phone` unsubscribed (Twilio's 21610). */
export function unsubscribedAtProvider(phone: string, at: Date): OptOut {
  return { phone, opted_out_at: at, keyword: String(TWILIO_UNSUBSCRIBED) };
}

/** The reason an outbox row to an opted-out number fails with (no personal data: the number is on the row already). */
export function optedOutReason(o: OptOut, when: (d: Date) => string): string {
  const how =
    o.keyword === String(TWILIO_UNSUBSCRIBED)
      ? 'Twilio reported the number unsubscribed (error 21610)'
      : `texted ${o.keyword}`;
  return `Not sent: the recipient ${how} on ${when(o.opted_out_at)}; texts will not reach them until they text START`;
}

/** What the desk is told about a journalist who texted STOP: beside their number, instead of the SMS reply form, and when a reply is refused. */
export function optOutNotice(o: Pick<OptOut, 'opted_out_at' | 'keyword'>, when: (d: Date) => string): string {
  const how =
    o.keyword === String(TWILIO_UNSUBSCRIBED)
      ? 'Unsubscribed from our texts (Twilio reported it)'
      : `Texted ${o.keyword}`;
  return `${how} on ${when(o.opted_out_at)}: texts will not reach them; call or email`;
}

/**
 * The outbox's `OptOuts` over a store of opt-out rows (src/sms/opt-out.repository.ts, or a test's
 * own): a text to an opted-out number is refused with `optedOutReason`, saying when with `when`
 * (default: ISO 8601, UTC), and a provider's "unsubscribed" is recorded as `unsubscribedAtProvider`.
 */
export function outboxOptOuts(
  store: { find(phone: string): Promise<OptOut | undefined>; record(row: OptOut): Promise<void> },
  when: (d: Date) => string = (d) => d.toISOString(),
): OptOuts {
  return {
    refusal: async (phone) => {
      const o = await store.find(phone);
      return o ? optedOutReason(o, when) : null;
    },
    unsubscribedAtProvider: (phone, at) => store.record(unsubscribedAtProvider(phone, at)),
  };
}
