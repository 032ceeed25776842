import { createHash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  MailParser,
  simpleParser,
  type AddressObject,
  type AttachmentStream,
  type HeaderLines,
  type MessageText,
} from 'mailparser';
import { normaliseText } from '../enquiries/enquiry.input.js';
import type { AutoReason, MailAddress, NotStored } from './email.tables.js';

/** Longest text kept of one message (a pasted report can be long; a megabyte of text is abuse). */
export const MAX_EMAIL_TEXT = 200_000;
/** Delivery-report parts are read this far to find the bounced message's Message-ID and status. */
const REPORT_PART_BYTES = 64 * 1024;
/** Parts of a delivery status notification (RFC 3464) that describe the message that bounced. */
const REPORT_PARTS = new Set([
  'message/delivery-status',
  'message/rfc822',
  'text/rfc822-headers',
  'message/global',
  'message/global-headers',
  'message/global-delivery-status',
]);

/** How much of a message is kept: `email.maxAttachmentBytes` and `email.maxMessageBytes`. */
export interface StorageLimits {
  maxAttachmentBytes: number;
  maxMessageBytes: number;
}

/** One attachment as parsed: content null when it was listed but not kept (`notStored` says why). */
export interface ParsedAttachment {
  filename: string | null;
  contentType: string;
  size: number;
  inline: boolean;
  content: Buffer | null;
  notStored: NotStored | null;
}

/** What a delivery status notification says about the message that bounced. */
export interface BounceReport {
  /** Message-IDs found in the returned message or its headers (ours, when we sent it). */
  originalMessageIds: string[];
  recipient: string | null;
  action: string | null;
  status: string | null;
  diagnostic: string | null;
}

/** A received message, parsed and normalised, ready for intake. */
export interface ParsedEmail {
  /** The Message-ID header, or a synthetic one from the source's SHA-256 when it had none. */
  messageId: string;
  inReplyTo: string | null;
  /** The References header, oldest first. */
  references: string[];
  /** The first address of From. */
  from: MailAddress | null;
  /** How many addresses From named (more than one: no single sender to answer). */
  fromCount: number;
  replyTo: string | null;
  to: MailAddress[];
  cc: MailAddress[];
  /** Decoded and normalised to one line; '' when there was none. */
  subject: string;
  /** The text body (from the HTML when there was no plain text), quoted history and signature kept. */
  text: string;
  sentAt: Date | null;
  /** Why the message is automatic, or null for one written by a person. */
  auto: AutoReason | null;
  /** Set for a delivery status notification. */
  bounce: BounceReport | null;
  attachments: ParsedAttachment[];
  /** Size of the source in bytes. */
  size: number;
}

/** Counts and hashes the bytes on their way to the parser. */
class Measure extends Transform {
  bytes = 0;
  readonly hash = createHash('sha256');
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    done(null, chunk);
  }
}

/** A header's value from the raw lines (unfolded, trimmed), for the headers mailparser restructures (List-*, Return-Path). */
function rawHeader(lines: HeaderLines | false, key: string): string | null {
  if (!lines) return null;
  const line = lines.find((l) => l.key === key)?.line;
  if (line === undefined) return null;
  return line
    .slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
}

/**
 * Why a message is automatic, by the signs RFC 3834 and common practice give: `Auto-Submitted`
 * other than `no`, `Precedence: bulk|junk|list|auto_reply`, any `List-Id`/`List-Unsubscribe`,
 * `X-Autoreply`/`X-Autorespond`, an empty Return-Path (`<>`, as bounces and many robots send),
 * a delivery status report, or a sender called MAILER-DAEMON. Null for a person's message.
 */
