import { randomInt } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Config, EscalationStep } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../db/schema.js';
import { addEvent } from '../enquiries/enquiries.repository.js';
import type { PagingPort } from '../enquiries/enquiries.service.js';
import { addJob, removeJob } from '../jobs/queue.repository.js';
import { isOpen } from '../hours/office-hours.js';
import type { Logger } from '../log.js';
import { TwilioSendError, type TwilioGateway } from '../sms/twilio.client.js';
import { bundleCallTwiml, bundleSms, journalistAckSms, pageCallTwiml, pageSms } from './paging.messages.js';
import * as repo from './paging.repository.js';
import type { Page, PageStep } from './paging.tables.js';

/** Who to page: a person from the rota, or the out-of-hours line. */
export interface Contact {
  personId: string | null;
  name: string;
  phone: string;
  source: 'override' | 'shift' | 'fallback';
}

/** The part of the rota paging needs. */
export interface RotaLookup {
  onCallAt(at: Date, db?: Db | Tx): Promise<Contact>;
  nextContactAt(at: Date, db?: Db | Tx): Promise<Contact | null>;
}

export interface PagingDeps {
  db: Db;
  config: Pick<Config, 'office' | 'onCall' | 'publicBaseUrl' | 'twilio'>;
  clock: Clock;
  rota: RotaLookup;
  gateway: TwilioGateway;
  log: Logger;
}

/** Job names of the paging tasks (src/oncall/paging.tasks.ts). */
export const TASKS = {
  step: 'page_step',
  bundle: 'page_bundle',
  notifyJournalist: 'notify_journalist',
  sendSms: 'send_sms',
} as const;

const FAILED_SMS = new Set(['failed', 'undelivered']);
const FAILED_CALL = new Set(['busy', 'no-answer', 'failed', 'canceled']);

/** Job key of one phone's held pages of one kind: one bundle job per phone and kind at a time. */
function bundleJobKey(phone: string, action: 'sms' | 'call'): string {
  // Texts keep the key they always had, so bundle jobs queued before calls were bundled still match.
  return action === 'sms' ? `bundle:${phone}` : `bundle-call:${phone}`;
}

/** Job key of a page's escalation step: one job per page and step, whatever the number of workers. */
export function stepJobKey(pageId: string, step: number): string {
  return `page:${pageId}:step:${step}`;
}

type Delivery = 'sent' | 'waiting_bundle' | 'failed';

/**
 * Out-of-hours paging: creates a page with an urgent enquiry, runs its escalation steps as jobs
 * (SMS, call, next contact, fallback line), bundles pages to one phone within a window, records
 * every send, receipt and acknowledgement on the enquiry's timeline, and never sends one step
 * twice (the SID is recorded with the step; an attempt with an unknown outcome is looked up at
 * Twilio before sending again).
 */
export class PagingService implements PagingPort {
  constructor(private readonly deps: PagingDeps) {}

  /** Paging works only with Twilio credentials; without them intake says so honestly. */
  get enabled(): boolean {
    return this.deps.config.twilio.configured;
  }

  private get steps(): EscalationStep[] {
    return this.deps.config.onCall.escalation;
  }

  /** Seconds to wait after step `i - 1` was sent before running step `i`. */
  private delayBefore(i: number): number {
    const step = this.steps[i];
    return step?.afterSeconds ?? this.deps.config.onCall.ackTimeoutSeconds;
  }

  private url(path: string): string {
    return `${this.deps.config.publicBaseUrl}${path}`;
  }

