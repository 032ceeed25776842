/**
 * The journalist's status page (issue 17): where their enquiry stands, in their words, and the
 * three things they can do about it (add to it, move the deadline, withdraw it), plus the
 * messages that tell them when it changes (`JournalistUpdates`).
 *
 * A link is the whole credential: no account. Unknown, tampered and expired links and links of
 * erased enquiries all get the same answer (null here, 404 on the web), so the answer says
 * nothing about which. A link works until `status.linkDaysAfterClose` days after its enquiry
 * closes (closed or withdrawn); an answered enquiry stays readable, since that is when the
 * journalist most wants to look.
 */
import type { Lang } from '../i18n/languages.js';
import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import type { Enquiry, EnquiryChannel, EnquiryStatus } from '../enquiries/enquiry.tables.js';
import { addEvent } from '../enquiries/enquiries.repository.js';
import type { ArrivalsPort, EnquiryService, PagingPort } from '../enquiries/enquiries.service.js';
import { parseDeadline } from '../enquiries/enquiry.input.js';
import { isOpenStatus } from '../enquiries/enquiry.model.js';
import {
  CHANNEL_MEDIUM,
  reachRules,
  routeToJournalist,
  type JournalistRoute,
  type ReachRules,
} from '../enquiries/journalist-route.js';
import { judgeEnquiry, targetMinutes, warnAt } from '../enquiries/urgency.js';
import { hashBearerToken, looksLikeBearerToken } from '../http/bearer-token.js';
import { AppError } from '../http/errors.js';
import { addWorkingMillis, officeStatus, workingMinutesBetween } from '../hours/office-hours.js';
import { t, type MessageKey } from '../i18n/catalogue.js';
import { queueSms } from '../outbox/outbox.service.js';
import { isChase } from './chase.js';
import { redactedStatusUrl } from '../enquiries/status-link.js';
import { findUserById } from '../web/users.repository.js';
import * as repo from './status.repository.js';
import { addInformationForm, withdrawForm } from './status.forms.js';

/** Where an enquiry stands, as the journalist is told it. */
export const JOURNALIST_STAGES = ['received', 'with_officer', 'waiting', 'answered', 'closed', 'withdrawn'] as const;
export type JournalistStage = (typeof JOURNALIST_STAGES)[number];

/** Each desk status as the journalist sees it: exhaustive, so a new status must say how it reads outside. */
export const STAGE_OF_STATUS = {
  new: 'received',
  in_progress: 'with_officer',
  waiting: 'waiting',
  answered: 'answered',
  closed: 'closed',
  withdrawn: 'withdrawn',
  // Its status links are deleted with the erasure: no journalist reads this one.
  erased: 'closed',
} as const satisfies Record<EnquiryStatus, JournalistStage>;

/** How the office can tell the journalist about changes: by email, by SMS, or not at all. */
export type UpdateRoute = JournalistRoute | null;

/** What the status page shows. Nothing internal: no notes, no staff names unless configured. */
export interface StatusView {
  reference: string;
  subject: string;
  channel: EnquiryChannel;
  receivedAt: Date;
  stage: JournalistStage;
  deadline: Date | null;
  respondBy: Date | null;
  urgent: boolean;
  office: { open: boolean; nextOpening: Date | null; nextClosing: Date | null };
  /** The response, once an officer released it to this page. */
  response: string | null;
  /** The assigned officer's first name, only with `status.showOfficerFirstName`. */
  officerFirstName: string | null;
  /** What the journalist added here, oldest first. */
  additions: Array<{ at: Date; text: string }>;
  withdrawnReason: string | null;
  /** Still open: the journalist can add to it, move the deadline or withdraw it. */
  canChange: boolean;
  /** How changes would reach them (null: no way, so the page offers no switch). */
  updatesBy: 'email' | 'sms' | null;
  updatesOff: boolean;
  /** The office is checking the facts with colleagues (no names: who is asked is internal). */
  checkingFacts: boolean;
  /**
   * How it ended, when the journalist must hear it (issue 28): referred to FOI or to another
   * organisation (`organisation`), or not a media enquiry; null otherwise (the stage says it).
   */
  ending: { outcome: 'referred_foi' | 'referred_other' | 'not_media'; organisation: string | null } | null;
  /**
   * The enquiry behind the link was merged into another (src/merging): its reference (`from`) and
   * the one that now carries it (`into`), whose state the page shows. Absent otherwise.
   */
  combined?: { from: string; into: string };
  now: Date;
  /** The journalist's language (issue 31: their link's enquiry's), the page's unless they switch. */
  language: Lang;
}

/**
 * Whether two enquiries are from the same journalist (the same phone, or the same address in any
 * case): a merged enquiry's link then opens the other as the journalist's own.
 */
