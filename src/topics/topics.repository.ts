import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import type { Topic, TopicSource } from './topics.tables.js';

// SQL of topics (src/topics/): the managed list, its rules, and enquiries' topics. Terms use the
// queue's search syntax (websearch_to_tsquery, English) against the enquiry's generated `search`
// column, as incidents' terms do.

/** A topic as the managers' list shows it: who it assigns to, its suggested line, and its use. */
export type TopicListed = Topic & {
  assignee_name: string | null;
  line_title: string | null;
  /** Enquiries received since the list's `since` that have this topic. */
  recent: number;
};

/** Every topic (archived last, then by name), with how many enquiries received since `since` have it. */
export async function listTopics(db: Db | Tx, since: Date): Promise<TopicListed[]> {
  return db
    .selectFrom('topic')
    .leftJoin('app_user', 'app_user.id', 'topic.assign_to')
    .leftJoin('line_to_take', 'line_to_take.id', 'topic.suggest_line_id')
    .selectAll('topic')
    .select([
      'app_user.name as assignee_name',
      'line_to_take.title as line_title',
      (eb) =>
        eb
          .selectFrom('enquiry_topic')
          .innerJoin('enquiry', 'enquiry.id', 'enquiry_topic.enquiry_id')
          .whereRef('enquiry_topic.topic_id', '=', 'topic.id')
          .where('enquiry.received_at', '>=', since)
          .select(sql<number>`count(*)::int`.as('n'))
          .as('recent'),
    ])
    .orderBy(sql`topic.archived_at IS NOT NULL`)
    .orderBy(sql`lower(topic.name)`)
    .execute() as Promise<TopicListed[]>;
}