export function autoReasonOf(lines: HeaderLines | false, fromAddress: string | null): AutoReason | null {
  const contentType = rawHeader(lines, 'content-type') ?? '';
  if (/^multipart\/report\b/i.test(contentType) && /report-type\s*=\s*"?delivery-status/i.test(contentType))
    return 'delivery-status';
  const autoSubmitted = rawHeader(lines, 'auto-submitted');
  if (autoSubmitted && !/^no\b/i.test(autoSubmitted)) return 'auto-submitted';
  const precedence = rawHeader(lines, 'precedence');
  if (precedence && /^(bulk|junk|list|auto_reply)\b/i.test(precedence)) return 'precedence';
  if (rawHeader(lines, 'list-id') !== null || rawHeader(lines, 'list-unsubscribe') !== null) return 'list';
  if (rawHeader(lines, 'x-autoreply') !== null || rawHeader(lines, 'x-autorespond') !== null) return 'x-autoreply';
  const returnPath = rawHeader(lines, 'return-path');
  if (returnPath !== null && /^<\s*>$/.test(returnPath)) return 'empty-return-path';
  if (fromAddress && /^mailer-daemon@/i.test(fromAddress)) return 'mailer-daemon';
  return null;
}

/** Every address of an address header, groups flattened; names normalised to one line. */
function addressesOf(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const out: MailAddress[] = [];
  const visit = (
    list: Array<{ name: string; address?: string; group?: Array<{ name: string; address?: string }> }>,
  ) => {
    for (const a of list) {
      if (a.group) visit(a.group);
      else if (a.address) out.push({ name: normaliseText(a.name ?? '', false), address: a.address.trim() });
    }
  };
  for (const obj of Array.isArray(value) ? value : value ? [value] : []) visit(obj.value);
  return out;
}

/** Message-IDs in a header value such as References (`<a@b> <c@d>`), in order. */
function messageIdsIn(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(' ') : (value ?? '');
  return text.match(/<[^<>\s]+>/g) ?? [];
}

/**
 * Readable text from HTML by mailparser's own converter. mailparser converts only an HTML part
 * that stands alone or has a plain-text sibling; an HTML-only message whose HTML sits in
 * multipart/related (with its inline images, as most mail programs send it) comes out with no
 * text. Given as a message of that one part, the same converter runs.
 */
async function textOfHtml(html: string): Promise<string> {
  const wrapped = `Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(html, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n`;
  const parsed = await simpleParser(Buffer.from(wrapped), { skipTextToHtml: true, skipImageLinks: true });
  return parsed.text ?? '';
}

/** `text` cut to `max` characters, marked when cut. */
function capped(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}\n[…]` : text;
}

/** The status fields of the first recipient in a `message/delivery-status` part. */
function deliveryStatus(text: string): Pick<BounceReport, 'recipient' | 'action' | 'status' | 'diagnostic'> {
  const field = (name: string) =>
    new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t]+.*)*)`, 'im')
      .exec(text)?.[1]
      ?.replace(/\r?\n[ \t]+/g, ' ')
      .trim() ?? null;
  const recipient = field('Final-Recipient') ?? field('Original-Recipient');
  return {
    recipient: recipient ? recipient.replace(/^[^;]*;\s*/, '') : null,
    action: field('Action'),
    status: field('Status'),
    diagnostic: field('Diagnostic-Code'),
  };
}

/**
 * Parses one message from its source, streaming: attachments are read as they come and kept only
 * within `limits` (each up to `maxAttachmentBytes`; none once the message is known to exceed
 * `maxMessageBytes`, from `expectedSize` or at the end), so memory stays bounded whatever arrives.
 * HTML-only messages get their text from the HTML; character sets and encoded words are decoded.
 */
