import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import type { RotaRole } from './rota.tables.js';
import type { Rotation } from './rotation.tables.js';

/** A rotation's person in turn order, with what the page and the generation need of them. */
export interface RotationMemberRow {
  position: number;
  personId: string;
  name: string;
  phone: string;
  active: boolean;
}

/** A rotation's generated shift, with its person, as the rotation's page lists them. */
export interface GeneratedShift {
  id: string;
  personId: string;
  name: string;
  startsAt: Date;
  endsAt: Date;
}

/** One generated shift to store. */
export interface NewGeneratedShift {
  personId: string;
  role: RotaRole;
  startsAt: Date;
  endsAt: Date;
}

// `start_date` is a SQL date: selected as text, never as the driver's Date (see rotation.tables.ts).
function rotations(db: Db | Tx) {
  return db
    .selectFrom('rotation')
    .select([
      'rotation.id',
      'rotation.name',
      'rotation.role',
      'rotation.handover_weekday',
      'rotation.handover_time',
      'rotation.length_days',
      sql<string>`to_char(rotation.start_date, 'YYYY-MM-DD')`.as('start_date'),
      'rotation.generated_until',
      'rotation.created_at',
      'rotation.created_by',
      'rotation.updated_at',
      'rotation.deleted_at',
    ]);
}

/** Rotations not deleted, by name. */
export async function listRotations(db: Db | Tx): Promise<Rotation[]> {
  return rotations(db)
    .where('rotation.deleted_at', 'is', null)
    .orderBy('rotation.name')
    .orderBy('rotation.id')
    .execute();
}

/** One rotation not deleted, or undefined. */
export async function findRotation(db: Db | Tx, id: string): Promise<Rotation | undefined> {
  return rotations(db).where('rotation.id', '=', id).where('rotation.deleted_at', 'is', null).executeTakeFirst();
}

/**
 * One rotation not deleted, locked FOR UPDATE until the transaction ends: a desk change and the
 * generation (or two generations on two workers) take their turns, each seeing the other's
 * `generated_until`.
 */
export async function lockRotation(tx: Tx, id: string): Promise<Rotation | undefined> {
  return rotations(tx)
    .where('rotation.id', '=', id)
    .where('rotation.deleted_at', 'is', null)
    .forUpdate('rotation')
    .executeTakeFirst();
}

