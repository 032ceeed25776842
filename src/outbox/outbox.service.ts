/**
 * The outbox: the one way a message leaves Press Desk. Whoever owns a message (paging for page
 * texts, calls and bundles; the desk, the digest and test pages for plain texts) decides what to
 * send and when; `deliver` decides how, the same way for all of them:
 *
 * 1. claim: in one transaction with its own rows (a page step, a bundle's steps), the owner
 *    claims the message's one `outbound_message` row (`claimRow`: "sending, outcome unknown",
 *    one more attempt) and commits, before any network call (or says nothing is due: already
 *    sent, refused, held back);
 * 2. if an earlier attempt's outcome is unknown (a timeout, a crash between the provider's answer
 *    and our commit), look for it at the provider and record it instead of sending a second copy;
 * 3. take a slot of the medium's sending rate (src/outbox/send-limits.ts; pages first), then send
 *    through the sender of the message's medium; no slot in time: nothing was sent, the row is
 *    left as not sent (no look-up next time) and the job runs again shortly;
 * 4. record the provider's id on the outbound row (and the owner's rows) before the job completes;
 * (before 3, a text to a number that texted STOP is refused for good without being sent: sms_opt_out)
 * 5. on failure, classify it: refused for good (the owner gives up, or pages the next escalation
 *    step), or worth retrying (the owner records it and the job is retried with backoff).
 *
 * Never twice: a claimed row is only sent again after the look-up. Never lost: a retryable
 * failure throws, so graphile-worker runs the job again.
 */
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../db/database.js';
import { addJob } from '../jobs/queue.repository.js';
import { SMS_LANE_PRIORITY, type JobPayloads } from '../jobs/jobs.js';
import { SendError } from './send-error.js';
import {
  answeredByMachine,
  deliveryFailed,
  type AfterCommit,
  type CallAnswer,
  type DeliveryStatus,
  type StatusOwner,
} from './delivery-status.js';
import * as repo from './outbox.repository.js';
import type { MessagePatch } from './outbox.repository.js';
import type { OutboundMessage, OwnerKind } from './outbox.tables.js';
import type { EarlierAttempt, Medium, OptOuts, Sender } from './senders.js';
import type { OutboxEvent, OutboxTimeline } from './outbox.events.js';
import { RateLimited, type Lane, type SendLimiter } from './send-limits.js';
import type { MessageRefusals } from './refusals.js';

/** What a claimed delivery sends: by which medium, to whom, what, and whether to look first. */
export interface Claimed {
  medium: Medium;
  to: string;
  /** The SMS text, or the TwiML the call plays. */
  content: string;
  /** An earlier attempt's outcome is unknown: look for it at the provider before sending. */
  lookUpFirst: boolean;
  earlier: EarlierAttempt;
  /** Its place in the sending queue when Twilio's rate is reached (default: a text to a journalist). */
  lane?: Lane;
  /** Calls: ask the provider whether a machine answered (the owner's `onAnswered` gets the verdict). */
  detectMachine?: boolean;
}

/** The owner's side of one delivery: its rows, and what each outcome means for it. */
export interface Delivery {
  /** Phase 1, committed before any network call: claims the row(s); null when nothing is due. */
  claim(): Promise<Claimed | null>;
  /** The provider has it (`status` is `recovered` when found by the look-up): record the id. */
  sent(sid: string, status: string): Promise<void>;
  /** The provider refused it for good: record it (and give up, or escalate). */
  refused(error: SendError): Promise<void>;
  /**
   * Not sent this time; the job will be retried. `outcomeUnknown`: the provider gave no answer, so
   * it may have the message and the next attempt must look first.
   */
  delayed(error: unknown, outcomeUnknown: boolean): Promise<void>;
}

/** How a delivery ended (a retryable failure throws instead). */
export type DeliveryResult = 'sent' | 'refused' | 'not_due';

/** A failed send, classified: refused for good, or worth retrying (and whether the provider answered). */
export type SendFailure = { retry: false; error: SendError } | { retry: true; answered: boolean; error: unknown };

/** Classifies what a sender threw. Anything that is not a refusal from the provider is worth a retry. */
export function classifyFailure(err: unknown): SendFailure {
  const e = err instanceof SendError ? err : null;
  if (e && !e.retryable) return { retry: false, error: e };
  // The provider answered with an error status: it did not take the message, so no look-up is needed next time.
  return { retry: true, answered: e?.status !== undefined, error: err };
}

/** The text of an error, for `last_error` and the timeline. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A message an owner is about to send: its medium, key (new rows only), recipient and content. */
export interface ClaimInput {
  ownerKind: OwnerKind;
  medium: Medium;
  /** Names a new row: one row per key. */
  key: string;
  to: string;
  content: string;
  at: Date;
}

