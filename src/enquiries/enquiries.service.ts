import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import type { Enquiry, EnquiryChannel, EnquiryStatus } from './enquiry.tables.js';
import * as repo from './enquiries.repository.js';
import type { EnquiryInput } from './enquiry.input.js';
import type { SubmitOutcome } from './enquiry.outcome.js';
import { hashBearerToken, newBearerToken } from '../http/bearer-token.js';
import { statusUrl } from './status-link.js';
import { newReference } from './reference.js';
import { judgeEnquiry, nextStepMessage, targetMinutes, warnAt, type Judgement } from './urgency.js';
import { pageBudgetKey, type PageSender } from './page-budget.js';
import { ackClientKey, ackRecipientKey, type AckChoice, type IntakeAcknowledgements } from './acknowledgement.js';
import { displayPhone } from './urgency.js';
import type { Lang } from '../i18n/languages.js';

/**
 * Queues the on-call page for an urgent out-of-hours enquiry inside the caller's transaction, so
 * the page is committed with the enquiry or not at all. `enabled` is false when the service
 * cannot send (no Twilio credentials): then nothing is queued and the journalist is told so.
 */
export interface PagingPort {
  readonly enabled: boolean;
  schedulePage(tx: Tx, enquiry: Enquiry, now: Date): Promise<void>;
  /**
   * Stops the escalation of an enquiry leaving the open statuses (`status`), in the transaction
   * that changes it: no further text or call goes out for it. Does nothing without a live page;
   * works whether or not paging is `enabled` (a page queued before Twilio was turned off).
   */
  stopEscalation(tx: Tx, enquiryId: string, status: EnquiryStatus, now: Date): Promise<void>;
}

/**
 * The incident rule at intake (src/incidents/incident.service.ts): the open incident a new
 * enquiry's text matches, asked before it is stored; then, in the enquiry's transaction, its link
 * recorded (`withheld`: it did not page because on-call already has the incident).
 */
export interface IntakeIncidentPort {
  matchAtIntake(
    db: Db | Tx,
    input: { subject: string; details: string; outlet: string; name: string },
  ): Promise<IntakeIncident | null>;
  /** `incident` is always one `matchAtIntake` answered, passed back unchanged (so the implementation may take its own row type). */
  linkedAtIntake(tx: Tx, enquiry: Enquiry, incident: IntakeIncident, withheld: boolean, at: Date): Promise<void>;
}

/**
 * The topic rules at intake (src/topics/topics.service.ts): whether any topic has terms (answered
 * from a short cache in the process, so an office without rules pays no query), and, in the new
 * enquiry's transaction, the topics its text matches, with the assign rule. Returns the enquiry as
 * it is now (assigned by a topic).
 */
export interface IntakeTopicsPort {
  anyRules(db: Db | Tx): Promise<boolean>;
  suggestAtIntake(tx: Tx, enquiry: Enquiry, at: Date): Promise<Enquiry>;
}

/** What intake reads of a matched incident: which it is, and whether on-call already has it. */
export interface IntakeIncident {
  readonly id: string;
  readonly acknowledged_at: Date | null;
}

/** Where new enquiries are announced once committed (the desk's live queues). */
export interface ArrivalsPort {
  announce(reference: string): void;
}

// The outcome's type is derived from its zod schema, which the OpenAPI document is generated from.
export type { SubmitOutcome } from './enquiry.outcome.js';
export type { PageSender } from './page-budget.js';

/** How intake was told to treat one submission. */
export interface SubmitOptions {
  /**
   * Who sent it, for the page budget (`intake.pageRateLimit`), spent only when the enquiry would
   * page: past it the enquiry is stored, urgent, but not paged. Absent: no budget (seeding, tests).
   */
  sender?: PageSender;
  /** SHA-256 of the receipt token given to the submitting browser (the web form); see `confirmation`. */
  receiptHash?: string;
  /**
   * Acknowledge it by email or text (the form; the API when asked; src/enquiries/acknowledgement.ts), in
   * the enquiry's transaction, within the acknowledgement limits counted against `sender`.
   */
  acknowledge?: boolean;
  /** The journalist's language (issue 31): stored on the enquiry, and every message to them uses it. Absent: English. */
  language?: Lang;
}

/** Why an urgent out-of-hours enquiry was not paged (recorded on its timeline). */
type Withheld = 'paging_off' | 'page_limit' | 'no_sender' | 'incident';

