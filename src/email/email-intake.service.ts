import type { EmailOut } from './email-out.service.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { isChase, newText } from '../status/chase.js';
import { markJournalistAdded } from '../status/status.repository.js';
import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { addEvent, lockKey } from '../enquiries/enquiries.repository.js';
import type { ArrivalsPort, EnquiryService } from '../enquiries/enquiries.service.js';
import { LIMITS } from '../enquiries/enquiry.input.js';
import { isOpenStatus } from '../enquiries/enquiry.model.js';
import { normaliseReference } from '../enquiries/reference.js';
import type { EmailAttachmentNote } from '../enquiries/timeline.js';
import type { Logger } from '../log.js';
import { saysUrgent } from '../sms/inbound.service.js';
import type { ParsedEmail } from './email-parse.js';
import * as repo from './email.repository.js';
import type { EmailOutcome, MailAddress } from './email.tables.js';
import { bareAddress, singleMailbox } from './address.js';
import { detectLanguage } from '../i18n/detect.js';

/** What the timeline says when a reply by email upgrades its enquiry to urgent. */
const URGENT_BY_REPLY = 'Reply by email said URGENT in the subject';

/** Our reference in a subject: `[PD-7KM-4QX]` or a bare `PD-7KM-4QX` (any case). */
const REFERENCE_IN_SUBJECT = /(?<![A-Z0-9])PD-[A-Z0-9]{3}-[A-Z0-9]{3}(?![A-Z0-9])/gi;

/** What intake did with one message. */
export interface IntakeResult {
  /** False when the message was already recorded (read again after a crash or by another process). */
  recorded: boolean;
  outcome: EmailOutcome;
  emailId: string | null;
  enquiryId: string | null;
  /** Reference of the enquiry it made or joined. */
  reference: string | null;
  /** True when it made a new enquiry. */
  created: boolean;
  /** True when it answered a question to a colleague (the enquiry's row changed, not a new one). */
  answered?: boolean;
}

/**
 * Replies that answer a question the desk asked a colleague outside it (src/colleagues/): `match`
 * finds the question a message replies to by the Message-IDs it names (only a recipient of ours
 * holds them); the match records the answer once intake has recorded the email on its enquiry.
 */
export interface ColleagueReplies {
  match(
    tx: Tx,
    messageIds: string[],
  ): Promise<
    | {
        enquiryId: string;
        reference: string;
        answer(tx: Tx, mail: { emailId: string; text: string; attachments: EmailAttachmentNote[] }): Promise<void>;
      }
    | undefined
  >;
}

export interface EmailIntakeDeps {
  db: Db;
  clock: Clock;
  /** `office.languages`: which languages an email may be recognised in (absent: English only). */
  config: Pick<Config, 'email'> & Partial<Pick<Config, 'office'>>;
  enquiries: EnquiryService;
  log: Logger;
  /** Told about each new enquiry once its transaction has committed. */
  arrivals?: ArrivalsPort;
  /** Sends the acknowledgement of a new enquiry (when email can be sent). */
  out?: EmailOut;
  /** Colleagues' answers to the desk's questions. */
  colleagues?: ColleagueReplies;
  /** Told about an enquiry a colleague's answer changed, once its transaction has committed. */
  changes?: { announceChange(reference: string): void };
}

/** "Name <address>", or the address alone. */
function shown(a: MailAddress): string {
  return a.name ? `${a.name} <${a.address}>` : a.address;
}

/** `s` cut to `max` characters, with an ellipsis when cut. */
function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Whether two addresses name the same mailbox (compared without case, as mail systems do). */
function sameAddress(a: string | null, b: string | null): boolean {
  return Boolean(a && b && a.trim().toLowerCase() === b.trim().toLowerCase());
}

/** Where a message belongs: the enquiry it may join, or the one it only names (another sender's). */
interface ThreadMatch {
  thread: Enquiry | null;
  mentioned: Enquiry | null;
}

/**
 * Intake of email: each message read from the shared mailbox is recorded exactly once (by
 * mailbox, UIDVALIDITY and UID, and by Message-ID) in the same transaction as what it does:
 * a new enquiry (channel `email`), an addition to the enquiry it replies to, a bounce on the
 * enquiry of the message that bounced, or nothing (an automatic message that matches no thread).
 */
