import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import type { Medium } from './senders.js';
import type { OutboundMessage, OwnerKind } from './outbox.tables.js';
import { ERASED } from '../db/erased.js';

/** The fields of an outbound row its owner may change as a delivery goes on. */
export type MessagePatch = Partial<
  Pick<
    OutboundMessage,
    'state' | 'outcome_unknown' | 'provider_sid' | 'provider_status' | 'last_error' | 'sent_at' | 'content'
  >
>;

/** The plain message (text, call or email) with this idempotency key, created (state `sending`) if new, locked. */
export async function getOrCreateMessage(
  tx: Tx,
  row: {
    idempotency_key: string;
    enquiry_id: string | null;
    to_number: string;
    content: string;
    created_at: Date;
    medium: Medium;
  },
): Promise<OutboundMessage> {
  await tx
    .insertInto('outbound_message')
    .values({ ...row, owner_kind: 'message', state: 'sending' })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
  return tx
    .selectFrom('outbound_message')
    .selectAll()
    .where('idempotency_key', '=', row.idempotency_key)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/**
 * Creates an outbound row already claimed (state `sending`, outcome unknown, one attempt), in the
 * owner's claim transaction; returns its id.
 */
export async function createClaimedMessage(
  tx: Tx,
  row: {
    owner_kind: OwnerKind;
    medium: Medium;
    idempotency_key: string;
    to_number: string;
    content: string;
    created_at: Date;
  },
): Promise<string> {
  const r = await tx
    .insertInto('outbound_message')
    .values({ ...row, state: 'sending', outcome_unknown: true, attempts: 1 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/**
 * Claims an existing outbound row again (outcome unknown, one more attempt, the recipient and
 * content about to be sent) in the owner's claim transaction. Returns whether the previous
 * attempt's outcome was unknown (then the outbox looks for it before sending).
 */
export async function reclaimMessage(
  tx: Tx,
  id: string,
  next: { to_number: string; content: string },
): Promise<{ wasUnknown: boolean }> {
  const r = await sql<{ was_unknown: boolean }>`
    UPDATE outbound_message m
       SET outcome_unknown = true, attempts = m.attempts + 1, to_number = ${next.to_number}, content = ${next.content}
      FROM (SELECT id, outcome_unknown FROM outbound_message WHERE id = ${id} FOR UPDATE) old
     WHERE m.id = old.id
 RETURNING old.outcome_unknown AS was_unknown`.execute(tx);
  // The owner's row names this one and the owner holds it in this transaction: a row that is gone
  // is a broken owner, not a first attempt, and must not be sent as one.
  const [old] = r.rows;
  if (!old) throw new Error(`outbound message ${id} does not exist`);
  return { wasUnknown: old.was_unknown };
}

/** Counts one more claim of a plain text (its row already locked by `getOrCreateMessage`). */
export async function markClaimed(tx: Tx, id: string): Promise<void> {
  await tx
    .updateTable('outbound_message')
    .set({ outcome_unknown: true, attempts: sql<number>`attempts + 1` })
    .where('id', '=', id)
    .execute();
}

/** Updates an outbound message's delivery state. */
export async function updateMessage(db: Db | Tx, id: string, patch: MessagePatch): Promise<void> {
  await db.updateTable('outbound_message').set(patch).where('id', '=', id).execute();
}

/** The outbound row with provider id `sid`, locked for the caller's transaction (callbacks about one row run one at a time). */
export async function lockMessageBySid(tx: Tx, sid: string): Promise<OutboundMessage | undefined> {
  return tx.selectFrom('outbound_message').selectAll().where('provider_sid', '=', sid).forUpdate().executeTakeFirst();
}

/** SIDs of calls already recorded to this phone (so a look-up after a crash does not claim another page's call). */
export async function recordedCallSids(db: Db | Tx, phone: string): Promise<string[]> {
  const rows = await db
    .selectFrom('outbound_message')
    .select('provider_sid')
    .where('to_number', '=', phone)
    .where('medium', '=', 'call')
    .where('provider_sid', 'is not', null)
    .execute();
  return rows.map((r) => r.provider_sid!);
}

/**
 * An erased enquiry's outgoing messages: the number or address they went to, what they said and
 * any delivery error (which can name the number) become the marker; state and times stay.
 */
export async function eraseMessagesOf(tx: Tx, ids: string[]): Promise<void> {
  await sql`UPDATE outbound_message SET to_number = ${ERASED}, content = ${ERASED}, last_error = CASE WHEN last_error IS NULL THEN NULL ELSE ${ERASED} END
             WHERE enquiry_id = ANY(${ids}::bigint[])`.execute(tx);
}

/**
 * Outbox keys once held the journalist's address (`email-ack:<enquiry>:<address>`, before issue
 * 22): such a key becomes `email-ack:<enquiry>` (one acknowledgement per enquiry). A key still
 * named by a job (waiting, running or failed) stays until that job is gone, since the job finds
 * its row by the key and would otherwise send the message again; the daily retention sweep
 * takes the rest (`ids` null: every such row).
 */
export async function forgetAddressesInKeys(db: Db | Tx, ids: string[] | null): Promise<void> {
  await sql`
    UPDATE outbound_message m SET idempotency_key = 'email-ack:' || split_part(m.idempotency_key, ':', 2)
     WHERE m.idempotency_key LIKE 'email-ack:%:%'
       AND (${ids}::bigint[] IS NULL OR m.enquiry_id = ANY(${ids}::bigint[]))
       AND NOT EXISTS (SELECT 1 FROM graphile_worker._private_jobs j WHERE j.key = m.idempotency_key OR j.payload->>'key' = m.idempotency_key)
       AND NOT EXISTS (SELECT 1 FROM outbound_message o WHERE o.idempotency_key = 'email-ack:' || split_part(m.idempotency_key, ':', 2))`.execute(
    db,
  );
}
