/**
 * Merge and split (issue 29, item 2). An officer merges enquiry B into A when the journalist asked
 * the same thing twice (an email, then a call): B's messages, timeline and questions move to A, B
 * is closed as a duplicate of A and names it (`merged_into`), and B's journalist is told once
 * which reference now carries it. The move is recorded row by row (`enquiry_merge`), so that the
 * merge can be undone the same office day exactly. A new question inside a thread goes the other
 * way: split out into an enquiry of its own, with its own reference, deadline and status link.
 * Each action is one transaction, audited, and on both timelines.
 */
import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import { audit, type Actor } from '../audit/audit.repository.js';
import { addEvent, insertEnquiryWithEvent } from '../enquiries/enquiries.repository.js';
import { parseDeadline } from '../enquiries/enquiry.input.js';
import { isOpenStatus } from '../enquiries/enquiry.model.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import type { JournalistRoute } from '../enquiries/journalist-route.js';
import { normaliseReference, newReference } from '../enquiries/reference.js';
import { redactedStatusUrl } from '../enquiries/status-link.js';
import { judgeEnquiry, targetMinutes, warnAt } from '../enquiries/urgency.js';
import { workingMinutesBetween } from '../hours/office-hours.js';
import { AppError } from '../http/errors.js';
import { t } from '../i18n/catalogue.js';
import { queueSms } from '../outbox/outbox.service.js';
import { stopEscalation } from '../oncall/paging.schedule.js';
import { findOptOut } from '../sms/opt-out.repository.js';
import type { UpdateMail } from '../status/status.service.js';
import { mergeForm, splitForm } from './merging.forms.js';
import * as repo from './merging.repository.js';
import type { MergePanelProps } from './merging.views.js';

/** How many days either side of an enquiry's arrival another counts as a possible duplicate. */
export const DUPLICATE_DAYS = 3;

/** What the merge and split service needs. */
export interface MergeServiceDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'office' | 'intake' | 'desk' | 'publicBaseUrl'>;
  /** How a journalist is reached by Press Desk itself (their channel first): the status updates' rule. */
  updates: { routeFor(e: Pick<Enquiry, 'channel' | 'email' | 'phone'>): JournalistRoute | null };
  /** Email to the journalist through the outbox, threaded to their enquiry (absent: email is off). */
  mail?: UpdateMail;
  /** The desk's live queues, told after the commit. */
  live?: { announceChange(reference: string): void };
}

/** Whether two enquiries are from the same journalist: the same phone number or the same address (any case). */
export function sameJournalist(a: Pick<Enquiry, 'phone' | 'email'>, b: Pick<Enquiry, 'phone' | 'email'>): boolean {
  if (a.phone && b.phone && a.phone === b.phone) return true;
  return Boolean(a.email && b.email && a.email.toLowerCase() === b.email.toLowerCase());
}

/** Merges, undoes merges and splits; every action one transaction. */
export class MergeService {
  constructor(private readonly deps: MergeServiceDeps) {}

  /** The office-local day of `d` (an undo must fall on the merge's own office day). */
  private officeDay(d: Date): string {
    return dayIn(d, this.deps.config.office.timezone);
  }

  /** Whether a merge made at `mergedAt` can still be undone at `now` (the same office day). */
  undoable(mergedAt: Date, now: Date = this.deps.clock()): boolean {
    return this.officeDay(mergedAt) === this.officeDay(now);
  }

