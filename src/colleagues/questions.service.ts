/**
 * Asking colleagues outside the desk (issue 26, item 2). An officer asks one or more colleagues
 * from the directory a question about an enquiry, by text or email, with a due time. Each
 * colleague answers by a link of their own (`/q/{token}`), by replying to the text, or by
 * replying to the email; every answer lands on the enquiry's timeline as internal, never on the
 * journalist's status page. At the due time whoever has not answered is reminded and the desk is
 * warned (the timeline, the live queue's "Waiting on … overdue").
 *
 * Everything sent goes through the outbox, on the journalist lane (never ahead of a page). The
 * answer link is stored redacted in the outbox and minted only as the message is handed to the
 * provider (`fillLinks`, in the send's claim transaction), like the journalist's status link: no
 * copy of a working link is ever written down.
 */
import { randomInt } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import { audit, type Actor } from '../audit/audit.repository.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { addEvent, lockByReference } from '../enquiries/enquiries.repository.js';
import { callsBack } from '../enquiries/phone-numbers.js';
import type { EmailAttachmentNote } from '../enquiries/timeline.js';
import { formatShortTime } from '../hours/format.js';
import { parseInstant } from '../hours/parse.js';
import { hashBearerToken, looksLikeBearerToken, newBearerToken } from '../http/bearer-token.js';
import { AppError } from '../http/errors.js';
import { addJob } from '../jobs/queue.repository.js';
import { queueSms } from '../outbox/outbox.service.js';
import { fitSms } from '../telephony/sms-encoding.js';
import { isRowIdDigits } from '../ids.js';
import type { AskVia, AnswerVia } from './colleagues.tables.js';
import { defaultDueFor } from './question-due.js';
import { answerForm, askForm, type AskErrors } from './question.forms.js';
import * as repo from './questions.repository.js';

/** How a colleague is named on a question, its timeline entries and the queue: "Insp. Khan (SIO)". */
export function recipientName(c: { name: string; role: string }): string {
  return c.role ? `${c.name} (${c.role})` : c.name;
}

/** Where answer links live: `/q/{token}`. */
export const ANSWER_LINK_PREFIX = '/q/';

/** Enquiry statuses after which a question takes no answer and its links stop working. */
const FINISHED = new Set(['closed', 'withdrawn', 'erased']);

/** The redacted answer link of recipient `id`, as stored; `fillLinks` makes it a working one as it is sent. */
export function redactedAnswerLink(publicBaseUrl: string, recipientId: string): string {
  return `${publicBaseUrl}${ANSWER_LINK_PREFIX}[answer-link-${recipientId}]`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The email a colleague's answer came in: what intake recorded of it. */
export interface EmailedAnswer {
  emailId: string;
  /** The new text of the reply (quoted lines cut). */
  text: string;
  attachments: EmailAttachmentNote[];
}

/** The mail a question needs (src/email/email-out.service.ts's EmailOut, wired in src/services.ts). */
export interface QuestionMail {
  readonly enabled: boolean;
  toColleague(
    tx: Tx,
    m: { key: string; enquiryId: string | null; to: string; subject: string; text: string; inReplyTo?: string | null },
    now: Date,
  ): Promise<string | null>;
}

/** What the link page shows a colleague. */
export interface AnswerLinkView {
  reference: string;
  name: string;
  question: string;
  askedBy: string;
  dueAt: Date;
  answers: Array<{ at: Date; text: string }>;
  /** False once the question was withdrawn: the page says so and takes nothing. */
  open: boolean;
  now: Date;
}

export interface QuestionDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'office' | 'publicBaseUrl'> & { twilio: Pick<Config['twilio'], 'allowedCountries'> };
  mail?: QuestionMail;
  /** The desk's live queues, told after a commit that an enquiry's row changed. */
  live?: { announceChange(reference: string): void };
}

/** Questions to colleagues: asking, answering (link, text, email), withdrawing, the due-time reminder. */
export class QuestionService {
  constructor(private readonly deps: QuestionDeps) {}

  /** Whether questions can go by email (SMTP and the From address configured). */
  get emailEnabled(): boolean {
    return this.deps.mail?.enabled ?? false;
  }

  /** Whom an officer can ask (active colleagues, by name). */
  askable(): Promise<repo.AskableColleague[]> {
    return repo.askableColleagues(this.deps.db);
  }

  /** The enquiry's questions with their recipients and answers, oldest first. */
  questionsOf(enquiryId: string): Promise<repo.QuestionDetail[]> {
    return repo.questionsOfEnquiry(this.deps.db, enquiryId);
  }