export async function parseEmail(
  source: Readable | Buffer,
  limits: StorageLimits,
  expectedSize?: number,
): Promise<ParsedEmail> {
  const input = Buffer.isBuffer(source) ? Readable.from([source]) : source;
  const measure = new Measure();
  // message/rfc822 parts stay attachments (a bounce's returned message, a forwarded email), and
  // delivery-status parts too: they are read below rather than run into the text.
  const parser = new MailParser({
    ignoreEmbedded: true,
    keepDeliveryStatus: true,
    skipTextToHtml: true,
    skipImageLinks: true,
    checksumAlgo: false,
  });
  const tooLargeUpFront = expectedSize !== undefined && expectedSize > limits.maxMessageBytes;
  const attachments: ParsedAttachment[] = [];
  const reportParts: Array<{ contentType: string; head: string }> = [];
  let storedBytes = 0;
  let text: MessageText | null = null;

  const readAttachment = (a: AttachmentStream) =>
    new Promise<void>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let head = '';
      const isReport = REPORT_PARTS.has(a.contentType.toLowerCase());
      let keep = !tooLargeUpFront;
      a.content.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (isReport && head.length < REPORT_PART_BYTES)
          head += chunk.toString('utf8', 0, Math.min(chunk.length, REPORT_PART_BYTES - head.length));
        if (keep && (size > limits.maxAttachmentBytes || storedBytes + size > limits.maxMessageBytes)) {
          keep = false;
          chunks.length = 0;
        }
        if (keep) chunks.push(chunk);
      });
      a.content.once('error', (err) => {
        a.release?.();
        reject(err);
      });
      a.content.once('end', () => {
        const stored = keep ? Buffer.concat(chunks, size) : null;
        if (stored) storedBytes += size;
        attachments.push({
          filename: a.filename ? normaliseText(a.filename, false) : null,
          contentType: a.contentType.toLowerCase(),
          size,
          inline: Boolean(a.related) || a.contentDisposition === 'inline',
          content: stored,
          notStored: stored
            ? null
            : tooLargeUpFront || size <= limits.maxAttachmentBytes
              ? 'message_too_large'
              : 'too_large',
        });
        if (isReport) reportParts.push({ contentType: a.contentType.toLowerCase(), head });
        a.release?.();
        resolve();
      });
    });

  // Attachments are handled one at a time, in order: the parser waits for each release().
  let pending: Promise<void> = Promise.resolve();
  parser.on('data', (data: AttachmentStream | MessageText) => {
    if (data.type === 'text') text = data;
    else pending = pending.then(() => readAttachment(data));
  });
  // 'end' comes after the last object (the text) was emitted; the pipeline only says all was written.
  const ended = new Promise<void>((resolve) => parser.once('end', resolve));
  await pipeline(input, measure, parser);
  await ended;
  await pending;

  const size = measure.bytes;
  if (size > limits.maxMessageBytes) {
    // Only known at the end when the server did not say the size: drop what was kept after all.
    for (const a of attachments) {
      if (a.content) {
        a.content = null;
        a.notStored = 'message_too_large';
      }
    }
  }

  const lines = parser.headerLines;
  const senders = addressesOf(parser.from);
  const from = senders[0] ?? null;
  const auto = autoReasonOf(lines, from?.address ?? null);
  const messageId = parser.messageId?.trim() || `<${measure.hash.digest('hex')}@pressdesk.invalid>`;
  const t = text as MessageText | null;
  const rawText = t?.text?.trim() ? t.text : t?.html ? await textOfHtml(t.html) : '';
  const body = normaliseText(rawText, true);

  let bounce: BounceReport | null = null;
  if (auto === 'delivery-status') {
    const status = reportParts.find((p) => p.contentType.endsWith('delivery-status'));
    const returned = reportParts.filter((p) => !p.contentType.endsWith('delivery-status')).map((p) => p.head);
    // Only the returned message's own header block: its body may quote other Message-IDs.
    const ids = returned.flatMap((h) => {
      const headerBlock = h.split(/\r?\n\r?\n/)[0] ?? '';
      const m = /^Message-ID:[ \t]*(?:\r?\n[ \t]+)?(<[^<>\s]+>)/im.exec(headerBlock);
      return m ? [m[1]] : [];
    });
    bounce = {
      originalMessageIds: [...new Set([...ids, ...messageIdsIn(parser.inReplyTo)])],
      ...(status ? deliveryStatus(status.head) : { recipient: null, action: null, status: null, diagnostic: null }),
    };
  }

  return {
    messageId,
    inReplyTo: messageIdsIn(parser.inReplyTo)[0] ?? null,
    references: messageIdsIn(parser.references),
    from,
    fromCount: senders.length,
    replyTo: addressesOf(parser.replyTo)[0]?.address ?? null,
    to: addressesOf(parser.to),
    cc: addressesOf(parser.cc),
    subject: normaliseText(parser.subject ?? '', false),
    text: capped(body, MAX_EMAIL_TEXT),
    sentAt: parser.date && !Number.isNaN(parser.date.getTime()) ? parser.date : null,
    auto,
    bounce,
    attachments,
    size,
  };
}