  /**
   * Creates the page for `enquiry` and queues its first step, inside the caller's transaction
   * (the enquiry's own), so a committed urgent enquiry always has its page job.
   */
  async schedulePage(tx: Tx, enquiry: Enquiry, now: Date): Promise<void> {
    // Ten random candidates, one query: a clash among active pages is rare (codes matter only
    // while a page is active) and the page works even with a shared code (ACK by reference does).
    const candidates = Array.from({ length: 10 }, () => String(randomInt(1000, 10000)));
    const code = (await repo.firstFreeShortCode(tx, candidates)) ?? candidates[0];
    const page = await repo.insertPage(tx, { enquiry_id: enquiry.id, short_code: code, created_at: now });
    if (!page) return;
    await addEvent(tx, { enquiryId: enquiry.id, at: now, kind: 'page_created', data: { pageId: page.id, shortCode: code } });
    await addJob(tx, TASKS.step, { pageId: page.id, step: 0 }, { runAt: new Date(now.getTime() + this.delayBeforeFirst() * 1000), jobKey: stepJobKey(page.id, 0) });
  }

  private delayBeforeFirst(): number {
    return this.steps[0]?.afterSeconds ?? 0;
  }

  /** Resolves who a step pages at `now`; null when the step has nobody new to page. */
  private async target(step: EscalationStep, now: Date, pageId: string): Promise<Contact | null> {
    const { rota, db, config } = this.deps;
    if (step.to === 'oncall') return rota.onCallAt(now, db);
    if (step.to === 'fallback') return { personId: null, name: 'Out-of-hours line', phone: config.onCall.fallbackNumber, source: 'fallback' };
    const next = await rota.nextContactAt(now, db);
    if (!next) return null;
    const already = await db.selectFrom('page_step').select('to_number').where('page_id', '=', pageId).execute();
    return already.some((s) => s.to_number === next.phone) ? null : next;
  }

  /**
   * Runs escalation step `index` of a page (the task `page_step`). Does nothing once the page
   * is acknowledged; past the last step it marks the page exhausted. Throws on a retryable
   * Twilio failure so the job is retried with backoff.
   */
  async runStep(pageId: string, index: number): Promise<void> {
    const { db, clock } = this.deps;
    const found = await repo.findPageWithEnquiry(db, pageId);
    if (!found || found.page.status !== 'active') return;
    const { page, enquiry } = found;
    const now = clock();
    if (index >= this.steps.length) {
      await db.transaction().execute(async (tx) => {
        if (await repo.markPageExhausted(tx, page.id)) {
          await addEvent(tx, { enquiryId: enquiry.id, at: now, kind: 'page_exhausted', data: { pageId: page.id, steps: this.steps.length } });
        }
      });
      this.deps.log.error({ pageId, reference: enquiry.reference }, 'page not acknowledged after every escalation step');
      return;
    }
    const step = this.steps[index];
    const contact = await this.target(step, now, page.id);
    if (!contact) {
      await db.transaction().execute(async (tx) => {
        await addEvent(tx, { enquiryId: enquiry.id, at: now, kind: 'page_step_skipped', data: { pageId: page.id, step: index, to: step.to, reason: 'nobody new to page' } });
        await addJob(tx, TASKS.step, { pageId: page.id, step: index + 1 }, { runAt: now, jobKey: stepJobKey(page.id, index + 1) });
      });
      return;
    }
    const actions: Array<'sms' | 'call'> = step.action === 'sms+call' ? ['sms', 'call'] : [step.action];
    const results: Delivery[] = [];
    for (const action of actions) results.push(await this.deliver(page, enquiry, index, action, contact));

    if (results.includes('sent')) {
      // The acknowledgement clock starts when something actually went out.
      await this.scheduleNext(db, page, index, clock());
    } else if (results.every((r) => r === 'failed')) {
      await db.transaction().execute(async (tx) => {
        await addEvent(tx, { enquiryId: enquiry.id, at: now, kind: 'escalated', data: { pageId: page.id, fromStep: index, reason: 'Twilio refused the page' } });
        await addJob(tx, TASKS.step, { pageId: page.id, step: index + 1 }, { runAt: now, jobKey: stepJobKey(page.id, index + 1) });
      });
    }
    // Only waiting for a bundle: the bundle task schedules the next step when it sends.
  }

