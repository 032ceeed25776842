/**
 * How a page step reaches the phone: the claim of a step (or of a phone's bundle) with the
 * bundling window, and what each outcome means for the page. The sending itself, the look-up of
 * an earlier unknown outcome and the classification of failures are the outbox's
 * (src/outbox/outbox.service.ts); this file only says what to send and what to record.
 */
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { addEvent } from '../enquiries/enquiries.repository.js';
import { claimRow, errorText, recordOnRow, type OutboxService } from '../outbox/outbox.service.js';
import { bundleCallTwiml, bundleSms, pageCallTwiml, pageSms, type BundleItem } from './paging.messages.js';
import { linkUrl, newLinkToken, redactedLinkUrl, saveLink } from './link.service.js';
import { listLinkUrl, redactedListLinkUrl, saveListLink } from './list-link.service.js';
import * as repo from './paging.repository.js';
import { queueBundle, queueStep, scheduleNext } from './paging.schedule.js';
import type { Page, PageAction, PageStep } from './paging.tables.js';
import type { OnCallContact } from './oncall.model.js';

/** What became of one action of one step: sent, held for the phone's bundle, refused, or not sent since nobody needs it any more. */
export type StepDelivery = 'sent' | 'waiting_bundle' | 'failed' | 'skipped';

/** What page delivery needs: office and on-call settings for the wording and the bundling window. */
export interface PageDeliveryDeps {
  db: Db;
  config: Pick<Config, 'office' | 'onCall' | 'publicBaseUrl'>;
  clock: Clock;
  outbox: OutboxService;
}

/**
 * Page texts and calls, one at a time or bundled per phone, through the outbox. Calls ask for
 * answering-machine detection: a voicemail box that picks up escalates the page at once
 * (`PagingService.onAnswered`).
 */
export class PageDelivery {
  constructor(private readonly deps: PageDeliveryDeps) {}

  private url(path: string): string {
    return `${this.deps.config.publicBaseUrl}${path}`;
  }

  /**
   * The text of one page SMS with its link to the enquiry's mobile view (src/oncall/link.service.ts),
   * made in the claim's transaction so the link exists once the send is claimed: `send` carries
   * the token, `store` (the outbound row's content, shown on the desk and kept for the look-up of
   * an unknown outcome, which goes by the reference) has the link redacted, so the raw token is
   * never written anywhere. The link is stored only when the text has room for it.
   */
  private async pageText(
    tx: Tx,
    page: Page,
    enquiry: Enquiry,
    contact: OnCallContact,
    now: Date,
  ): Promise<{ send: string; store: string }> {
    const { config } = this.deps;
    const token = newLinkToken();
    const url = linkUrl(config.publicBaseUrl, token);
    const send = pageSms(enquiry, page.short_code, config.office, now, url);
    if (!send.includes(url)) return { send, store: send };
    await saveLink(tx, token, {
      enquiryId: enquiry.id,
      pageId: page.id,
      phone: contact.phone,
      personId: contact.personId,
      now,
      hours: config.onCall.linkHours,
    });
    return { send, store: send.replace(url, redactedLinkUrl(config.publicBaseUrl)) };
  }

  /**
   * The text of one bundle to `phone` (see `bundleSms`), made in the claim's transaction: when not
   * every enquiry fits, the text links to the list of all of them, stored (hashed) with exactly
   * these enquiries; `store` has that link redacted, as for a single page's link.
   */
  private async bundleText(
    tx: Tx,
    phone: string,
    items: Array<BundleItem & { step: PageStep & { enquiry_id: string } }>,
    now: Date,
  ): Promise<{ send: string; store: string }> {
    const { config } = this.deps;
    const token = newLinkToken();
    const url = listLinkUrl(config.publicBaseUrl, token);
    const bundle = bundleSms(items, config.office, now, { segments: config.onCall.bundleSegments, link: url });
    if (!bundle.withLink) return { send: bundle.text, store: bundle.text };
    const scope = items.map((it) => ({ enquiryId: it.enquiry.id, pageId: it.step.page_id }));
    await saveListLink(tx, token, {
      phone,
      personId: items.find((it) => it.step.person_id)?.step.person_id ?? null,
      items: scope,
      now,
      hours: config.onCall.linkHours,
    });
    return { send: bundle.text, store: bundle.text.replace(url, redactedListLinkUrl(config.publicBaseUrl)) };
  }