/**
 * Phase 1 on the outbound row, in the owner's claim transaction: claims the row an earlier
 * attempt created (`existingId`), or creates it. Returns its id and whether the earlier
 * attempt's outcome is unknown (look it up before sending).
 */
export async function claimRow(
  tx: Tx,
  existingId: string | null,
  m: ClaimInput,
): Promise<{ id: string; lookUpFirst: boolean }> {
  if (existingId) {
    const { wasUnknown } = await repo.reclaimMessage(tx, existingId, { to_number: m.to, content: m.content });
    return { id: existingId, lookUpFirst: wasUnknown };
  }
  const id = await repo.createClaimedMessage(tx, {
    owner_kind: m.ownerKind,
    medium: m.medium,
    idempotency_key: m.key,
    to_number: m.to,
    content: m.content,
    created_at: m.at,
  });
  return { id, lookUpFirst: false };
}

/** Records a change of an outbound row's delivery state (an owner's outcome of `deliver`). */
export async function recordOnRow(db: Db | Tx, id: string, patch: MessagePatch): Promise<void> {
  await repo.updateMessage(db, id, patch);
}

/** What a plain outbound text carries: sent once per `key`; `enquiryId` null when it is about no enquiry. */
export type MessageInput = JobPayloads['send_sms'];

/** What an outbound email carries: sent once per `key`; `content` is the message as JSON. */
export type EmailJob = JobPayloads['send_email'];

/**
 * A plain message's job is queued once per key and never beside itself: `key` names one message,
 * so a job already holding it (waiting, running or failed for good) is left as it is. With
 * graphile-worker's default (`replace`), queueing the key again while its job was sending (a
 * status change made twice, a reply clicked twice) created a second job; it claimed the row the
 * first had claimed, looked for the message at Twilio before the first request had landed there,
 * did not find it and sent a second copy (CI, December 2026). `unsafe_dedupe` is unsafe only for
 * jobs whose payload a later call means to change; a message's content is fixed by its key.
 */
const ONE_JOB_PER_MESSAGE = 'unsafe_dedupe' as const;

/** Queues an email in the caller's transaction; the task `send_email` sends it once per `key`. */
export async function queueEmail(tx: Tx, email: EmailJob, runAt: Date): Promise<void> {
  await addJob(tx, 'send_email', email, { runAt, jobKey: email.key, jobKeyMode: ONE_JOB_PER_MESSAGE });
}

/** What a plain outbound call carries: placed once per `key`, playing `twiml`. */
export type CallInput = JobPayloads['place_call'];

/**
 * Queues a plain text (a desk reply, the digest, a test page) in the caller's transaction; the
 * task `send_sms` sends it through the outbox once per `key`.
 */
export async function queueSms(tx: Tx, message: MessageInput, runAt: Date): Promise<void> {
  await addJob(tx, 'send_sms', message, {
    runAt,
    jobKey: message.key,
    jobKeyMode: ONE_JOB_PER_MESSAGE,
    priority: SMS_LANE_PRIORITY[message.lane ?? 'journalist'],
  });
}

/**
 * Queues a plain call (the on-call officer's callback, a test page, an incident summary said) in the
 * caller's transaction; the task `place_call` places it once per `key`. A `page` lane call goes with
 * the pages, as a page-lane text does.
 */
export async function queueCall(tx: Tx, call: CallInput, runAt: Date): Promise<void> {
  await addJob(tx, 'place_call', call, {
    runAt,
    jobKey: call.key,
    jobKeyMode: ONE_JOB_PER_MESSAGE,
    ...(call.lane === 'page' ? { priority: SMS_LANE_PRIORITY.page } : {}),
  });
}

/** What the outbox needs: its table (`outbound_message`), the clock, and a sender for every medium. */
export interface OutboxDeps {
  db: Db;
  clock: Clock;
  senders: Record<Medium, Sender>;
  /** Where the provider posts delivery status (`PUBLIC_BASE_URL` + `/twilio/status`). */
  statusCallback: string;
  /** The enquiry timeline, where sends, refusals and statuses of messages about an enquiry are written. */
  timeline: OutboxTimeline;
  /** Twilio's sending rates, shared by every process; absent: unpaced (unit tests). */
  limiter?: SendLimiter;
  /**
   * Completes a plain message as it is sent, in the claim's transaction (the journalist's status
   * link, an approver's link: stored redacted, a fresh token minted per send); `enquiryId` is null
   * for a message about no enquiry (an incident line's sign-off). `marker` is what a look-up of an
   * earlier attempt can match at the provider. Absent: sent as stored.
   */
  complete?: (
    tx: Tx,
    enquiryId: string | null,
    content: string,
    now: Date,
  ) => Promise<{ send: string; marker: string }>;
  /** Numbers that texted STOP (sms_opt_out); absent: texts are not checked (unit tests). */
  optOuts?: OptOuts;
  /** Told of every plain message refused for good, by Twilio's API or a failed delivery callback; absent: nobody is. */
  refusals?: MessageRefusals;
}

