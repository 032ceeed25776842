/**
 * The fake Twilio's model of inbound texts and Twilio's reserved keywords (issue 24, item 2),
 * kept apart from fake-twilio.ts, which only hooks it in. It follows Twilio's default opt-out
 * handling for a long-code number, as documented (not as Press Desk reads it: nothing here
 * imports src/, so the fake and the code cannot share a misunderstanding):
 *
 * - a text whose whole body, trimmed and in any case, is an opt-out keyword (STOP, STOPALL,
 *   UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT) opts the sender out of the Twilio number it
 *   was sent to: Twilio replies with its own confirmation, still forwards the text to the
 *   webhook, and refuses every later Message create from that number to the sender with HTTP 400,
 *   error 21610 ("Attempt to send to unsubscribed recipient");
 * - an opt-in keyword (START, YES, UNSTOP) ends the opt-out, with Twilio's confirmation;
 * - a help keyword (HELP, INFO) gets Twilio's help reply, and is forwarded too;
 * - "STOP please" or "INFO 4821" is no keyword: forwarded, no auto-reply, no change.
 *
 * With Advanced Opt-Out (a Messaging Service setting: `advancedOptOut`) the webhook also carries
 * `OptOutType` = STOP, START or HELP for a keyword. Twilio's own replies are recorded in
 * `autoReplies`, never as the app's messages.
 */
import twilio from 'twilio';