  /** What each enquiry of a queue page waits on (open questions: who, due when, overdue). */
  waitingOn(enquiryIds: readonly string[]): Promise<Map<string, repo.WaitingOn>> {
    return repo.waitingOn(this.deps.db, enquiryIds);
  }

  /** Whether the journalist's status page may say "We are checking the facts" (no names). */
  checkingFacts(enquiryId: string): Promise<boolean> {
    return repo.hasOpenQuestion(this.deps.db, enquiryId);
  }

  /** The due time the ask form suggests for these colleagues (all active ones when none chosen yet). */
  async suggestedDue(enquiry: Pick<Enquiry, 'respond_by'>, colleagueIds: readonly string[] = []): Promise<Date> {
    const chosen = colleagueIds.length ? await repo.askableByIds(this.deps.db, colleagueIds) : [];
    return defaultDueFor(this.deps.clock(), enquiry.respond_by, chosen, this.deps.config.office);
  }

  /**
   * Asks colleagues `colleagueIds` the question about the enquiry `reference`, by `via`, due at
   * the typed `due` (office time; blank: the default). One transaction: the question, a
   * recipient per colleague, their messages in the outbox, the due-time job, the timeline entry
   * and the audit row. A validation error names every field at once. Returns the question's id
   * and its timeline entry.
   */
  async ask(
    reference: string,
    input: { colleagueIds: readonly string[]; via: string; question: string; due: string },
    actor: Actor,
  ): Promise<{ questionId: string; eventId: string }> {
    const parsed = askForm.validate({ question: input.question, via: input.via, due: input.due });
    const errors: AskErrors = parsed.ok ? {} : { ...parsed.errors };
    const ids = [...new Set(input.colleagueIds.filter((id) => isRowIdDigits(id)))];
    const { db, clock, config } = this.deps;
    const now = clock();
    const result = await db.transaction().execute(async (tx) => {
      const e = await lockByReference(tx, reference);
      if (!e) throw new AppError('not_found', `There is no enquiry ${reference}`);
      if (FINISHED.has(e.status))
        throw new AppError('conflict', `Enquiry ${e.reference} is ${e.status}: there is nothing left to ask about.`);
      const colleagues = await repo.askableByIds(tx, ids);
      if (!colleagues.length) errors.colleagues = 'Choose at least one colleague to ask';
      else if (colleagues.length < ids.length)
        errors.colleagues = 'A colleague you chose has left the directory: choose again';
      const via = parsed.ok ? parsed.values.via : null;
      if (via === 'email' && !this.emailEnabled)
        errors.via = 'Email is not connected (SMTP_URL, PRESSDESK_EMAIL_FROM): ask by text';
      else if (via && colleagues.length) {
        const unreachable = colleagues.filter((c) =>
          via === 'sms' ? !c.mobile || !callsBack(c.mobile, config.twilio.allowedCountries) : !c.email,
        );
        if (unreachable.length)
          errors.via = `${unreachable.map((c) => c.name).join(', ')} ${unreachable.length === 1 ? 'has' : 'have'} no ${
            via === 'sms' ? 'mobile Press Desk can text' : 'email address'
          } in the directory: ask by ${via === 'sms' ? 'email' : 'text'}, or ask them separately`;
      }
      let dueAt: Date | null = null;
      const dueText = parsed.ok ? parsed.values.due : input.due.trim();
      if (dueText) {
        const t = parseInstant(dueText, config.office.timezone);
        if (!t) errors.due = 'Enter the due time as a date and time, like 2026-12-08T14:30';
        else if (t.toMillis() <= now.getTime()) errors.due = 'The due time has passed: choose a later one';
        else dueAt = t.toJSDate();
      } else if (colleagues.length) dueAt = defaultDueFor(now, e.respond_by, colleagues, config.office);
      if (Object.keys(errors).length || !parsed.ok || !via || !dueAt)
        throw new AppError('validation', 'The question could not be sent', { fields: errors });

      const text = parsed.values.question;
      const questionId = await repo.insertQuestion(tx, {
        enquiry_id: e.id,
        asked_by: actor.email,
        asked_at: now,
        text,
        due_at: dueAt,
      });
      for (const c of colleagues) {
        const address = via === 'sms' ? c.mobile! : c.email!;
        const code = await this.freshCode(tx, address);
        const recipientId = await repo.insertRecipient(tx, {
          question_id: questionId,
          colleague_id: c.id,
          name: recipientName(c),
          via,
          address,
          code,
        });
        await this.send(tx, { id: recipientId, via, address, code, message_id: null }, e, text, dueAt, now, 'ask');
      }
      await addJob(tx, 'question_due', { questionId }, { runAt: dueAt, jobKey: `question-due:${questionId}` });
      const eventId = await addEvent(tx, {
        enquiryId: e.id,
        at: now,
        kind: 'question_asked',
        actor: actor.email,
        data: {
          questionId,
          // As each recipient is recorded (with their role), so that their erasure finds it.
          to: colleagues.map((c) => ({ name: recipientName(c), via })),
          text,
          due: formatShortTime(dueAt, config.office, now),
        },
      });
      await audit(tx, {
        at: now,
        actor,
        action: 'question.asked',
        enquiryId: e.id,
        detail: { questionId, colleagues: colleagues.map((c) => c.id), via },
      });
      return { questionId, eventId, reference: e.reference };
    });
    this.deps.live?.announceChange(result.reference);
    return { questionId: result.questionId, eventId: result.eventId };
  }

