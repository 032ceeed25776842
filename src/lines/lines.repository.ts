import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import { OPEN_STATUSES } from '../enquiries/enquiry.model.js';
import { isRowIdDigits } from '../ids.js';
import type { LineState, ReplyTemplate } from './lines.tables.js';

// SQL of the library of lines to take and reply templates (issue 28, items 1 and 2).

/** A line as pages and the suggestions read it: `review_by` as 'YYYY-MM-DD' text (a SQL date). */
export interface LineRow {
  id: string;
  title: string;
  text: string;
  state: LineState;
  superseded_by: string | null;
  incident_id: string | null;
  approved_by: string;
  approved_at: Date;
  review_by: string | null;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  withdrawn_at: Date | null;
  withdrawn_by: string | null;
  withdrawn_reason: string | null;
}

function lineColumns(db: Db | Tx) {
  return db
    .selectFrom('line_to_take as l')
    .select([
      'l.id',
      'l.title',
      'l.text',
      'l.state',
      'l.superseded_by',
      'l.incident_id',
      'l.approved_by',
      'l.approved_at',
      sql<string | null>`to_char(l.review_by, 'YYYY-MM-DD')`.as('review_by'),
      'l.created_at',
      'l.created_by',
      'l.updated_at',
      'l.withdrawn_at',
      'l.withdrawn_by',
      'l.withdrawn_reason',
    ]);
}

/** One line by id (any state), or undefined. An id that is not a number finds nothing. */
export async function findLine(db: Db | Tx, id: string): Promise<LineRow | undefined> {
  if (!isRowIdDigits(id)) return undefined;
  return lineColumns(db).where('l.id', '=', id).executeTakeFirst();
}

/** The same, locked for the caller's transaction (an edit, withdrawal or supersession). */
export async function lockLine(tx: Tx, id: string): Promise<LineRow | undefined> {
  if (!isRowIdDigits(id)) return undefined;
  return lineColumns(tx).where('l.id', '=', id).forUpdate().executeTakeFirst();
}

/** The current line whose text is exactly `text` (both trimmed), newest first; undefined when none. */
export async function currentLineWithText(db: Db | Tx, text: string): Promise<LineRow | undefined> {
  return lineColumns(db)
    .where('l.state', '=', 'current')
    .where(sql<boolean>`btrim(l.text) = btrim(${text})`)
    .orderBy('l.id', 'desc')
    .executeTakeFirst();
}

/** A words-only search for `q`: each word a prefix ("flo" finds "flooding"), all of them needed; null when `q` has no words. */
export function prefixQuery(q: string): string | null {
  const words = q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 12);
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}

/** What the library's list filters by. */
export interface LineFilter {
  q?: string;
  topicId?: string | null;
  state?: LineState | 'all';
  limit: number;
  offset?: number;
}

/** Lines matching `f`, best match first when searching, else newest; each with its topics' names. */
export async function listLines(db: Db | Tx, f: LineFilter): Promise<Array<LineRow & { topics: string[] }>> {
  const query = f.q ? prefixQuery(f.q) : null;
  let s = lineColumns(db).select(
    sql<
      string[]
    >`coalesce((SELECT array_agg(t.name ORDER BY t.name) FROM line_topic lt JOIN topic t ON t.id = lt.topic_id WHERE lt.line_id = l.id), '{}')`.as(
      'topics',
    ),
  );
  if (f.state && f.state !== 'all') s = s.where('l.state', '=', f.state);
  if (f.topicId)
    s = s.where(
      sql<boolean>`EXISTS (SELECT 1 FROM line_topic lt WHERE lt.line_id = l.id AND lt.topic_id = ${f.topicId})`,
    );
  if (query) {
    s = s
      .where(sql<boolean>`l.search @@ to_tsquery('english', ${query})`)
      .orderBy(sql`ts_rank(l.search, to_tsquery('english', ${query}))`, 'desc');
  } else if (f.q?.trim()) {
    // Only punctuation: nothing can match.
    s = s.where(sql<boolean>`false`);
  }
  return s
    .orderBy('l.id', 'desc')
    .limit(f.limit)
    .offset(f.offset ?? 0)
    .execute();
}

/** A line's topics (id and name), by name. */
export async function lineTopics(db: Db | Tx, lineId: string): Promise<Array<{ id: string; name: string }>> {
  return db
    .selectFrom('line_topic as lt')
    .innerJoin('topic as t', 't.id', 'lt.topic_id')
    .select(['t.id', 't.name'])
    .where('lt.line_id', '=', lineId)
    .orderBy('t.name')
    .execute();
}