  /**
   * Queues one message to the journalist of `e` by their channel (the status updates' rule; a
   * number that texted STOP is reached by email instead when it can be), through the outbox in
   * `tx`, once per `key`. `contact`: the enquiry whose channel and details reach them (default
   * `e`, the enquiry the message is about and whose status link it carries). Nothing when they
   * turned updates off, were erased, or cannot be reached. Returns the medium, or null.
   */
  private async tell(
    tx: Tx,
    e: Enquiry,
    key: string,
    text: string,
    now: Date,
    contact: Enquiry = e,
  ): Promise<'sms' | 'email' | null> {
    if (contact.updates_off || contact.erased_at) return null;
    let route = this.deps.updates.routeFor(contact);
    if (route?.medium === 'sms' && (await findOptOut(tx, route.to))) {
      route =
        contact.email && this.deps.mail?.enabled && this.deps.mail.mayWriteTo(contact.email)
          ? { medium: 'email', to: contact.email }
          : null;
    }
    if (!route) return null;
    if (route.medium === 'sms') {
      await queueSms(tx, { key, enquiryId: e.id, to: route.to, body: text, lane: 'journalist' }, now);
      return 'sms';
    }
    if (!this.deps.mail) return null;
    return (await this.deps.mail.update(tx, { key, enquiry: e, to: route.to, text }, now)) ? 'email' : null;
  }

  /**
   * Merges the enquiry `fromText` (a reference as typed) into `intoReference`. Both must be open,
   * different, and neither merged already; nothing may be merged into `from` (no chains). B's
   * messages, timeline (all but its arrival), questions and words said move to A, and B's deadline
   * when it is earlier than A's (`carryDeadline`); B is closed as
   * a duplicate of A, its page escalation stopped; both timelines and the audit log say so; B's
   * journalist is told once (per pair) which reference now carries it, without naming A's
   * journalist when they are someone else. Returns the merge's id, B's reference and A's
   * `merged_in` entry (the desk's notice reads it).
   */
  async merge(
    intoReference: string,
    fromText: string,
    actor: Actor,
  ): Promise<{ mergeId: string; from: string; eventId: string }> {
    const { from: typed } = mergeForm.check({ from: fromText });
    const fromReference = normaliseReference(typed);
    if (!fromReference)
      throw new AppError('validation', 'Enter a reference like PD-7KM-4QX', {
        fields: { from: 'Enter the reference of the enquiry to merge into this one, like PD-7KM-4QX' },
      });
    if (fromReference === intoReference)
      throw new AppError('validation', 'An enquiry cannot be merged into itself', {
        fields: { from: 'Enter the reference of another enquiry, not this one' },
      });
    const result = await this.deps.db.transaction().execute(async (tx) => {
      const now = this.deps.clock();
      const pair = await repo.lockPair(tx, intoReference, fromReference);
      const into = pair.get(intoReference);
      const from = pair.get(fromReference);
      if (!into) throw new AppError('not_found', `There is no enquiry ${intoReference}`);
      if (!from)
        throw new AppError('validation', `There is no enquiry ${fromReference}`, {
          fields: { from: `There is no enquiry ${fromReference}: check the reference` },
        });
      const refuse = (why: string) => {
        throw new AppError('validation', why, { fields: { from: why } });
      };
      if (into.merged_into) refuse(`${into.reference} was itself merged into another enquiry: merge into that one`);
      if (!isOpenStatus(into.status)) refuse(`${into.reference} is no longer open: only open enquiries can be merged`);
      if (from.merged_into) refuse(`${from.reference} was already merged into another enquiry`);
      if (!isOpenStatus(from.status)) refuse(`${from.reference} is no longer open: only open enquiries can be merged`);
      const carrying = await repo.activeMergesOf(tx, from.id);
      if (carrying.some((m) => m.into_id === from.id))
        refuse(`Other enquiries were merged into ${from.reference}: merge ${into.reference} into it instead`);

      const moved = await repo.moveAll(tx, from.id, into.id);
      // The journalist still needs the answer by the earlier deadline, whichever enquiry gave it.
      const intoBefore = await repo.carryDeadline(tx, from, into);
      const mergeId = await repo.insertMerge(tx, {
        intoId: into.id,
        fromId: from.id,
        at: now,
        by: actor.email,
        moved,
        before: { ...repo.stoodBefore(from), ...(intoBefore ? { into: intoBefore } : {}) },
      });
      await repo.markMerged(
        tx,
        from.id,
        into.id,
        now,
        workingMinutesBetween(from.received_at, now, this.deps.config.office) * 60,
      );
      // Nobody is woken for an enquiry that now lives on in another.
      await stopEscalation(tx, from.id, 'closed', now);
      // By the channel of the enquiry that goes (the one they used for it), about the one that carries it.
      const [about, key, words] = this.mergeMessage(from, into);
      const told = await this.tell(tx, about, key, words, now, from);
      const count = repo.movedCount(moved);
      const eventId = await addEvent(tx, {
        enquiryId: into.id,
        at: now,
        kind: 'merged_in',
        actor: actor.email,
        data: {
          from: from.reference,
          moved: count,
          told,
          ...(intoBefore && from.deadline ? { deadline: from.deadline.toISOString() } : {}),
        },
      });
      await addEvent(tx, {
        enquiryId: from.id,
        at: now,
        kind: 'merged_away',
        actor: actor.email,
        data: { into: into.reference },
      });
      await addEvent(tx, {
        enquiryId: from.id,
        at: now,
        kind: 'status_changed',
        actor: actor.email,
        data: { from: from.status, to: 'closed', outcome: 'duplicate', duplicateOf: into.reference },
      });
      for (const e of [into, from])
        await audit(tx, {
          at: now,
          actor,
          action: 'enquiry.merged',
          enquiryId: e.id,
          detail: { mergeId, into: into.reference, from: from.reference, moved: count, told },
        });
      await tx.updateTable('enquiry').set({ updated_at: now }).where('id', '=', into.id).execute();
      return { mergeId, from: from.reference, into: into.reference, eventId };
    });
    this.deps.live?.announceChange(result.into);
    this.deps.live?.announceChange(result.from);
    return { mergeId: result.mergeId, from: result.from, eventId: result.eventId };
  }

