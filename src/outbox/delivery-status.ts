/**
 * Delivery callbacks (`POST /twilio/status`): the provider says what became of a message or call
 * we sent. The outbound row that carried it is found by its provider id and its status recorded;
 * then its owner is told through one hook, `StatusOwner.onStatus`, one owner per kind of row.
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

/** An owner of outbound rows. */
export interface StatusOwner {
  /**
   * Does what `status` means for the owner of `message` (a timeline entry, an escalation), in the
   * caller's transaction; the row's `provider_status` is already recorded.
   */
  onStatus(tx: Tx, message: OutboundMessage, status: DeliveryStatus, at: Date): Promise<void>;
}

/** Routes each delivery callback to the owner of the row it is about. */
export class DeliveryStatusService {
  constructor(private readonly deps: { db: Db; clock: Clock; log: Logger; owners: Record<OwnerKind, StatusOwner> }) {}

  /** Records one callback; an unknown id is logged (ids only) and otherwise ignored. */
  async handle(status: DeliveryStatus): Promise<void> {
    const now = this.deps.clock();
    await this.deps.db.transaction().execute(async (tx) => {
      const message = await repo.findMessageBySid(tx, status.sid);
      if (!message) {
        this.deps.log.warn({ sid: status.sid, status: status.status }, 'status callback for an unknown SID');
        return;
      }
      await repo.updateMessage(tx, message.id, { provider_status: status.status });
      await this.deps.owners[message.owner_kind].onStatus(tx, message, status, now);
    });
  }
}