  /**
   * Sends one action of one step, exactly once. Texts and calls alike go one per phone per
   * window; the rest are held for one bundle at the window's end.
   */
  async deliverStep(
    page: Page,
    enquiry: Enquiry,
    index: number,
    action: PageAction,
    contact: OnCallContact,
  ): Promise<StepDelivery> {
    const { db, clock, config } = this.deps;
    const now = clock();
    const callTwiml =
      action === 'call' ? pageCallTwiml(enquiry, config.office, now, this.url(`/twilio/voice?page=${page.id}`)) : '';
    let step: PageStep | undefined;
    let messageId = '';
    let held: StepDelivery | null = null;
    const result = await this.deps.outbox.deliver({
      claim: async () => {
        const claim = await db.transaction().execute(async (tx) => {
          // Checked at send time, in the claim: acknowledged, answered, closed or withdrawn since the job was queued.
          if (!(await repo.pagesStillWanted(tx, [page.id])).has(page.id))
            return { r: undefined, done: 'skipped' as StepDelivery, row: null, content: '' };
          const r = await repo.getOrCreateStep(tx, {
            page_id: page.id,
            step_index: index,
            action,
            to_number: contact.phone,
            person_id: contact.personId,
            created_at: now,
          });
          if (r.state === 'sent' || r.state === 'waiting_bundle' || r.state === 'failed')
            return { r, done: r.state as StepDelivery, row: null, content: '' };
          // A storm of enquiries neither fills the phone with texts nor rings it once for each.
          // Bundling off (bundleSeconds 0): no window to decide, so no lock on the phone's row, which
          // would make every page to one phone wait for the one before it to commit. A step
          // already claimed (it has its outbound row) is past the window: it is only retried.
          if (!r.outbound_id && config.onCall.bundleSeconds > 0) {
            const last = await repo.lockPhoneWindow(tx, contact.phone, action);
            const windowEnds = last ? last.getTime() + config.onCall.bundleSeconds * 1000 : 0;
            if (now.getTime() < windowEnds) {
              await repo.setStepState(tx, [r.id], 'waiting_bundle');
              await addEvent(tx, {
                enquiryId: enquiry.id,
                at: now,
                kind: 'page_bundled',
                data: {
                  pageId: page.id,
                  step: index,
                  action,
                  to: contact.phone,
                  sendsAt: new Date(windowEnds).toISOString(),
                },
              });
              await queueBundle(tx, contact.phone, action, new Date(windowEnds));
              return { r, done: 'waiting_bundle' as StepDelivery, row: null, content: '' };
            }
            await repo.setPhoneWindow(tx, contact.phone, now, action);
          }
          const text =
            action === 'sms'
              ? await this.pageText(tx, page, enquiry, contact, now)
              : { send: callTwiml, store: callTwiml };
          const row = await claimRow(tx, r.outbound_id, {
            ownerKind: 'page_step',
            medium: action,
            key: `page-step:${r.id}`,
            to: contact.phone,
            content: text.store,
            at: now,
          });
          if (!r.outbound_id) await repo.linkSteps(tx, [r.id], row.id);
          return { r, done: null, row, content: text.send };
        });
        step = claim.r;
        held = claim.done;
        if (held || !claim.row) return null;
        messageId = claim.row.id;
        return {
          medium: action,
          to: contact.phone,
          content: claim.content,
          lookUpFirst: claim.row.lookUpFirst,
          earlier: { to: contact.phone, since: step!.created_at, marker: enquiry.reference },
          lane: 'page',
          detectMachine: action === 'call',
        };
      },
      sent: async (sid, status) => {
        await repo.recordStepsSent(
          db,
          messageId,
          [step!.id],
          { sid, status, at: clock() },
          {
            enquiryId: enquiry.id,
            kind: action === 'sms' ? 'page_sms_sent' : 'page_call_placed',
            data: { pageId: page.id, step: index, to: contact.phone, name: contact.name, source: contact.source, sid },
          },
        );
      },
      refused: async (e) => {
        await db.transaction().execute(async (tx) => {
          await recordOnRow(tx, messageId, { state: 'failed', outcome_unknown: false, last_error: e.message });
          await repo.setStepState(tx, [step!.id], 'failed');
          await addEvent(tx, {
            enquiryId: enquiry.id,
            at: clock(),
            kind: 'page_failed',
            data: {
              pageId: page.id,
              step: index,
              action,
              to: contact.phone,
              error: e.message,
              twilioCode: e.providerCode ?? null,
            },
          });
        });
      },
      delayed: async (err, outcomeUnknown) => {
        await recordOnRow(db, messageId, { outcome_unknown: outcomeUnknown, last_error: errorText(err) });
        await addEvent(db, {
          enquiryId: enquiry.id,
          at: clock(),
          kind: 'page_delayed',
          data: { pageId: page.id, step: index, action, to: contact.phone, error: errorText(err) },
        });
      },
    });
    return held ?? (result === 'sent' ? 'sent' : 'failed');
  }