  /**
   * The message to B's journalist (its enquiry, outbox key and words): naming A when A is theirs
   * too (and the link opens A), else saying only that it is handled with another enquiry under
   * A's reference (the link is B's own, which shows A's state without A's journalist's words).
   * The key names the pair: merged, undone and merged again, they are told once.
   */
  private mergeMessage(from: Enquiry, into: Enquiry): [Enquiry, string, string] {
    const values = {
      office: this.deps.config.office.name,
      from: from.reference,
      into: into.reference,
      link: redactedStatusUrl(this.deps.config.publicBaseUrl),
    };
    const key = `merge:${from.id}:${into.id}`;
    // In B's journalist's language (issue 31): they are the one told.
    if (sameJournalist(from, into)) return [into, key, t(from.language, 'texts.merge.combined', values)];
    return [from, key, t(from.language, 'texts.merge.handledWith', values)];
  }

  /**
   * Undoes a merge the same office day (by the office's clock and time zone): exactly the rows it
   * moved that are still on A go back to B, B stands as it did before (its status, close and
   * outcome), and A gets its own deadline back if it took B's. Both timelines and the audit log say so. Refused once the day is over, once undone,
   * or once an erasure released it. Returns both references and A's `merge_undone` entry.
   */
  async undo(mergeId: string, actor: Actor): Promise<{ from: string; into: string; eventId: string }> {
    const result = await this.deps.db.transaction().execute(async (tx) => {
      const now = this.deps.clock();
      const m = await repo.lockMerge(tx, mergeId);
      if (!m) throw new AppError('not_found', 'There is no such merge');
      if (m.undone_at)
        throw new AppError('conflict', `The merge of ${m.from_reference} into ${m.into_reference} was already undone`);
      if (m.released_at)
        throw new AppError('conflict', 'This merge can no longer be undone: one of the enquiries was erased');
      if (!this.undoable(m.merged_at, now))
        throw new AppError(
          'conflict',
          `The merge of ${m.from_reference} into ${m.into_reference} can only be undone on the day it was made`,
        );
      await repo.lockById(tx, m.into_id);
      await repo.lockById(tx, m.from_id);
      await repo.moveBack(tx, m.moved, m.from_id, m.into_id);
      await repo.restore(tx, m.from_id, m.before, now);
      if (m.before.into) await repo.restoreDeadline(tx, m.into_id, m.before.into);
      await repo.markUndone(tx, m.id, now, actor.email);
      const data = { from: m.from_reference, into: m.into_reference };
      let eventId = '';
      for (const id of [m.into_id, m.from_id]) {
        const written = await addEvent(tx, { enquiryId: id, at: now, kind: 'merge_undone', actor: actor.email, data });
        if (id === m.into_id) eventId = written;
        await audit(tx, {
          at: now,
          actor,
          action: 'enquiry.merge_undone',
          enquiryId: id,
          detail: { mergeId, ...data },
        });
      }
      await addEvent(tx, {
        enquiryId: m.from_id,
        at: now,
        kind: 'status_changed',
        actor: actor.email,
        data: { from: 'closed', to: m.before.status as Enquiry['status'] },
      });
      return { ...data, eventId };
    });
    this.deps.live?.announceChange(result.into);
    this.deps.live?.announceChange(result.from);
    return result;
  }