/** The topic `id` (undefined: none). */
export async function findTopic(db: Db | Tx, id: string): Promise<Topic | undefined> {
  return db.selectFrom('topic').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The topic `id`, locked for the rest of `tx`. */
export async function lockTopic(tx: Tx, id: string): Promise<Topic | undefined> {
  return tx.selectFrom('topic').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The topic named `name` in any case, other than `exceptId` (undefined: the name is free). */
export async function topicNamed(db: Db | Tx, name: string, exceptId: string | null): Promise<Topic | undefined> {
  let q = db.selectFrom('topic').selectAll().where(sql<boolean>`lower(name) = lower(${name})`);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return q.executeTakeFirst();
}

/** What a manager sets on a topic. */
export interface TopicDetails {
  name: string;
  terms: string;
  suggest_line_id: string | null;
  require_signoff: boolean;
  assign_to: string | null;
}

/** Stores a new topic. */
export async function insertTopic(
  tx: Tx,
  row: TopicDetails & { created_at: Date; created_by: string },
): Promise<Topic> {
  return tx.insertInto('topic').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Sets a topic's details; returns it as it now is. */
export async function updateTopic(tx: Tx, id: string, row: TopicDetails): Promise<Topic> {
  return tx.updateTable('topic').set(row).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Archives a topic (at `at`) or brings it back (null). */
export async function setArchived(tx: Tx, id: string, at: Date | null): Promise<void> {
  await tx.updateTable('topic').set({ archived_at: at }).where('id', '=', id).execute();
}

/** Topics officers can give an enquiry (not archived), by name. */
export async function activeTopics(db: Db | Tx): Promise<Array<Pick<Topic, 'id' | 'name'>>> {
  return db
    .selectFrom('topic')
    .select(['id', 'name'])
    .where('archived_at', 'is', null)
    .orderBy(sql`lower(name)`)
    .execute();
}

/** The queue filter's topics: those in use, and `include` (the one chosen) even when archived, by name. */
export async function filterTopics(
  db: Db | Tx,
  include: string | null,
): Promise<Array<Pick<Topic, 'id' | 'name'> & { archived: boolean }>> {
  return db
    .selectFrom('topic')
    .select(['id', 'name', sql<boolean>`archived_at IS NOT NULL`.as('archived')])
    .where((eb) =>
      include ? eb.or([eb('archived_at', 'is', null), eb('id', '=', include)]) : eb('archived_at', 'is', null),
    )
    .orderBy(sql`lower(name)`)
    .execute();
}

/** Whether any topic that is not archived has terms (intake asks this, through a short cache). */
export async function anyRule(db: Db | Tx): Promise<boolean> {
  const r = await db
    .selectFrom('topic')
    .select('id')
    .where('archived_at', 'is', null)
    .where('terms', '<>', '')
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

/** The library's current lines, for a topic's "suggest a line" choice (by title). */
export async function currentLines(db: Db | Tx): Promise<Array<{ id: string; title: string }>> {
  return db
    .selectFrom('line_to_take')
    .select(['id', 'title'])
    .where('state', '=', 'current')
    .orderBy(sql`lower(title)`)
    .orderBy('id')
    .execute();
}

/** Whether `id` is a current line of the library. */
export async function isCurrentLine(db: Db | Tx, id: string): Promise<boolean> {
  const r = await db
    .selectFrom('line_to_take')
    .select('id')
    .where('id', '=', id)
    .where('state', '=', 'current')
    .executeTakeFirst();
  return r !== undefined;
}

// Checked as incidents' terms are (src/enquiries/search-terms.repository.ts).
export { termsMatchCount, termsShape } from '../enquiries/search-terms.repository.js';

/** A topic a rule gave a new enquiry, with the officer it assigns to when that officer is active. */
export interface RuleMatch {
  id: string;
  name: string;
  assign_to: string | null;
  assignee_name: string | null;
}

/**
 * Gives a just-stored enquiry (in its transaction) every topic, not archived, whose terms match
 * its `search` column: one INSERT … SELECT. Returns those topics by name, each with the active
 * officer it assigns to (null: none, or not active).
 */
export async function addRuleTopics(tx: Tx, enquiryId: string, at: Date): Promise<RuleMatch[]> {
  const r = await sql<RuleMatch>`
    WITH added AS (
      INSERT INTO enquiry_topic (enquiry_id, topic_id, source, added_at)
      SELECT e.id, t.id, 'rule', ${at}
        FROM enquiry e
        JOIN topic t ON t.archived_at IS NULL AND t.terms <> ''
                    AND e.search @@ websearch_to_tsquery('english', t.terms)
       WHERE e.id = ${enquiryId}
      ON CONFLICT DO NOTHING
      RETURNING topic_id
    )
    SELECT t.id, t.name, u.id AS assign_to, u.name AS assignee_name
      FROM added a
      JOIN topic t ON t.id = a.topic_id
      LEFT JOIN app_user u ON u.id = t.assign_to AND u.active
     ORDER BY lower(t.name), t.id`.execute(tx);
  return r.rows;
}

/** One topic of an enquiry, as its page shows it. */
export interface EnquiryTopicView {
  id: string;
  name: string;
  source: TopicSource;
  archived: boolean;
  require_signoff: boolean;
  /** The topic's suggested line when it is a current line of the library (null: none). */
  line_id: string | null;
  line_title: string | null;
}

/** The topics of an enquiry, by name. */
export async function topicsOf(db: Db | Tx, enquiryId: string): Promise<EnquiryTopicView[]> {
  return db
    .selectFrom('enquiry_topic')
    .innerJoin('topic', 'topic.id', 'enquiry_topic.topic_id')
    .leftJoin('line_to_take', (j) =>
      j.onRef('line_to_take.id', '=', 'topic.suggest_line_id').on('line_to_take.state', '=', 'current'),
    )
    .where('enquiry_topic.enquiry_id', '=', enquiryId)
    .select([
      'topic.id',
      'topic.name',
      'enquiry_topic.source',
      sql<boolean>`topic.archived_at IS NOT NULL`.as('archived'),
      'topic.require_signoff',
      'line_to_take.id as line_id',
      'line_to_take.title as line_title',
    ])
    .orderBy(sql`lower(topic.name)`)
    .execute();
}

/** Gives an enquiry topics (an officer's choice, `by` their email); ones it already has are left as they are. */
export async function addTopics(
  tx: Tx,
  enquiryId: string,
  topicIds: readonly string[],
  at: Date,
  by: string,
): Promise<void> {
  if (!topicIds.length) return;
  await tx
    .insertInto('enquiry_topic')
    .values(
      topicIds.map((topic_id) => ({
        enquiry_id: enquiryId,
        topic_id,
        source: 'officer' as const,
        added_at: at,
        added_by: by,
      })),
    )
    .onConflict((oc) => oc.columns(['enquiry_id', 'topic_id']).doNothing())
    .execute();
}

/** Takes topics off an enquiry. */
export async function removeTopics(tx: Tx, enquiryId: string, topicIds: readonly string[]): Promise<void> {
  if (!topicIds.length) return;
  await tx.deleteFrom('enquiry_topic').where('enquiry_id', '=', enquiryId).where('topic_id', 'in', topicIds).execute();
}

/** The topics with these ids (any state). */
export async function topicsByIds(db: Db | Tx, ids: readonly string[]): Promise<Topic[]> {
  if (!ids.length) return [];
  return db.selectFrom('topic').selectAll().where('id', 'in', ids).execute();
}

/** The names of the enquiry's topics that require sign-off, by name (empty: none does). */
export async function signOffTopicsOf(db: Db | Tx, enquiryId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('enquiry_topic')
    .innerJoin('topic', 'topic.id', 'enquiry_topic.topic_id')
    .where('enquiry_topic.enquiry_id', '=', enquiryId)
    .where('topic.require_signoff', '=', true)
    .select('topic.name')
    .orderBy(sql`lower(topic.name)`)
    .execute();
  return rows.map((r) => r.name);
}

/** Assigns a new enquiry to `userId` by a topic's rule (its status stays as it is). */
export async function assignByRule(tx: Tx, enquiryId: string, userId: string, at: Date): Promise<void> {
  await tx
    .updateTable('enquiry')
    .set({ assigned_to: userId, updated_at: at })
    .where('id', '=', enquiryId)
    .where('assigned_to', 'is', null)
    .execute();
}