export class EmailIntakeService {
  constructor(private readonly deps: EmailIntakeDeps) {}

  /**
   * Records one message read at `at` and acts on it, in one transaction; then announces a new
   * enquiry. A message already recorded at `at` changes nothing (`recorded: false`): the caller
   * only has to flag it on the server. Safe to call concurrently for the same message.
   */
  async receive(at: repo.MailboxLocation, mail: ParsedEmail): Promise<IntakeResult> {
    const result = await this.deps.db.transaction().execute(async (tx) => {
      // Two processes reading the same mailbox take each message one after the other.
      await lockKey(tx, `email:${at.mailbox}:${at.uidValidity}:${at.uid}`);
      const seen = await repo.findAtLocation(tx, at);
      if (seen)
        return {
          recorded: false,
          outcome: seen.outcome ?? 'duplicate',
          emailId: seen.id,
          enquiryId: seen.enquiry_id,
          reference: null,
          created: false,
        } satisfies IntakeResult;
      // The same message under another UID (copied, delivered twice, or a new UIDVALIDITY).
      await lockKey(tx, `email-id:${mail.messageId}`);
      return this.act(tx, at, mail);
    });
    if (result.created && result.reference) this.deps.arrivals?.announce(result.reference);
    if (result.answered && result.reference) this.deps.changes?.announceChange(result.reference);
    return result;
  }

  /**
   * Records a message that could not be parsed (so it is not read again and again); it stays in
   * the mailbox for someone to read there. Returns false when it was already recorded.
   */
  async recordUnreadable(at: repo.MailboxLocation, size: number | null): Promise<boolean> {
    return this.deps.db.transaction().execute(async (tx) => {
      await lockKey(tx, `email:${at.mailbox}:${at.uidValidity}:${at.uid}`);
      if (await repo.findAtLocation(tx, at)) return false;
      const id = await repo.insertReceived(tx, {
        ...this.location(at),
        message_id: `<unreadable-${at.uidValidity}-${at.uid}@pressdesk.invalid>`,
        outcome: 'unreadable',
        size_bytes: size,
        recorded_at: this.deps.clock(),
        to: [],
        cc: [],
      });
      return id !== null;
    });
  }

  private location(at: repo.MailboxLocation) {
    return { mailbox: at.mailbox, uid_validity: at.uidValidity, uid: at.uid };
  }