  /** A four-digit code no other open question at `address` has (a text reply may start with it). */
  private async freshCode(tx: Tx, address: string): Promise<string> {
    const taken = new Set(await repo.openCodesAt(tx, address));
    for (;;) {
      const code = String(randomInt(1000, 10_000));
      if (!taken.has(code)) return code;
    }
  }

  /** Queues the question (or its reminder) to one recipient through the outbox. */
  private async send(
    tx: Tx,
    r: { id: string; via: AskVia; address: string; code: string; message_id: string | null },
    e: Pick<Enquiry, 'id' | 'reference' | 'outlet' | 'deadline'>,
    question: string,
    dueAt: Date,
    now: Date,
    kind: 'ask' | 'reminder',
  ): Promise<void> {
    const { config } = this.deps;
    const due = formatShortTime(dueAt, config.office, now);
    const link = redactedAnswerLink(config.publicBaseUrl, r.id);
    const key = `question-${kind}:${r.id}`;
    const opening =
      kind === 'ask'
        ? `${config.office.name} press office: a question about media enquiry ${e.reference}. Please answer by ${due}.`
        : `${config.office.name} press office: reminder, we still need your answer about media enquiry ${e.reference} (it was due ${due}).`;
    if (r.via === 'sms') {
      // The question is cut (never the link or the code) when a long office name or address would
      // take the text past what Twilio accepts; the link shows it whole. The stored link is up to
      // 8 characters shorter than the token that replaces it.
      const body = fitSms(
        `${opening}\n\n`,
        question,
        `\n\nAnswer here: ${link} or reply to this text (code ${r.code}).`,
        8,
      );
      await queueSms(tx, { key, enquiryId: e.id, to: r.address, body, lane: 'journalist' }, now);
      return;
    }
    const text = [
      opening,
      '',
      question,
      '',
      `Enquiry: ${e.reference}${e.outlet ? ` from ${e.outlet}` : ''}${e.deadline ? `, journalist's deadline ${formatShortTime(e.deadline, config.office, now)}` : ''}.`,
      '',
      `Answer by replying to this email (attachments are welcome), or here: ${link}`,
      '',
      'Your answer goes to the press office only; it is not sent to the journalist.',
    ].join('\n');
    const subject = `${kind === 'ask' ? 'Question' : 'Reminder'} from the press office about ${e.reference}: please answer by ${due}`;
    const messageId = await this.deps.mail!.toColleague(
      tx,
      { key, enquiryId: e.id, to: r.address, subject, text, inReplyTo: r.message_id },
      now,
    );
    if (kind === 'ask' && messageId) await repo.setRecipientMessageId(tx, r.id, messageId);
  }

  /**
   * `content` as it is sent (the outbox's claim transaction): each redacted answer link replaced by
   * a working one, one fresh token per link, whose hash is stored now. Returns null when the
   * content holds no answer link.
   */
  async fillLinks(tx: Tx, content: string, now: Date): Promise<{ send: string; marker: string } | null> {
    const base = escapeRegExp(`${this.deps.config.publicBaseUrl}${ANSWER_LINK_PREFIX}`);
    const pattern = new RegExp(`${base}\\[answer-link-(\\d+)\\]`, 'g');
    const found = [...content.matchAll(pattern)];
    if (!found.length) return null;
    let send = content;
    for (const m of found) {
      const token = newBearerToken();
      await repo.insertLink(tx, m[1], hashBearerToken(token), now);
      send = send.replace(m[0], `${this.deps.config.publicBaseUrl}${ANSWER_LINK_PREFIX}${token}`);
    }
    return { send, marker: content.slice(0, found[0].index) };
  }

