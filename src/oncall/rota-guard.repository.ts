import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import type { GapReason, RotaGap } from './rota-guard.tables.js';
import type { RotaRole } from './rota.tables.js';

/** A rota entry the handoff watch acts on, with its person. */
export interface WatchedEntry {
  id: string;
  personId: string;
  name: string;
  phone: string;
  role: RotaRole;
  startsAt: Date;
  endsAt: Date;
  isOverride: boolean;
}

function watched(db: Db | Tx) {
  return db
    .selectFrom('rota_entry')
    .innerJoin('person', 'person.id', 'rota_entry.person_id')
    .select([
      'rota_entry.id as id',
      'rota_entry.person_id as personId',
      'person.name as name',
      'person.phone as phone',
      'rota_entry.role as role',
      'rota_entry.starts_at as startsAt',
      'rota_entry.ends_at as endsAt',
      'rota_entry.is_override as isOverride',
    ])
    .where('person.active', '=', true);
}

/** The claimed entries (of active people) by id, in order of `by`. */
async function watchedByIds(tx: Tx, ids: Array<{ id: string }>, by: 'starts_at' | 'ends_at'): Promise<WatchedEntry[]> {
  if (!ids.length) return [];
  return watched(tx)
    .where(
      'rota_entry.id',
      'in',
      ids.map((r) => r.id),
    )
    .orderBy(`rota_entry.${by}`)
    .execute();
}

/**
 * Claims the entries (of active people) starting in (now, until] that have had no reminder:
 * marks them reminded in `tx` and returns them, so two workers never remind one shift twice.
 */
export async function claimDueReminders(tx: Tx, now: Date, until: Date): Promise<WatchedEntry[]> {
  const ids = await tx
    .updateTable('rota_entry')
    .set({ reminded_at: now })
    .where('reminded_at', 'is', null)
    .where('starts_at', '>', now)
    .where('starts_at', '<=', until)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('person')
          .select(sql`1`.as('one'))
          .whereRef('person.id', '=', 'rota_entry.person_id')
          .where('person.active', '=', true),
      ),
    )
    .returning('id')
    .execute();
  return watchedByIds(tx, ids, 'starts_at');
}

/**
 * Claims the reminded, unconfirmed entries that started at or before `startedBy` and are still
 * running at `now`, whose managers have not been alerted; marks them alerted in `tx`.
 */
export async function claimUnconfirmed(tx: Tx, now: Date, startedBy: Date): Promise<WatchedEntry[]> {
  const ids = await tx
    .updateTable('rota_entry')
    .set({ unconfirmed_alerted_at: now })
    .where('reminded_at', 'is not', null)
    .where('confirmed_at', 'is', null)
    .where('unconfirmed_alerted_at', 'is', null)
    .where('starts_at', '<=', startedBy)
    .where('ends_at', '>', now)
    .returning('id')
    .execute();
  return watchedByIds(tx, ids, 'starts_at');
}

/**
 * Claims the entries that ended in (since, now] and whose person was reminded of them (so a shift
 * never announced is not "ended" either, and an upgrade does not text every past shift); marks
 * them notified in `tx`.
 */
export async function claimEnded(tx: Tx, since: Date, now: Date): Promise<WatchedEntry[]> {
  const ids = await tx
    .updateTable('rota_entry')
    .set({ end_notified_at: now })
    .where('end_notified_at', 'is', null)
    .where('reminded_at', 'is not', null)
    .where('ends_at', '>', since)
    .where('ends_at', '<=', now)
    .returning('id')
    .execute();
  return watchedByIds(tx, ids, 'ends_at');
}

/**
 * Confirms the entries of the active person with `phone` that were reminded, are not confirmed
 * and have not ended: the shifts an "OK" from that phone answers. Returns them (empty: nothing to confirm).
 */
export async function confirmPending(tx: Tx, phone: string, now: Date): Promise<WatchedEntry[]> {
  const ids = await tx
    .updateTable('rota_entry')
    .set({ confirmed_at: now })
    .where('reminded_at', 'is not', null)
    .where('confirmed_at', 'is', null)
    .where('ends_at', '>', now)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('person')
          .select(sql`1`.as('one'))
          .whereRef('person.id', '=', 'rota_entry.person_id')
          .where('person.active', '=', true)
          .where('person.phone', '=', phone),
      ),
    )
    .returning('id')
    .execute();
  return watchedByIds(tx, ids, 'starts_at');
}

/** Marks an entry confirmed (its person already holds the role before it, so there is nothing to confirm). */
export async function markConfirmed(tx: Tx, id: string, now: Date): Promise<void> {
  await tx.updateTable('rota_entry').set({ confirmed_at: now }).where('id', '=', id).execute();
}

/** Entries running at `now` that were reminded and not confirmed: the desk's "not confirmed" list. */
export async function listUnconfirmedRunning(db: Db | Tx, now: Date): Promise<WatchedEntry[]> {
  return watched(db)
    .where('rota_entry.reminded_at', 'is not', null)
    .where('rota_entry.confirmed_at', 'is', null)
    .where('rota_entry.starts_at', '<=', now)
    .where('rota_entry.ends_at', '>', now)
    .orderBy('rota_entry.starts_at')
    .execute();
}