  private async act(tx: Tx, at: repo.MailboxLocation, mail: ParsedEmail): Promise<IntakeResult> {
    const now = this.deps.clock();
    const row: repo.ReceivedRow = {
      ...this.location(at),
      message_id: mail.messageId,
      in_reply_to: mail.inReplyTo,
      refs: mail.references,
      from_address: mail.from?.address ?? null,
      from_name: mail.from?.name || null,
      reply_to: mail.replyTo,
      to: mail.to,
      cc: mail.cc,
      subject: mail.subject,
      body_text: mail.text,
      is_auto: mail.auto !== null,
      auto_reason: mail.auto,
      is_bounce: mail.bounce !== null,
      size_bytes: mail.size,
      sent_at: mail.sentAt,
      recorded_at: now,
    };
    const record = async (outcome: EmailOutcome, enquiryId: string | null, storeAttachments: boolean) => {
      const id = await repo.insertReceived(tx, { ...row, outcome, enquiry_id: enquiryId });
      // The location lock was held since before the check, so the insert cannot have clashed.
      if (!id) throw new Error('email message recorded twice under one lock');
      const notes = storeAttachments ? await this.storeAttachments(tx, id, mail) : [];
      return { id, notes };
    };
    const done = (outcome: EmailOutcome, emailId: string, enquiry: Enquiry | null, created = false): IntakeResult => ({
      recorded: true,
      outcome,
      emailId,
      enquiryId: enquiry?.id ?? null,
      reference: enquiry?.reference ?? null,
      created,
    });

    const duplicate = await repo.findReceivedByMessageId(tx, mail.messageId);
    if (duplicate) {
      // Already taken under another UID: recorded so it is flagged, and nothing else happens.
      const { id } = await record('duplicate', duplicate.enquiry_id, false);
      return done('duplicate', id, null);
    }
    if (!mail.from) {
      // Nobody to answer and no address for the enquiry: kept in the mailbox for a person to read.
      const { id } = await record('no_sender', null, false);
      return done('no_sender', id, null);
    }
    const own = bareAddress(this.deps.config.email.from);
    if (own && mail.from.address.toLowerCase() === own) {
      // Our own address (a copy of something we sent, or a test from the office): taking it as a
      // journalist's would make the office its own correspondent, and could start a loop.
      const { id } = await record('own_address', null, false);
      return done('own_address', id, null);
    }

    if (mail.bounce) {
      // A bounce belongs to the message we sent that it returns, never to a new enquiry.
      const enquiryId = await repo.enquiryOfMessages(tx, mail.bounce.originalMessageIds, 'out');
      const enquiry = enquiryId ? await repo.lockEnquiry(tx, { id: enquiryId }) : undefined;
      if (!enquiry) {
        const { id } = await record('ignored_bounce', null, false);
        return done('ignored_bounce', id, null);
      }
      const { id } = await record('bounce', enquiry.id, true);
      const b = mail.bounce;
      await addEvent(tx, {
        enquiryId: enquiry.id,
        at: now,
        kind: 'email_bounce',
        data: {
          emailId: id,
          bouncedMessageId: b.originalMessageIds[0] ?? null,
          recipient: b.recipient,
          status: b.status,
          diagnostic: b.diagnostic,
        },
      });
      return done('bounce', id, enquiry);
    }

    // A colleague answering the desk's question: the answer goes to the question (internal), never
    // to the journalist's thread. Their out-of-office reply is recorded and ignored.
    const replyIds = [...new Set([...(mail.inReplyTo ? [mail.inReplyTo] : []), ...[...mail.references].reverse()])];
    const question = await this.deps.colleagues?.match(tx, replyIds);
    if (question) {
      if (mail.auto) {
        const { id } = await record('ignored_auto', null, false);
        return done('ignored_auto', id, null);
      }
      const { id, notes } = await record('colleague_answer', question.enquiryId, true);
      await question.answer(tx, { emailId: id, text: newText(mail.text), attachments: notes });
      return {
        recorded: true,
        outcome: 'colleague_answer',
        emailId: id,
        enquiryId: question.enquiryId,
        reference: question.reference,
        created: false,
        answered: true,
      };
    }

    // The one mailbox to answer and to record on the enquiry: From when it names exactly one plain
    // address (never Reply-To, which anyone may point at someone else); null otherwise.
    const sender = mail.fromCount === 1 ? singleMailbox(mail.from.address) : null;
    const { thread, mentioned } = await this.threadOf(tx, mail, sender);
    const open = thread && isOpenStatus(thread.status) ? thread : null;
    if (mail.auto) {
      // An automatic reply (out of office, a list, a robot) joins its thread like any reply, but
      // one that matches no open enquiry is recorded and ignored: it asks nothing of the office,
      // and an enquiry would be acknowledged, which is how two robots loop.
      if (!open) {
        const { id } = await record('ignored_auto', null, false);
        return done('ignored_auto', id, null);
      }
      const { id, notes } = await record('joined', open.id, true);
      await this.addEmailEvent(tx, open.id, id, mail, notes, { auto: true });
      return done('joined', id, open);
    }

    const urgent = saysUrgent(mail.subject);
    // The page budget counts the sender by address, whichever enquiry the message is about.
    const pageSender = { email: sender ?? mail.from.address };
    if (open) {
      const { id, notes } = await record('joined', open.id, true);
      await this.addEmailEvent(tx, open.id, id, mail, notes, { chase: isChase(newText(mail.text)) });
      await markJournalistAdded(tx, open.id, this.deps.clock());
      const { enquiry } = await this.deps.enquiries.followUpInTx(tx, open, {
        saysUrgent: urgent,
        urgentReason: URGENT_BY_REPLY,
        sender: pageSender,
      });
      return done('joined', id, enquiry);
    }

    // A reply to an enquiry already answered or closed starts a new one that says which it
    // follows: the queue must see it, and reopening would rewrite the figures of the old one.
    // So does a message that names an enquiry it may not join: the desk sees which.
    const { enquiry, outcome } = await this.deps.enquiries.submitInTx(
      tx,
      {
        // A display name that is itself an address ("boss@office" <someone@else>) would pass for
        // that address in the queue: the desk sees the real one in the email instead.
        name: mail.from.name.includes('@') ? '' : cut(mail.from.name, LIMITS.name),
        outlet: '',
        email: sender,
        phone: null,
        subject: cut(mail.subject, LIMITS.subject) || '(email with no subject)',
        details: mail.text || '(email with no text)',
        deadline: null,
        urgent,
      },
      'email',
      // Welsh in, Welsh out (issue 31): the language of what they wrote, not of what they quote.
      {
        sender: pageSender,
        language: detectLanguage(
          `${mail.subject}\n${newText(mail.text)}`,
          this.deps.config.office?.languages ?? ['en'],
        ),
      },
    );
    const { id, notes } = await record('new_enquiry', enquiry.id, true);
    await this.addEmailEvent(
      tx,
      enquiry.id,
      id,
      mail,
      notes,
      thread ? { followsUp: thread.reference } : mentioned ? { mentions: mentioned.reference } : {},
    );
    // Only a person's new enquiry is acknowledged (automatic mail returned above), once, to the
    // validated From address (EmailOut also refuses role addresses and the office's own).
    if (this.deps.out?.enabled && sender) {
      await this.deps.out.acknowledge(
        tx,
        {
          enquiry,
          to: sender,
          nextStep: outcome.nextStep,
          thread: { messageId: mail.messageId, references: mail.references, subject: mail.subject },
        },
        now,
      );
    }
    return done('new_enquiry', id, enquiry, true);
  }