  /** The recipient behind an answer link, when it still works (its question not withdrawn, its enquiry not finished). */
  private async byLink(db: Db | Tx, token: string): Promise<repo.RecipientWithQuestion | null> {
    if (!looksLikeBearerToken(token)) return null;
    const r = await repo.recipientByTokenHash(db, hashBearerToken(token));
    if (!r || FINISHED.has(r.enquiry_status)) return null;
    return r;
  }

  /** What the link `token` shows its colleague; null when it opens nothing (one answer for every reason). */
  async linkView(token: string): Promise<AnswerLinkView | null> {
    const { db, clock } = this.deps;
    const r = await this.byLink(db, token);
    if (!r) return null;
    const answers = await repo.answersOfRecipient(db, r.id);
    return {
      reference: r.reference,
      name: r.name,
      question: r.question_text,
      askedBy: r.asked_by,
      dueAt: r.due_at,
      answers: answers.map((a) => ({ at: a.received_at, text: a.text })),
      open: r.question_state !== 'withdrawn',
      now: clock(),
    };
  }

  /** Records an answer given on the link `token`; false when the link opens nothing. A validation error names the field. */
  async answerByLink(token: string, text: string): Promise<boolean> {
    const { answer } = answerForm.check({ answer: text });
    const reference = await this.deps.db.transaction().execute(async (tx) => {
      const r = await this.byLink(tx, token);
      if (!r) return null;
      if (r.question_state === 'withdrawn')
        throw new AppError('conflict', 'The press office withdrew this question: they no longer need an answer.');
      await this.record(tx, r, 'link', answer);
      return r.reference;
    });
    if (reference) this.deps.live?.announceChange(reference);
    return reference !== null;
  }

  /**
   * A text from `from`: when it comes from a colleague with a question that still takes answers,
   * it is the answer (to the one question, or to the one whose code it starts with) and the reply
   * thanks them; several open and no code: the reply asks which, listing the codes, and nothing is
   * recorded. Null when `from` has no question open (the text is someone else's business).
   */
  async answerBySms(
    tx: Tx,
    message: { from: string; body: string },
  ): Promise<{ reply: string; enquiry: { id: string; reference: string } | null } | null> {
    const candidates = await repo.answerableAt(tx, 'sms', message.from);
    if (!candidates.length) return null;
    const body = message.body.trim();
    const coded = /^#?(\d{4})\b[\s:.,-]*/.exec(body);
    let r = coded ? candidates.find((c) => c.code === coded[1]) : undefined;
    let text = r && coded ? body.slice(coded[0].length).trim() : body;
    const open = candidates.filter((c) => c.question_state === 'open');
    if (!r) {
      // One open question: that one. None open: the newest (an addition to an answer, or a late
      // answer to a withdrawn question, which is told so). Several open: they must say which.
      const only = open.length === 1 ? open[0] : open.length === 0 ? candidates[0] : null;
      if (!only) {
        const list = open
          .slice(0, 5)
          .map((c) => `${c.code} (${c.reference})`)
          .join(', ');
        return {
          reply: `Press office: you have more than one question from us open. Please send your answer again starting with its code: ${list}.`,
          enquiry: null,
        };
      }
      r = only;
      text = body;
    }
    if (!text)
      return {
        reply: `Press office: your text was empty. Reply with your answer about ${r.reference}.`,
        enquiry: null,
      };
    if (r.question_state === 'withdrawn')
      return {
        reply: `Press office: we withdrew our question about ${r.reference}; no answer is needed.`,
        enquiry: null,
      };
    await this.record(tx, r, 'sms', text.slice(0, 10_000));
    return {
      reply: `Press office: thank you, we have your answer about ${r.reference}.`,
      enquiry: { id: r.enquiry_id, reference: r.reference },
    };
  }

  /**
   * The question an email replies to: the recipient whose question email its In-Reply-To or
   * References name (only a recipient of ours holds that Message-ID), while the question still
   * takes answers. Undefined when it answers no question of ours.
   */
  async emailAnswerTo(tx: Tx, messageIds: string[]): Promise<repo.RecipientWithQuestion | undefined> {
    const r = await repo.recipientByMessageIds(tx, messageIds);
    if (!r || FINISHED.has(r.enquiry_status) || r.question_state === 'withdrawn') return undefined;
    return r;
  }