function sameJournalist(a: Pick<Enquiry, 'phone' | 'email'>, b: Pick<Enquiry, 'phone' | 'email'>): boolean {
  if (a.phone && b.phone && a.phone === b.phone) return true;
  return Boolean(a.email && b.email && a.email.toLowerCase() === b.email.toLowerCase());
}

/** The changes the journalist is told about, once each. */
export type UpdateKind = 'released' | 'withdrawn' | 'closed';

/**
 * The mail the journalist updates need (email/email-out.service.ts's EmailOut, wired in src/services.ts):
 * a port, so that status/ does not import email/, which puts status links in its mail.
 */
export interface UpdateMail {
  readonly enabled: boolean;
  mayWriteTo(address: string | null | undefined): boolean;
  update(tx: Tx, u: { key: string; enquiry: Enquiry; to: string; text: string }, now: Date): Promise<boolean>;
}

/**
 * Messages to the journalist when their enquiry changes (the response released, withdrawn,
 * closed): once per enquiry and change (the outbox key), by the channel they used (email for an
 * emailed enquiry, and for the form or API when they gave an address and email is connected;
 * otherwise SMS to a mobile), at journalist priority, and never after they turned them off.
 */
export class JournalistUpdates {
  /** Only to an address Press Desk may write to by itself (one mailbox, not the office's own, not a role address). */
  private readonly rules: ReachRules;

  constructor(
    private readonly deps: { config: Pick<Config, 'office' | 'publicBaseUrl' | 'twilio'>; email?: UpdateMail },
  ) {
    this.rules = reachRules(deps.email, deps.config.twilio.allowedCountries);
  }

  /** How changes to `e` would reach the journalist now. */
  routeFor(e: Pick<Enquiry, 'channel' | 'email' | 'phone'>): UpdateRoute {
    return routeToJournalist(e, this.rules, CHANNEL_MEDIUM[e.channel]);
  }

  /** The words of each change, with the (redacted until sent) link, in the enquiry's language (issue 31). */
  private text(e: Enquiry, kind: UpdateKind): string {
    const values = {
      office: this.deps.config.office.name,
      reference: e.reference,
      link: redactedStatusUrl(this.deps.config.publicBaseUrl),
    };
    const key = {
      released: 'texts.update.released',
      withdrawn: 'texts.update.withdrawn',
      closed: 'texts.update.closed',
    } as const satisfies Record<UpdateKind, MessageKey>;
    return t(e.language, key[kind], values);
  }

  /** Queues the message about `kind` in `tx` (the transaction of the change), unless turned off or already sent. */
  async tell(tx: Tx, e: Enquiry, kind: UpdateKind, now: Date): Promise<void> {
    if (e.updates_off || e.erased_at) return;
    const route = this.routeFor(e);
    if (!route) return;
    const key = `status-update:${kind}:${e.id}`;
    const text = this.text(e, kind);
    if (route.medium === 'sms')
      await queueSms(tx, { key, enquiryId: e.id, to: route.to, body: text, lane: 'journalist' }, now);
    else await this.deps.email!.update(tx, { key, enquiry: e, to: route.to, text }, now);
  }
}

export interface StatusPagesDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'office' | 'intake' | 'onCall' | 'status' | 'publicBaseUrl' | 'desk'>;
  updates: JournalistUpdates;
  /** Pages on-call when a moved deadline makes the enquiry urgent out of hours, within the page budget. */
  pages: Pick<EnquiryService, 'pageOrWithhold'>;
  /** Stops the on-call escalation when the journalist withdraws the enquiry. */
  paging: Pick<PagingPort, 'stopEscalation'>;
  arrivals?: ArrivalsPort;
  /** Whether the office is waiting on colleagues for the facts (src/colleagues/), said without names. */
  facts?: { checkingFacts(enquiryId: string): Promise<boolean> };
}

/** The status page behind a token: what it shows, and the journalist's actions. */
export class StatusPages {
  constructor(private readonly deps: StatusPagesDeps) {}

  /** Whether a link to `e` still works at `now`. */
  private works(e: Enquiry, now: Date): boolean {
    if (e.erased_at) return false;
    if (isOpenStatus(e.status) || e.status === 'answered' || !e.closed_at) return true;
    return now.getTime() < e.closed_at.getTime() + this.deps.config.status.linkDaysAfterClose * 86_400_000;
  }

  private async find(db: Db | Tx, token: string, now: Date, lock: boolean): Promise<Enquiry | null> {
    if (!looksLikeBearerToken(token)) return null;
    const e = await repo.enquiryByLinkHash(db, hashBearerToken(token), lock);
    // A merged enquiry's link keeps working while the one it went into does (src/merging).
    return e && (this.works(e, now) || (e.merged_into !== null && !e.erased_at)) ? e : null;
  }

