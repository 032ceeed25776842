/**
 * What the fake Twilio models of Twilio's behaviour beyond accepting and recording requests
 * (issue 24): how Twilio counts a message's segments, the order it posts status callbacks in,
 * how it pages list results, and how it checks the messaging TwiML an app answers an inbound
 * text with. Kept apart from fake-twilio.ts so that each piece can be tested on its own and the
 * server only calls into it. Written from Twilio's documentation, never from Press Desk's code:
 * nothing here imports from src/, so the fake and the app cannot share a misunderstanding.
 */
import { parseXml, type XmlElement } from './fake-call.js';

// ---------------------------------------------------------------------------------------------
// Segments (Twilio's `num_segments`).

/** GSM 03.38 basic character set (LF and CR included; ESC is not a character of a text). */
const GSM7_BASIC = new Set([
  ...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
]);
/** GSM 03.38 extension table: each is sent as ESC + character, so it takes two septets. */
const GSM7_EXTENSION = new Set([...'\f^{}\\[~]|€']);

/** How Twilio sends a body: its encoding, its length in that encoding's units, and the segments it takes. */
export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7, an extension character counting two) or UTF-16 code units (UCS-2, an emoji counting two). */
  units: number;
  segments: number;
}

/**
 * Segments of `body` as Twilio reports them in `num_segments`: GSM-7 when every character is in
 * the GSM 03.38 basic or extension table (160 septets in one segment, 153 a segment when joined,
 * an extension character taking two), otherwise UCS-2 (70 UTF-16 code units in one segment, 67
 * a segment when joined: one typographic ellipsis or emoji makes the whole text UCS-2).
 * Not modelled: Twilio's "smart encoding" (off by default) and the rule that a segment never
 * splits an escape pair or a surrogate pair, which can add a segment at an exact boundary.
 */
