import { randomUUID } from 'node:crypto';
import { isRowIdDigits } from '../ids.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import type { Enquiry, EnquiryStatus } from '../enquiries/enquiry.tables.js';
import { addEvent } from '../enquiries/enquiries.repository.js';
import { ENQUIRY_OUTCOMES, ENQUIRY_STATUSES, isOpenStatus, type EnquiryOutcome } from '../enquiries/enquiry.model.js';
import { findByReference } from '../enquiries/enquiries.repository.js';
import { normaliseReference } from '../enquiries/reference.js';
import { callsBack, cannotTakeTexts, noTextsNotice } from '../enquiries/phone-numbers.js';
import { isOpen, workingMinutesBetween } from '../hours/office-hours.js';
import { AppError } from '../http/errors.js';
import type { PagingService } from '../oncall/paging.service.js';
import type { EmailOut } from '../email/email-out.service.js';
import { singleMailbox } from '../email/address.js';
import { findPageByEnquiry } from '../oncall/paging.repository.js';
import { stopEscalation } from '../oncall/paging.schedule.js';
import { queueSms } from '../outbox/outbox.service.js';
import { formatShortTime } from '../hours/format.js';
import { optOutNotice } from '../sms/opt-out.js';
import { findOptOut } from '../sms/opt-out.repository.js';
import { clearJournalistAdded } from '../status/status.repository.js';
import type { JournalistUpdates } from '../status/status.service.js';
import { audit, type Actor } from '../audit/audit.repository.js';
import { CASEWORK_LIMITS } from '../enquiries/casework.limits.js';
import { emailReplyForm, noteForm, responseForm, smsReplyForm, urgencyForm } from './casework.forms.js';
import * as repo from './casework.repository.js';
import { STATUS_LABELS } from '../enquiries/enquiry.labels.js';
import { findUserById } from '../web/users.repository.js';
import { NOTHING_WITHHELD, recordDecision, type Decision } from '../statements/decision.js';
import type { SignOffService } from '../statements/signoff.service.js';
import { recordSaid, usedLine } from '../enquiries/said.repository.js';
import type { SaidKind } from '../enquiries/said.tables.js';
import type { NotificationService } from '../notifications/notifications.service.js';
import type { SendGuard } from './presence.service.js';

/** Statuses that close an enquiry (its close time is set, and reports count it closed). */
function closes(s: EnquiryStatus): boolean {
  return s === 'closed' || s === 'withdrawn';
}

/** The outcomes that can send the journalist a standard message (config outcomes.messages). */
export const MESSAGE_OUTCOMES = ['referred_foi', 'referred_other', 'not_media'] as const;
/** An outcome with a standard message. */
export type MessageOutcome = (typeof MESSAGE_OUTCOMES)[number];

/** Whether `o` is an outcome with a standard message. */
export function hasMessage(o: string | null | undefined): o is MessageOutcome {
  return (MESSAGE_OUTCOMES as readonly string[]).includes(o ?? '');
}

/**
 * How an enquiry ended, as the officer chose it on the close form (issue 28). `outcome` '' or
 * absent when closing: refused, naming the field. `message`: the referral's standard message to
 * send the journalist by their channel (null: none).
 */
export interface OutcomeChoice {
  outcome?: string;
  organisation?: string | null;
  duplicateOf?: string | null;
  message?: string | null;
}

/** The statuses a press officer can choose, in order, with their labels. */
export const STATUSES: Array<{ value: EnquiryStatus; label: string }> = ENQUIRY_STATUSES.filter(
  (s) => s !== 'erased',
).map((value) => ({ value, label: STATUS_LABELS[value] })); // erased: only an erasure sets it

// The lengths live with the enquiry (the on-call link's forms use them too); re-exported for desk code.
export { CASEWORK_LIMITS };

/**
 * What press officers do to one enquiry: assign, change status, note, record the press line,
 * reply by SMS, change urgency, acknowledge a page. Every action is one transaction that changes
 * the enquiry, adds to its timeline and writes the audit log; the actions that take an optional
 * `tx` run inside that transaction instead (the on-call officer's commands, whose inbound text is
 * recorded in the same one).
 */