/** How `EnquiryService.store` is to store one enquiry: judged already, with what goes with it. */
interface StoreOptions {
  channel: EnquiryChannel;
  now: Date;
  /** How intake judged it (`judgeEnquiry`): urgent, out of hours, needing on-call. */
  judgement: Judgement;
  /** Why it does not page before any limit is asked (`withheld()`); null: it pages if its sender may. */
  withheld: Withheld | null;
  /** The receipt for the confirmation page and the status link's hash (`submit`); absent: neither. */
  link?: { receipt: { receiptHash?: string }; statusTokenHash: string | null };
  /** The incident intake matched it to; absent: none. */
  incident?: IntakeIncident | null;
  /** Who sent it, for the page and acknowledgement budgets; absent: no budget. */
  sender?: PageSender;
  /** Its acknowledgement, within the limits; absent: none. */
  ack?: AckChoice | null;
  /** Run the topic rules on it (`IntakeTopicsPort`); absent: no. */
  topics?: boolean;
  /** The journalist's language (`SubmitOptions.language`); absent: English. */
  language?: Lang;
}

export interface EnquiryServiceDeps {
  db: Db;
  config: Pick<Config, 'office' | 'intake' | 'onCall' | 'publicBaseUrl' | 'desk' | 'incidents'>;
  clock: Clock;
  paging?: PagingPort;
  arrivals?: ArrivalsPort;
  incidents?: IntakeIncidentPort;
  /** Topics suggested at intake by their terms (src/topics); absent: none. */
  topics?: IntakeTopicsPort;
  /** Acknowledgements by email or text of form and API enquiries; absent: none. */
  acknowledgements?: IntakeAcknowledgements;
}

/** Constant-time comparison of two hex digests. */
function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Intake: stores enquiries with their judgement, timeline and (when needed) page, atomically. */
export class EnquiryService {
  constructor(private readonly deps: EnquiryServiceDeps) {}

  /**
   * What the journalist was told when `reference` was received, for the confirmation page; null
   * when there is no such enquiry, it was received more than a day ago, or `receiptHash` is not
   * the one stored when it was submitted (the page is a receipt for the browser that sent it,
   * not a way to look enquiries up). Every null looks the same to the caller.
   */
  async confirmation(
    reference: string,
    receiptHash: string,
  ): Promise<{
    reference: string;
    nextStep: string;
    urgent: boolean;
    acknowledgedTo: string | null;
    /** The enquiry's language: the confirmation's default, and the language `nextStep` is in. */
    language: Lang;
  } | null> {
    const enquiry = await repo.findByReference(this.deps.db, reference);
    if (!enquiry || this.deps.clock().getTime() - enquiry.received_at.getTime() > 86_400_000) return null;
    const received = await repo.findFirstEvent(this.deps.db, enquiry.id, 'received');
    const stored = received?.data.receiptHash;
    if (typeof stored !== 'string' || !sameHash(stored, receiptHash)) return null;
    const nextStep = typeof received?.data.nextStep === 'string' ? received.data.nextStep : '';
    // Where the acknowledgement went, read from the enquiry itself (nothing copied): gone once erased.
    const by = received?.data.acknowledgedBy;
    const acknowledgedTo =
      by === 'email' ? enquiry.email : by === 'sms' && enquiry.phone ? displayPhone(enquiry.phone) : null;
    return {
      reference: enquiry.reference,
      nextStep,
      urgent: enquiry.urgent,
      acknowledgedTo,
      language: enquiry.language,
    };
  }

  /** Whether an urgent out-of-hours enquiry will actually be paged. */
  get pagingEnabled(): boolean {
    return this.deps.paging?.enabled ?? false;
  }