/** Whether another rotation not deleted has this name (compared without case). */
export async function nameTaken(db: Db | Tx, name: string, exceptId: string | null): Promise<boolean> {
  let q = db
    .selectFrom('rotation')
    .select('id')
    .where(sql<boolean>`lower(name) = lower(${name})`)
    .where('deleted_at', 'is', null);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

/** Stores a new rotation and returns its id. */
export async function insertRotation(
  tx: Tx,
  row: {
    name: string;
    role: RotaRole;
    weekday: number;
    time: string;
    days: number;
    startDate: string;
    at: Date;
    createdBy: string;
  },
): Promise<string> {
  const r = await tx
    .insertInto('rotation')
    .values({
      name: row.name,
      role: row.role,
      handover_weekday: row.weekday,
      handover_time: row.time,
      length_days: row.days,
      start_date: row.startDate,
      created_at: row.at,
      created_by: row.createdBy,
      updated_at: row.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Changes a rotation's definition. */
export async function updateRotation(
  tx: Tx,
  id: string,
  set: { name: string; role: RotaRole; weekday: number; time: string; days: number; startDate: string; at: Date },
): Promise<void> {
  await tx
    .updateTable('rotation')
    .set({
      name: set.name,
      role: set.role,
      handover_weekday: set.weekday,
      handover_time: set.time,
      length_days: set.days,
      start_date: set.startDate,
      updated_at: set.at,
    })
    .where('id', '=', id)
    .execute();
}

/** Marks a rotation deleted: it generates nothing more; its past shifts still name it. */
export async function markRotationDeleted(tx: Tx, id: string, at: Date): Promise<void> {
  await tx.updateTable('rotation').set({ deleted_at: at, updated_at: at }).where('id', '=', id).execute();
}

/** Sets where generation carries on from (null: afresh from now). */
export async function setGeneratedUntil(tx: Tx, id: string, until: Date | null): Promise<void> {
  await tx.updateTable('rotation').set({ generated_until: until }).where('id', '=', id).execute();
}

/** A rotation's people in turn order, with their name, phone and whether they are still on the staff list. */
export async function membersOf(db: Db | Tx, rotationId: string): Promise<RotationMemberRow[]> {
  return db
    .selectFrom('rotation_member')
    .innerJoin('person', 'person.id', 'rotation_member.person_id')
    .select([
      'rotation_member.position as position',
      'rotation_member.person_id as personId',
      'person.name as name',
      'person.phone as phone',
      'person.active as active',
    ])
    .where('rotation_member.rotation_id', '=', rotationId)
    .orderBy('rotation_member.position')
    .execute();
}

/** The people of many rotations (for the list), by rotation, each in turn order. */
export async function membersOfMany(db: Db | Tx, rotationIds: string[]): Promise<Map<string, RotationMemberRow[]>> {
  const out = new Map<string, RotationMemberRow[]>();
  if (!rotationIds.length) return out;
  const rows = await db
    .selectFrom('rotation_member')
    .innerJoin('person', 'person.id', 'rotation_member.person_id')
    .select([
      'rotation_member.rotation_id as rotationId',
      'rotation_member.position as position',
      'rotation_member.person_id as personId',
      'person.name as name',
      'person.phone as phone',
      'person.active as active',
    ])
    .where('rotation_member.rotation_id', 'in', rotationIds)
    .orderBy('rotation_member.rotation_id')
    .orderBy('rotation_member.position')
    .execute();
  for (const { rotationId, ...m } of rows) {
    const list = out.get(rotationId) ?? [];
    list.push(m);
    out.set(rotationId, list);
  }
  return out;
}

/**
 * The people with these ids (active or not), locked FOR SHARE until the transaction ends, so a
 * rotation saved with them cannot race a concurrent deactivation.
 */
export async function findPeopleForShare(
  tx: Tx,
  ids: string[],
): Promise<Array<{ id: string; name: string; active: boolean; verified: boolean }>> {
  if (!ids.length) return [];
  const rows = await tx
    .selectFrom('person')
    .select(['id', 'name', 'active', 'phone_verified_at'])
    .where('id', 'in', ids)
    .forShare()
    .execute();
  return rows.map(({ phone_verified_at, ...p }) => ({ ...p, verified: phone_verified_at !== null }));
}

/** Replaces a rotation's turn order with `personIds` (the first goes first). */
export async function replaceMembers(tx: Tx, rotationId: string, personIds: string[]): Promise<void> {
  await tx.deleteFrom('rotation_member').where('rotation_id', '=', rotationId).execute();
  if (!personIds.length) return;
  await tx
    .insertInto('rotation_member')
    .values(personIds.map((person_id, i) => ({ rotation_id: rotationId, position: i + 1, person_id })))
    .execute();
}

/**
 * Stores generated shifts of a rotation; one that already exists (same rotation and start) is
 * left as it is. Returns how many were added.
 */
export async function insertGenerated(
  tx: Tx,
  rotationId: string,
  shifts: NewGeneratedShift[],
  at: Date,
): Promise<number> {
  if (!shifts.length) return 0;
  const rows = await tx
    .insertInto('rota_entry')
    .values(
      shifts.map((s) => ({
        person_id: s.personId,
        role: s.role,
        starts_at: s.startsAt,
        ends_at: s.endsAt,
        is_override: false,
        note: null,
        created_at: at,
        // Who changed the rota: the rotation (its name may change; its id does not).
        created_by: `rotation:${rotationId}`,
        rotation_id: rotationId,
      })),
    )
    .onConflict((oc) => oc.columns(['rotation_id', 'starts_at']).where('rotation_id', 'is not', null).doNothing())
    .returning('id')
    .execute();
  return rows.length;
}

/**
 * Deletes a rotation's generated shifts that have not started by `now`; returns how many. Shifts
 * under way and past ones stay: the rota's history is never rewritten.
 */
export async function deleteFutureGenerated(tx: Tx, rotationId: string, now: Date): Promise<number> {
  const r = await tx
    .deleteFrom('rota_entry')
    .where('rotation_id', '=', rotationId)
    .where('starts_at', '>', now)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The latest end of a rotation's generated shifts still under way at `now`, or null when none is. */
export async function endOfCurrentGenerated(tx: Tx, rotationId: string, now: Date): Promise<Date | null> {
  const r = await tx
    .selectFrom('rota_entry')
    .select((eb) => eb.fn.max('ends_at').as('until'))
    .where('rotation_id', '=', rotationId)
    .where('starts_at', '<=', now)
    .where('ends_at', '>', now)
    .executeTakeFirst();
  return r?.until ?? null;
}

/** A rotation's generated shifts that have not started by `now` but belong to someone no longer on the staff list. */
export async function futureGeneratedOfInactive(
  tx: Tx,
  rotationId: string,
  now: Date,
): Promise<Array<{ id: string; personId: string }>> {
  return tx
    .selectFrom('rota_entry')
    .innerJoin('person', 'person.id', 'rota_entry.person_id')
    .select(['rota_entry.id as id', 'rota_entry.person_id as personId'])
    .where('rota_entry.rotation_id', '=', rotationId)
    .where('rota_entry.starts_at', '>', now)
    .where('person.active', '=', false)
    .execute();
}

/** Hands one generated shift to another person. */
export async function reassignGenerated(tx: Tx, entryId: string, personId: string): Promise<void> {
  await tx.updateTable('rota_entry').set({ person_id: personId }).where('id', '=', entryId).execute();
}

/**
 * Ids of the rotations (not deleted) the generation has work for: generated short of `horizon`,
 * or holding a shift that has not started for someone no longer on the staff list. One query,
 * so the hourly run costs next to nothing when all is done.
 */
export async function rotationsDue(db: Db | Tx, now: Date, horizon: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('rotation as r')
    .select('r.id')
    .where('r.deleted_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('r.generated_until', 'is', null),
        eb('r.generated_until', '<', horizon),
        eb.exists(
          eb
            .selectFrom('rota_entry as e')
            .innerJoin('person as p', 'p.id', 'e.person_id')
            .select(sql`1`.as('one'))
            .whereRef('e.rotation_id', '=', 'r.id')
            .where('e.starts_at', '>', now)
            .where('p.active', '=', false),
        ),
      ]),
    )
    .orderBy('r.id')
    .execute();
  return rows.map((r) => r.id);
}

/** A rotation's generated shifts ending after `from`, with their person, by start: what it has put on the rota. */
export async function generatedShiftsOf(
  db: Db | Tx,
  rotationId: string,
  from: Date,
  limit: number,
): Promise<GeneratedShift[]> {
  return db
    .selectFrom('rota_entry')
    .innerJoin('person', 'person.id', 'rota_entry.person_id')
    .select([
      'rota_entry.id as id',
      'rota_entry.person_id as personId',
      'person.name as name',
      'rota_entry.starts_at as startsAt',
      'rota_entry.ends_at as endsAt',
    ])
    .where('rota_entry.rotation_id', '=', rotationId)
    .where('rota_entry.ends_at', '>', from)
    .orderBy('rota_entry.starts_at')
    .limit(limit)
    .execute();
}