/** Twilio's default opt-out keywords (https://www.twilio.com/docs/messaging/tutorials/advanced-opt-out). */
export const TWILIO_OPT_OUT_KEYWORDS = [
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
export const TWILIO_OPT_IN_KEYWORDS = ['START', 'YES', 'UNSTOP'] as const;
/** Twilio's default help keywords. */
export const TWILIO_HELP_KEYWORDS = ['HELP', 'INFO'] as const;
/** Every word Twilio intercepts by default. */
export const TWILIO_RESERVED_KEYWORDS = [
  ...TWILIO_OPT_OUT_KEYWORDS,
  ...TWILIO_OPT_IN_KEYWORDS,
  ...TWILIO_HELP_KEYWORDS,
] as const;

/** The `OptOutType` of a keyword (Advanced Opt-Out's webhook parameter). */
export type KeywordType = 'STOP' | 'START' | 'HELP';

/** Twilio's default confirmation texts (the wording of its console defaults). */
export const TWILIO_AUTO_REPLIES: Record<KeywordType, string> = {
  STOP: 'You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe.',
  START:
    'You have successfully been re-subscribed to messages from this number. Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply.',
  HELP: 'Reply STOP to unsubscribe. Msg&Data Rates May Apply.',
};

/** Twilio's refusal of a Message create to an opted-out recipient. */
export const UNSUBSCRIBED = { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' } as const;

/** The keyword type of a whole inbound body, or null when it is no keyword. */
export function keywordType(body: string): KeywordType | null {
  const word = body.trim().toUpperCase();
  if ((TWILIO_OPT_OUT_KEYWORDS as readonly string[]).includes(word)) return 'STOP';
  if ((TWILIO_OPT_IN_KEYWORDS as readonly string[]).includes(word)) return 'START';
  if ((TWILIO_HELP_KEYWORDS as readonly string[]).includes(word)) return 'HELP';
  return null;
}

/** A text Twilio itself sent in answer to a keyword (not the app's). */
export interface FakeAutoReply {
  /** The sender of the keyword. */
  to: string;
  /** The Twilio number it was sent to. */
  from: string;
  body: string;
  keyword: KeywordType;
  at: Date;
}

/** A text the app's TwiML answer asked Twilio to send back; `blocked` when the sender had opted out (Twilio sends nothing). */
export interface FakeTwimlReply {
  body: string;
  blocked: boolean;
}

/** One inbound text delivered to the app's webhook. */
export interface FakeInboundSms {
  messageSid: string;
  from: string;
  to: string;
  body: string;
  /** The keyword Twilio took it for, or null. */
  keyword: KeywordType | null;
  /** Every parameter posted (signed). */
  params: Record<string, string>;
  /** HTTP status of the app's answer; 0 when the delivery threw. */
  status: number;
  /** The `<Message>`s of the app's TwiML answer. */
  replies: FakeTwimlReply[];
  at: Date;
}

/** What `receiveSms` takes: the sender and text; `to` defaults to the fake's phone number, `url` to its `smsUrl`. */
export interface InboundSmsOptions {
  from: string;
  body: string;
  to?: string;
  messageSid?: string;
  url?: string;
}

/** Opt-out state per (sender, Twilio number), as Twilio keeps it. */
export class OptOutModel {
  private readonly optedOut = new Map<string, Date>();

  private static key(sender: string, twilioNumber: string): string {
    return `${sender}|${twilioNumber}`;
  }

  /** True when `sender` opted out of texts from `twilioNumber`. */
  isOptedOut(sender: string, twilioNumber: string): boolean {
    return this.optedOut.has(OptOutModel.key(sender, twilioNumber));
  }

  /** Sets the state directly (a test's arrangement: "they opted out before this test"). */
  set(sender: string, twilioNumber: string, optedOut: boolean, at = new Date()): void {
    if (optedOut) this.optedOut.set(OptOutModel.key(sender, twilioNumber), at);
    else this.optedOut.delete(OptOutModel.key(sender, twilioNumber));
  }

  /** Applies an inbound text's keyword (if any) to the state; returns its type. */
  apply(sender: string, twilioNumber: string, body: string, at: Date): KeywordType | null {
    const type = keywordType(body);
    if (type === 'STOP') this.set(sender, twilioNumber, true, at);
    if (type === 'START') this.set(sender, twilioNumber, false);
    return type;
  }

  clear(): void {
    this.optedOut.clear();
  }
}

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'", '&amp;': '&' };

/** The texts of the `<Message>` elements of a messaging TwiML document. */
export function twimlMessages(twiml: string): string[] {
  return [...twiml.matchAll(/<Message(?:\s[^>]*)?>([\s\S]*?)<\/Message>/g)].map((m) =>
    m[1].replace(/&(?:lt|gt|quot|apos|amp);/g, (e) => ENTITIES[e]),
  );
}

/** What delivering an inbound text needs from the fake. */
export interface InboundDeps {
  accountSid: string;
  authToken: string;
  optOuts: OptOutModel;
  autoReplies: FakeAutoReply[];
  inbound: FakeInboundSms[];
  /** Whether the webhook gets `OptOutType` (Advanced Opt-Out on the Messaging Service). */
  advancedOptOut(): boolean;
  deliver(
    url: string,
    init: RequestInit & { headers: Record<string, string>; body: string },
  ): Response | Promise<Response>;
}

/**
 * A text from `from` to the Twilio number `to`, as Twilio handles it: the keyword rules first
 * (state and auto-reply), then the signed webhook to `url`. Resolves with the record and the
 * app's answer (unread: the caller may read its body).
 */
export async function deliverInboundSms(
  deps: InboundDeps,
  opts: Required<Omit<InboundSmsOptions, 'messageSid'>> & { messageSid: string },
): Promise<{ record: FakeInboundSms; response: Response }> {
  const at = new Date();
  const keyword = deps.optOuts.apply(opts.from, opts.to, opts.body, at);
  if (keyword) deps.autoReplies.push({ to: opts.from, from: opts.to, body: TWILIO_AUTO_REPLIES[keyword], keyword, at });
  const sid = opts.messageSid;
  const params: Record<string, string> = {
    ToCountry: 'GB',
    SmsMessageSid: sid,
    NumMedia: '0',
    SmsSid: sid,
    SmsStatus: 'received',
    Body: opts.body,
    To: opts.to,
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: deps.accountSid,
    From: opts.from,
    ApiVersion: '2010-04-01',
  };
  if (keyword && deps.advancedOptOut()) params.OptOutType = keyword;
  const record: FakeInboundSms = {
    messageSid: sid,
    from: opts.from,
    to: opts.to,
    body: opts.body,
    keyword,
    params,
    status: 0,
    replies: [],
    at,
  };
  deps.inbound.push(record);
  const response = await deps.deliver(opts.url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
      'X-Twilio-Signature': twilio.getExpectedTwilioSignature(deps.authToken, opts.url, params),
      'User-Agent': 'TwilioProxy/1.1',
    },
    body: new URLSearchParams(params).toString(),
  });
  record.status = response.status;
  const twiml = await response.clone().text();
  // Twilio sends a TwiML reply like any other message: not to a number that opted out.
  const blocked = deps.optOuts.isOptedOut(opts.from, opts.to);
  record.replies = response.ok ? twimlMessages(twiml).map((body) => ({ body, blocked })) : [];
  return { record, response };
}
