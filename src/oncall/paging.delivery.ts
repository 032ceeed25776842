/**
 * How a page step reaches the phone: the claim of a step (or of a phone's bundle) with the
 * bundling window, and what each outcome means for the page. The sending itself, the look-up of
 * an earlier unknown outcome and the classification of failures are the outbox's
 * (src/outbox/outbox.service.ts); this file only says what to send and what to record.
 */
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Enquiry } from '../db/schema.js';
import { addEvent } from '../enquiries/enquiries.repository.js';
import { errorText, type OutboxService } from '../outbox/outbox.service.js';
import { bundleCallTwiml, bundleSms, pageCallTwiml, pageSms } from './paging.messages.js';
import * as repo from './paging.repository.js';
import { queueBundle, queueStep, scheduleNext } from './paging.schedule.js';
import type { Page, PageAction, PageStep } from './paging.tables.js';
import type { OnCallContact } from './rota.service.js';

/** What became of one action of one step: sent, held for the phone's bundle, or refused. */
export type StepDelivery = 'sent' | 'waiting_bundle' | 'failed';

/** What page delivery needs: office and on-call settings for the wording and the bundling window. */
export interface PageDeliveryDeps {
  db: Db;
  config: Pick<Config, 'office' | 'onCall' | 'publicBaseUrl'>;
  clock: Clock;
  outbox: OutboxService;
}

/** Page texts and calls, one at a time or bundled per phone, through the outbox. */
export class PageDelivery {
  constructor(private readonly deps: PageDeliveryDeps) {}

  private url(path: string): string {
    return `${this.deps.config.publicBaseUrl}${path}`;
  }

  /**
   * Sends one action of one step, exactly once. Texts and calls alike go one per phone per
   * window; the rest are held for one bundle at the window's end.
   */
  async deliverStep(page: Page, enquiry: Enquiry, index: number, action: PageAction, contact: OnCallContact): Promise<StepDelivery> {
    const { db, clock, config } = this.deps;
    const now = clock();
    let row: PageStep | undefined;
    let held: StepDelivery | null = null;
    const result = await this.deps.outbox.deliver({
      claim: async () => {
        const claim = await db.transaction().execute(async (tx) => {
          const r = await repo.getOrCreateStep(tx, { page_id: page.id, step_index: index, action, to_number: contact.phone, person_id: contact.personId, created_at: now });
          if (r.state === 'sent' || r.state === 'waiting_bundle' || r.state === 'failed') return { r, done: r.state as StepDelivery };
          // A storm of enquiries neither fills the phone with texts nor rings it once for each.
          // Bundling off (bundleSeconds 0): no window to decide, so no lock on the phone's row, which
          // would make every page to one phone wait for the one before it to commit.
          if (!r.outcome_unknown && r.attempts === 0 && config.onCall.bundleSeconds > 0) {
            const last = await repo.lockPhoneWindow(tx, contact.phone, action);
            const windowEnds = last ? last.getTime() + config.onCall.bundleSeconds * 1000 : 0;
            if (now.getTime() < windowEnds) {
              await repo.updateStep(tx, [r.id], { state: 'waiting_bundle' });
              await addEvent(tx, { enquiryId: enquiry.id, at: now, kind: 'page_bundled', data: { pageId: page.id, step: index, action, to: contact.phone, sendsAt: new Date(windowEnds).toISOString() } });
              await queueBundle(tx, contact.phone, action, new Date(windowEnds));
              return { r, done: 'waiting_bundle' as StepDelivery };
            }
            await repo.setPhoneWindow(tx, contact.phone, now, action);
          }
          await repo.updateStep(tx, [r.id], { outcome_unknown: true, incrementAttempts: true });
          return { r, done: null };
        });
        row = claim.r;
        held = claim.done;
        if (held) return null;
        const content =
          action === 'sms' ? pageSms(enquiry, page.short_code, config.office, now) : pageCallTwiml(enquiry, config.office, now, this.url(`/twilio/voice?page=${page.id}`));
        return { medium: action, to: contact.phone, content, lookUpFirst: row.outcome_unknown, earlier: { to: contact.phone, since: row.created_at, marker: enquiry.reference } };
      },
      sent: async (sid, status) => {
        await repo.recordStepsSent(
          db,
          [row!.id],
          { sid, status, at: clock() },
          { enquiryId: enquiry.id, kind: action === 'sms' ? 'page_sms_sent' : 'page_call_placed', data: { pageId: page.id, step: index, to: contact.phone, name: contact.name, source: contact.source, sid } },
        );
      },
      refused: async (e) => {
        await db.transaction().execute(async (tx) => {
          await repo.updateStep(tx, [row!.id], { state: 'failed', outcome_unknown: false, last_error: e.message });
          await addEvent(tx, { enquiryId: enquiry.id, at: clock(), kind: 'page_failed', data: { pageId: page.id, step: index, action, to: contact.phone, error: e.message, twilioCode: e.twilioCode ?? null } });
        });
      },
      delayed: async (err, outcomeUnknown) => {
        await repo.updateStep(db, [row!.id], { outcome_unknown: outcomeUnknown, last_error: errorText(err) });
        await addEvent(db, { enquiryId: enquiry.id, at: clock(), kind: 'page_delayed', data: { pageId: page.id, step: index, action, to: contact.phone, error: errorText(err) } });
      },
    });
    return held ?? (result === 'sent' ? 'sent' : 'failed');
  }