  /** What the page behind `token` shows; null when the link opens nothing (one answer for every reason). */
  async view(token: string): Promise<StatusView | null> {
    const { db, config } = this.deps;
    const now = this.deps.clock();
    const linked = await this.find(db, token, now, false);
    if (!linked) return null;
    // Merged into another (src/merging): the page shows the enquiry that carries it now. Another
    // journalist's enquiry shows only where it stands and the office's answer, never their words.
    const carrier = linked.merged_into ? await repo.enquiryById(db, linked.merged_into) : undefined;
    const e = carrier && this.works(carrier, now) ? carrier : linked;
    const theirs = e === linked || sameJournalist(linked, e);
    const office = officeStatus(now, config.office);
    const [additions, withdrawn, officer, checkingFacts] = await Promise.all([
      repo.journalistAdditions(db, e.id),
      e.status === 'withdrawn' ? repo.withdrawal(db, e.id) : undefined,
      config.status.showOfficerFirstName
        ? e.assigned_to
          ? findUserById(db, e.assigned_to).then((u) => u?.name ?? null)
          : null
        : null,
      isOpenStatus(e.status) ? (this.deps.facts?.checkingFacts(e.id) ?? false) : false,
    ]);
    const route = this.deps.updates.routeFor(theirs ? e : linked);
    return {
      language: linked.language,
      reference: e.reference,
      subject: theirs ? e.subject : linked.subject,
      channel: e.channel,
      receivedAt: e.received_at,
      stage: STAGE_OF_STATUS[e.status],
      deadline: theirs ? e.deadline : linked.deadline,
      respondBy: e.respond_by,
      urgent: e.urgent,
      office: {
        open: office.open,
        nextOpening: office.nextOpening?.toJSDate() ?? null,
        nextClosing: office.nextClosing?.toJSDate() ?? null,
      },
      response: e.response_released_at && e.response_given ? e.response_given : null,
      officerFirstName: officer ? (officer.trim().split(/\s+/)[0] ?? null) : null,
      additions: theirs ? additions.map((a) => ({ at: a.at, text: a.data.text ?? '' })).filter((a) => a.text) : [],
      withdrawnReason: theirs ? (withdrawn?.data.reason ?? null) : null,
      // Another journalist's enquiry is not theirs to change: they contact the office instead.
      canChange: theirs && isOpenStatus(e.status),
      updatesBy: route?.medium ?? null,
      updatesOff: theirs ? e.updates_off : linked.updates_off,
      checkingFacts,
      ending:
        !isOpenStatus(e.status) &&
        (e.outcome === 'referred_foi' || e.outcome === 'referred_other' || e.outcome === 'not_media')
          ? { outcome: e.outcome, organisation: e.outcome_org }
          : null,
      ...(e !== linked ? { combined: { from: linked.reference, into: e.reference } } : {}),
      now,
    };
  }

  /**
   * Runs one action on the enquiry behind `token`, locked, in one transaction; false when the
   * link opens nothing. Announces the enquiry to the desk's live queues after the commit.
   */
  private async act(
    token: string,
    fn: (tx: Tx, e: Enquiry, now: Date) => Promise<void>,
    opts: { openOnly: boolean },
  ): Promise<boolean> {
    const now = this.deps.clock();
    const reference = await this.deps.db.transaction().execute(async (tx) => {
      const linked = await this.find(tx, token, now, true);
      if (!linked) return null;
      // Merged into another (src/merging): the journalist acts on the enquiry that carries it when
      // it is theirs too; another journalist's is not theirs to change.
      const carrier = linked.merged_into ? await repo.enquiryById(tx, linked.merged_into, true) : undefined;
      if (carrier && !sameJournalist(linked, carrier))
        throw new AppError(
          'conflict',
          `Enquiry ${linked.reference} is being handled under the reference ${carrier.reference}. To add anything, contact the press office and give that reference.`,
        );
      const e = carrier && this.works(carrier, now) ? carrier : linked;
      if (opts.openOnly && !isOpenStatus(e.status)) {
        throw new AppError(
          'conflict',
          `Enquiry ${e.reference} is ${STAGE_OF_STATUS[e.status]} and can no longer be changed. For anything new, send a new enquiry.`,
        );
      }
      await fn(tx, e, now);
      return e.reference;
    });
    if (reference) this.deps.arrivals?.announce(reference);
    return reference !== null;
  }