  /**
   * Splits a new question out of the open enquiry `reference`: one of the journalist's messages in
   * its thread (which moves to the new enquiry, with the stored text or email it records) or a
   * question typed by the officer. The new enquiry has the journalist's details, its own
   * reference, the deadline given (blank: none; the office's usual target sets its respond-by, as
   * for a new enquiry), its own status link, and its journalist is told its reference through the
   * outbox by their channel. Audited, on both timelines. Returns the new reference and its
   * `split_from` entry (the desk's notice reads it).
   */
  async split(
    reference: string,
    input: Record<string, unknown>,
    actor: Actor,
  ): Promise<{ reference: string; eventId: string }> {
    const values = splitForm.check(input);
    const now0 = this.deps.clock();
    let deadline: Date | null = null;
    if (values.deadline) {
      const d = parseDeadline(values.deadline, {
        now: DateTime.fromJSDate(now0),
        timezone: this.deps.config.office.timezone,
      });
      if (!d.ok) throw new AppError('validation', d.error, { fields: { deadline: d.error } });
      deadline = d.value;
    }
    if (!values.message && !values.question)
      throw new AppError('validation', 'Choose the message that asks the new question, or type it', {
        fields: { message: 'Choose the message that asks the new question, or type the question' },
      });
    const result = await this.deps.db.transaction().execute(async (tx) => {
      const now = this.deps.clock();
      const e = (await repo.lockPair(tx, reference, reference)).get(reference);
      if (!e) throw new AppError('not_found', `There is no enquiry ${reference}`);
      if (e.merged_into || !isOpenStatus(e.status))
        throw new AppError(
          'conflict',
          `${e.reference} is no longer open: a new question becomes a new enquiry of its own`,
        );
      let details = values.question ?? '';
      if (values.message) {
        const message = (await repo.threadMessages(tx, e.id)).find((m) => m.eventId === values.message);
        if (!message)
          throw new AppError('validation', 'That message is not in this enquiry', {
            fields: { message: 'Choose one of the messages listed' },
          });
        details = values.question ? `${values.question}\n\n${message.text}` : message.text;
      }
      const config = this.deps.config;
      const j = judgeEnquiry(now, { deadline, saysUrgent: false }, config);
      let created: Enquiry | null = null;
      for (let attempt = 0; !created; attempt++) {
        if (attempt === 5) throw new Error('Could not allocate a unique enquiry reference');
        created = await insertEnquiryWithEvent(
          tx,
          {
            reference: newReference(),
            channel: e.channel,
            name: e.name,
            outlet: e.outlet,
            email: e.email,
            phone: e.phone,
            subject: values.subject,
            details,
            deadline,
            urgent: j.urgent,
            urgent_reason: j.urgentReason,
            out_of_hours: j.outOfHours,
            // An officer is at the desk making it: nobody is paged for it.
            needs_on_call: false,
            respond_by: j.respondBy,
            received_at: now,
            updated_at: now,
            incident_id: null,
            incident_linked_at: null,
            // The same journalist, answered in the language they chose (issue 31).
            language: e.language,
            warn_at: warnAt(now, j.respondBy, deadline, config, targetMinutes(config, { urgent: j.urgent, deadline })),
          },
          {
            kind: 'received',
            data: {
              channel: e.channel,
              outOfHours: j.outOfHours,
              urgent: j.urgent,
              urgentReason: j.urgentReason,
              pagedOnCall: false,
              nextStep: '',
            },
          },
        );
      }
      const fresh = created;
      if (values.message) await repo.moveMessage(tx, values.message, e.id, fresh.id);
      const told = await this.tell(
        tx,
        fresh,
        `split:${fresh.id}`,
        t(fresh.language, 'texts.merge.split', {
          office: config.office.name,
          subject: values.subject,
          fresh: fresh.reference,
          reference: e.reference,
          link: redactedStatusUrl(config.publicBaseUrl),
        }),
        now,
      );
      await addEvent(tx, {
        enquiryId: e.id,
        at: now,
        kind: 'split_out',
        actor: actor.email,
        data: { to: fresh.reference, told },
      });
      const eventId = await addEvent(tx, {
        enquiryId: fresh.id,
        at: now,
        kind: 'split_from',
        actor: actor.email,
        data: { from: e.reference, told },
      });
      await tx.updateTable('enquiry').set({ updated_at: now }).where('id', '=', e.id).execute();
      const detail = { from: e.reference, to: fresh.reference, message: values.message, told };
      for (const id of [e.id, fresh.id])
        await audit(tx, { at: now, actor, action: 'enquiry.split', enquiryId: id, detail });
      return { from: e.reference, to: fresh.reference, eventId };
    });
    this.deps.live?.announceChange(result.from);
    this.deps.live?.announceChange(result.to);
    return { reference: result.to, eventId: result.eventId };
  }
}