/** The outbox: `deliver` for every owner, and the plain texts (owner kind `message`) it owns itself. */
export class OutboxService implements StatusOwner {
  constructor(private readonly deps: OutboxDeps) {}

  /** Runs one delivery through the five phases in the file comment; throws on a retryable failure. */
  async deliver(d: Delivery): Promise<DeliveryResult> {
    const c = await d.claim();
    if (!c) return 'not_due';
    const sender = this.deps.senders[c.medium];
    if (c.lookUpFirst) {
      const sid = await sender.findEarlier(c.earlier);
      if (sid) {
        await d.sent(sid, 'recovered');
        return 'sent';
      }
    }
    // A number that texted STOP: Twilio would refuse the text (21610), so it is refused here,
    // for good, without spending a send or a rate slot. Calls are not blocked by an SMS opt-out.
    if (c.medium === 'sms' && this.deps.optOuts) {
      const refusal = await this.deps.optOuts.refusal(c.to);
      if (refusal !== null) {
        await d.refused(new SendError(refusal, { retryable: false, recipientOptedOut: true }));
        return 'refused';
      }
    }
    try {
      await this.deps.limiter?.acquire(c.medium, c.lane ?? 'journalist');
    } catch (err) {
      // Not sent, and Twilio never saw it: the next attempt need not look first.
      if (err instanceof RateLimited) await d.delayed(err, false);
      throw err;
    }
    let sent: Awaited<ReturnType<typeof sender.send>>;
    try {
      sent = await sender.send({
        to: c.to,
        content: c.content,
        statusCallback: this.deps.statusCallback,
        ...(c.detectMachine ? { detectMachine: true } : {}),
      });
    } catch (err) {
      const failure = classifyFailure(err);
      if (!failure.retry) {
        // Twilio knew of a STOP we did not (sent before this was recorded, or to another app):
        // recorded, so that nothing else is tried and the desk shows it.
        if (failure.error.recipientOptedOut && c.medium === 'sms') {
          await this.deps.optOuts?.unsubscribedAtProvider(c.to, this.deps.clock());
        }
        await d.refused(failure.error);
        return 'refused';
      }
      await d.delayed(err, !failure.answered);
      throw err;
    }
    await d.sent(sent.sid, sent.status);
    return 'sent';
  }

  /**
   * Ends a call (or whatever else of `medium` is still going on) at the provider. Throws the
   * sender's `SendError`, or a non-retryable one when the medium has nothing to end.
   */
  async end(medium: Medium, sid: string): Promise<void> {
    const sender = this.deps.senders[medium];
    if (!sender.end) throw new SendError(`A ${medium} cannot be ended`, { retryable: false });
    await sender.end(sid);
  }

  /**
   * Sends one plain text, once per `key` (the task `send_sms`, the journalist's acknowledgement
   * notice): its `outbound_message` row is claimed before sending and the SID recorded after; the
   * enquiry's timeline (when it has one) gets the send or the refusal.
   */
  async sendMessage(input: MessageInput): Promise<void> {
    await this.sendPlain('sms', {
      key: input.key,
      enquiryId: input.enquiryId,
      to: input.to,
      content: input.body,
      lane: input.lane ?? 'journalist',
    });
  }

  /**
   * Places one call playing `twiml`, once per `key` (the task `place_call`: the on-call officer's
   * callback to a journalist), the same way as a plain text; the enquiry's timeline gets the call
   * or the refusal.
   */
  async placeCall(input: CallInput): Promise<void> {
    await this.sendPlain('call', {
      key: input.key,
      enquiryId: input.enquiryId,
      to: input.to,
      content: input.twiml,
      lane: input.lane ?? 'journalist',
      detectMachine: input.detectMachine === true,
    });
  }

  /** Sends one email (the task `send_email`) once per `key`, as a plain text; the enquiry's timeline gets the send or the refusal. */
  async sendEmail(input: EmailJob): Promise<void> {
    await this.sendPlain('email', {
      key: input.key,
      enquiryId: input.enquiryId,
      to: input.to,
      content: input.content,
      lane: 'journalist',
    });
  }