/** Whether each entry (by id) is confirmed, for the rota page. */
export async function confirmationsOf(db: Db | Tx, ids: readonly string[]): Promise<Map<string, Date | null>> {
  if (!ids.length) return new Map();
  const rows = await db
    .selectFrom('rota_entry')
    .select(['id', 'confirmed_at', 'reminded_at'])
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.filter((r) => r.reminded_at !== null).map((r) => [r.id, r.confirmed_at]));
}

/** The latest page or test to a phone: when, and whether it reached it. */
export interface Reach {
  at: Date;
  ok: boolean;
}

/**
 * The last page or test page (text or call) to each of `phones` that has an outcome, and the
 * last one that reached it. A message refused by Twilio (`failed`) or reported undelivered or
 * failed by its status callback did not reach the phone.
 */
export async function reachOf(
  db: Db | Tx,
  phones: readonly string[],
): Promise<Map<string, { last: Reach; lastOk: Date | null }>> {
  const out = new Map<string, { last: Reach; lastOk: Date | null }>();
  if (!phones.length) return out;
  const { rows } = await sql<{ to_number: string; at: Date; ok: boolean; last_ok: Date | null }>`
    SELECT p.phone AS to_number, last.at, last.ok, ok.at AS last_ok
    FROM unnest(${[...phones]}::text[]) AS p(phone)
    CROSS JOIN LATERAL (
      SELECT m.created_at AS at,
             NOT (m.state = 'failed' OR coalesce(m.provider_status, '') IN ('failed', 'undelivered')) AS ok
      FROM outbound_message m
      WHERE m.to_number = p.phone AND m.state <> 'sending'
        AND (m.owner_kind = 'page_step' OR m.idempotency_key LIKE 'test-page:%')
      ORDER BY m.created_at DESC
      LIMIT 1
    ) last
    LEFT JOIN LATERAL (
      SELECT m.created_at AS at
      FROM outbound_message m
      WHERE m.to_number = p.phone AND m.state = 'sent'
        AND coalesce(m.provider_status, '') NOT IN ('failed', 'undelivered')
        AND (m.owner_kind = 'page_step' OR m.idempotency_key LIKE 'test-page:%')
      ORDER BY m.created_at DESC
      LIMIT 1
    ) ok ON true
  `.execute(db);
  for (const r of rows) out.set(r.to_number, { last: { at: r.at, ok: r.ok }, lastOk: r.last_ok });
  return out;
}

/** A gap as the check finds it. */
export interface FoundGap {
  startsAt: Date;
  endsAt: Date;
  reason: GapReason;
  personId: string | null;
}

/** Open gaps (not resolved), by start. */
export async function listOpenGaps(db: Db | Tx): Promise<RotaGap[]> {
  return db.selectFrom('rota_gap').selectAll().where('resolved_at', 'is', null).orderBy('starts_at').execute();
}

/** Open gaps locked until the transaction ends: one gap check at a time decides what is new. */
export async function lockOpenGaps(tx: Tx): Promise<RotaGap[]> {
  // The advisory lock also covers the first check, when there is no row to lock.
  await sql`SELECT pg_advisory_xact_lock(hashtext('pressdesk:rota_gap'))`.execute(tx);
  return tx.selectFrom('rota_gap').selectAll().where('resolved_at', 'is', null).orderBy('starts_at').execute();
}

/** Records a new gap; returns its id. */
export async function insertGap(tx: Tx, g: FoundGap, now: Date): Promise<string> {
  const row = await tx
    .insertInto('rota_gap')
    .values({
      starts_at: g.startsAt,
      ends_at: g.endsAt,
      reason: g.reason,
      person_id: g.personId,
      found_at: now,
      resolved_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Moves an open gap's bounds to where it was found again. */
export async function updateGap(tx: Tx, id: string, g: FoundGap): Promise<void> {
  await tx.updateTable('rota_gap').set({ starts_at: g.startsAt, ends_at: g.endsAt }).where('id', '=', id).execute();
}

/** Closes gaps no longer found (filled, or passed). */
export async function resolveGaps(tx: Tx, ids: readonly string[], now: Date): Promise<void> {
  if (!ids.length) return;
  await tx
    .updateTable('rota_gap')
    .set({ resolved_at: now })
    .where('id', 'in', [...ids])
    .execute();
}

/** The active desk user whose mobile is `phone` (a rota person's email, when they have an account). */
export async function findActiveUserByMobile(
  db: Db | Tx,
  phone: string,
): Promise<{ id: string; email: string } | undefined> {
  return db
    .selectFrom('app_user')
    .select(['id', 'email'])
    .where('mobile', '=', phone)
    .where('active', '=', true)
    .orderBy('id')
    .executeTakeFirst();
}

/** Active people whose number has not been proved by a code. */
export async function unverifiedPeople(db: Db | Tx): Promise<Set<string>> {
  const rows = await db
    .selectFrom('person')
    .select('id')
    .where('active', '=', true)
    .where('phone_verified_at', 'is', null)
    .execute();
  return new Set(rows.map((r) => r.id));
}