export function twilioSegments(body: string): SmsSegments {
  let septets = 0;
  let gsm = true;
  for (const ch of body) {
    if (GSM7_BASIC.has(ch)) septets += 1;
    else if (GSM7_EXTENSION.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  const [units, single, joined] = gsm ? [septets, 160, 153] : [body.length, 70, 67];
  const segments = units <= single ? 1 : Math.ceil(units / joined);
  return { encoding: gsm ? 'GSM-7' : 'UCS-2', units, segments };
}

// ---------------------------------------------------------------------------------------------
// Status callbacks in Twilio's order.

/**
 * The statuses Twilio posts to a message's StatusCallback, in order, for one that is delivered.
 * The initial `queued` is not posted: Twilio's documentation ("Outbound Message Status in Status
 * Callbacks") says no callback is sent for a new Message's initial status.
 */
export const MESSAGE_PROGRESS = ['sent', 'delivered'] as const;
/** A call's statuses in order, each with the StatusCallbackEvent that asks for it. */
export const CALL_PROGRESS = [
  { status: 'initiated', event: 'initiated' },
  { status: 'ringing', event: 'ringing' },
  { status: 'in-progress', event: 'answered' },
  { status: 'completed', event: 'completed' },
] as const;

/** Options of `FakeTwilio.progress`. */
export interface ProgressOptions {
  /** Deliver the last (final) status first, then the others in order: a late `sent` after `delivered`. */
  reorder?: boolean;
}

/**
 * The callbacks `progress` posts for a record, in delivery order. Calls get only the statuses
 * whose event the create asked for in StatusCallbackEvent (Twilio's default is `completed` alone).
 * `statuses` replaces the natural order (filtered the same way for calls); `reorder` moves the
 * final one to the front.
 */
export function progressPlan(
  record: { kind: 'message' | 'call'; statusCallbackEvent?: string[] },
  statuses?: string[],
  opts: ProgressOptions = {},
): string[] {
  let plan: string[];
  if (record.kind === 'message') plan = statuses ?? [...MESSAGE_PROGRESS];
  else {
    const asked = new Set(record.statusCallbackEvent?.length ? record.statusCallbackEvent : ['completed']);
    const wanted = (s: string) => {
      const known = CALL_PROGRESS.find((p) => p.status === s);
      // A final status other than completed (busy, no-answer, failed, canceled) comes with the completed event.
      return known ? asked.has(known.event) : asked.has('completed');
    };
    plan = (statuses ?? CALL_PROGRESS.map((p) => p.status)).filter(wanted);
  }
  if (opts.reorder && plan.length > 1) plan = [plan[plan.length - 1], ...plan.slice(0, -1)];
  return plan;
}

// ---------------------------------------------------------------------------------------------
// List pagination.

/** Twilio's default and largest PageSize of a list request. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** One page of a list, as Twilio's list resources answer it. */
export interface ListPage<T> {
  items: T[];
  page: number;
  pageSize: number;
  start: number;
  end: number;
  uri: string;
  firstPageUri: string;
  nextPageUri: string | null;
  previousPageUri: string | null;
}

/**
 * The page of `items` (newest first) that `query` asks for: `PageSize` (default 50, at most 1000,
 * or `maxPageSize` when a test lowers it), `Page` (0-based) and `PageToken` (`PA` + the SID of
 * the last item of the previous page, the cursor Twilio's next_page_uri carries). Filters in the
 * query (To, …) are kept on every page URI, so the twilio library's `list({ limit })` follows
 * `next_page_uri` until it has `limit` records.
 */
export function listPage<T extends { sid: string }>(
  items: T[],
  path: string,
  query: URLSearchParams,
  maxPageSize = MAX_PAGE_SIZE,
): ListPage<T> {
  const asked = Number(query.get('PageSize') ?? DEFAULT_PAGE_SIZE);
  const pageSize = Math.max(
    1,
    Math.min(Number.isFinite(asked) ? Math.floor(asked) : DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, maxPageSize),
  );
  const page = Math.max(0, Number(query.get('Page') ?? 0) || 0);
  const token = query.get('PageToken');
  let start = page * pageSize;
  if (token?.startsWith('PA')) {
    const after = items.findIndex((i) => i.sid === token.slice(2));
    if (after >= 0) start = after + 1;
  }
  const slice = items.slice(start, start + pageSize);
  const filters = new URLSearchParams([...query].filter(([k]) => !['PageSize', 'Page', 'PageToken'].includes(k)));
  const uriOf = (p: number, tokenSid?: string) => {
    const q = new URLSearchParams(filters);
    q.set('PageSize', String(pageSize));
    q.set('Page', String(p));
    if (tokenSid) q.set('PageToken', `PA${tokenSid}`);
    return `${path}?${q.toString()}`;
  };
  const more = start + pageSize < items.length;
  return {
    items: slice,
    page,
    pageSize,
    start,
    end: start + Math.max(0, slice.length - 1),
    uri: uriOf(page, token?.slice(2)),
    firstPageUri: uriOf(0),
    nextPageUri: more && slice.length ? uriOf(page + 1, slice[slice.length - 1].sid) : null,
    previousPageUri: page > 0 ? uriOf(page - 1) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Messaging TwiML (the answer to an inbound SMS webhook).

/** A <Message> of a messaging TwiML reply, as Twilio would send it. */
export interface TwimlMessage {
  body: string;
  to: string | null;
  from: string | null;
}

/** What Twilio makes of an app's answer to an inbound text: the replies it sends, or why it refuses the answer. */
export type MessagingTwimlVerdict =
  | { ok: true; messages: TwimlMessage[] }
  /** 12100: document parse failure; 12200: schema validation (unknown verb, no <Response>); 21617: a body over 1,600 characters. */
  | { ok: false; code: 12100 | 12200 | 21617; reason: string };

/** Twilio's longest message body (UTF-16 code units); a <Message> longer is not sent (error 21617). */
export const MESSAGE_BODY_LIMIT = 1600;
const MESSAGING_VERBS = new Set(['Message', 'Redirect']);

/**
 * Checks an inbound-SMS webhook answer as Twilio does: an empty body (or an empty <Response/>)
 * sends nothing; otherwise it must be a well-formed XML document whose root is <Response> and
 * whose verbs are <Message> or <Redirect>; each <Message>'s text (its <Body> when it has one)
 * must be at most 1,600 characters. `contentType` of the answer: Twilio reads a text/plain body
 * as the reply itself.
 */
export function checkMessagingTwiml(answer: string, contentType = 'application/xml'): MessagingTwimlVerdict {
  if (answer.trim() === '') return { ok: true, messages: [] };
  if (contentType.startsWith('text/plain')) {
    if (answer.length > MESSAGE_BODY_LIMIT)
      return { ok: false, code: 21617, reason: `plain-text reply of ${answer.length} characters` };
    return { ok: true, messages: [{ body: answer, to: null, from: null }] };
  }
  let root: XmlElement;
  try {
    root = parseXml(answer);
  } catch (err) {
    return { ok: false, code: 12100, reason: (err as Error).message };
  }
  if (root.name !== 'Response')
    return { ok: false, code: 12200, reason: `root element <${root.name}>, not <Response>` };
  const messages: TwimlMessage[] = [];
  for (const child of root.children) {
    if (typeof child === 'string') {
      if (child.trim()) return { ok: false, code: 12200, reason: 'text directly inside <Response>' };
      continue;
    }
    if (!MESSAGING_VERBS.has(child.name))
      return { ok: false, code: 12200, reason: `<${child.name}> is not a messaging TwiML verb` };
    if (child.name !== 'Message') continue;
    const bodyEl = child.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'Body');
    // Twilio keeps the body's own line breaks; only the document's indentation around it goes.
    const body = bodyEl ? rawText(bodyEl) : rawText(child);
    if (body.length > MESSAGE_BODY_LIMIT)
      return { ok: false, code: 21617, reason: `<Message> of ${body.length} characters` };
    messages.push({ body, to: child.attrs.to ?? null, from: child.attrs.from ?? null });
  }
  return { ok: true, messages };
}

/** The text directly inside `el` (child elements such as <Media> skipped), trimmed at both ends. */
function rawText(el: XmlElement): string {
  return el.children
    .filter((c): c is string => typeof c === 'string')
    .join('')
    .trim();
}

// ---------------------------------------------------------------------------------------------
// Resource representations (the JSON of a create, and of each item of a list page).

/** What the resource builders need of a recorded message or call. */
export interface ResourceSource {
  sid: string;
  to: string;
  from: string;
  body?: string;
  status: string;
  at: Date;
  answeredBy?: string;
}

function rfc2822(d: Date): string {
  return d.toUTCString().replace('GMT', '+0000');
}

/**
 * A Message resource with exactly the fields of Twilio's Message resource (the documented
 * example in test/support/twilio-fixtures/message-create.json): `date_sent` and `price` stay
 * null while it is queued, `num_segments` is `twilioSegments`' count.
 */
export function messageResource(r: ResourceSource, accountSid: string): Record<string, unknown> {
  const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${r.sid}.json`;
  return {
    account_sid: accountSid,
    api_version: '2010-04-01',
    body: r.body ?? '',
    date_created: rfc2822(r.at),
    date_sent: r.status === 'queued' ? null : rfc2822(r.at),
    date_updated: rfc2822(r.at),
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: r.from,
    messaging_service_sid: null,
    num_media: '0',
    num_segments: String(twilioSegments(r.body ?? '').segments),
    price: null,
    price_unit: 'USD',
    sid: r.sid,
    status: r.status,
    subresource_uris: { media: uri.replace(/\.json$/, '/Media.json') },
    to: r.to,
    uri,
  };
}

/** A Call resource with exactly the fields of Twilio's Call resource (test/support/twilio-fixtures/call-create.json). */
export function callResource(r: ResourceSource, accountSid: string): Record<string, unknown> {
  const uri = `/2010-04-01/Accounts/${accountSid}/Calls/${r.sid}.json`;
  const base = uri.replace(/\.json$/, '');
  return {
    account_sid: accountSid,
    answered_by: r.answeredBy ?? null,
    api_version: '2010-04-01',
    caller_name: null,
    date_created: rfc2822(r.at),
    date_updated: rfc2822(r.at),
    direction: 'outbound-api',
    duration: null,
    end_time: null,
    forwarded_from: null,
    from: r.from,
    from_formatted: r.from,
    group_sid: null,
    parent_call_sid: null,
    phone_number_sid: null,
    price: null,
    price_unit: 'USD',
    queue_time: '0',
    sid: r.sid,
    start_time: r.status === 'queued' ? null : rfc2822(r.at),
    status: r.status,
    subresource_uris: { notifications: `${base}/Notifications.json`, recordings: `${base}/Recordings.json` },
    to: r.to,
    to_formatted: r.to,
    trunk_sid: null,
    uri,
  };
}