  private async sendPlain(
    medium: Medium,
    input: { key: string; enquiryId: string | null; to: string; content: string; lane: Lane; detectMachine?: boolean },
  ): Promise<void> {
    const { db, clock, timeline } = this.deps;
    let row: OutboundMessage | undefined;
    await this.deliver({
      claim: async () => {
        const claimed = await db.transaction().execute(async (tx) => {
          const r = await repo.getOrCreateMessage(tx, {
            idempotency_key: input.key,
            enquiry_id: input.enquiryId,
            to_number: input.to,
            content: input.content,
            created_at: clock(),
            medium,
          });
          if (r.state !== 'sending') return null;
          await repo.markClaimed(tx, r.id);
          const stored = r.content ?? input.content;
          const send = this.deps.complete
            ? await this.deps.complete(tx, r.enquiry_id, stored, clock())
            : { send: stored, marker: stored };
          return { r, send };
        });
        if (!claimed) return null;
        const { send } = claimed;
        row = claimed.r;
        const earlier = { to: row.to_number, since: row.created_at, marker: send.marker };
        return {
          medium,
          to: row.to_number,
          content: send.send,
          lookUpFirst: row.outcome_unknown,
          earlier,
          lane: input.lane,
          ...(input.detectMachine ? { detectMachine: true } : {}),
        };
      },
      sent: async (sid) => {
        const r = row!;
        await db.transaction().execute(async (tx) => {
          await repo.updateMessage(tx, r.id, {
            state: 'sent',
            outcome_unknown: false,
            provider_sid: sid,
            provider_status: 'queued',
            sent_at: clock(),
            last_error: null,
          });
          if (!r.enquiry_id) return;
          const sentEvent = {
            sms: { kind: 'sms_out', data: { to: r.to_number, body: r.content ?? input.content, sid, key: input.key } },
            call: { kind: 'call_out', data: { to: r.to_number, sid, key: input.key } },
            email: { kind: 'email_out', data: { to: r.to_number, messageId: sid, key: input.key } },
          } as const satisfies Record<Medium, OutboxEvent>;
          await timeline.add(tx, r.enquiry_id, clock(), sentEvent[medium]);
        });
      },
      refused: async (e) => {
        const r = row!;
        // One transaction, the row locked by the update: a delivery callback about it waits.
        await db.transaction().execute(async (tx) => {
          await repo.updateMessage(tx, r.id, { state: 'failed', outcome_unknown: false, last_error: e.message });
          const at = clock();
          if (r.enquiry_id) {
            const failedKind = {
              sms: 'sms_out_failed',
              call: 'call_out_failed',
              email: 'email_out_failed',
            } as const satisfies Record<Medium, OutboxEvent['kind']>;
            await timeline.add(tx, r.enquiry_id, at, {
              kind: failedKind[medium],
              data: { to: r.to_number, error: e.message },
            });
          }
          const code = e.providerCode;
          await this.deps.refusals?.refused(
            tx,
            { ...r, state: 'failed', last_error: e.message },
            { error: e.message, code: code === undefined ? null : String(code) },
            at,
          );
        });
      },
      delayed: async (err, outcomeUnknown) => {
        await repo.updateMessage(db, row!.id, { outcome_unknown: outcomeUnknown, last_error: errorText(err) });
      },
    });
  }

  /**
   * Answering-machine hook of plain calls (the on-call officer's callback): the verdict goes on the
   * enquiry's timeline once per call (`callback_answered`, which the callback's connect step waits
   * for before it rings the journalist), and a machine's call is hung up after the commit, so a
   * voicemail box is never bridged to the journalist.
   */
  async onAnswered(tx: Tx, message: OutboundMessage, answer: CallAnswer, at: Date): Promise<AfterCommit | undefined> {
    if (!message.enquiry_id) return undefined;
    const key = message.idempotency_key;
    if (await this.deps.timeline.hasAnswer(tx, message.enquiry_id, key)) return undefined;
    await this.deps.timeline.add(tx, message.enquiry_id, at, {
      kind: 'callback_answered',
      data: { key, sid: answer.sid, answeredBy: answer.answeredBy },
    });
    if (!answeredByMachine(answer.answeredBy)) return undefined;
    return () => this.end('call', answer.sid);
  }

  /**
   * Status hook of plain messages: the enquiry's timeline (when a text is about one) gets the
   * provider's status; a status saying it did not reach the phone is a refusal for good (`refusals`).
   */
  async onStatus(tx: Tx, message: OutboundMessage, status: DeliveryStatus, at: Date): Promise<void> {
    if (deliveryFailed(message.medium, status.status))
      await this.deps.refusals?.refused(
        tx,
        message,
        { error: `Twilio reported it ${status.status}`, code: status.errorCode ?? null },
        at,
      );
    // A callback's outcome is what its dial reports (callback_ended); the officer's leg status adds nothing.
    if (message.medium === 'call') return;
    if (message.enquiry_id)
      await this.deps.timeline.add(tx, message.enquiry_id, at, {
        kind: 'sms_out_status',
        data: { sid: status.sid, status: status.status, errorCode: status.errorCode ?? null },
      });
  }
}
