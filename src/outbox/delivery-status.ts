/**
 * Delivery callbacks (`POST /twilio/status`): the provider says what became of a message or call
 * we sent. The row that carried it is found by its provider id, and its owner is told through
 * one hook, `StatusOwner.onStatus`, one owner per kind of row.
 */
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../db/database.js';
import type { Logger } from '../log.js';
import type { Medium } from './senders.js';

/** Kinds of outbound row, by owner: page steps (paging) and plain texts (the outbox's own). */
export type OwnerKind = 'page_step' | 'message';

/** One status callback: the provider's id, its status, the medium it was sent by, and its error code. */
export interface DeliveryStatus {
  sid: string;
  status: string;
  medium: Medium;
  errorCode?: string;
}

/** An owner of outbound rows. */
export interface StatusOwner {
  /**
   * Records `status` on this owner's rows sent as `status.sid`, in the caller's transaction, and
   * does what it means (a timeline entry, an escalation). False when none of its rows has that id.
   */
  onStatus(tx: Tx, status: DeliveryStatus, at: Date): Promise<boolean>;
}

/** Routes each delivery callback to the owner of the row it is about. */
export class DeliveryStatusService {
  constructor(private readonly deps: { db: Db; clock: Clock; log: Logger; owners: Record<OwnerKind, StatusOwner> }) {}

  /** Records one callback; an unknown id is logged (ids only) and otherwise ignored. */
  async handle(status: DeliveryStatus): Promise<void> {
    const now = this.deps.clock();
    await this.deps.db.transaction().execute(async (tx) => {
      for (const owner of Object.values(this.deps.owners)) {
        if (await owner.onStatus(tx, status, now)) return;
      }
      this.deps.log.warn({ sid: status.sid, status: status.status }, 'status callback for an unknown SID');
    });
  }
}
