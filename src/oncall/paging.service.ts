import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { Config, EscalationStep } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import type { Enquiry, EnquiryStatus } from '../enquiries/enquiry.tables.js';
import { addEvent } from '../enquiries/enquiries.repository.js';
import { isOpenStatus } from '../enquiries/enquiry.model.js';
import { callsBack, cannotTakeTexts } from '../enquiries/phone-numbers.js';
import { staffReach } from '../sms/opt-out.repository.js';
import type { PagingPort } from '../enquiries/enquiries.service.js';
import { addJob, removeJob } from '../jobs/queue.repository.js';
import { isOpen } from '../hours/office-hours.js';
import { acknowledgeIncidentsOf } from '../incidents/incident.repository.js';
import type { Logger } from '../log.js';
import {
  answeredByMachine,
  deliveryFailed,
  type AfterCommit,
  type CallAnswer,
  type DeliveryStatus,
  type StatusOwner,
} from '../outbox/delivery-status.js';
import type { OutboxService } from '../outbox/outbox.service.js';
import type { OutboundMessage } from '../outbox/outbox.tables.js';
import { SendError } from '../outbox/send-error.js';
import { PageDelivery, type StepDelivery } from './paging.delivery.js';
import { journalistAckSms } from './paging.messages.js';
import * as repo from './paging.repository.js';
import { queueStep, scheduleNext, stepJobKey, stopEscalation } from './paging.schedule.js';
import type { AckVia, Page, PageAction } from './paging.tables.js';
import type { OnCallContact } from './oncall.model.js';

/** The part of the rota paging needs. */
export interface RotaLookup {
  onCallAt(at: Date, db?: Db | Tx): Promise<OnCallContact>;
  nextContactAt(at: Date, db?: Db | Tx): Promise<OnCallContact | null>;
  /** The out-of-hours line, as a contact. */
  fallback(): OnCallContact;
}

/** What paging needs: the rota to find whom to page, the outbox to reach them. */
export interface PagingDeps {
  db: Db;
  config: Pick<Config, 'office' | 'onCall' | 'publicBaseUrl' | 'twilio'>;
  clock: Clock;
  rota: RotaLookup;
  outbox: OutboxService;
  log: Logger;
}

/**
 * Twilio's answering-machine verdicts that mean nobody will press 1: the page escalates at once.
 * `human` and `unknown` leave it to the keypress.
 */

/** A step a delivery callback is about (`repo.stepsSentBy`). */
type SentStep = Awaited<ReturnType<typeof repo.stepsSentBy>>[number];

