import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import type { NewRotaEntry, Person, RotaEntry, RotaRole } from './rota.tables.js';

/**
 * A rota entry together with its person's name and current phone: what the service needs to
 * pick who is on call. Only entries of active people are ever returned.
 */
export interface RotaCandidate {
  id: string;
  personId: string;
  role: RotaRole;
  startsAt: Date;
  endsAt: Date;
  isOverride: boolean;
  createdAt: Date;
  name: string;
  phone: string;
  /** The rotation that generated it, or null when a manager made it (see `pick` in rota.service.ts). */
  rotationId: string | null;
}

// The index expression of rota_entry_period; queries must spell it the same way to use it.
const PERIOD = sql`tstzrange(rota_entry.starts_at, rota_entry.ends_at, '[)')`;

function candidates(db: Db | Tx) {
  return (
    db
      .selectFrom('rota_entry')
      .innerJoin('person', 'person.id', 'rota_entry.person_id')
      .select([
        'rota_entry.id as id',
        'rota_entry.person_id as personId',
        'rota_entry.role as role',
        'rota_entry.starts_at as startsAt',
        'rota_entry.ends_at as endsAt',
        'rota_entry.is_override as isOverride',
        'rota_entry.created_at as createdAt',
        'person.name as name',
        'person.phone as phone',
        'rota_entry.rotation_id as rotationId',
      ])
      // Skipping inactive people here means a deactivated colleague drops out of every answer.
      .where('person.active', '=', true)
  );
}

/** Entries of active people whose half-open period covers `at`, for both roles, in no particular order. */
export async function findCandidatesAt(db: Db | Tx, at: Date): Promise<RotaCandidate[]> {
  return candidates(db).where(sql<boolean>`${PERIOD} @> ${at}::timestamptz`).execute();
}

/** Entries of active people whose period overlaps the half-open period [from, to), for both roles. */
export async function findCandidatesBetween(db: Db | Tx, from: Date, to: Date): Promise<RotaCandidate[]> {
  return candidates(db)
    .where(sql<boolean>`${PERIOD} && tstzrange(${from}::timestamptz, ${to}::timestamptz, '[)')`)
    .execute();
}

/** Stores one shift or override and returns it. */
export async function insertRotaEntry(db: Db | Tx, row: NewRotaEntry): Promise<RotaEntry> {
  return db.insertInto('rota_entry').values(row).returningAll().executeTakeFirstOrThrow();
}

/**
 * Adds a person unless an active person already has this phone. Returns the new row, or null on
 * that clash (ON CONFLICT rather than a caught error, so a caller's transaction stays usable).
 */
export async function insertPerson(
  db: Db | Tx,
  row: { name: string; phone: string; at: Date },
): Promise<Person | null> {
  const inserted = await db
    .insertInto('person')
    .values({ name: row.name, phone: row.phone, created_at: row.at, updated_at: row.at })
    .onConflict((oc) => oc.column('phone').where('active', '=', true).doNothing())
    .returningAll()
    .executeTakeFirst();
  return inserted ?? null;
}