  /**
   * Sends the held pages of one kind (`action`) for one phone at the end of its window (the task
   * `page_bundle`): one SMS listing them all, or one call reading them all whose keypress
   * acknowledges every one; then starts each page's acknowledgement timer. A refusal escalates
   * each page to its next step at once. The bundle is one outbound row, which every step it
   * carries points at; a retry claims that row again (with any page held since), so an attempt
   * whose outcome is unknown is looked up before the bundle is sent again. A bundle text lists
   * what fits `onCall.bundleSegments` and links to the list of all (`bundleText`); the officer
   * acts on each enquiry by the SMS commands (INFO, CALL, … with its reference or code). A bundled
   * call's keypress names the call's outbound row, which every page it was for points at.
   */
  async sendBundle(phone: string, action: PageAction): Promise<void> {
    const { db, clock, config } = this.deps;
    const now = clock();
    let items: Array<{ enquiry: Enquiry; shortCode: string; step: PageStep & { enquiry_id: string } }> = [];
    let messageId = '';
    const stepIds = () => items.map((it) => it.step.id);
    await this.deps.outbox.deliver({
      claim: async () => {
        const claim = await db.transaction().execute(async (tx) => {
          const last = await repo.lockPhoneWindow(tx, phone, action);
          const held = await repo.waitingBundleSteps(tx, phone, action);
          // An enquiry answered, closed or withdrawn (or a page acknowledged) since it was held
          // leaves the bundle now, at send time. A step an earlier attempt already carried stays:
          // that attempt may have reached the phone, and its outcome is looked up first.
          const wanted = await repo.pagesStillWanted(tx, [...new Set(held.map((s) => s.page_id))]);
          const dropped = held.filter((s) => !s.outbound_id && !wanted.has(s.page_id));
          if (dropped.length) {
            await repo.setStepState(
              tx,
              dropped.map((s) => s.id),
              'skipped',
            );
            for (const s of dropped)
              await addEvent(tx, {
                enquiryId: s.enquiry_id,
                at: now,
                kind: 'page_step_skipped',
                data: {
                  pageId: s.page_id,
                  step: s.step_index,
                  to: phone,
                  reason: 'no longer needed when its bundle was sent',
                },
              });
          }
          const wantedSteps = held.filter((s) => !dropped.includes(s));
          if (!wantedSteps.length) return null;
          // The row of an earlier attempt at this bundle, still being sent.
          const earlier = wantedSteps.find((s) => s.outbound_id && s.outbound_state === 'sending');
          const windowEnds = last ? last.getTime() + config.onCall.bundleSeconds * 1000 : 0;
          if (now.getTime() < windowEnds && !earlier) {
            await queueBundle(tx, phone, action, new Date(windowEnds));
            return null;
          }
          // Steps held since join an earlier attempt that was refused for now (it is sent again, with
          // them). One whose outcome is unknown is retried with exactly what it carried: the look-up
          // may find it sent, and a page held since was not in it. Those wait for the next bundle.
          const steps = earlier?.outcome_unknown
            ? wantedSteps.filter((s) => s.outbound_id === earlier.outbound_id)
            : wantedSteps;
          if (steps.length < wantedSteps.length)
            await queueBundle(tx, phone, action, new Date(now.getTime() + config.onCall.bundleSeconds * 1000));
          await repo.setPhoneWindow(tx, phone, now, action);
          const enquiries = new Map(
            (await repo.enquiriesByIds(tx, [...new Set(steps.map((s) => s.enquiry_id))])).map((e) => [e.id, e]),
          );
          const codes = new Map(
            (await repo.pagesByIds(tx, [...new Set(steps.map((s) => s.page_id))])).map((p) => [p.id, p.short_code]),
          );
          const claimed = steps.map((s) => ({
            enquiry: enquiries.get(s.enquiry_id)!,
            shortCode: codes.get(s.page_id)!,
            step: s,
          }));
          const text = action === 'sms' ? await this.bundleText(tx, phone, claimed, now) : { send: '', store: '' };
          const row = await claimRow(tx, earlier?.outbound_id ?? null, {
            ownerKind: 'page_step',
            medium: action,
            key: `page-step:${(steps.find((s) => !s.outbound_id) ?? steps[0]).id}`,
            to: phone,
            content: text.store,
            at: now,
          });
          await repo.linkSteps(
            tx,
            steps.filter((s) => s.outbound_id !== row.id).map((s) => s.id),
            row.id,
          );
          if (action === 'call') {
            // The keypress names the call's row, not each page: 200 page ids would not fit Twilio's 4,000 characters of TwiML.
            text.send = text.store = bundleCallTwiml(
              claimed,
              config.office,
              now,
              this.url(`/twilio/voice?bundle=${row.id}`),
            );
            await recordOnRow(tx, row.id, { content: text.store });
          }
          return {
            claimed,
            content: text.send,
            row,
            lookUpFirst: row.lookUpFirst || steps.some((s) => s.outcome_unknown),
          };
        });
        if (!claim) return null;
        items = claim.claimed;
        messageId = claim.row.id;
        const earlier = { to: phone, since: items[0].step.created_at, marker: items[0].enquiry.reference };
        return {
          medium: action,
          to: phone,
          content: claim.content,
          lookUpFirst: claim.lookUpFirst,
          earlier,
          lane: 'page',
          detectMachine: action === 'call',
        };
      },
      // Every page of the bundle went out in that one message (the status stays 'queued', as it always has).
      sent: async (sid) => {
        const sentAt = clock();
        await db.transaction().execute(async (tx) => {
          await recordOnRow(tx, messageId, {
            state: 'sent',
            outcome_unknown: false,
            provider_sid: sid,
            provider_status: 'queued',
            sent_at: sentAt,
            last_error: null,
          });
          await repo.setStepState(tx, stepIds(), 'sent');
          for (const it of items) {
            const kind = action === 'sms' ? 'page_sms_sent' : 'page_call_placed';
            await addEvent(tx, {
              enquiryId: it.enquiry.id,
              at: sentAt,
              kind,
              data: { pageId: it.step.page_id, step: it.step.step_index, to: phone, sid, bundledWith: items.length },
            });
            await scheduleNext(tx, config.onCall, it.step.page_id, it.step.step_index, sentAt);
          }
        });
      },
      refused: async (e) => {
        await db.transaction().execute(async (tx) => {
          await recordOnRow(tx, messageId, { state: 'failed', outcome_unknown: false, last_error: e.message });
          await repo.setStepState(tx, stepIds(), 'failed');
          for (const it of items) {
            await addEvent(tx, {
              enquiryId: it.enquiry.id,
              at: now,
              kind: 'page_failed',
              data: { pageId: it.step.page_id, step: it.step.step_index, action, to: phone, error: e.message },
            });
            await queueStep(tx, it.step.page_id, it.step.step_index + 1, now);
          }
        });
      },
      delayed: async (err, outcomeUnknown) => {
        await recordOnRow(db, messageId, { outcome_unknown: outcomeUnknown, last_error: errorText(err) });
      },
    });
  }
}