/** Incidents a line may belong to: the open ones, newest first. */
export async function openIncidents(db: Db | Tx): Promise<Array<{ id: string; name: string }>> {
  return db
    .selectFrom('incident')
    .select(['id', 'name'])
    .where('closed_at', 'is', null)
    .orderBy('id', 'desc')
    .execute();
}

/** The name of an incident, or undefined. */
export async function incidentName(db: Db | Tx, id: string): Promise<string | undefined> {
  const r = await db.selectFrom('incident').select('name').where('id', '=', id).executeTakeFirst();
  return r?.name;
}

/** What a new line (or a new version of one) holds. */
export interface LineInput {
  title: string;
  text: string;
  approvedBy: string;
  approvedAt: Date;
  reviewBy: string | null;
  incidentId: string | null;
  topicIds: readonly string[];
}

/** The columns a line's form sets, as a new line and a change in place both write them. */
function formColumns(l: LineInput) {
  return {
    title: l.title,
    text: l.text,
    approved_by: l.approvedBy,
    approved_at: l.approvedAt,
    review_by: l.reviewBy,
    incident_id: l.incidentId,
  };
}

/** Inserts a current line with its topics; returns its id. */
export async function insertLine(tx: Tx, l: LineInput, by: string, now: Date): Promise<string> {
  const row = await tx
    .insertInto('line_to_take')
    .values({ ...formColumns(l), created_at: now, created_by: by, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  await setLineTopics(tx, row.id, l.topicIds);
  return row.id;
}

/** Rewrites a line in place (one never used, or a change that keeps its words); and its topics. */
export async function updateLine(tx: Tx, id: string, l: LineInput, now: Date): Promise<void> {
  await tx
    .updateTable('line_to_take')
    .set({ ...formColumns(l), updated_at: now })
    .where('id', '=', id)
    .execute();
  await setLineTopics(tx, id, l.topicIds);
}

async function setLineTopics(tx: Tx, id: string, topicIds: readonly string[]): Promise<void> {
  await tx.deleteFrom('line_topic').where('line_id', '=', id).execute();
  if (topicIds.length)
    await tx
      .insertInto('line_topic')
      .values(topicIds.map((t) => ({ line_id: id, topic_id: t })))
      .onConflict((oc) => oc.doNothing())
      .execute();
}

/** Marks a line superseded by `by`. */
export async function markSuperseded(tx: Tx, id: string, by: string, now: Date): Promise<void> {
  await tx
    .updateTable('line_to_take')
    .set({ state: 'superseded', superseded_by: by, updated_at: now })
    .where('id', '=', id)
    .execute();
  // A topic that suggested the old line suggests its replacement.
  await tx.updateTable('topic').set({ suggest_line_id: by }).where('suggest_line_id', '=', id).execute();
}

/** Marks a line withdrawn, with who, when and why. */
export async function markWithdrawn(tx: Tx, id: string, by: string, reason: string, now: Date): Promise<void> {
  await tx
    .updateTable('line_to_take')
    .set({ state: 'withdrawn', withdrawn_at: now, withdrawn_by: by, withdrawn_reason: reason, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Whether the line was ever said to a journalist (its words are then on record and not rewritten). */
export async function lineWasUsed(db: Db | Tx, id: string): Promise<boolean> {
  const r = await db.selectFrom('said').select('id').where('line_id', '=', id).limit(1).executeTakeFirst();
  return r !== undefined;
}

/** An enquiry the line went to, as its page and the withdrawal list it. */
export interface LineUse {
  reference: string;
  subject: string;
  status: string;
  open: boolean;
  at: Date;
  kind: string;
}

/**
 * Where the line was used: each enquiry once (its latest use), those still open whenever it was
 * used, and the others used since `since`; open ones first, then newest.
 */
export async function lineUses(db: Db | Tx, id: string, since: Date, limit = 200): Promise<LineUse[]> {
  const open = sql<boolean>`e.status = ANY(${[...OPEN_STATUSES]}::text[])`;
  const r = await sql<LineUse>`
    SELECT e.reference, e.subject, e.status, ${open} AS open, u.at, u.kind
    FROM (SELECT DISTINCT ON (s.enquiry_id) s.enquiry_id, s.at, s.kind
            FROM said s WHERE s.line_id = ${id}
           ORDER BY s.enquiry_id, s.at DESC) u
    JOIN enquiry e ON e.id = u.enquiry_id
    WHERE ${open} OR u.at >= ${since}
    ORDER BY 4 DESC, u.at DESC
    LIMIT ${limit}`.execute(db);
  return r.rows;
}

/** A line candidate for the suggestions, with what ranks it. */
export interface LineCandidate {
  id: string;
  title: string;
  text: string;
  review_by: string | null;
  topical: boolean;
  uses: number;
  rank: number;
}

/**
 * Current lines for the insert widget: those matching `query` (a prefix query) when given, else
 * all; `topical` when the enquiry's topics have the line (or suggest it); `uses` in the record
 * since `since`. Best first: topical, then rank, then uses.
 */
export async function lineCandidates(
  db: Db | Tx,
  o: { query: string | null; enquiryId: string | null; since: Date; limit: number },
): Promise<LineCandidate[]> {
  const tsq = o.query ? sql`to_tsquery('english', ${o.query})` : null;
  const topical = o.enquiryId
    ? sql<boolean>`(EXISTS (SELECT 1 FROM line_topic lt JOIN enquiry_topic et ON et.topic_id = lt.topic_id
                              WHERE lt.line_id = l.id AND et.enquiry_id = ${o.enquiryId})
                 OR EXISTS (SELECT 1 FROM topic t JOIN enquiry_topic et ON et.topic_id = t.id
                              WHERE t.suggest_line_id = l.id AND et.enquiry_id = ${o.enquiryId}))`
    : sql<boolean>`false`;
  const r = await sql<LineCandidate>`
    SELECT l.id, l.title, l.text, to_char(l.review_by, 'YYYY-MM-DD') AS review_by,
           ${topical} AS topical,
           (SELECT count(*)::int FROM said s WHERE s.line_id = l.id AND s.at >= ${o.since}) AS uses,
           ${tsq ? sql`ts_rank(l.search, ${tsq})` : sql`0`}::float8 AS rank
    FROM line_to_take l
    WHERE l.state = 'current' ${tsq ? sql`AND l.search @@ ${tsq}` : sql``}
    ORDER BY topical DESC, rank DESC, uses DESC, l.id DESC
    LIMIT ${o.limit}`.execute(db);
  return r.rows;
}

/** Templates (not archived) matching `query` (a prefix query over title and body) when given; best first. */
export async function templateCandidates(
  db: Db | Tx,
  o: { query: string | null; limit: number },
): Promise<Array<{ id: string; title: string; body: string; rank: number }>> {
  const vec = sql`(setweight(to_tsvector('english', t.title), 'A') || setweight(to_tsvector('english', t.body), 'B'))`;
  const tsq = o.query ? sql`to_tsquery('english', ${o.query})` : null;
  const r = await sql<{ id: string; title: string; body: string; rank: number }>`
    SELECT t.id, t.title, t.body, ${tsq ? sql`ts_rank(${vec}, ${tsq})` : sql`0`}::float8 AS rank
    FROM reply_template t
    WHERE t.archived_at IS NULL ${tsq ? sql`AND ${vec} @@ ${tsq}` : sql``}
    ORDER BY rank DESC, lower(t.title), t.id
    LIMIT ${o.limit}`.execute(db);
  return r.rows;
}

/** Templates, not archived first (or only), by title. */
export async function listTemplates(db: Db | Tx, o: { archived: boolean }): Promise<ReplyTemplate[]> {
  let s = db.selectFrom('reply_template').selectAll();
  if (!o.archived) s = s.where('archived_at', 'is', null);
  return s.orderBy(sql`archived_at IS NOT NULL`).orderBy(sql`lower(title)`).orderBy('id').execute();
}

/** One template by id, or undefined. */
export async function findTemplate(db: Db | Tx, id: string): Promise<ReplyTemplate | undefined> {
  if (!isRowIdDigits(id)) return undefined;
  return db.selectFrom('reply_template').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Inserts a template; returns its id. */
export async function insertTemplate(
  tx: Tx,
  t: { title: string; body: string },
  by: string,
  now: Date,
): Promise<string> {
  const r = await tx
    .insertInto('reply_template')
    .values({ title: t.title, body: t.body, created_at: now, created_by: by, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Rewrites a template's title and body. */
export async function updateTemplate(tx: Tx, id: string, t: { title: string; body: string }, now: Date): Promise<void> {
  await tx
    .updateTable('reply_template')
    .set({ title: t.title, body: t.body, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Archives a template (kept, no longer offered). Idempotent. */
export async function archiveTemplate(tx: Tx, id: string, now: Date): Promise<void> {
  await tx
    .updateTable('reply_template')
    .set({ archived_at: now, updated_at: now })
    .where('id', '=', id)
    .where('archived_at', 'is', null)
    .execute();
}