  private async scheduleNext(db: Db | Tx, page: Page, index: number, sentAt: Date): Promise<void> {
    const next = index + 1;
    const runAt = new Date(sentAt.getTime() + this.delayBefore(next) * 1000);
    // preserve_run_at: if a delivery failure already brought the next step forward, keep that.
    await addJob(db, TASKS.step, { pageId: page.id, step: next }, { runAt, jobKey: stepJobKey(page.id, next), jobKeyMode: 'preserve_run_at' });
  }

  /** Sends one action of one step, exactly once; see the class comment. */
  private async deliver(page: Page, enquiry: Enquiry, index: number, action: 'sms' | 'call', contact: Contact): Promise<Delivery> {
    const { db, clock, gateway, config } = this.deps;
    const now = clock();
    // Phase 1 (committed before any network call): claim the step, decide bundling.
    const claim = await db.transaction().execute(async (tx) => {
      const row = await repo.getOrCreateStep(tx, { page_id: page.id, step_index: index, action, to_number: contact.phone, person_id: contact.personId, created_at: now });
      if (row.state === 'sent' || row.state === 'waiting_bundle' || row.state === 'failed') return { row, done: row.state as Delivery };
      // Texts and calls alike: one per phone per window, the rest held for one bundle at its end,
      // so a storm of enquiries neither fills the phone with texts nor rings it once for each.
      // Bundling off (bundleSeconds 0): no window to decide, so no lock on the phone's row, which
      // would make every page to one phone wait for the one before it to commit.
      if (!row.outcome_unknown && row.attempts === 0 && config.onCall.bundleSeconds > 0) {
        const last = await repo.lockPhoneWindow(tx, contact.phone, action);
        const windowEnds = last ? last.getTime() + config.onCall.bundleSeconds * 1000 : 0;
        if (now.getTime() < windowEnds) {
          await repo.updateStep(tx, [row.id], { state: 'waiting_bundle' });
          await addEvent(tx, { enquiryId: enquiry.id, at: now, kind: 'page_bundled', data: { pageId: page.id, step: index, action, to: contact.phone, sendsAt: new Date(windowEnds).toISOString() } });
          await addJob(tx, TASKS.bundle, { phone: contact.phone, action }, { runAt: new Date(windowEnds), jobKey: bundleJobKey(contact.phone, action), jobKeyMode: 'preserve_run_at' });
          return { row, done: 'waiting_bundle' as Delivery };
        }
        await repo.setPhoneWindow(tx, contact.phone, now, action);
      }
      await repo.updateStep(tx, [row.id], { outcome_unknown: true, incrementAttempts: true });
      return { row, done: null };
    });
    if (claim.done) return claim.done;
    const row = claim.row;

    // Phase 2: an earlier attempt may have reached Twilio without us recording it.
    if (row.outcome_unknown) {
      const sid =
        action === 'sms'
          ? await gateway.findSentSms({ to: contact.phone, since: row.created_at, marker: enquiry.reference })
          : await gateway.findPlacedCall({ to: contact.phone, since: row.created_at, exclude: await repo.recordedCallSids(db, contact.phone) });
      if (sid) {
        await this.recordSent([row], enquiry.id, page.id, index, action, contact, sid, 'recovered');
        return 'sent';
      }
    }

    // Phase 3: send, then record the SID before the job completes.
    try {
      const statusCallback = this.url('/twilio/status');
      const result =
        action === 'sms'
          ? await gateway.sendSms({ to: contact.phone, body: pageSms(enquiry, page.short_code, config.office, now), statusCallback })
          : await gateway.placeCall({ to: contact.phone, twiml: pageCallTwiml(enquiry, config.office, now, this.url(`/twilio/voice?page=${page.id}`)), statusCallback });
      await this.recordSent([row], enquiry.id, page.id, index, action, contact, result.sid, result.status);
      return 'sent';
    } catch (err) {
      const e = err instanceof TwilioSendError ? err : null;
      if (e && !e.retryable) {
        await db.transaction().execute(async (tx) => {
          await repo.updateStep(tx, [row.id], { state: 'failed', outcome_unknown: false, last_error: e.message });
          await addEvent(tx, { enquiryId: enquiry.id, at: clock(), kind: 'page_failed', data: { pageId: page.id, step: index, action, to: contact.phone, error: e.message, twilioCode: e.twilioCode ?? null } });
        });
        return 'failed';
      }
      // Twilio answered with an error status: it did not take the message, so no look-up is needed next time.
      const answered = e?.status !== undefined;
      await repo.updateStep(db, [row.id], { outcome_unknown: !answered, last_error: err instanceof Error ? err.message : String(err) });
      await addEvent(db, { enquiryId: enquiry.id, at: clock(), kind: 'page_delayed', data: { pageId: page.id, step: index, action, to: contact.phone, error: err instanceof Error ? err.message : String(err) } });
      throw err;
    }
  }