/** The office-local day of `d` in `timezone`. */
function dayIn(d: Date, timezone: string): string {
  return DateTime.fromJSDate(d, { zone: timezone }).toISODate() ?? '';
}

/**
 * What the enquiry page's merge panel shows for `e` at `now` (read for the page, by the desk's
 * enquiry route and the merge page): the enquiry it was merged into, those merged into it (each
 * undoable until the office day ends), and, while it is open, its possible duplicates (one query).
 */
export async function mergePanel(
  db: Db | Tx,
  e: Enquiry,
  ctx: { office: Config['office']; now: Date; csrf: string },
): Promise<MergePanelProps> {
  const open = isOpenStatus(e.status) && !e.merged_into;
  const [merges, suggestions] = await Promise.all([
    repo.activeMergesOf(db, e.id),
    open ? repo.suggestDuplicates(db, e, DUPLICATE_DAYS) : Promise.resolve([]),
  ]);
  const today = dayIn(ctx.now, ctx.office.timezone);
  const undoable = (at: Date) => dayIn(at, ctx.office.timezone) === today;
  const mine = merges.find((m) => m.from_id === e.id);
  let mergedInto: MergePanelProps['mergedInto'] = null;
  if (e.merged_into) {
    const target = mine ? { reference: mine.into_reference } : await repo.mergedTarget(db, e.merged_into);
    mergedInto = {
      reference: target?.reference ?? '',
      mergeId: mine?.id ?? null,
      undoable: mine ? undoable(mine.merged_at) : false,
    };
  }
  return {
    enquiry: e,
    mergedInto,
    mergedHere: merges
      .filter((m) => m.into_id === e.id)
      .map((m) => ({ mergeId: m.id, reference: m.from_reference, at: m.merged_at, undoable: undoable(m.merged_at) })),
    suggestions,
    open,
    office: ctx.office,
    now: ctx.now,
    csrf: ctx.csrf,
  };
}
