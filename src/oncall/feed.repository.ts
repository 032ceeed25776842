import type { Db, Tx } from '../db/database.js';
import type { Role } from '../web/staff.tables.js';
import type { RotaFeed } from './feed.tables.js';

// SQL of the rota's calendar feeds (src/oncall/feed.service.ts).

/**
 * The person `personId` (active or not), locked against another feed being issued or revoked for
 * them until the transaction ends; undefined when there is no such person. FOR NO KEY UPDATE, so
 * rows that reference the person (a new shift, the new feed) can still be inserted meanwhile.
 */
export async function lockPerson(
  tx: Tx,
  personId: string,
): Promise<{ id: string; name: string; active: boolean } | undefined> {
  return tx
    .selectFrom('person')
    .select(['id', 'name', 'active'])
    .where('id', '=', personId)
    .forNoKeyUpdate()
    .executeTakeFirst();
}

/** The desk user `userId`, locked as `lockPerson` locks a person; undefined when there is none. */
export async function lockUser(
  tx: Tx,
  userId: string,
): Promise<{ id: string; role: Role; active: boolean } | undefined> {
  return tx
    .selectFrom('app_user')
    .select(['id', 'role', 'active'])
    .where('id', '=', userId)
    .forNoKeyUpdate()
    .executeTakeFirst();
}

/** Revokes the working feed of the person or of the manager, as of `at`; how many were revoked (0 or 1). */
export async function revokeFeedOf(
  tx: Tx,
  owner: { personId: string } | { userId: string },
  at: Date,
): Promise<number> {
  const q = tx.updateTable('rota_feed').set({ revoked_at: at }).where('revoked_at', 'is', null);
  const r = await ('personId' in owner
    ? q.where('person_id', '=', owner.personId)
    : q.where('user_id', '=', owner.userId)
  ).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Stores a new feed (its token's hash) for a person or a manager. */
export async function insertFeed(
  tx: Tx,
  row: { token_hash: string; person_id: string | null; user_id: string | null; created_at: Date },
): Promise<void> {
  await tx.insertInto('rota_feed').values(row).execute();
}

/** A stored feed with its owner as they are now (null where the feed is not theirs). */
export type FoundFeed = RotaFeed & {
  person_active: boolean | null;
  person_name: string | null;
  user_active: boolean | null;
  user_role: Role | null;
};

/** The feed whose token hashes to `tokenHash`, with its owner as they are now; undefined when there is none. */
export async function feedByHash(db: Db | Tx, tokenHash: string): Promise<FoundFeed | undefined> {
  return db
    .selectFrom('rota_feed')
    .leftJoin('person', 'person.id', 'rota_feed.person_id')
    .leftJoin('app_user', 'app_user.id', 'rota_feed.user_id')
    .selectAll('rota_feed')
    .select([
      'person.active as person_active',
      'person.name as person_name',
      'app_user.active as user_active',
      'app_user.role as user_role',
    ])
    .where('rota_feed.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Notes that a calendar read the feed `id` at `at`. */
export async function markFetched(db: Db | Tx, id: string, at: Date): Promise<void> {
  await db.updateTable('rota_feed').set({ last_fetched_at: at }).where('id', '=', id).execute();
}

/** Every working (unrevoked) feed: of people, and of managers. */
export async function liveFeeds(db: Db | Tx): Promise<RotaFeed[]> {
  return db.selectFrom('rota_feed').selectAll().where('revoked_at', 'is', null).orderBy('id').execute();
}
