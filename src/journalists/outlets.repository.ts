import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import type { Outlet, OutletKind } from './journalists.tables.js';

// SQL of outlets and their spellings (src/journalists/outlets.service.ts). An enquiry's outlet
// stays as the journalist typed it; pages and reports map it to an outlet through its spelling.

/** The key a typed outlet is matched by: trimmed, spaces folded, lowercased ("The  Gazette " → "the gazette"). */
export function spellingKey(typed: string): string {
  return typed.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** An outlet with how many spellings and journalists it has. */
export type OutletListed = Outlet & { spellings: number; journalists: number };

/** Every outlet, by name, with its counts. */
export async function listOutlets(db: Db | Tx): Promise<OutletListed[]> {
  return db
    .selectFrom('outlet as o')
    .selectAll('o')
    .select([
      sql<number>`(SELECT count(*)::int FROM outlet_spelling s WHERE s.outlet_id = o.id)`.as('spellings'),
      sql<number>`(SELECT count(*)::int FROM journalist_outlet j WHERE j.outlet_id = o.id)`.as('journalists'),
    ])
    .orderBy(sql`lower(o.name)`)
    .execute();
}

/** The outlet `id`, or undefined. */
export async function findOutlet(db: Db | Tx, id: string): Promise<Outlet | undefined> {
  return db.selectFrom('outlet').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The outlet whose name is `name` (any case), or undefined. */
export async function outletNamed(db: Db | Tx, name: string): Promise<Outlet | undefined> {
  return db
    .selectFrom('outlet')
    .selectAll()
    .where(sql<string>`lower(name)`, '=', name.toLowerCase())
    .executeTakeFirst();
}

/** The outlet a typed outlet names through its spellings, or undefined. */
export async function outletForSpelling(db: Db | Tx, typed: string): Promise<Outlet | undefined> {
  const key = spellingKey(typed);
  if (!key) return undefined;
  return db
    .selectFrom('outlet_spelling as s')
    .innerJoin('outlet as o', 'o.id', 's.outlet_id')
    .selectAll('o')
    .where('s.spelling', '=', key)
    .executeTakeFirst();
}

/** The spellings of an outlet, alphabetically. */
export async function spellingsOf(db: Db | Tx, outletId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('outlet_spelling')
    .select('spelling')
    .where('outlet_id', '=', outletId)
    .orderBy('spelling')
    .execute();
  return rows.map((r) => r.spelling);
}

/** Adds an outlet (its name is its first spelling); returns it. */
export async function insertOutlet(
  tx: Tx,
  o: { name: string; kind: OutletKind | null; area: string; at: Date; by: string },
): Promise<Outlet> {
  const outlet = await tx
    .insertInto('outlet')
    .values({ name: o.name, kind: o.kind, area: o.area, created_at: o.at, created_by: o.by, updated_at: o.at })
    .returningAll()
    .executeTakeFirstOrThrow();
  await setSpelling(tx, spellingKey(o.name), outlet.id);
  return outlet;
}

/** Changes an outlet's name, type and area (the new name becomes one of its spellings too). */
export async function updateOutlet(
  tx: Tx,
  id: string,
  o: { name: string; kind: OutletKind | null; area: string; at: Date },
): Promise<void> {
  await tx
    .updateTable('outlet')
    .set({ name: o.name, kind: o.kind, area: o.area, updated_at: o.at })
    .where('id', '=', id)
    .execute();
  await setSpelling(tx, spellingKey(o.name), id);
}

/** Makes `spelling` (a key) name the outlet `outletId`, moving it from any other outlet. */
export async function setSpelling(tx: Tx, spelling: string, outletId: string): Promise<void> {
  await tx
    .insertInto('outlet_spelling')
    .values({ spelling, outlet_id: outletId })
    .onConflict((oc) => oc.column('spelling').doUpdateSet({ outlet_id: outletId }))
    .execute();
}

/** Forgets a spelling (an enquiry typed that way then shows its outlet as typed). */
export async function deleteSpelling(tx: Tx, spelling: string): Promise<number> {
  const r = await tx.deleteFrom('outlet_spelling').where('spelling', '=', spelling).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * Outlets as enquiries typed them since `since` that match no outlet yet, most used first: what
 * the outlets page offers to merge into an outlet.
 */
export async function unmatchedSpellings(
  db: Db | Tx,
  since: Date,
  limit: number,
): Promise<Array<{ spelling: string; enquiries: number }>> {
  const r = await sql<{ spelling: string; enquiries: number }>`
    SELECT k.spelling, count(*)::int AS enquiries
      FROM enquiry e, LATERAL (SELECT lower(regexp_replace(btrim(e.outlet), '\\s+', ' ', 'g')) AS spelling) k
     WHERE e.erased_at IS NULL AND e.received_at >= ${since} AND k.spelling <> ''
       AND NOT EXISTS (SELECT 1 FROM outlet_spelling s WHERE s.spelling = k.spelling)
     GROUP BY k.spelling
     ORDER BY count(*) DESC, k.spelling
     LIMIT ${limit}`.execute(db);
  return r.rows;
}

/** Every outlet's id and name, by name (the forms' choices). */
export async function outletChoices(db: Db | Tx): Promise<Array<{ id: string; name: string }>> {
  return db.selectFrom('outlet').select(['id', 'name']).orderBy(sql`lower(name)`).execute();
}