  private async recordSent(rows: PageStep[], enquiryId: string, pageId: string, index: number, action: 'sms' | 'call', contact: Contact, sid: string, status: string): Promise<void> {
    await repo.recordStepsSent(
      this.deps.db,
      rows.map((r) => r.id),
      { sid, status, at: this.deps.clock() },
      { enquiryId, kind: action === 'sms' ? 'page_sms_sent' : 'page_call_placed', data: { pageId, step: index, to: contact.phone, name: contact.name, source: contact.source, sid } },
    );
  }

  /**
   * Sends the held pages of one kind (`action`) for one phone at the end of its window (the task
   * `page_bundle`): one SMS listing them all, or one call reading them all whose keypress
   * acknowledges every one; then starts each page's acknowledgement timer.
   */
  async sendBundle(phone: string, action: 'sms' | 'call' = 'sms'): Promise<void> {
    const { db, clock, gateway, config } = this.deps;
    const now = clock();
    const claim = await db.transaction().execute(async (tx) => {
      const last = await repo.lockPhoneWindow(tx, phone, action);
      const steps = await repo.waitingBundleSteps(tx, phone, action);
      if (!steps.length) return null;
      const windowEnds = last ? last.getTime() + config.onCall.bundleSeconds * 1000 : 0;
      if (now.getTime() < windowEnds && !steps.some((s) => s.outcome_unknown || s.attempts > 0)) {
        await addJob(tx, TASKS.bundle, { phone, action }, { runAt: new Date(windowEnds), jobKey: bundleJobKey(phone, action), jobKeyMode: 'preserve_run_at' });
        return null;
      }
      await repo.setPhoneWindow(tx, phone, now, action);
      await repo.updateStep(tx, steps.map((s) => s.id), { outcome_unknown: true, incrementAttempts: true });
      return steps;
    });
    if (!claim) return;
    const enquiries = new Map((await repo.enquiriesByIds(db, [...new Set(claim.map((s) => s.enquiry_id))])).map((e) => [e.id, e]));
    const pages = new Map<string, Page>();
    for (const s of claim) {
      const p = await db.selectFrom('page').selectAll().where('id', '=', s.page_id).executeTakeFirstOrThrow();
      pages.set(p.id, p);
    }
    const items = claim.map((s) => ({ enquiry: enquiries.get(s.enquiry_id)!, shortCode: pages.get(s.page_id)!.short_code, step: s }));
    let sid: string | null = null;
    if (claim.some((s) => s.outcome_unknown)) {
      sid =
        action === 'sms'
          ? await gateway.findSentSms({ to: phone, since: claim[0].created_at, marker: items[0].enquiry.reference })
          : await gateway.findPlacedCall({ to: phone, since: claim[0].created_at, exclude: await repo.recordedCallSids(db, phone) });
    }
    try {
      const statusCallback = this.url('/twilio/status');
      if (!sid && action === 'sms') sid = (await gateway.sendSms({ to: phone, body: bundleSms(items, config.office, now), statusCallback })).sid;
      if (!sid && action === 'call') {
        const gatherUrl = this.url(`/twilio/voice?${items.map((it) => `page=${it.step.page_id}`).join('&')}`);
        sid = (await gateway.placeCall({ to: phone, twiml: bundleCallTwiml(items, config.office, now, gatherUrl), statusCallback })).sid;
      }
    } catch (err) {
      const e = err instanceof TwilioSendError ? err : null;
      if (e && !e.retryable) {
        await db.transaction().execute(async (tx) => {
          await repo.updateStep(tx, claim.map((s) => s.id), { state: 'failed', outcome_unknown: false, last_error: e.message });
          for (const it of items) {
            await addEvent(tx, { enquiryId: it.enquiry.id, at: now, kind: 'page_failed', data: { pageId: it.step.page_id, step: it.step.step_index, action, to: phone, error: e.message } });
            await addJob(tx, TASKS.step, { pageId: it.step.page_id, step: it.step.step_index + 1 }, { runAt: now, jobKey: stepJobKey(it.step.page_id, it.step.step_index + 1) });
          }
        });
        return;
      }
      await repo.updateStep(db, claim.map((s) => s.id), { outcome_unknown: e?.status === undefined, last_error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
    const sentAt = clock();
    await db.transaction().execute(async (tx) => {
      await repo.updateStep(tx, claim.map((s) => s.id), { state: 'sent', outcome_unknown: false, provider_sid: sid, provider_status: 'queued', sent_at: sentAt, last_error: null });
      for (const it of items) {
        const kind = action === 'sms' ? 'page_sms_sent' : 'page_call_placed';
        await addEvent(tx, { enquiryId: it.enquiry.id, at: sentAt, kind, data: { pageId: it.step.page_id, step: it.step.step_index, to: phone, sid, bundledWith: items.length } });
        await this.scheduleNext(tx, pages.get(it.step.page_id)!, it.step.step_index, sentAt);
      }
    });
  }

  /**
   * Acknowledges pages (SMS reply, voice keypress or the desk) in the caller's transaction:
   * stops their escalation (removes the queued step jobs) and queues the journalist's notice.
   * Returns the pages that were still active.
   */
  async acknowledge(tx: Tx, pageIds: string[], ack: { by: string; via: 'sms' | 'voice' | 'desk' }): Promise<Page[]> {
    const now = this.deps.clock();
    const pages = await repo.acknowledgePages(tx, pageIds, { at: now, by: ack.by, via: ack.via });
    for (const page of pages) {
      await addEvent(tx, { enquiryId: page.enquiry_id, at: now, kind: 'acknowledged', actor: ack.by, data: { pageId: page.id, via: ack.via } });
      for (let i = 0; i <= this.steps.length; i++) await removeJob(tx, stepJobKey(page.id, i));
      await addJob(tx, TASKS.notifyJournalist, { enquiryId: page.enquiry_id }, { runAt: now, jobKey: `notify-ack:${page.enquiry_id}`, jobKeyMode: 'unsafe_dedupe' });
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
        await addEvent(tx, { enquiryId: e.id, at: now, kind: 'handed_to_on_call', data: { reason: 'urgent and not picked up when the office closed' } });
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
   * A Twilio status callback for a page step or an outbound SMS: records it on the timeline and,
   * when a page SMS or call failed, escalates at once instead of waiting for the timeout.
   */
  async handleStatus(input: { sid: string; status: string; kind: 'sms' | 'call'; errorCode?: string }): Promise<void> {
    const { db, clock } = this.deps;
    const now = clock();
    await db.transaction().execute(async (tx) => {
      const steps = await repo.findStepsBySid(tx, input.sid);
      if (steps.length) {
        await repo.updateStep(tx, steps.map((s) => s.id), { provider_status: input.status });
        const failed = input.kind === 'sms' ? FAILED_SMS.has(input.status) : FAILED_CALL.has(input.status);
        for (const s of steps) {
          await addEvent(tx, { enquiryId: s.enquiry_id, at: now, kind: 'delivery_receipt', data: { pageId: s.page_id, step: s.step_index, action: s.action, sid: input.sid, status: input.status, errorCode: input.errorCode ?? null } });
          if (failed && s.page_status === 'active' && s.step_index === (await repo.latestStepIndex(tx, s.page_id))) {
            await addEvent(tx, { enquiryId: s.enquiry_id, at: now, kind: 'escalated', data: { pageId: s.page_id, fromStep: s.step_index, reason: `${s.action} ${input.status}` } });
            await addJob(tx, TASKS.step, { pageId: s.page_id, step: s.step_index + 1 }, { runAt: now, jobKey: stepJobKey(s.page_id, s.step_index + 1), jobKeyMode: 'replace' });
          }
        }
        return;
      }
      const out = await repo.findOutboundSmsBySid(tx, input.sid);
      if (out) {
        await repo.updateOutboundSms(tx, out.id, { provider_status: input.status });
        if (out.enquiry_id) await addEvent(tx, { enquiryId: out.enquiry_id, at: now, kind: 'sms_out_status', data: { sid: input.sid, status: input.status, errorCode: input.errorCode ?? null } });
        return;
      }
      this.deps.log.warn({ sid: input.sid, status: input.status }, 'status callback for an unknown SID');
    });
  }

  /**
   * Sends one SMS to a journalist, once per `key` (the task `notify_journalist` and desk
   * replies): the row is claimed before sending and the SID recorded after.
   */
  async sendJournalistSms(input: { key: string; enquiryId: string | null; to: string; body: string }): Promise<void> {
    const { db, clock, gateway } = this.deps;
    const now = clock();
    const row = await db.transaction().execute(async (tx) => {
      const r = await repo.getOrCreateOutboundSms(tx, { idempotency_key: input.key, enquiry_id: input.enquiryId, to_number: input.to, body: input.body, created_at: now });
      if (r.state !== 'sending') return null;
      await repo.updateOutboundSms(tx, r.id, { outcome_unknown: true });
      return r;
    });
    if (!row) return;
    let sid = row.outcome_unknown ? await gateway.findSentSms({ to: row.to_number, since: row.created_at, marker: row.body }) : null;
    try {
      if (!sid) sid = (await gateway.sendSms({ to: row.to_number, body: row.body, statusCallback: this.url('/twilio/status') })).sid;
    } catch (err) {
      const e = err instanceof TwilioSendError ? err : null;
      if (e && !e.retryable) {
        await repo.updateOutboundSms(db, row.id, { state: 'failed', outcome_unknown: false, last_error: e.message });
        if (row.enquiry_id) await addEvent(db, { enquiryId: row.enquiry_id, at: clock(), kind: 'sms_out_failed', data: { to: row.to_number, error: e.message } });
        return;
      }
      await repo.updateOutboundSms(db, row.id, { outcome_unknown: e?.status === undefined, last_error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
    await db.transaction().execute(async (tx) => {
      await repo.updateOutboundSms(tx, row.id, { state: 'sent', outcome_unknown: false, provider_sid: sid, provider_status: 'queued', sent_at: clock(), last_error: null });
      if (row.enquiry_id) await addEvent(tx, { enquiryId: row.enquiry_id, at: clock(), kind: 'sms_out', data: { to: row.to_number, body: row.body, sid, key: input.key } });
    });
  }

  /** The notice to a journalist that their urgent enquiry was acknowledged (task `notify_journalist`). */
  async notifyJournalistOfAck(enquiryId: string): Promise<void> {
    const enquiry = await this.deps.db.selectFrom('enquiry').selectAll().where('id', '=', enquiryId).executeTakeFirst();
    if (!enquiry?.phone) return;
    await this.sendJournalistSms({ key: `ack:${enquiry.id}`, enquiryId: enquiry.id, to: enquiry.phone, body: journalistAckSms(enquiry, this.deps.config.office.name) });
  }
}
