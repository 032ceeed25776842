/**
 * Delivery callbacks (`POST /twilio/status`): the provider says what became of a message or call
 * we sent. The outbound row that carried it is found by its provider id and its status recorded;
 * then its owner is told through one hook, `StatusOwner.onStatus`, one owner per kind of row.
 * A call placed with answering-machine detection also gets the provider's verdict on who
 * answered (`handleAnswer`, the owner's `onAnswered`).
 */
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../db/database.js';
import type { Logger } from '../log.js';
import * as repo from './outbox.repository.js';
import type { OutboundMessage, OwnerKind } from './outbox.tables.js';
import type { Medium } from './senders.js';

/** One status callback: the provider's id, its status, the medium it was sent by, and its error code. */
export interface DeliveryStatus {
  sid: string;
  status: string;
  medium: Medium;
  errorCode?: string;
}

/** Who answered a call placed with answering-machine detection (Twilio's `AnsweredBy`). */
export interface CallAnswer {
  sid: string;
  /** `human`, `machine_start`, `machine_end_beep`, `machine_end_silence`, `machine_end_other`, `fax` or `unknown`. */
  answeredBy: string;
}

/**
 * How far along Twilio's life of a message or call each status is. Callbacks can arrive out of
 * order (a late `sent` after `delivered`), so a status only replaces a recorded one that is not
 * further along; final statuses share the last rank, so the first final one recorded stays.
 * A status not listed (a new one from the provider) has no rank and is always recorded.
 */
const STATUS_RANK: Readonly<Record<string, number>> = {
  // Messages: queued -> sending -> sent -> delivered | undelivered | failed (accepted/scheduled come first).
  accepted: 0,
  scheduled: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  read: 5,
  // Calls: queued -> initiated -> ringing -> in-progress -> completed | busy | failed | no-answer | canceled.
  initiated: 2,
  ringing: 3,
  'in-progress': 4,
  answered: 4,
  completed: 5,
  busy: 5,
  'no-answer': 5,
  canceled: 5,
};

/**
 * Whether `next` may replace the recorded provider status `current` of a row sent by `medium`:
 * never a status earlier in the provider's order, nor a different final one (delivery status
 * never moves backwards). A repeat of the same status, or an unknown one, may.
 */
export function statusMayReplace(medium: Medium, current: string | null, next: string): boolean {
  if (current === null || current === next) return true;
  const rank = (s: string) => (medium === 'call' && s === 'failed' ? STATUS_RANK.completed : STATUS_RANK[s]);
  const from = rank(current);
  const to = rank(next);
  if (from === undefined || to === undefined) return true;
  return to > from;
}

/**
 * Provider statuses that mean a message or call did not reach the phone, by medium: final, nothing
 * more will come of it (a page escalates at once; a plain message is refused for good).
 */
const FAILED_STATUSES = {
  sms: new Set(['failed', 'undelivered']),
  call: new Set(['busy', 'no-answer', 'failed', 'canceled']),
  // Email has no delivery callbacks (a bounce comes back as an email).
  email: new Set<string>(),
} satisfies Record<Medium, ReadonlySet<string>>;

/** True when `status` (a delivery callback's) says the message or call sent by `medium` did not reach the phone. */
export function deliveryFailed(medium: Medium, status: string): boolean {
  return FAILED_STATUSES[medium].has(status);
}

const MACHINE_ANSWERS: ReadonlySet<string> = new Set([
  'machine_start',
  'machine_end_beep',
  'machine_end_silence',
  'machine_end_other',
  'fax',
]);

/** True when `answeredBy` (Twilio's `AnsweredBy`) says a voicemail box or fax picked up, not a person. */
export function answeredByMachine(answeredBy: string): boolean {
  return MACHINE_ANSWERS.has(answeredBy);
}

/** Work an owner asks for once its transaction has committed (a request to the provider); it must not throw. */
export type AfterCommit = () => Promise<void>;

/** An owner of outbound rows. */
export interface StatusOwner {
  /**
   * Does what `status` means for the owner of `message` (a timeline entry, an escalation), in the
   * caller's transaction; the row's `provider_status` is already recorded
   * (unless `status` is a late, earlier one, which leaves the row as it was).
   */
  onStatus(tx: Tx, message: OutboundMessage, status: DeliveryStatus, at: Date): Promise<void>;
  /**
   * Does what `answer` means for the owner of the call `message`, in the caller's transaction (the
   * row is locked, so callbacks about one call are handled one at a time). May return work to do
   * after the commit. Owners that never ask for machine detection need not have it.
   */
  onAnswered?(tx: Tx, message: OutboundMessage, answer: CallAnswer, at: Date): Promise<AfterCommit | undefined>;
}

/** Routes each delivery callback to the owner of the row it is about. */
export class DeliveryStatusService {
  constructor(private readonly deps: { db: Db; clock: Clock; log: Logger; owners: Record<OwnerKind, StatusOwner> }) {}

  /**
   * Records one callback (the row's status only moves forward in the provider's order: see
   * `statusMayReplace`) and tells the row's owner; an unknown id is logged (ids only) and otherwise ignored.
   */
  async handle(status: DeliveryStatus): Promise<void> {
    const now = this.deps.clock();
    await this.deps.db.transaction().execute(async (tx) => {
      // Locked, so two callbacks about one row compare against what the other wrote.
      const message = await repo.lockMessageBySid(tx, status.sid);
      if (!message) {
        this.deps.log.warn({ sid: status.sid, status: status.status }, 'status callback for an unknown SID');
        return;
      }
      // A late, earlier status is still told to the owner (the timeline keeps every receipt) but
      // does not overwrite the row: delivery status never moves backwards.
      if (statusMayReplace(status.medium, message.provider_status, status.status)) {
        await repo.updateMessage(tx, message.id, { provider_status: status.status });
      }
      await this.deps.owners[message.owner_kind].onStatus(tx, message, status, now);
    });
  }

  /**
   * Records who answered a call (the asynchronous answering-machine callback, which carries no
   * call status: `provider_status` is left alone). An id that is not one of our calls is logged
   * (ids only) and ignored; then runs what the owner asked for after the commit.
   */
  async handleAnswer(answer: CallAnswer): Promise<void> {
    const now = this.deps.clock();
    const after = await this.deps.db.transaction().execute(async (tx) => {
      // Locked like `handle`'s update does, so a repeated callback sees what the first one wrote.
      const message: OutboundMessage | undefined = await tx
        .selectFrom('outbound_message')
        .selectAll()
        .where('provider_sid', '=', answer.sid)
        .forUpdate()
        .executeTakeFirst();
      if (message?.medium !== 'call') {
        this.deps.log.warn(
          { sid: answer.sid, answeredBy: answer.answeredBy },
          'answering-machine callback for an unknown SID',
        );
        return undefined;
      }
      return this.deps.owners[message.owner_kind].onAnswered?.(tx, message, answer, now);
    });
    if (!after) return;
    try {
      await after();
    } catch (err) {
      // The owner's work is best effort (it logs its own failures); never fail the callback for it.
      this.deps.log.error(
        { sid: answer.sid, err: err instanceof Error ? err.name : 'unknown' },
        'work after an answering-machine callback failed',
      );
    }
  }
}