  /**
   * Stores a validated enquiry received now through `channel` and returns what to tell the
   * journalist. The row, its "received" event and its page job commit together: in a transaction
   * when there is a page to queue, otherwise in one statement (atomic by itself, one round trip).
   */
  async submit(
    input: EnquiryInput,
    channel: EnquiryChannel,
    opts: SubmitOptions = {},
  ): Promise<{ enquiry: Enquiry; outcome: SubmitOutcome }> {
    const now = this.deps.clock();
    const j = judgeEnquiry(now, { deadline: input.deadline, saysUrgent: input.urgent }, this.deps.config);
    const incident = (await this.deps.incidents?.matchAtIntake(this.deps.db, input)) ?? null;
    const withheld = this.withheld(j, incident);
    const receipt = opts.receiptHash ? { receiptHash: opts.receiptHash } : {};
    // The status link is handed over here, once (the 201, the confirmation page): only its hash is kept.
    const statusToken = newBearerToken();
    const link = { receipt, statusTokenHash: hashBearerToken(statusToken) };
    const ack = opts.acknowledge ? (this.deps.acknowledgements?.choose(input) ?? null) : null;
    const topics = (await this.deps.topics?.anyRules(this.deps.db)) ?? false;
    const stored =
      j.needsOnCall || incident || ack || topics
        ? await this.deps.db.transaction().execute((tx) =>
            this.store(tx, input, {
              channel,
              now,
              judgement: j,
              withheld,
              link,
              incident,
              sender: opts.sender,
              ack,
              topics,
              language: opts.language,
            }),
          )
        : await this.store(this.deps.db, input, {
            channel,
            now,
            judgement: j,
            withheld: null,
            link,
            language: opts.language,
          });
    this.deps.arrivals?.announce(stored.enquiry.reference);
    return {
      ...stored,
      outcome: { ...stored.outcome, statusUrl: statusUrl(this.deps.config.publicBaseUrl, statusToken) },
    };
  }

  /**
   * As `submit`, inside the caller's transaction (a channel that records its own message in the
   * same one, as SMS does). The caller announces the arrival once its transaction has committed.
   * `sender`: who sent it on that channel, for the page budget. `withOnCall`: the on-call officer
   * already has it (they took the journalist's call), so it is stored as urgent without paging.
   */
  async submitInTx(
    tx: Tx,
    input: EnquiryInput,
    channel: EnquiryChannel,
    opts: ({ sender: PageSender } | { withOnCall: true }) & { language?: Lang },
  ): Promise<{ enquiry: Enquiry; outcome: SubmitOutcome }> {
    const now = this.deps.clock();
    const j = judgeEnquiry(now, { deadline: input.deadline, saysUrgent: input.urgent }, this.deps.config);
    const incident = (await this.deps.incidents?.matchAtIntake(tx, input)) ?? null;
    const topics = (await this.deps.topics?.anyRules(tx)) ?? false;
    if ('withOnCall' in opts)
      return this.store(tx, input, {
        channel,
        now,
        judgement: { ...j, needsOnCall: false },
        withheld: null,
        incident,
        topics,
        language: opts.language,
      });
    return this.store(tx, input, {
      channel,
      now,
      judgement: j,
      withheld: this.withheld(j, incident),
      incident,
      sender: opts.sender,
      topics,
      language: opts.language,
    });
  }

  /**
   * The page budget's answer for `sender` now (`intake.pageRateLimit`), spending one point of it
   * in `db` (the transaction that queues the page, so a rolled-back page costs nothing): null
   * when they may page, `page_limit` past their budget, `no_sender` when the channel could not
   * say who they are (a withheld number: no budget could hold them back). One rule for every
   * channel; only a page that would really go out spends.
   */
  async spendPage(db: Db | Tx, sender: PageSender | undefined, now: Date): Promise<'page_limit' | 'no_sender' | null> {
    const limit = this.deps.config.intake.pageRateLimit;
    if (!sender || !limit) return null;
    const key = pageBudgetKey(sender);
    if (!key) return 'no_sender';
    const spent = await repo.spendRateLimitPoint(db, key, limit.durationSeconds * 1000, now);
    return spent > limit.points ? 'page_limit' : null;
  }

  /**
   * Pages on-call in `tx` about `enquiry`, which has just come to need them (a follow-up said
   * urgent, the journalist moved the deadline), unless paging is off or `sender` may not page
   * (`spendPage`): then why is recorded on its timeline (`page_withheld`), where the desk and the
   * morning digest see it and the closing-time handover leaves it alone. Returns whether a page
   * was queued.
   */
  async pageOrWithhold(tx: Tx, enquiry: Enquiry, now: Date, sender: PageSender): Promise<boolean> {
    const withheld = this.pagingEnabled ? await this.spendPage(tx, sender, now) : 'paging_off';
    if (withheld) {
      await repo.addEvent(tx, { enquiryId: enquiry.id, at: now, kind: 'page_withheld', data: { reason: withheld } });
      return false;
    }
    await this.deps.paging!.schedulePage(tx, enquiry, now);
    return true;
  }