export class CaseworkService {
  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      config: Pick<Config, 'office'> & { twilio: Pick<Config['twilio'], 'allowedCountries'> };
      paging: PagingService;
      email?: EmailOut;
      updates?: JournalistUpdates;
      live?: { announceChange(reference: string): void };
      /** The release gate: a response that needs sign-off is released only in the approved words (src/statements). */
      signOff?: Pick<SignOffService, 'checkRelease'>;
      /** Tells the assignee, and colleagues a note mentions, in the same transaction (src/notifications). */
      notify?: Pick<NotificationService, 'assigned' | 'noted'>;
    },
  ) {}

  /** Whether replies by email can be sent (SMTP and the From address configured). */
  get emailEnabled(): boolean {
    return this.deps.email?.enabled ?? false;
  }

  /** The first-response fields, set once: when, and how much opening time it took. */
  private firstResponse(e: Enquiry, now: Date): Partial<Enquiry> {
    if (e.first_response_at) return {};
    return {
      first_response_at: now,
      first_response_working_s: workingMinutesBetween(e.received_at, now, this.deps.config.office) * 60,
    };
  }

  /**
   * Runs `fn` on the enquiry locked for update, in `outer` (the caller's transaction) or a new one.
   * A send from the enquiry page brings its `guard` (issue 29): checked under the lock, before
   * `fn`, so a stale page or a second submit sends nothing; the send is remembered after it.
   */
  private async withEnquiry<T extends string | null>(
    reference: string,
    fn: (tx: Tx, e: Enquiry, now: Date) => Promise<T>,
    outer?: Tx,
    guard?: SendGuard | null,
  ): Promise<T> {
    const run = async (tx: Tx) => {
      const e = await repo.lockByReference(tx, reference);
      if (!e) throw new AppError('not_found', `There is no enquiry ${reference}`);
      await guard?.check(tx, e);
      const now = this.deps.clock();
      const result = await fn(tx, e, now);
      await guard?.record(tx, e, result, now);
      return result;
    };
    if (outer) return run(outer);
    const result = await this.deps.db.transaction().execute(run);
    // After commit: open queues refresh this row and their counts (issue 23: counts follow changes).
    this.deps.live?.announceChange(reference);
    return result;
  }

  /** Assigns the enquiry to a user (null: unassigned); returns the timeline entry saying so. */
  async assign(reference: string, userId: string | null, actor: Actor): Promise<string> {
    return this.withEnquiry(reference, async (tx, e, now) => {
      let name: string | null = null;
      if (userId && !isRowIdDigits(userId))
        throw new AppError('validation', 'Choose someone who can take it', {
          fields: { assignee: 'Choose an active member of staff' },
        });
      if (userId) {
        const user = await findUserById(tx, userId);
        if (!user?.active)
          throw new AppError('validation', 'Choose someone who can take it', {
            fields: { assignee: 'Choose an active member of staff' },
          });
        name = user.name;
      }
      const starts = Boolean(userId) && e.status === 'new';
      await repo.updateEnquiry(tx, e.id, {
        assigned_to: userId,
        updated_at: now,
        ...(starts ? { status: 'in_progress' } : {}),
      });
      const eventId = await addEvent(tx, {
        enquiryId: e.id,
        at: now,
        kind: 'assigned',
        actor: actor.email,
        data: { to: name },
      });
      // Taking a new enquiry starts work on it; say so on the timeline rather than change it silently.
      if (starts)
        await addEvent(tx, {
          enquiryId: e.id,
          at: now,
          kind: 'status_changed',
          actor: actor.email,
          data: { from: 'new', to: 'in_progress' },
        });
      await audit(tx, { at: now, actor, action: 'enquiry.assigned', enquiryId: e.id, detail: { to: userId, name } });
      await this.deps.notify?.assigned(tx, { enquiry: e, before: e.assigned_to, to: userId, actor, eventId });
      return eventId;
    });
  }

  /**
   * The outcome a move to `target` records (issue 28): answered and closed take the officer's
   * choice, checked (a named organisation for a referral elsewhere, another existing enquiry for a
   * duplicate); without one (on-call's DONE, callers before outcomes) the outcome it already had,
   * else "answered with a line" when a library line went to the journalist unchanged, else
   * "answered". A closing choice left blank is refused. Any other status clears it.
   */
  private async outcomeFor(
    tx: Tx,
    e: Enquiry,
    target: EnquiryStatus,
    choice: OutcomeChoice | undefined,
  ): Promise<{ outcome: EnquiryOutcome | null; organisation: string | null; duplicate: Enquiry | null }> {
    const none = { outcome: null, organisation: null, duplicate: null };
    if (target !== 'answered' && target !== 'closed') return none;
    const chosen = choice?.outcome?.trim() ?? '';
    if (!chosen) {
      if (choice && target === 'closed')
        throw new AppError('validation', 'Choose how the enquiry ended', {
          fields: { outcome: 'Choose how the enquiry ended' },
        });
      return {
        outcome: e.outcome ?? ((await usedLine(tx, e.id)) ? 'answered_with_line' : 'answered'),
        organisation: e.outcome ? e.outcome_org : null,
        duplicate: null,
      };
    }
    const outcome = ENQUIRY_OUTCOMES.find((o) => o === chosen);
    if (!outcome)
      throw new AppError('validation', 'Choose how the enquiry ended', {
        fields: { outcome: 'Choose one of the outcomes listed' },
      });
    if (outcome === 'referred_other') {
      const organisation = choice?.organisation?.trim() ?? '';
      if (!organisation)
        throw new AppError('validation', 'Enter the organisation', {
          fields: { outcomeOrg: 'Enter the organisation you referred the journalist to' },
        });
      return { outcome, organisation, duplicate: null };
    }
    if (outcome === 'duplicate') {
      const typed = choice?.duplicateOf?.trim() ?? '';
      const ref = typed ? normaliseReference(typed) : null;
      if (!ref)
        throw new AppError('validation', 'Enter the reference of the other enquiry', {
          fields: { duplicateOf: 'Enter the reference of the enquiry this duplicates, like PD-7KM-4QX' },
        });
      const other = await findByReference(tx, ref);
      if (!other)
        throw new AppError('validation', `There is no enquiry ${ref}`, {
          fields: { duplicateOf: `There is no enquiry ${ref}: enter the reference of the enquiry this duplicates` },
        });
      if (other.id === e.id)
        throw new AppError('validation', 'An enquiry cannot duplicate itself', {
          fields: { duplicateOf: 'Enter the reference of another enquiry, not this one' },
        });
      return { outcome, organisation: null, duplicate: other };
    }
    return { outcome, organisation: null, duplicate: null };
  }

  /**
   * Sends a referral's standard message (issue 28) to the journalist by their channel, through the
   * desk's own reply paths (opt-outs, sign-off, the outbox) in the close's transaction; a refusal
   * is reported on the close form's message field. Returns the medium it went by.
   */
  private async sendOutcomeMessage(
    tx: Tx,
    e: Enquiry,
    text: string,
    actor: Actor,
    manager: boolean | undefined,
  ): Promise<'sms' | 'email'> {
    const route = this.deps.updates?.routeFor(e) ?? null;
    if (!route)
      throw new AppError('validation', 'No way to send the message', {
        fields: {
          outcomeMessage:
            'Press Desk has no way to message this journalist (no mobile number or email it can use): untick "Send the journalist this message" and tell them yourself',
        },
      });
    const kind: SaidKind = 'outcome_message';
    try {
      if (route.medium === 'sms') await this.replyBySms(e.reference, text, actor, tx, { manager, kind });
      else await this.replyByEmail(e.reference, text, actor, { manager, kind, tx });
    } catch (err) {
      const fields = err instanceof AppError && err.code === 'validation' ? err.details.fields : undefined;
      if (!fields) throw err;
      throw new AppError('validation', (err as AppError).message, {
        fields: { outcomeMessage: Object.values(fields)[0] },
      });
    }
    return route.medium;
  }

  /**
   * Moves the enquiry to another status; answered sets the first response, closed the close time.
   * Answered and closed record how it ended (`opts.outcome`, see `outcomeFor`), and a referral's
   * standard message goes to the journalist in the same transaction (`opts.outcome.message`);
   * reopening or withdrawing clears the outcome. Returns the timeline entry of the change, or null
   * when it already had that status.
   */
  async setStatus(
    reference: string,
    status: string,
    actor: Actor,
    tx?: Tx,
    opts: { outcome?: OutcomeChoice; manager?: boolean; guard?: SendGuard | null } = {},
  ): Promise<string | null> {
    const target = STATUSES.find((s) => s.value === status)?.value;
    if (!target)
      throw new AppError('validation', 'Choose a status', { fields: { status: 'Choose one of the statuses listed' } });
    return this.withEnquiry(
      reference,
      async (tx, found, now) => {
        let e = found;
        if (e.status === target) return null;
        // An erasure closed it and took the journalist's details: reopened, nobody could answer it.
        if (e.status === 'erased')
          throw new AppError(
            'conflict',
            'This enquiry was closed by an erasure request: it cannot be reopened or changed.',
          );
        // Merged into another (src/merging): reopened, it would be worked on nowhere the queue shows.
        if (e.merged_into)
          throw new AppError(
            'conflict',
            'This enquiry was merged into another: work on that one, or undo the merge the same day.',
          );
        const ended = await this.outcomeFor(tx, e, target, opts.outcome);
        const message = ended.outcome && hasMessage(ended.outcome) ? (opts.outcome?.message?.trim() ?? '') : '';
        let messaged: 'sms' | 'email' | null = null;
        if (message) {
          const text =
            ended.outcome === 'referred_other'
              ? message.replaceAll('{organisation}', ended.organisation ?? '')
              : message;
          messaged = await this.sendOutcomeMessage(tx, e, text, actor, opts.manager);
          // The reply changed the row (its first response, its time): carry on from it as it is now.
          e = (await repo.lockByReference(tx, e.reference)) ?? e;
        }
        await repo.updateEnquiry(tx, e.id, {
          status: target,
          updated_at: now,
          outcome: ended.outcome,
          outcome_org: ended.organisation,
          duplicate_of: ended.duplicate?.id ?? null,
          ...(target === 'answered' ? this.firstResponse(e, now) : {}),
          ...(closes(target)
            ? {
                closed_at: now,
                close_working_s: workingMinutesBetween(e.received_at, now, this.deps.config.office) * 60,
              }
            : isOpenStatus(target)
              ? { closed_at: null, close_working_s: null }
              : {}),
          ...(isOpenStatus(target) ? { resolved_at: null } : e.resolved_at ? {} : { resolved_at: now }),
        });
        const how = {
          ...(ended.outcome ? { outcome: ended.outcome } : {}),
          ...(ended.organisation ? { organisation: ended.organisation } : {}),
          ...(ended.duplicate ? { duplicateOf: ended.duplicate.reference } : {}),
          ...(messaged ? { messaged } : {}),
        };
        const eventId = await addEvent(tx, {
          enquiryId: e.id,
          at: now,
          kind: 'status_changed',
          actor: actor.email,
          data: { from: e.status, to: target, ...how },
        });
        await audit(tx, {
          at: now,
          actor,
          action: 'enquiry.status_changed',
          enquiryId: e.id,
          detail: { from: e.status, to: target, ...how },
        });
        // Nobody is woken for an enquiry that no longer needs an answer.
        if (!isOpenStatus(target)) await stopEscalation(tx, e.id, target, now);
        // Closing is news to a journalist who has not had the answer on their status page; after a
        // released response (they were told then) or their own withdrawal it is not.
        // A referral's standard message says it is closed, and why: not a second message saying so.
        if (target === 'closed' && !e.response_released_at && !messaged)
          await this.deps.updates?.tell(tx, e, 'closed', now);
        // Withdrawn from the desk: the journalist asked by phone or email, and gets the same confirmation.
        if (target === 'withdrawn') await this.deps.updates?.tell(tx, e, 'withdrawn', now);
        return eventId;
      },
      tx,
      opts.guard,
    );
  }

  /** Adds an internal note (never sent to the journalist); returns its timeline entry. */
  async addNote(reference: string, text: string, actor: Actor, tx?: Tx): Promise<string> {
    // Checked (and normalised) here as well as by the desk's form: on-call texts and links, and
    // tests, come straight to the service.
    const { note } = noteForm.check({ note: text });
    return this.withEnquiry(
      reference,
      async (tx, e, now) => {
        const eventId = await addEvent(tx, {
          enquiryId: e.id,
          at: now,
          kind: 'note',
          actor: actor.email,
          data: { text: note },
        });
        await repo.updateEnquiry(tx, e.id, { updated_at: now });
        await audit(tx, { at: now, actor, action: 'enquiry.note_added', enquiryId: e.id });
        await this.deps.notify?.noted(tx, { enquiry: e, text: note, actor, eventId });
        return eventId;
      },
      tx,
    );
  }

  /**
   * Records the press line given to the journalist, with its release decision (what was withheld
   * and why, who decided: nothing withheld, decided by the actor, when not given); the first one
   * counts as the first response.
   * `release`: it is also shown on the journalist's status page, and the first release tells them
   * (once, by their channel); without it a response released earlier comes off the page, since
   * the officer chose not to show this wording. Returns the timeline entry.
   */
  async recordResponse(
    reference: string,
    text: string,
    actor: Actor,
    tx?: Tx,
    opts: {
      release?: boolean;
      decision?: Decision;
      manager?: boolean;
      override?: string | null;
      guard?: SendGuard | null;
    } = {},
  ): Promise<string> {
    const { response } = responseForm.check({ response: text });
    const release = opts.release ?? false;
    const decision = opts.decision ?? NOTHING_WITHHELD;
    return this.withEnquiry(
      reference,
      async (tx, e, now) => {
        const signOff = release
          ? ((await this.deps.signOff?.checkRelease(
              tx,
              e,
              response,
              { ...actor, manager: opts.manager },
              opts.override ?? null,
              now,
            )) ?? 'not_required')
          : null;
        const updated = await repo.updateEnquiry(tx, e.id, {
          response_given: response,
          updated_at: now,
          response_released_at: release ? now : null,
          ...this.firstResponse(e, now),
        });
        // The release decision (issue 26): what was withheld and why, and who decided, on the record.
        const decidedBy = await recordDecision(tx, {
          enquiryId: e.id,
          at: now,
          recordedBy: actor.email,
          released: response,
          toPage: release,
          decision,
        });
        const eventId = await addEvent(tx, {
          enquiryId: e.id,
          at: now,
          kind: 'response_recorded',
          actor: actor.email,
          data: {
            text: response,
            released: release,
            reasons: decision.reasons,
            ...(decision.withheld ? { withheld: decision.withheld } : {}),
            decidedBy,
            ...(signOff ? { signOff } : {}),
          },
        });
        await recordSaid(tx, { enquiryId: e.id, at: now, kind: 'response', text: response, actor: actor.email });
        await audit(tx, {
          at: now,
          actor,
          action: 'enquiry.response_recorded',
          enquiryId: e.id,
          detail: { released: release, reasons: decision.reasons, decidedBy },
        });
        if (release) await this.deps.updates?.tell(tx, updated, 'released', now);
        return eventId;
      },
      tx,
      opts.guard,
    );
  }

  /** Shows the recorded response on the journalist's status page (telling them, once), or takes it off; returns the timeline entry, null when it already was so. */
  async releaseResponse(
    reference: string,
    released: boolean,
    actor: Actor,
    opts: { manager?: boolean; override?: string | null; guard?: SendGuard | null } = {},
  ): Promise<string | null> {
    return this.withEnquiry(
      reference,
      async (tx, e, now) => {
        if (!e.response_given)
          throw new AppError('validation', 'No response recorded', {
            fields: { release: 'Record the response first' },
          });
        if (Boolean(e.response_released_at) === released) return null;
        const signOff = released
          ? ((await this.deps.signOff?.checkRelease(
              tx,
              e,
              e.response_given,
              { ...actor, manager: opts.manager },
              opts.override ?? null,
              now,
            )) ?? 'not_required')
          : null;
        const updated = await repo.updateEnquiry(tx, e.id, {
          response_released_at: released ? now : null,
          updated_at: now,
        });
        const eventId = await addEvent(tx, {
          enquiryId: e.id,
          at: now,
          kind: 'response_released',
          actor: actor.email,
          data: signOff ? { released, signOff } : { released },
        });
        await audit(tx, {
          at: now,
          actor,
          action: released ? 'enquiry.response_released' : 'enquiry.response_withdrawn',
          enquiryId: e.id,
        });
        if (released) await this.deps.updates?.tell(tx, updated, 'released', now);
        return eventId;
      },
      undefined,
      opts.guard,
    );
  }

  /** A member of staff opened the enquiry: what the journalist added is seen, and the queue stops marking it. */
  async seen(enquiryId: string): Promise<void> {
    await clearJournalistAdded(this.deps.db, enquiryId);
  }

  /**
   * Queues an SMS reply to the journalist (sent by a job; its delivery receipt lands on the
   * timeline). Where the enquiry needs sign-off, only the approved words go, or a manager's
   * `override` reason. Returns the timeline entry.
   */
  async replyBySms(
    reference: string,
    text: string,
    actor: Actor,
    tx?: Tx,
    opts: { manager?: boolean; override?: string | null; kind?: SaidKind; guard?: SendGuard | null } = {},
  ): Promise<string> {
    const body = smsReplyForm.check({ reply: text }).reply;
    return this.withEnquiry(
      reference,
      async (tx, e, now) => {
        if (!e.phone)
          throw new AppError('validation', 'No phone number', {
            fields: { reply: 'This journalist gave no phone number: reply by email instead' },
          });
        if (!callsBack(e.phone, this.deps.config.twilio.allowedCountries)) {
          throw new AppError('validation', 'This number does not take texts from Press Desk', {
            fields: {
              reply:
                'Press Desk does not text premium-rate or satellite numbers, or numbers outside the countries it texts: reply by email instead',
            },
          });
        }
        // Twilio would refuse it (21614): the form is not offered, but a stale form or a REPLY from on-call must not look sent.
        if (cannotTakeTexts(e.phone))
          throw new AppError('validation', "This journalist's number cannot take texts", {
            fields: { reply: noTextsNotice(e.phone) },
          });
        // Twilio would refuse it (21610); a stale form must not look sent. An email or call still reaches them.
        const optOut = await findOptOut(tx, e.phone);
        if (optOut) {
          const notice = optOutNotice(optOut, (d) => formatShortTime(d, this.deps.config.office, now));
          throw new AppError('validation', 'This journalist texted STOP', { fields: { reply: notice } });
        }
        await this.deps.signOff?.checkRelease(
          tx,
          e,
          body,
          { ...actor, manager: opts.manager },
          opts.override ?? null,
          now,
          'reply',
        );
        const key = `reply:${randomUUID()}`;
        await queueSms(tx, { key, enquiryId: e.id, to: e.phone, body }, now);
        await repo.updateEnquiry(tx, e.id, { updated_at: now, ...this.firstResponse(e, now) });
        const eventId = await addEvent(tx, {
          enquiryId: e.id,
          at: now,
          kind: 'reply_queued',
          actor: actor.email,
          data: { body, key },
        });
        await recordSaid(tx, {
          enquiryId: e.id,
          at: now,
          kind: opts.kind ?? 'sms_reply',
          text: body,
          actor: actor.email,
        });
        await audit(tx, { at: now, actor, action: 'enquiry.reply_sent', enquiryId: e.id, detail: { key } });
        return eventId;
      },
      tx,
      opts.guard,
    );
  }

  /**
   * Queues an email reply to the journalist, threaded to the enquiry's latest message, from the
   * press office's address (sent through the outbox; retried while the SMTP server is away).
   * Where the enquiry needs sign-off, only the approved words go, or a manager's `override`
   * reason. Returns the timeline entry, which names the outbox key.
   */
  async replyByEmail(
    reference: string,
    text: string,
    actor: Actor,
    opts: { manager?: boolean; override?: string | null; kind?: SaidKind; tx?: Tx; guard?: SendGuard | null } = {},
  ): Promise<string> {
    const body = emailReplyForm.check({ email: text }).email;
    if (!this.deps.email?.enabled)
      throw new AppError('validation', 'Email is off', {
        fields: { email: 'Email is not connected (SMTP_URL, PRESSDESK_EMAIL_FROM): reply from your mail client' },
      });
    return this.withEnquiry(
      reference,
      async (tx, e, now) => {
        if (!e.email)
          throw new AppError('validation', 'No email address', {
            fields: { email: 'This journalist gave no email address: reply by SMS or phone instead' },
          });
        // A row stored before addresses were checked may name several recipients or carry parameters.
        if (!singleMailbox(e.email))
          throw new AppError('validation', 'Not a single email address', {
            fields: {
              email:
                "This journalist's address is not a single plain email address: reply from your mail client after checking it",
            },
          });
        await this.deps.signOff?.checkRelease(
          tx,
          e,
          body,
          { ...actor, manager: opts.manager },
          opts.override ?? null,
          now,
          'email',
        );
        const key = await this.deps.email!.reply(tx, { enquiry: e, to: e.email, text: body }, now);
        await repo.updateEnquiry(tx, e.id, { updated_at: now, ...this.firstResponse(e, now) });
        const eventId = await addEvent(tx, {
          enquiryId: e.id,
          at: now,
          kind: 'email_reply_queued',
          actor: actor.email,
          data: { to: e.email, body, key },
        });
        await recordSaid(tx, {
          enquiryId: e.id,
          at: now,
          kind: opts.kind ?? 'email_reply',
          text: body,
          actor: actor.email,
        });
        await audit(tx, { at: now, actor, action: 'enquiry.email_sent', enquiryId: e.id });
        return eventId;
      },
      opts.tx,
      opts.guard,
    );
  }

  /** Upgrades or downgrades urgency with a reason; an upgrade while the office is closed pages on-call. Returns the timeline entry, null when unchanged. */
  async setUrgency(reference: string, urgent: boolean, reasonText: string, actor: Actor): Promise<string | null> {
    const { reason } = urgencyForm.check({ reason: reasonText });
    return this.withEnquiry(reference, async (tx, e, now) => {
      if (e.urgent === urgent) return null;
      const closed = !isOpen(now, this.deps.config.office);
      await repo.updateEnquiry(tx, e.id, {
        urgent,
        urgent_reason: urgent ? 'staff' : null,
        needs_on_call: urgent && closed,
        updated_at: now,
      });
      const eventId = await addEvent(tx, {
        enquiryId: e.id,
        at: now,
        kind: 'urgency_changed',
        actor: actor.email,
        data: { urgent, reason },
      });
      await audit(tx, {
        at: now,
        actor,
        action: urgent ? 'enquiry.upgraded' : 'enquiry.downgraded',
        enquiryId: e.id,
        detail: { reason },
      });
      if (urgent && closed && this.deps.paging.enabled) await this.deps.paging.schedulePage(tx, { ...e, urgent }, now);
      return eventId;
    });
  }

  /** Acknowledges the enquiry's page from the desk (someone picked it up without the phone); returns the page's id (the notice reads who acknowledged it). */
  async acknowledgePage(reference: string, actor: Actor): Promise<string> {
    return this.withEnquiry(reference, async (tx, e, now) => {
      const page = await findPageByEnquiry(tx, e.id);
      if (!page)
        throw new AppError('validation', 'Nothing to acknowledge', { fields: { page: 'This enquiry was not paged' } });
      const acked = await this.deps.paging.acknowledge(tx, [page.id], { by: actor.email, via: 'desk' });
      if (acked.length) await audit(tx, { at: now, actor, action: 'page.acknowledged', enquiryId: e.id });
      return page.id;
    });
  }
}