  /**
   * Sends the held pages of one kind (`action`) for one phone at the end of its window (the task
   * `page_bundle`): one SMS listing them all, or one call reading them all whose keypress
   * acknowledges every one; then starts each page's acknowledgement timer. A refusal escalates
   * each page to its next step at once.
   */
  async sendBundle(phone: string, action: PageAction = 'sms'): Promise<void> {
    const { db, clock, config } = this.deps;
    const now = clock();
    let items: Array<{ enquiry: Enquiry; shortCode: string; step: PageStep & { enquiry_id: string } }> = [];
    const stepIds = () => items.map((it) => it.step.id);
    await this.deps.outbox.deliver({
      claim: async () => {
        const claim = await db.transaction().execute(async (tx) => {
          const last = await repo.lockPhoneWindow(tx, phone, action);
          const steps = await repo.waitingBundleSteps(tx, phone, action);
          if (!steps.length) return null;
          const windowEnds = last ? last.getTime() + config.onCall.bundleSeconds * 1000 : 0;
          if (now.getTime() < windowEnds && !steps.some((s) => s.outcome_unknown || s.attempts > 0)) {
            await queueBundle(tx, phone, action, new Date(windowEnds));
            return null;
          }
          await repo.setPhoneWindow(tx, phone, now, action);
          await repo.updateStep(tx, steps.map((s) => s.id), { outcome_unknown: true, incrementAttempts: true });
          return steps;
        });
        if (!claim) return null;
        const enquiries = new Map((await repo.enquiriesByIds(db, [...new Set(claim.map((s) => s.enquiry_id))])).map((e) => [e.id, e]));
        const codes = new Map((await repo.pagesByIds(db, [...new Set(claim.map((s) => s.page_id))])).map((p) => [p.id, p.short_code]));
        items = claim.map((s) => ({ enquiry: enquiries.get(s.enquiry_id)!, shortCode: codes.get(s.page_id)!, step: s }));
        const content =
          action === 'sms'
            ? bundleSms(items, config.office, now)
            : bundleCallTwiml(items, config.office, now, this.url(`/twilio/voice?${items.map((it) => `page=${it.step.page_id}`).join('&')}`));
        const earlier = { to: phone, since: claim[0].created_at, marker: items[0].enquiry.reference };
        return { medium: action, to: phone, content, lookUpFirst: claim.some((s) => s.outcome_unknown), earlier };
      },
      // Every page of the bundle went out in that one message (the status stays 'queued', as it always has).
      sent: async (sid) => {
        const sentAt = clock();
        await db.transaction().execute(async (tx) => {
          await repo.updateStep(tx, stepIds(), { state: 'sent', outcome_unknown: false, provider_sid: sid, provider_status: 'queued', sent_at: sentAt, last_error: null });
          for (const it of items) {
            const kind = action === 'sms' ? 'page_sms_sent' : 'page_call_placed';
            await addEvent(tx, { enquiryId: it.enquiry.id, at: sentAt, kind, data: { pageId: it.step.page_id, step: it.step.step_index, to: phone, sid, bundledWith: items.length } });
            await scheduleNext(tx, config.onCall, it.step.page_id, it.step.step_index, sentAt);
          }
        });
      },
      refused: async (e) => {
        await db.transaction().execute(async (tx) => {
          await repo.updateStep(tx, stepIds(), { state: 'failed', outcome_unknown: false, last_error: e.message });
          for (const it of items) {
            await addEvent(tx, { enquiryId: it.enquiry.id, at: now, kind: 'page_failed', data: { pageId: it.step.page_id, step: it.step.step_index, action, to: phone, error: e.message } });
            await queueStep(tx, it.step.page_id, it.step.step_index + 1, now);
          }
        });
      },
      delayed: async (err, outcomeUnknown) => {
        await repo.updateStep(db, stepIds(), { outcome_unknown: outcomeUnknown, last_error: errorText(err) });
      },
    });
  }
}