  /**
   * The enquiry a message may join, locked, and the one it only names. It joins the enquiry of a
   * message Press Desk sent that it answers (In-Reply-To, then References newest first): only
   * the recipient holds that Message-ID. Otherwise a message we received that it answers, or our
   * reference in the subject, finds an enquiry it may join only when `sender` is that enquiry's
   * journalist's address: anyone can type `[PD-…]`, and joining lets them make it urgent and page
   * on-call. Never by subject alone. Erased enquiries do not count (their data is gone).
   */
  private async threadOf(tx: Tx, mail: ParsedEmail, sender: string | null): Promise<ThreadMatch> {
    const ids = [...new Set([...(mail.inReplyTo ? [mail.inReplyTo] : []), ...[...mail.references].reverse()])];
    const ours = await repo.enquiryOfMessages(tx, ids, 'out');
    const answered = ours ? await repo.lockEnquiry(tx, { id: ours }) : undefined;
    if (answered) return { thread: answered, mentioned: null };
    let mentioned: Enquiry | null = null;
    const candidates: Array<{ id: string } | { reference: string }> = [];
    const byHeader = await repo.enquiryOfMessages(tx, ids, 'in');
    if (byHeader) candidates.push({ id: byHeader });
    for (const m of mail.subject.matchAll(REFERENCE_IN_SUBJECT)) {
      const reference = normaliseReference(m[0]);
      if (reference) candidates.push({ reference });
    }
    for (const by of candidates) {
      const e = await repo.lockEnquiry(tx, by);
      if (!e) continue;
      if (sameAddress(sender, e.email)) return { thread: e, mentioned: null };
      mentioned ??= e;
    }
    return { thread: null, mentioned };
  }

  private async storeAttachments(tx: Tx, emailId: string, mail: ParsedEmail): Promise<EmailAttachmentNote[]> {
    const ids = await repo.insertAttachments(tx, emailId, mail.attachments);
    return mail.attachments.map((a, i) => ({
      id: ids[i],
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      stored: a.content !== null,
    }));
  }

  private async addEmailEvent(
    tx: Tx,
    enquiryId: string,
    emailId: string,
    mail: ParsedEmail,
    attachments: EmailAttachmentNote[],
    extra: { auto?: boolean; followsUp?: string; mentions?: string; chase?: boolean },
  ) {
    await addEvent(tx, {
      enquiryId,
      at: this.deps.clock(),
      kind: 'email_in',
      data: {
        emailId,
        from: mail.from ? shown(mail.from) : '',
        subject: mail.subject,
        body: mail.text,
        attachments,
        ...extra,
      },
    });
  }
}