  /**
   * Spends one acknowledgement to `ack.to` from `sender` in `tx` (src/enquiries/acknowledgement.ts
   * says what bounds them): true when it may go, false past the recipient's or the client's count
   * (`intake.pageRateLimit`'s numbers, on counters of their own; null: no count). A refused one
   * spends nothing more; a rolled-back enquiry spends nothing at all.
   */
  private async spendAcknowledgement(
    tx: Tx,
    ack: AckChoice,
    sender: PageSender | undefined,
    now: Date,
  ): Promise<boolean> {
    const limit = this.deps.config.intake.pageRateLimit;
    if (!limit) return true;
    const ms = limit.durationSeconds * 1000;
    const recipient = ackRecipientKey(ack.medium === 'email' ? { email: ack.to } : { phone: ack.to });
    if ((await repo.spendRateLimitPoint(tx, recipient, ms, now)) > limit.points) return false;
    const client = ackClientKey(sender);
    return !client || (await repo.spendRateLimitPoint(tx, client, ms, now)) <= limit.points;
  }

  /**
   * Why an enquiry that needs the on-call officer does not page before any limit is asked: paging
   * is off, or it is about an incident on-call already has (it goes into the incident's summary).
   */
  private withheld(j: Judgement, incident: IntakeIncident | null = null): Withheld | null {
    if (!j.needsOnCall) return null;
    if (!this.pagingEnabled) return 'paging_off';
    return incident?.acknowledged_at ? 'incident' : null;
  }

  /**
   * Inserts the enquiry with its "received" event, then queues its page unless `withheld` says
   * why not (recorded as a `page_withheld` event), and its acknowledgement `ack` unless past the
   * acknowledgement limits (recorded on the received event); `topics`: the topic rules run on it
   * (`IntakeTopicsPort`). `db` must be a transaction when it needs the on-call officer,
   * acknowledges or runs the topic rules.
   */
  private async store(
    db: Db | Tx,
    input: EnquiryInput,
    opts: StoreOptions,
  ): Promise<{ enquiry: Enquiry; outcome: SubmitOutcome }> {
    const { channel, now, judgement: j, incident = null, sender, ack = null, topics = false } = opts;
    const link = opts.link ?? { receipt: {}, statusTokenHash: null };
    let withheld = opts.withheld;
    // The sender's page budget is spent only by an enquiry that would really page.
    if (j.needsOnCall && !withheld) withheld = await this.spendPage(db, sender, now);
    const receipt = link.receipt;
    const pagedOnCall = j.needsOnCall && !withheld;
    const incidentSummaryMinutes = withheld === 'incident' ? this.deps.config.incidents.summaryMinutes : undefined;
    // The confirmation page shows exactly what the journalist was told at the time.
    const nextStep = nextStepMessage(
      j,
      { now, deadline: input.deadline, pagedOnCall, config: this.deps.config, incidentSummaryMinutes },
      opts.language,
    );
    // How it is acknowledged (the medium, never the address: the enquiry has that), or why not.
    const acknowledged = ack ? await this.spendAcknowledgement(db as Tx, ack, sender, now) : false;
    const ackNote = ack
      ? acknowledged
        ? { acknowledgedBy: ack.medium }
        : { acknowledgedBy: null, acknowledgementWithheld: 'limit' as const }
      : {};
    const received = {
      channel,
      outOfHours: j.outOfHours,
      urgent: j.urgent,
      urgentReason: j.urgentReason,
      pagedOnCall,
      nextStep,
      ...receipt,
      ...ackNote,
    };
    let enquiry: Enquiry | null = null;
    for (let attempt = 0; !enquiry; attempt++) {
      if (attempt === 5) throw new Error('Could not allocate a unique enquiry reference');
      enquiry = await repo.insertEnquiryWithEvent(
        db,
        {
          reference: newReference(),
          channel,
          name: input.name,
          outlet: input.outlet,
          email: input.email,
          phone: input.phone,
          subject: input.subject,
          details: input.details,
          deadline: input.deadline,
          urgent: j.urgent,
          urgent_reason: j.urgentReason,
          out_of_hours: j.outOfHours,
          needs_on_call: j.needsOnCall,
          respond_by: j.respondBy,
          received_at: now,
          updated_at: now,
          incident_id: incident?.id ?? null,
          incident_linked_at: incident ? now : null,
          warn_at: warnAt(
            now,
            j.respondBy,
            input.deadline,
            this.deps.config,
            targetMinutes(this.deps.config, { urgent: j.urgent, deadline: input.deadline }),
          ),
          language: opts.language,
        },
        { kind: 'received', data: received },
        link.statusTokenHash,
      );
    }
    // Its topics by their terms, and a topic's officer when one assigns it, with the enquiry.
    if (topics) enquiry = await this.deps.topics!.suggestAtIntake(db as Tx, enquiry, now);
    if (pagedOnCall) await this.deps.paging!.schedulePage(db as Tx, enquiry, now);
    // The desk sees why nobody was paged; the closing-time handover leaves it alone too.
    else if (withheld)
      await repo.addEvent(db, {
        enquiryId: enquiry.id,
        at: now,
        kind: 'page_withheld',
        data: { reason: withheld, ...(withheld === 'incident' ? { incidentId: incident!.id } : {}) },
      });
    if (incident) await this.deps.incidents!.linkedAtIntake(db as Tx, enquiry, incident, withheld === 'incident', now);
    const ackQueued =
      ack && acknowledged ? await this.deps.acknowledgements!.queue(db as Tx, enquiry, ack, nextStep, now) : false;
    return {
      enquiry,
      outcome: {
        ...this.outcome(enquiry, j, now, pagedOnCall, nextStep, withheld === 'incident'),
        acknowledgedBy: ackQueued && ack ? ack.medium : null,
      },
    };
  }

