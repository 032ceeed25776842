import type { Db, Tx } from '../db/database.js';
import type { OutboundSms } from './outbox.tables.js';

/** The outbound message with this idempotency key, created (state `sending`) if new, locked. */
export async function getOrCreateMessage(
  tx: Tx,
  row: { idempotency_key: string; enquiry_id: string | null; to_number: string; body: string; created_at: Date },
): Promise<OutboundSms> {
  await tx
    .insertInto('outbound_sms')
    .values({ ...row, state: 'sending' })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
  return tx.selectFrom('outbound_sms').selectAll().where('idempotency_key', '=', row.idempotency_key).forUpdate().executeTakeFirstOrThrow();
}

/** Updates an outbound message's delivery state. */
export async function updateMessage(
  db: Db | Tx,
  id: string,
  patch: Partial<Pick<OutboundSms, 'state' | 'outcome_unknown' | 'provider_sid' | 'provider_status' | 'last_error' | 'sent_at'>>,
): Promise<void> {
  await db.updateTable('outbound_sms').set(patch).where('id', '=', id).execute();
}

/** The outbound message sent with this provider id. */
export async function findMessageBySid(db: Db | Tx, sid: string): Promise<OutboundSms | undefined> {
  return db.selectFrom('outbound_sms').selectAll().where('provider_sid', '=', sid).executeTakeFirst();
}
