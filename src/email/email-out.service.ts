import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import { redactedStatusUrl } from '../enquiries/status-link.js';
import type { Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { queueEmail } from '../outbox/outbox.service.js';
import * as repo from './email.repository.js';
import type { EmailContent } from './smtp.sender.js';
import { mayWriteAutomatically } from './address.js';
import { t, translator } from '../i18n/catalogue.js';
import type { Lang } from '../i18n/languages.js';

/** The message an email answers: its Message-ID, References and subject (for threading). */
export interface Thread {
  messageId: string | null;
  references: string[];
  subject: string;
}

/** Longest References header kept: the newest ids are the ones mail clients thread by. */
const MAX_REFERENCES = 20;

/** "Re: …" once, and the reference in brackets once, so replies find their way back. */
export function replySubject(subject: string, reference: string): string {
  const base = subject.trim() || 'Your media enquiry';
  const re = /^(re|aw|sv|antw)\s*:/i.test(base) ? base : `Re: ${base}`;
  return re.includes(reference) ? re : `${re} [${reference}]`;
}

/**
 * The subject of every automatic message: Press Desk's own words, never text a sender chose, in
 * the journalist's language (`lang`, issue 31; English by default).
 */
export function ownSubject(reference: string, officeName: string, lang: Lang = 'en'): string {
  return t(lang, 'texts.email.subject', { reference, office: officeName });
}

/**
 * Email to journalists: the acknowledgement of an emailed enquiry and the desk's replies. Each is
 * recorded as an outbound message of its enquiry (so the journalist's reply, and a bounce, find
 * the enquiry by Message-ID) and queued through the outbox, in the caller's transaction.
 */
export class EmailOut {
  constructor(private readonly deps: { config: Pick<Config, 'email' | 'office' | 'publicBaseUrl'> }) {}

  /** Whether email can be sent at all (SMTP_URL and PRESSDESK_EMAIL_FROM set). */
  get enabled(): boolean {
    return Boolean(this.deps.config.email.smtpUrl && this.deps.config.email.from);
  }

  /** Whether an automatic message may go to `address` (src/email/address.ts: one plain mailbox, not a role address, not the office's own). */
  mayWriteTo(address: string | null | undefined): boolean {
    const { from, imap } = this.deps.config.email;
    return mayWriteAutomatically(address, { from, mailbox: imap?.user ?? null });
  }

  /**
   * Queues the acknowledgement of a new emailed enquiry: the reference and the same honest next
   * step the form gives, threaded to the journalist's message, marked as an automatic reply
   * (RFC 3834) so a well-behaved auto-responder does not answer it, under Press Desk's own
   * subject. Once per enquiry: the outbox key names the enquiry only, never the address (keys are
   * not erased like the rows' contents); nothing (false) when `to` may not be written to
   * automatically (`mayWriteTo`).
   */
  async acknowledge(
    tx: Tx,
    a: { enquiry: Enquiry; to: string; nextStep: string; thread: Thread },
    now: Date,
  ): Promise<boolean> {
    if (!this.mayWriteTo(a.to)) return false;
    // In the enquiry's language (issue 31), as is `nextStep` (intake said it in that language).
    const tr = translator(a.enquiry.language);
    const text = [
      tr('texts.email.ackThanks', { office: this.deps.config.office.name }),
      '',
      tr('texts.email.ackReference', { reference: a.enquiry.reference, nextStep: a.nextStep }),
      '',
      tr('texts.email.ackReply'),
      '',
      tr('texts.email.ackStatus', { link: redactedStatusUrl(this.deps.config.publicBaseUrl) }),
      '',
      tr('texts.email.ackAutomatic'),
    ].join('\n');
    await this.queue(
      tx,
      {
        key: `email-ack:${a.enquiry.id}`,
        enquiry: a.enquiry,
        to: a.to,
        text,
        thread: a.thread,
        subject: this.ownSubject(a.enquiry),
        auto: true,
      },
      now,
    );
    return true;
  }

  private ownSubject(enquiry: Enquiry): string {
    return ownSubject(enquiry.reference, this.deps.config.office.name, enquiry.language);
  }

  /**
   * Queues a message about a change to the enquiry (src/status: the response released, withdrawn,
   * closed) in the enquiry's thread, once per `key`, as an automatic message under Press Desk's
   * own subject; nothing (false) when `to` may not be written to automatically (`mayWriteTo`).
   */
  async update(tx: Tx, u: { key: string; enquiry: Enquiry; to: string; text: string }, now: Date): Promise<boolean> {
    if (!this.mayWriteTo(u.to)) return false;
    await this.queue(
      tx,
      {
        key: u.key,
        enquiry: u.enquiry,
        to: u.to,
        text: u.text,
        thread: await this.threadOf(tx, u.enquiry),
        subject: this.ownSubject(u.enquiry),
        auto: true,
      },
      now,
    );
    return true;
  }

  /** The thread to answer in: the enquiry's latest message (received or sent); its first when there is none. */
  private async threadOf(tx: Tx, enquiry: Enquiry): Promise<Thread> {
    const last = await repo.latestMessageOf(tx, enquiry.id);
    return last
      ? { messageId: last.message_id, references: last.refs ?? [], subject: last.subject ?? enquiry.subject }
      : { messageId: null, references: [], subject: enquiry.subject };
  }

  /**
   * the enquiry (received or sent); the first one of the enquiry when there is none. Returns the outbox key.
   */
  async reply(tx: Tx, r: { enquiry: Enquiry; to: string; text: string }, now: Date): Promise<string> {
    const thread = await this.threadOf(tx, r.enquiry);
    const key = `email-reply:${randomUUID()}`;
    await this.queue(
      tx,
      {
        key,
        enquiry: r.enquiry,
        to: r.to,
        text: r.text,
        thread,
        subject: replySubject(thread.subject, r.enquiry.reference),
        auto: false,
      },
      now,
    );
    return key;
  }

  /**
   * Queues a notice to a member of staff (a manager told of a sign-in lock-out, of an incident
   * declared out of hours): about no enquiry, in no thread, nothing on a timeline, once per
   * `key`, marked automatic. Nothing when email is off.
   */
  async notice(tx: Tx, n: { key: string; to: string; subject: string; text: string }, now: Date): Promise<void> {
    if (!this.enabled) return;
    const content: EmailContent = {
      subject: n.subject,
      text: n.text,
      messageId: `<pd.${randomUUID()}@${this.domain()}>`,
      inReplyTo: null,
      references: [],
      auto: true,
    };
    await queueEmail(tx, { key: n.key, enquiryId: null, to: n.to, content: JSON.stringify(content) }, now);
  }

  /**
   * Queues a message to a colleague outside the desk (a question about an enquiry, its reminder),
   * once per `key`: the enquiry's timeline shows the send, but it is in no journalist's thread (not
   * recorded as one of the enquiry's emails, so a reply to the journalist never threads to it) and
   * not marked automatic (the colleague is asked to reply). Returns its Message-ID, which their
   * reply names; `inReplyTo` threads a reminder to the question. Nothing when email is off (null).
   */
  async toColleague(
    tx: Tx,
    m: { key: string; enquiryId: string | null; to: string; subject: string; text: string; inReplyTo?: string | null },
    now: Date,
  ): Promise<string | null> {
    if (!this.enabled) return null;
    const messageId = `<pd.${randomUUID()}@${this.domain()}>`;
    const content: EmailContent = {
      subject: m.subject,
      text: m.text,
      messageId,
      inReplyTo: m.inReplyTo ?? null,
      references: m.inReplyTo ? [m.inReplyTo] : [],
      auto: false,
    };
    await queueEmail(tx, { key: m.key, enquiryId: m.enquiryId, to: m.to, content: JSON.stringify(content) }, now);
    return messageId;
  }

  private async queue(
    tx: Tx,
    m: { key: string; enquiry: Enquiry; to: string; text: string; thread: Thread; subject: string; auto: boolean },
    now: Date,
  ): Promise<void> {
    const messageId = `<pd.${randomUUID()}@${this.domain()}>`;
    const references = [...m.thread.references, ...(m.thread.messageId ? [m.thread.messageId] : [])].slice(
      -MAX_REFERENCES,
    );
    const content: EmailContent = {
      subject: m.subject,
      text: m.text,
      messageId,
      inReplyTo: m.thread.messageId,
      references,
      auto: m.auto,
    };
    // Recorded now, not when sent: a reply that arrives first still finds its enquiry.
    await repo.recordSent(tx, {
      messageId,
      enquiryId: m.enquiry.id,
      to: [{ name: '', address: m.to }],
      subject: content.subject,
      body: m.text,
      inReplyTo: content.inReplyTo,
      references,
      at: now,
    });
    await queueEmail(tx, { key: m.key, enquiryId: m.enquiry.id, to: m.to, content: JSON.stringify(content) }, now);
  }

  /** The domain of the From address, for Message-IDs of our own. */
  private domain(): string {
    const from = this.deps.config.email.from ?? '';
    return /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'press-desk.invalid';
  }
}