  /**
   * The journalist added to their open `enquiry` (the channel has already put what they sent on
   * the timeline). If the follow-up says urgent and the enquiry was not, upgrades it, recording
   * `urgentReason` (the channel's wording), and pages when out of hours, from `sender`'s page
   * budget (`pageOrWithhold`). Returns the enquiry as it now is and the outcome to tell them.
   */
  async followUpInTx(
    tx: Tx,
    enquiry: Enquiry,
    followUp: { saysUrgent: boolean; urgentReason: string; sender: PageSender },
  ): Promise<{ enquiry: Enquiry; outcome: SubmitOutcome }> {
    const now = this.deps.clock();
    const j = judgeEnquiry(
      now,
      { deadline: enquiry.deadline, saysUrgent: followUp.saysUrgent || enquiry.urgent_reason === 'journalist' },
      this.deps.config,
    );
    let current = enquiry;
    let pagedOnCall = false;
    if (followUp.saysUrgent && !enquiry.urgent) {
      current = await repo.markUrgent(tx, enquiry.id, {
        urgent_reason: 'journalist',
        needs_on_call: j.needsOnCall,
        at: now,
      });
      await repo.addEvent(tx, {
        enquiryId: enquiry.id,
        at: now,
        kind: 'urgency_changed',
        data: { urgent: true, reason: followUp.urgentReason },
      });
      pagedOnCall = j.needsOnCall && (await this.pageOrWithhold(tx, current, now, followUp.sender));
    } else if (enquiry.needs_on_call) {
      pagedOnCall = this.pagingEnabled;
    }
    const judged: Judgement = {
      ...j,
      urgent: current.urgent,
      needsOnCall: current.needs_on_call && j.outOfHours,
      respondBy: current.respond_by,
    };
    return { enquiry: current, outcome: this.outcome(current, judged, now, pagedOnCall) };
  }

  private outcome(
    enquiry: Enquiry,
    j: Judgement,
    now: Date,
    pagedOnCall: boolean,
    nextStep?: string,
    withIncident = false,
  ): SubmitOutcome {
    return {
      reference: enquiry.reference,
      status: enquiry.status,
      urgent: enquiry.urgent,
      outOfHours: j.outOfHours,
      pagedOnCall,
      respondBy: j.respondBy?.toISOString() ?? null,
      nextStep:
        nextStep ??
        nextStepMessage(
          j,
          { now, deadline: enquiry.deadline, pagedOnCall, config: this.deps.config },
          enquiry.language,
        ),
      callOutOfHoursLine:
        j.needsOnCall && !pagedOnCall && !withIncident ? this.deps.config.onCall.fallbackNumber : null,
      statusUrl: null,
      acknowledgedBy: null,
    };
  }
}
