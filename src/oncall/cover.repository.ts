import type { Db, Tx } from '../db/database.js';
import type { CoverRequest } from './cover.tables.js';
import type { Person, RotaRole } from './rota.tables.js';

// SQL of cover requests between colleagues (src/oncall/cover.service.ts).

/** A request with the requester's and the accepter's names (null when there is no accepter). */
export type CoverRequestView = CoverRequest & { requester_name: string; accepter_name: string | null };

/** The active person whose phone is `phone` (a desk user's mobile), or undefined. */
export async function activePersonByPhone(db: Db | Tx, phone: string): Promise<Person | undefined> {
  return db.selectFrom('person').selectAll().where('phone', '=', phone).where('active', '=', true).executeTakeFirst();
}

/** The person `id`, locked FOR SHARE (a concurrent deactivation waits), or undefined. */
export async function personForShare(tx: Tx, id: string): Promise<Person | undefined> {
  return tx.selectFrom('person').selectAll().where('id', '=', id).forShare().executeTakeFirst();
}

/** The active people with a verified number other than `exceptId`, by name: who may be asked to cover. */
export async function colleaguesOf(db: Db | Tx, exceptId: string): Promise<Person[]> {
  return (
    db
      .selectFrom('person')
      .selectAll()
      .where('active', '=', true)
      // Only a verified number may be put on the rota (issue 27), and accepting cover does that.
      .where('phone_verified_at', 'is not', null)
      .where('id', '!=', exceptId)
      .orderBy('name')
      .orderBy('id')
      .execute()
  );
}

/** An open request of `personId` for `role` overlapping [from, to), if any. */
export async function openOverlapping(
  db: Db | Tx,
  q: { personId: string; role: RotaRole; from: Date; to: Date },
): Promise<CoverRequest | undefined> {
  return db
    .selectFrom('cover_request')
    .selectAll()
    .where('person_id', '=', q.personId)
    .where('role', '=', q.role)
    .where('cancelled_at', 'is', null)
    .where('accepted_at', 'is', null)
    .where('starts_at', '<', q.to)
    .where('ends_at', '>', q.from)
    .executeTakeFirst();
}

/** Stores a new request; its row. */
export async function insertRequest(
  tx: Tx,
  row: {
    person_id: string;
    role: RotaRole;
    starts_at: Date;
    ends_at: Date;
    note: string | null;
    created_at: Date;
    created_by: string;
  },
): Promise<CoverRequest> {
  return tx.insertInto('cover_request').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Stores one colleague's link (its token's hash). */
export async function insertOffer(
  tx: Tx,
  row: { request_id: string; person_id: string; token_hash: string; created_at: Date; expires_at: Date },
): Promise<void> {
  await tx.insertInto('cover_offer').values(row).execute();
}

function requestsWithNames(db: Db | Tx) {
  return db
    .selectFrom('cover_request')
    .innerJoin('person as requester', 'requester.id', 'cover_request.person_id')
    .leftJoin('person as accepter', 'accepter.id', 'cover_request.accepted_by')
    .selectAll('cover_request')
    .select(['requester.name as requester_name', 'accepter.name as accepter_name']);
}

/** The requests of `personId` whose period has not ended at `now`, by start. */
export async function requestsOf(db: Db | Tx, personId: string, now: Date): Promise<CoverRequestView[]> {
  return requestsWithNames(db)
    .where('cover_request.person_id', '=', personId)
    .where('cover_request.ends_at', '>', now)
    .orderBy('cover_request.starts_at')
    .orderBy('cover_request.id')
    .execute();
}

/** The request `id` with its names, locked FOR UPDATE (accept, cancel and the watch take it in turn); undefined when none. */
export async function requestForUpdate(tx: Tx, id: string): Promise<CoverRequestView | undefined> {
  return requestsWithNames(tx).where('cover_request.id', '=', id).forUpdate('cover_request').executeTakeFirst();
}

/** The offer whose token hashes to `tokenHash`, with its request (and names) and the recipient's name; undefined when none. */
export async function offerByHash(
  db: Db | Tx,
  tokenHash: string,
): Promise<
  | (CoverRequestView & {
      offer_id: string;
      offer_person_id: string;
      expires_at: Date;
      recipient_name: string;
      recipient_active: boolean;
    })
  | undefined
> {
  return requestsWithNames(db)
    .innerJoin('cover_offer', 'cover_offer.request_id', 'cover_request.id')
    .innerJoin('person as recipient', 'recipient.id', 'cover_offer.person_id')
    .select([
      'cover_offer.id as offer_id',
      'cover_offer.person_id as offer_person_id',
      'cover_offer.expires_at',
      'recipient.name as recipient_name',
      'recipient.active as recipient_active',
    ])
    .where('cover_offer.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/**
 * Marks the request accepted by `personId` with the override `entryId`, only while it is still
 * open: true when this call did it (so two accepts at once give one winner even without the lock).
 */
export async function markAccepted(tx: Tx, id: string, personId: string, entryId: string, at: Date): Promise<boolean> {
  const r = await tx
    .updateTable('cover_request')
    .set({ accepted_at: at, accepted_by: personId, rota_entry_id: entryId })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('cancelled_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Cancels the request while it is still open; true when this call did it. */
export async function markCancelled(tx: Tx, id: string, at: Date): Promise<boolean> {
  const r = await tx
    .updateTable('cover_request')
    .set({ cancelled_at: at })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('cancelled_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Claims the open requests (not accepted, cancelled or escalated) whose period starts by `dueBy`
 * and has not ended at `now`: marks them escalated and returns them with names. SKIP LOCKED, so
 * two watches (or an accept in progress) never tell the managers twice.
 */
export async function claimDueEscalations(tx: Tx, now: Date, dueBy: Date): Promise<CoverRequestView[]> {
  const due = await tx
    .selectFrom('cover_request')
    .select('id')
    .where('cancelled_at', 'is', null)
    .where('accepted_at', 'is', null)
    .where('escalated_at', 'is', null)
    .where('starts_at', '<=', dueBy)
    .where('ends_at', '>', now)
    .orderBy('starts_at')
    .forUpdate()
    .skipLocked()
    .execute();
  if (!due.length) return [];
  const ids = due.map((r) => r.id);
  await tx.updateTable('cover_request').set({ escalated_at: now }).where('id', 'in', ids).execute();
  return requestsWithNames(tx).where('cover_request.id', 'in', ids).orderBy('cover_request.starts_at').execute();
}