/** Whether the enquiry's timeline already has an entry of `kind` whose data includes `match`. */
async function hasEvent(
  tx: Tx,
  enquiryId: string,
  kind: 'escalated' | 'page_call_machine' | 'page_called_instead',
  match: Record<string, string | number>,
): Promise<boolean> {
  const row = await tx
    .selectFrom('enquiry_event')
    .select('id')
    .where('enquiry_id', '=', enquiryId)
    .where('kind', '=', kind)
    .where(sql<boolean>`data @> ${JSON.stringify(match)}::jsonb`)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Out-of-hours paging: what to send and when. Creates a page with an urgent enquiry, runs its
 * escalation steps as jobs (SMS, call, next contact, fallback line), records every send, receipt
 * and acknowledgement on the enquiry's timeline, and escalates at once when a page fails. How a
 * step is sent (exactly once, bundled per phone) is `PageDelivery` over the outbox.
 */
export class PagingService implements PagingPort, StatusOwner {
  private readonly delivery: PageDelivery;

  constructor(private readonly deps: PagingDeps) {
    this.delivery = new PageDelivery(deps);
  }

  /** Paging works only with Twilio credentials; without them intake says so honestly. */
  get enabled(): boolean {
    return this.deps.config.twilio.configured;
  }

  private get steps(): EscalationStep[] {
    return this.deps.config.onCall.escalation;
  }

  /** `stopEscalation` (src/oncall/paging.schedule.ts), for the folders that reach paging through `PagingPort`. */
  stopEscalation(tx: Tx, enquiryId: string, status: EnquiryStatus, now: Date): Promise<void> {
    return stopEscalation(tx, enquiryId, status, now);
  }

  /**
   * Creates the page for `enquiry` and queues its first step, inside the caller's transaction
   * (the enquiry's own), so a committed urgent enquiry always has its page job.
   */
  async schedulePage(tx: Tx, enquiry: Enquiry, now: Date): Promise<void> {
    const page = await this.createPage(tx, enquiry, now);
    if (!page) return;
    await queueStep(tx, page.id, 0, new Date(now.getTime() + (this.steps[0]?.afterSeconds ?? 0) * 1000));
  }

  /** Creates the page of `enquiry` with its short code and `page_created` entry; null when it has one already (one page per enquiry). */
  private async createPage(tx: Tx, enquiry: Enquiry, now: Date): Promise<Page | null> {
    // Ten random candidates, one query: a clash among active pages is rare (codes matter only
    // while a page is active) and the page works even with a shared code (ACK by reference does).
    const candidates = Array.from({ length: 10 }, () => String(randomInt(1000, 10000)));
    const code = (await repo.firstFreeShortCode(tx, candidates)) ?? candidates[0];
    const page = await repo.insertPage(tx, { enquiry_id: enquiry.id, short_code: code, created_at: now });
    if (!page) return null;
    await addEvent(tx, {
      enquiryId: enquiry.id,
      at: now,
      kind: 'page_created',
      data: { pageId: page.id, shortCode: code },
    });
    return page;
  }

  /**
   * Pages the enquiries of an incident summary that never reached on-call (the port
   * `SummaryEscalation`, src/incidents/incident-summary.service.ts), in the caller's transaction.
   * The summary stood for their first step, so each enquiry still open and never paged gets its
   * page escalated at once past that step (as `runStep` does when Twilio refuses a first step),
   * and from there it is a page like any other: the next steps, bundled per phone, stopped by an
   * acknowledgement. The summary counts as the first step only when that step would have sent
   * on-call nothing the summary did not try: a text (`summaryBy` sms), or anything, when on-call
   * takes no texts and the summary was said on a call (the step would only have called too,
   * `actionsFor`); otherwise the page starts at the first step. An enquiry already paged keeps
   * the page it has, so a second report of one refusal pages nobody twice. Once the office has
   * opened (a late report) nobody is paged: the desk has them, as at an unlink in hours. Returns
   * the pages made.
   */
  async pageInstead(
    tx: Tx,
    enquiryIds: string[],
    why: { reason: string; summaryBy: 'sms' | 'call' },
    now: Date,
  ): Promise<Page[]> {
    if (isOpen(now, this.deps.config.office)) return [];
    const first = this.steps[0];
    const pastFirst = first?.to === 'oncall' && (first.action === 'sms' || why.summaryBy === 'call');
    // One order in every transaction, so two of them creating pages never wait on each other in a cycle.
    const enquiries = (await repo.enquiriesByIds(tx, [...new Set(enquiryIds)])).sort(
      (a, b) => a.id.length - b.id.length || (a.id < b.id ? -1 : 1),
    );
    const made: Page[] = [];
    for (const enquiry of enquiries) {
      if (!isOpenStatus(enquiry.status)) continue;
      const page = await this.createPage(tx, enquiry, now);
      if (!page) continue;
      made.push(page);
      if (!pastFirst) {
        await queueStep(tx, page.id, 0, new Date(now.getTime() + (first?.afterSeconds ?? 0) * 1000));
        continue;
      }
      await addEvent(tx, {
        enquiryId: enquiry.id,
        at: now,
        kind: 'escalated',
        data: { pageId: page.id, fromStep: 0, reason: why.reason },
      });
      await queueStep(tx, page.id, 1, now);
    }
    return made;
  }

  /** Resolves who a step pages at `now`; null when the step has nobody new to page. */
  private async target(step: EscalationStep, now: Date, pageId: string): Promise<OnCallContact | null> {
    const { rota, db } = this.deps;
    if (step.to === 'oncall') return rota.onCallAt(now, db);
    if (step.to === 'fallback') return rota.fallback();
    const next = await rota.nextContactAt(now, db);
    if (!next) return null;
    return (await repo.numbersPaged(db, pageId)).includes(next.phone) ? null : next;
  }

  /**
   * What step `index` sends to `contact`: its action, except that a number no text can reach is
   * only called (`staffReach`): a landline or the shipped 03 fallback (Twilio refuses with 21614),
   * or a phone that texted STOP (21610). An `sms` step would otherwise page nobody. The timeline says so, once per step (a retried
   * job does not repeat it).
   */
  private async actionsFor(
    step: EscalationStep,
    contact: OnCallContact,
    page: Page,
    index: number,
  ): Promise<PageAction[]> {
    if (step.action === 'call') return ['call'];
    const reach = await staffReach(this.deps.db, contact.phone);
    if (reach.by === 'text') return step.action === 'sms+call' ? ['sms', 'call'] : [step.action];
    await this.deps.db.transaction().execute(async (tx) => {
      if (await hasEvent(tx, page.enquiry_id, 'page_called_instead', { pageId: page.id, step: index })) return;
      await addEvent(tx, {
        enquiryId: page.enquiry_id,
        at: this.deps.clock(),
        kind: 'page_called_instead',
        data: { pageId: page.id, step: index, to: step.to, reason: reach.reason },
      });
    });
    return ['call'];
  }

  /**
   * Runs escalation step `index` of a page (the task `page_step`). Does nothing once the page
   * is acknowledged or the enquiry is no longer open; past the last step it marks the page exhausted. Throws on a retryable
   * Twilio failure so the job is retried with backoff.
   */
  async runStep(pageId: string, index: number): Promise<void> {
    const { db, clock } = this.deps;
    const found = await repo.findPageWithEnquiry(db, pageId);
    if (found?.page.status !== 'active') return;
    const { page, enquiry } = found;
    const now = clock();
    // Answered, closed or withdrawn: nobody needs waking for it any more (the claim checks again).
    if (!isOpenStatus(enquiry.status)) {
      await addEvent(db, {
        enquiryId: enquiry.id,
        at: now,
        kind: 'page_step_skipped',
        data: {
          pageId: page.id,
          step: index,
          to: this.steps[index]?.to ?? 'none',
          reason: `the enquiry was ${enquiry.status}`,
        },
      });
      return;
    }
    if (index >= this.steps.length) {
      await db.transaction().execute(async (tx) => {
        if (await repo.markPageExhausted(tx, page.id)) {
          await addEvent(tx, {
            enquiryId: enquiry.id,
            at: now,
            kind: 'page_exhausted',
            data: { pageId: page.id, steps: this.steps.length },
          });
        }
      });
      this.deps.log.error(
        { pageId, reference: enquiry.reference },
        'page not acknowledged after every escalation step',
      );
      return;
    }
    const step = this.steps[index];
    const contact = await this.target(step, now, page.id);
    if (!contact) {
      await db.transaction().execute(async (tx) => {
        await addEvent(tx, {
          enquiryId: enquiry.id,
          at: now,
          kind: 'page_step_skipped',
          data: { pageId: page.id, step: index, to: step.to, reason: 'nobody new to page' },
        });
        await queueStep(tx, page.id, index + 1, now);
      });
      return;
    }
    const actions = await this.actionsFor(step, contact, page, index);
    const results: StepDelivery[] = [];
    for (const action of actions) results.push(await this.delivery.deliverStep(page, enquiry, index, action, contact));

    if (results.includes('sent')) {
      // The acknowledgement clock starts when something actually went out.
      await scheduleNext(db, this.deps.config.onCall, page.id, index, clock());
    } else if (results.every((r) => r === 'failed')) {
      await db.transaction().execute(async (tx) => {
        await addEvent(tx, {
          enquiryId: enquiry.id,
          at: now,
          kind: 'escalated',
          data: { pageId: page.id, fromStep: index, reason: 'Twilio refused the page' },
        });
        await queueStep(tx, page.id, index + 1, now);
      });
    }
    // Only waiting for a bundle: the bundle task schedules the next step when it sends.
  }

  /** Sends one phone's held pages of one kind at the end of its window (the task `page_bundle`). */
  async sendBundle(phone: string, action: PageAction): Promise<void> {
    await this.delivery.sendBundle(phone, action);
  }

  /**
   * Acknowledges pages (SMS reply, voice keypress or the desk) in the caller's transaction:
   * stops their escalation (removes the queued step jobs) and queues the journalist's notice.
   * Returns the pages that were still active.
   */
  async acknowledge(tx: Tx, pageIds: string[], ack: { by: string; via: AckVia }): Promise<Page[]> {
    const now = this.deps.clock();
    const pages = await repo.acknowledgePages(tx, pageIds, { at: now, by: ack.by, via: ack.via });
    // On-call now has the story of any incident these are about: its later enquiries go into summaries.
    await acknowledgeIncidentsOf(
      tx,
      pages.map((p) => p.enquiry_id),
      now,
    );
    for (const page of pages) {
      await addEvent(tx, {
        enquiryId: page.enquiry_id,
        at: now,
        kind: 'acknowledged',
        actor: ack.by,
        data: { pageId: page.id, via: ack.via },
      });
      for (let i = 0; i <= this.steps.length; i++) await removeJob(tx, stepJobKey(page.id, i));
      await addJob(
        tx,
        'notify_journalist',
        { enquiryId: page.enquiry_id },
        { runAt: now, jobKey: `notify-ack:${page.enquiry_id}`, jobKeyMode: 'unsafe_dedupe' },
      );
    }
    return pages;
  }

  /**
   * At closing time: urgent enquiries that arrived in hours but nobody picked up (still new and
   * unassigned, unanswered) are handed to the on-call officer, so "urgent at 16:55" is not left
   * until the morning. Runs every few minutes; does nothing while the office is open. Returns
   * how many were paged.
   */
  async handOverAtClosing(): Promise<number> {
    if (!this.enabled) return 0;
    const now = this.deps.clock();
    if (isOpen(now, this.deps.config.office)) return 0;
    const since = new Date(now.getTime() - 7 * 86_400_000);
    return this.deps.db.transaction().execute(async (tx) => {
      const untouched = await repo.untouchedUrgentSince(tx, since);
      for (const e of untouched) {
        await repo.markNeedsOnCall(tx, e.id);
        await addEvent(tx, {
          enquiryId: e.id,
          at: now,
          kind: 'handed_to_on_call',
          data: { reason: 'urgent and not picked up when the office closed' },
        });
        await this.schedulePage(tx, e, now);
      }
      return untouched.length;
    });
  }

  /**
   * Acknowledges the pages read out on one call (one, or a bundle) from a voice keypress; returns
   * how many were still active.
   */
  async acknowledgeByVoice(pageIds: string[], by: string): Promise<number> {
    const pages = await this.deps.db.transaction().execute((tx) => this.acknowledge(tx, pageIds, { by, via: 'voice' }));
    return pages.length;
  }

  /**
   * The keypress on a bundled call (`?bundle=` the call's outbound row): acknowledges every page
   * that call was for. Returns how many it acknowledged and how many the call was for (0 when the
   * row carried no page).
   */
  async acknowledgeBundleByVoice(messageId: string, by: string): Promise<{ acked: number; of: number }> {
    return this.deps.db.transaction().execute(async (tx) => {
      const pageIds = await repo.pageIdsCarriedBy(tx, messageId);
      const pages = pageIds.length ? await this.acknowledge(tx, pageIds, { by, via: 'voice' }) : [];
      return { acked: pages.length, of: pageIds.length };
    });
  }

  /**
   * Status hook of page rows (see `StatusOwner`): records a delivery callback on the timelines of
   * the steps `message` carried and, when a page SMS or call failed on the step escalation is at,
   * escalates at once instead of waiting for the timeout.
   */
  async onStatus(tx: Tx, message: OutboundMessage, input: DeliveryStatus, now: Date): Promise<void> {
    const steps = await repo.stepsSentBy(tx, message.id);
    // A status saying the page did not reach the phone (`deliveryFailed`): the page escalates at once.
    const failed = deliveryFailed(input.medium, input.status);
    for (const s of steps) {
      await addEvent(tx, {
        enquiryId: s.enquiry_id,
        at: now,
        kind: 'delivery_receipt',
        data: {
          pageId: s.page_id,
          step: s.step_index,
          action: s.action,
          sid: input.sid,
          status: input.status,
          errorCode: input.errorCode ?? null,
        },
      });
      if (failed) await this.escalateNow(tx, s, now, `${s.action} ${input.status}`);
    }
  }

  /**
   * Answering-machine hook of page calls (see `StatusOwner`): a voicemail box or fax that picked
   * up a page call puts a `page_call_machine` entry on each enquiry the call was for, escalates
   * each page still active at that step at once, and asks for the call to be ended after the
   * commit (so the enquiry is not read on to the machine). A repeated verdict on the same call,
   * and `human` or `unknown`, change nothing.
   */
  async onAnswered(tx: Tx, message: OutboundMessage, answer: CallAnswer, now: Date): Promise<AfterCommit | undefined> {
    if (!answeredByMachine(answer.answeredBy)) return undefined;
    const steps = await repo.stepsSentBy(tx, message.id);
    const fresh: SentStep[] = [];
    for (const s of steps) {
      if (
        await hasEvent(tx, s.enquiry_id, 'page_call_machine', {
          pageId: s.page_id,
          step: s.step_index,
          sid: answer.sid,
        })
      )
        continue;
      fresh.push(s);
      await addEvent(tx, {
        enquiryId: s.enquiry_id,
        at: now,
        kind: 'page_call_machine',
        data: { pageId: s.page_id, step: s.step_index, sid: answer.sid, answeredBy: answer.answeredBy },
      });
      await this.escalateNow(tx, s, now, `call answered by ${answer.answeredBy}`);
    }
    if (!fresh.length) return undefined;
    const pageIds = fresh.map((s) => s.page_id);
    return () => this.endCall(answer.sid, pageIds);
  }

  /**
   * Escalates a page from step `s` at once (a failed send, a machine answer): only while the page
   * is active, `s` is the step escalation is at, and nothing escalated it from `s` already (the
   * callbacks about one call or text come one at a time: `DeliveryStatusService` locks its row).
   */
  private async escalateNow(tx: Tx, s: SentStep, now: Date, reason: string): Promise<void> {
    if (s.page_status !== 'active' || s.step_index !== (await repo.latestStepIndex(tx, s.page_id))) return;
    if (await hasEvent(tx, s.enquiry_id, 'escalated', { pageId: s.page_id, fromStep: s.step_index })) return;
    await addEvent(tx, {
      enquiryId: s.enquiry_id,
      at: now,
      kind: 'escalated',
      data: { pageId: s.page_id, fromStep: s.step_index, reason },
    });
    await queueStep(tx, s.page_id, s.step_index + 1, now, 'replace');
  }

  /** Hangs up a page call a machine answered; a failure is logged (ids only), never thrown. */
  private async endCall(sid: string, pageIds: string[]): Promise<void> {
    try {
      await this.deps.outbox.end('call', sid);
    } catch (err) {
      const e = err instanceof SendError ? err : null;
      this.deps.log.warn(
        { sid, pageIds, status: e?.status ?? null, twilioCode: e?.providerCode ?? null },
        'could not end a page call a machine answered',
      );
    }
  }

  /**
   * The notice to a journalist that their urgent enquiry was acknowledged (task `notify_journalist`);
   * none to a number Press Desk does not text (premium-rate, abroad: phone-numbers.ts), nor to a
   * landline (Twilio would refuse it: 21614).
   */
  async notifyJournalistOfAck(enquiryId: string): Promise<void> {
    const [enquiry] = await repo.enquiriesByIds(this.deps.db, [enquiryId]);
    if (
      !enquiry?.phone ||
      !callsBack(enquiry.phone, this.deps.config.twilio.allowedCountries) ||
      cannotTakeTexts(enquiry.phone)
    )
      return;
    await this.deps.outbox.sendMessage({
      key: `ack:${enquiry.id}`,
      enquiryId: enquiry.id,
      to: enquiry.phone,
      body: journalistAckSms(enquiry, this.deps.config.office.name),
    });
  }
}