  /** The journalist adds information: on the timeline (a chase when it only asks for news), and marked on the desk's queue. */
  async addInformation(token: string, text: string): Promise<boolean> {
    // Checked here too, not only by the route: the service is the journalist's word's last gate.
    const info = addInformationForm.check({ information: text }).information;
    return this.act(
      token,
      async (tx, e, now) => {
        await addEvent(tx, {
          enquiryId: e.id,
          at: now,
          kind: 'journalist_added',
          data: { text: info, chase: isChase(info) },
        });
        await repo.updateForStatus(tx, e.id, { journalist_added_at: now, updated_at: now });
      },
      { openOnly: true },
    );
  }

  /**
   * The journalist moves their deadline (blank: no deadline). It is judged again against office
   * hours as at intake: a deadline before the office next opens makes it urgent, and out of hours
   * that pages on-call (once per enquiry: an enquiry already paged is not paged again). The
   * office's own response target, set at receipt, still bounds the respond-by time.
   */
  async changeDeadline(token: string, text: unknown): Promise<boolean> {
    const raw = typeof text === 'string' ? text.trim() : '';
    const now = this.deps.clock();
    let deadline: Date | null = null;
    if (raw) {
      const d = parseDeadline(raw, { now: DateTime.fromJSDate(now), timezone: this.deps.config.office.timezone });
      if (!d.ok) throw new AppError('validation', d.error, { fields: { deadline: d.error } });
      deadline = d.value;
    }
    const done = await this.act(
      token,
      async (tx, e, at) => {
        const { config } = this.deps;
        const j = judgeEnquiry(at, { deadline, saysUrgent: e.urgent_reason === 'journalist' }, config);
        const staff = e.urgent_reason === 'staff';
        const urgent = staff || j.urgent;
        // The office's target from receipt: the shorter urgent one when it is urgent with no deadline.
        const minutes = targetMinutes(config, { urgent, deadline });
        const at0 = addWorkingMillis(e.received_at, minutes, config.office);
        const target = at0 === null ? null : new Date(at0);
        const bounds = [deadline?.getTime(), target?.getTime()].filter((t): t is number => t !== undefined);
        const respondBy = bounds.length ? new Date(Math.min(...bounds)) : null;
        const updated = await repo.updateForStatus(tx, e.id, {
          deadline,
          respond_by: respondBy,
          urgent,
          urgent_reason: staff ? 'staff' : j.urgentReason,
          needs_on_call: urgent && j.outOfHours,
          // A new respond-by time is warned about (and breached) afresh.
          warn_at: warnAt(e.received_at, respondBy, deadline, config, minutes),
          warned_at: null,
          breached_at: null,
          journalist_added_at: at,
          updated_at: at,
        });
        await addEvent(tx, {
          enquiryId: e.id,
          at,
          kind: 'deadline_changed',
          data: {
            from: e.deadline?.toISOString() ?? null,
            to: deadline?.toISOString() ?? null,
            urgent: urgent && !e.urgent,
          },
        });
        // The link is the journalist's: a page it causes spends from their budget, as their
        // emails, texts and calls do.
        if (updated.needs_on_call && !e.needs_on_call)
          await this.deps.pages.pageOrWithhold(tx, updated, at, { journalist: updated });
      },
      { openOnly: true },
    );
    return done;
  }

  /** The journalist withdraws the enquiry: closed as withdrawn (not answered), with their reason, and told once. */
  async withdraw(token: string, reasonText: string | null): Promise<boolean> {
    const { reason } = withdrawForm.check({ reason: reasonText });
    return this.act(
      token,
      async (tx, e, now) => {
        const updated = await repo.updateForStatus(tx, e.id, {
          status: 'withdrawn',
          closed_at: now,
          close_working_s: workingMinutesBetween(e.received_at, now, this.deps.config.office) * 60,
          resolved_at: e.resolved_at ?? now,
          journalist_added_at: now,
          updated_at: now,
        });
        await addEvent(tx, { enquiryId: e.id, at: now, kind: 'withdrawn', data: { reason } });
        await addEvent(tx, {
          enquiryId: e.id,
          at: now,
          kind: 'status_changed',
          data: { from: e.status, to: 'withdrawn' },
        });
        await this.deps.paging.stopEscalation(tx, e.id, 'withdrawn', now);
        await this.deps.updates.tell(tx, updated, 'withdrawn', now);
      },
      { openOnly: true },
    );
  }

  /** The journalist turns messages about changes off (`on` false) or back on. */
  async setUpdates(token: string, on: boolean): Promise<boolean> {
    return this.act(
      token,
      async (tx, e, now) => {
        if (e.updates_off === !on) return;
        await repo.updateForStatus(tx, e.id, { updates_off: !on, updated_at: now });
        await addEvent(tx, { enquiryId: e.id, at: now, kind: 'updates_changed', data: { on } });
      },
      { openOnly: false },
    );
  }
}