/** The person with this id (active or not), or undefined. */
export async function findPersonById(db: Db | Tx, id: string): Promise<Person | undefined> {
  return db.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The person with this id, locked FOR SHARE until the transaction ends, so a shift added for them
 * cannot race a concurrent deactivation or deletion.
 */
export async function findPersonByIdForShare(tx: Tx, id: string): Promise<Person | undefined> {
  return tx.selectFrom('person').selectAll().where('id', '=', id).forShare().executeTakeFirst();
}

/** The active person with this E.164 phone, or undefined. */
export async function findActivePersonByPhone(db: Db | Tx, phone: string): Promise<Person | undefined> {
  return db.selectFrom('person').selectAll().where('phone', '=', phone).where('active', '=', true).executeTakeFirst();
}

/** People by name (then id); only active ones unless `includeInactive`. */
export async function listPeople(db: Db | Tx, opts: { includeInactive?: boolean } = {}): Promise<Person[]> {
  let q = db.selectFrom('person').selectAll();
  if (!opts.includeInactive) q = q.where('active', '=', true);
  return q.orderBy('name').orderBy('id').execute();
}

/**
 * Sets a person's phone. Returns the updated row; 'not_found' for no such person; 'phone_taken'
 * when another active person has that phone (checked first, so the common case leaves a caller's
 * transaction usable; a concurrent clash still ends in the unique index's error).
 */
export async function updatePersonPhone(
  db: Db | Tx,
  id: string,
  phone: string,
  at: Date,
): Promise<Person | 'not_found' | 'phone_taken'> {
  const clash = await db
    .selectFrom('person')
    .select('id')
    .where('phone', '=', phone)
    .where('active', '=', true)
    .where('id', '<>', id)
    .executeTakeFirst();
  if (clash) return 'phone_taken';
  try {
    const updated = await db
      .updateTable('person')
      // A new number is unproved; the same number written again keeps its proof.
      .set((eb) => ({
        phone,
        updated_at: at,
        phone_verified_at: eb.case().when('phone', '=', phone).then(eb.ref('phone_verified_at')).else(null).end(),
      }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return updated ?? 'not_found';
  } catch (err) {
    if (isUniqueViolation(err, 'person_active_phone')) return 'phone_taken';
    throw err;
  }
}

/** Marks a person inactive (their entries stay, but no lookup returns them). Undefined for no such person. */
export async function deactivatePerson(db: Db | Tx, id: string, at: Date): Promise<Person | undefined> {
  return db
    .updateTable('person')
    .set({ active: false, updated_at: at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Whether an active person has this E.164 phone. */
export async function isActivePersonPhone(db: Db | Tx, phone: string): Promise<boolean> {
  const row = await db
    .selectFrom('person')
    .select('id')
    .where('phone', '=', phone)
    .where('active', '=', true)
    .executeTakeFirst();
  return row !== undefined;
}

/** True when `err` is PostgreSQL's unique_violation (23505) on `constraint`. */
function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23505' && e.constraint === constraint;
}

/** A rota entry with its person's name and phone, as the desk lists and edits it. */
export interface RotaEntryWithPerson extends RotaEntry {
  name: string;
  phone: string;
  personActive: boolean;
}

function entriesWithPerson(db: Db | Tx) {
  return db
    .selectFrom('rota_entry')
    .innerJoin('person', 'person.id', 'rota_entry.person_id')
    .selectAll('rota_entry')
    .select(['person.name as name', 'person.phone as phone', 'person.active as personActive']);
}

/** Entries of active people overlapping [from, to), by start then id: the shifts the desk can change. */
export async function listEntriesBetween(db: Db | Tx, from: Date, to: Date): Promise<RotaEntryWithPerson[]> {
  return entriesWithPerson(db)
    .where('person.active', '=', true)
    .where(sql<boolean>`${PERIOD} && tstzrange(${from}::timestamptz, ${to}::timestamptz, '[)')`)
    .orderBy('rota_entry.starts_at')
    .orderBy('rota_entry.id')
    .execute();
}

/** One entry with its person, locked FOR UPDATE until the transaction ends (two edits of one shift run one after the other). */
export async function findEntryForUpdate(tx: Tx, id: string): Promise<RotaEntryWithPerson | undefined> {
  return entriesWithPerson(tx).where('rota_entry.id', '=', id).forUpdate('rota_entry').executeTakeFirst();
}

/**
 * Entries of active people other than `exceptId` with this role and kind (shift or override)
 * overlapping [from, to): what an edited entry would clash with.
 */
export async function findOverlapping(
  db: Db | Tx,
  q: { role: RotaRole; isOverride: boolean; from: Date; to: Date; exceptId: string },
): Promise<RotaEntryWithPerson[]> {
  return entriesWithPerson(db)
    .where('person.active', '=', true)
    .where('rota_entry.role', '=', q.role)
    .where('rota_entry.is_override', '=', q.isOverride)
    .where('rota_entry.id', '<>', q.exceptId)
    .where(sql<boolean>`${PERIOD} && tstzrange(${q.from}::timestamptz, ${q.to}::timestamptz, '[)')`)
    .orderBy('rota_entry.starts_at')
    .execute();
}

/** Sets an entry's person and period. */
export async function updateRotaEntry(
  tx: Tx,
  id: string,
  set: { person_id: string; starts_at: Date; ends_at: Date },
): Promise<RotaEntry> {
  return tx.updateTable('rota_entry').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Deletes an entry (only one that has not started: the desk keeps who was on call). */
export async function deleteRotaEntry(tx: Tx, id: string): Promise<void> {
  await tx.deleteFrom('rota_entry').where('id', '=', id).execute();
}

/** One entry by id, or undefined. */
export async function listEntryById(db: Db | Tx, id: string): Promise<RotaEntry | undefined> {
  return db.selectFrom('rota_entry').selectAll().where('id', '=', id).executeTakeFirst();
}