  /** Records an emailed answer (intake found it with `emailAnswerTo` and recorded the email itself). */
  async answerByEmail(tx: Tx, r: repo.RecipientWithQuestion, mail: EmailedAnswer): Promise<void> {
    await this.record(tx, r, 'email', mail.text.slice(0, 10_000) || '(no text)', mail);
  }

  /**
   * One answer: stored, the recipient marked answered, the question answered once everyone it
   * went to has answered, and the timeline entry (internal).
   */
  private async record(
    tx: Tx,
    r: repo.RecipientWithQuestion,
    via: AnswerVia,
    text: string,
    mail?: EmailedAnswer,
  ): Promise<void> {
    const now = this.deps.clock();
    await repo.lockQuestion(tx, r.question_id);
    await repo.insertAnswer(tx, {
      question_id: r.question_id,
      recipient_id: r.id,
      via,
      text,
      email_id: mail?.emailId ?? null,
      received_at: now,
    });
    await repo.markRecipientAnswered(tx, r.id, now);
    const everyone = await repo.recipientsOf(tx, r.question_id);
    const q = await repo.lockQuestion(tx, r.question_id);
    if (q?.state === 'open' && everyone.every((x) => x.answered_at !== null || x.id === r.id))
      await repo.updateQuestion(tx, r.question_id, { state: 'answered', answered_at: now });
    await addEvent(tx, {
      enquiryId: r.enquiry_id,
      at: now,
      kind: 'question_answered',
      data: {
        questionId: r.question_id,
        from: r.name,
        via,
        text,
        ...(mail?.attachments.length ? { attachments: mail.attachments } : {}),
      },
    });
  }

  /**
   * Stops waiting on a question: `withdrawn` (no longer needed; its links say so) or `answered`
   * (the officer has what they need another way). Returns false when it was not open.
   */
  async close(reference: string, questionId: string, how: 'withdrawn' | 'answered', actor: Actor): Promise<boolean> {
    if (!isRowIdDigits(questionId)) throw new AppError('not_found', 'No such question');
    const now = this.deps.clock();
    const done = await this.deps.db.transaction().execute(async (tx) => {
      const e = await lockByReference(tx, reference);
      const q = await repo.lockQuestion(tx, questionId);
      if (!e || !q || q.enquiry_id !== e.id) throw new AppError('not_found', 'No such question');
      if (q.state !== 'open') return false;
      await repo.updateQuestion(tx, q.id, {
        state: how,
        closed_by: actor.email,
        ...(how === 'answered' ? { answered_at: now } : {}),
      });
      if (how === 'withdrawn')
        await addEvent(tx, {
          enquiryId: e.id,
          at: now,
          kind: 'question_withdrawn',
          actor: actor.email,
          data: { questionId },
        });
      await audit(tx, {
        at: now,
        actor,
        action: how === 'withdrawn' ? 'question.withdrawn' : 'question.closed',
        enquiryId: e.id,
        detail: { questionId },
      });
      return true;
    });
    if (done) this.deps.live?.announceChange(reference);
    return done;
  }

  /**
   * The task `question_due`: at the due time, a question still open is marked overdue, whoever
   * has not answered is reminded (once: the outbox key), and the timeline says so. Idempotent: a
   * question answered, withdrawn or already marked is left alone.
   */
  async due(questionId: string): Promise<void> {
    const now = this.deps.clock();
    const reference = await this.deps.db.transaction().execute(async (tx) => {
      const q = await repo.lockQuestion(tx, questionId);
      if (q?.state !== 'open' || q.overdue_at || q.erased_at) return null;
      const e = await repo.enquiryOfQuestion(tx, q.enquiry_id);
      if (!e || FINISHED.has(e.status)) return null;
      await repo.updateQuestion(tx, q.id, { overdue_at: now });
      for (const r of await repo.recipientsOf(tx, q.id)) {
        if (r.answered_at) continue;
        if (r.via === 'email' && !this.emailEnabled) continue;
        await this.send(tx, r, e, q.text, q.due_at, now, 'reminder');
      }
      await addEvent(tx, {
        enquiryId: e.id,
        at: now,
        kind: 'question_overdue',
        data: { questionId: q.id, due: formatShortTime(q.due_at, this.deps.config.office, now) },
      });
      return e.reference;
    });
    if (reference) this.deps.live?.announceChange(reference);
  }
}
