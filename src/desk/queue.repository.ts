import { sql, type SqlBool, type ExpressionBuilder } from 'kysely';
import { lineSentAt } from '../incidents/holding-line.repository.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Lang } from '../i18n/languages.js';
import type { EnquiryChannel, EnquiryStatus } from '../enquiries/enquiry.tables.js';
import type { PageStatus } from '../oncall/paging.tables.js';
import { OPEN_STATUSES } from '../enquiries/enquiry.model.js';
import { normaliseReference } from '../enquiries/reference.js';

/** What the queue can be filtered by (all optional; default: open enquiries, anyone's). */
export interface QueueFilters {
  status: 'open' | 'all' | EnquiryStatus;
  urgent: 'any' | 'yes' | 'no';
  assigned: 'anyone' | 'me' | 'unassigned';
  channel: 'any' | EnquiryChannel;
  outOfHours: 'any' | 'yes' | 'no';
  q: string;
  /** Received on or after `from` and before `before` (office-time day bounds; null: unbounded). */
  received: { from: Date | null; before: Date | null };
  /** Part of the outlet's name, any case ('' : any outlet). */
  outlet: string;
  /** Enquiries with this topic (its id; '' : any topic). */
  topic: string;
  /** Enquiries answered in this language (issue 31; absent or 'any': every language). */
  language?: 'any' | Lang;
}

/** The filters of the default view (open enquiries, anyone's, received any time). */
export const DEFAULT_FILTERS: QueueFilters = {
  status: 'open',
  urgent: 'any',
  assigned: 'anyone',
  channel: 'any',
  outOfHours: 'any',
  q: '',
  received: { from: null, before: null },
  outlet: '',
  topic: '',
  language: 'any',
};

/**
 * Keyset position of the last row shown. The open queue goes by due time (`due`, null last), urgent
 * first at the same time, then id; every other view by arrival, newest first (`received`, then id).
 */
export type QueueCursor =
  | { by: 'due'; due: Date | null; urgent: boolean; id: string }
  | { by: 'received'; received: Date; id: string };

/**
 * Whether a view is the working queue (open enquiries, by what is due first) rather than a history
 * (answered, closed, withdrawn or any status: newest first, each enquiry its own row).
 */
export function sortsByDue(f: Pick<QueueFilters, 'status'>): boolean {
  return f.status === 'open' || (OPEN_STATUSES as readonly string[]).includes(f.status);
}

export interface QueueRow {
  id: string;
  reference: string;
  channel: EnquiryChannel;
  status: EnquiryStatus;
  name: string;
  outlet: string;
  subject: string;
  urgent: boolean;
  out_of_hours: boolean;
  deadline: Date | null;
  respond_by: Date | null;
  due: Date | null;
  received_at: Date;
  assigned_to: string | null;
  assignee_name: string | null;
  page_status: PageStatus | null;
  /** The journalist added something the desk has not opened yet (null: nothing new). */
  journalist_added_at: Date | null;
  /** The incident it is linked to (null: none); linked to an open one, it is shown in its group instead. */
  incident_id: string | null;
  /** The respond-by warning was announced (near its deadline) / the respond-by passed without a response. */
  warned_at: Date | null;
  breached_at: Date | null;
  /** When the enquiry's journalist was last sent an incident's holding or press line (null: never). */
  line_sent_at: Date | null;
}

/** An open incident as one row of the queue: how many of its enquiries match, the newest, the worst due. */
export interface QueueGroup {
  incident_id: string;
  name: string;
  /** Linked enquiries matching the queue's filters, and how many of them are open. */
  count: number;
  open: number;
  /** The earliest due instant of its matching open enquiries (null: none has one). */
  due: Date | null;
  /** The matching enquiries that arrived last, newest first (at most GROUP_NEWEST). */
  newest: Array<{ reference: string; outlet: string; received_at: Date }>;
  /** Some matching open enquiry's respond-by passed without a response / is near. */
  breached: boolean;
  warned: boolean;
}

/** How many of a group's newest arrivals its row names. */
export const GROUP_NEWEST = 3;

// The same expression as the indexes enquiry_open_due / enquiry_due_all, so they serve the sort.
const due = sql<Date | null>`coalesce(enquiry.deadline, enquiry.respond_by)`;

/** The queue's columns: what a press officer scans in one row. */
function baseQuery(db: Db) {
  return db
    .selectFrom('enquiry')
    .leftJoin('app_user', 'app_user.id', 'enquiry.assigned_to')
    .leftJoin('page', 'page.enquiry_id', 'enquiry.id')
    .select([
      'enquiry.id',
      'enquiry.reference',
      'enquiry.channel',
      'enquiry.status',
      'enquiry.name',
      'enquiry.outlet',
      'enquiry.subject',
      'enquiry.urgent',
      'enquiry.out_of_hours',
      'enquiry.deadline',
      'enquiry.respond_by',
      due.as('due'),
      'enquiry.received_at',
      'enquiry.assigned_to',
      'app_user.name as assignee_name',
      'page.status as page_status',
      'enquiry.journalist_added_at',
      'enquiry.incident_id',
      'enquiry.warned_at',
      'enquiry.breached_at',
      lineSentAt.as('line_sent_at'),
    ]);
}

// Linked to an incident still open: the queue shows it in the incident's group row.
const inOpenIncident = sql<SqlBool>`EXISTS (SELECT 1 FROM incident i WHERE i.id = enquiry.incident_id AND i.closed_at IS NULL)`;

function where(eb: ExpressionBuilder<Database, 'enquiry'>, f: QueueFilters, userId: string) {
  const c = [];
  if (f.status === 'open') c.push(eb('enquiry.status', 'in', OPEN_STATUSES));
  else if (f.status !== 'all') c.push(eb('enquiry.status', '=', f.status));
  if (f.urgent !== 'any') c.push(eb('enquiry.urgent', '=', f.urgent === 'yes'));
  if (f.assigned === 'me') c.push(eb('enquiry.assigned_to', '=', userId));
  if (f.assigned === 'unassigned') c.push(eb('enquiry.assigned_to', 'is', null));
  if (f.channel !== 'any') c.push(eb('enquiry.channel', '=', f.channel));
  if (f.language && f.language !== 'any') c.push(eb('enquiry.language', '=', f.language));
  if (f.outOfHours !== 'any') c.push(eb('enquiry.out_of_hours', '=', f.outOfHours === 'yes'));
  if (f.q) {
    // A reference finds its enquiry, and a merged one's finds the enquiry it went into (src/merging).
    const ref = normaliseReference(f.q);
    c.push(
      ref
        ? sql<SqlBool>`(enquiry.search @@ websearch_to_tsquery('english', ${f.q}) OR enquiry.reference = ${ref}
            OR enquiry.id = (SELECT m.merged_into FROM enquiry m WHERE m.reference = ${ref}))`
        : sql<SqlBool>`enquiry.search @@ websearch_to_tsquery('english', ${f.q})`,
    );
  }
  // Merged into another (src/merging): it lives on there, so it is listed once, as that one.
  c.push(eb('enquiry.merged_into', 'is', null));
  if (f.received.from) c.push(eb('enquiry.received_at', '>=', f.received.from));
  if (f.received.before) c.push(eb('enquiry.received_at', '<', f.received.before));
  // A contains match, any case; the user's % and _ are literal.
  if (f.outlet) c.push(sql<SqlBool>`enquiry.outlet ILIKE ${`%${f.outlet.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`}`);
  // A semi-join: enquiry_topic's (topic_id, enquiry_id) index lists the topic's enquiries, its primary key checks one.
  if (f.topic)
    c.push(
      sql<SqlBool>`EXISTS (SELECT 1 FROM enquiry_topic et WHERE et.enquiry_id = enquiry.id AND et.topic_id = ${f.topic}::bigint)`,
    );
  return eb.and(c);
}

/**
 * One page of the queue. The open queue (see `sortsByDue`; enquiries in an open incident excluded:
 * see `listGroups`) has what is due first at the top (the journalist's deadline, else the office's
 * respond-by; nothing due sorts last), urgent before routine at the same time. Other views list
 * every matching enquiry newest first. Keyset-paged so page 500 costs what page 1 does.
 * Returns `limit + 1` rows at most so the caller knows whether there is a next page.
 */
export async function listQueue(
  db: Db,
  f: QueueFilters,
  userId: string,
  after: QueueCursor | null,
  limit: number,
): Promise<QueueRow[]> {
  let q = baseQuery(db)
    .where((eb) => where(eb, f, userId))
    .limit(limit + 1);
  if (sortsByDue(f)) {
    q = q
      .where(sql<SqlBool>`NOT ${inOpenIncident}`)
      .orderBy(sql`coalesce(enquiry.deadline, enquiry.respond_by) ASC NULLS LAST`)
      .orderBy(sql`(NOT enquiry.urgent) ASC`)
      .orderBy('enquiry.id', 'asc');
    if (after?.by === 'due') {
      const notUrgent = !after.urgent;
      q = after.due
        ? q.where(sql<SqlBool>`((coalesce(enquiry.deadline, enquiry.respond_by), (NOT enquiry.urgent), enquiry.id) > (${after.due}::timestamptz, ${notUrgent}::boolean, ${after.id}::bigint)
              OR coalesce(enquiry.deadline, enquiry.respond_by) IS NULL)`)
        : q.where(
            sql<SqlBool>`coalesce(enquiry.deadline, enquiry.respond_by) IS NULL AND ((NOT enquiry.urgent), enquiry.id) > (${notUrgent}::boolean, ${after.id}::bigint)`,
          );
    }
  } else {
    q = q.orderBy('enquiry.received_at', 'desc').orderBy('enquiry.id', 'desc');
    if (after?.by === 'received')
      q = q.where(
        sql<SqlBool>`(enquiry.received_at, enquiry.id) < (${after.received}::timestamptz, ${after.id}::bigint)`,
      );
  }
  return (await q.execute()) as QueueRow[];
}

/** How many enquiries match the filters, those in an open incident's group row included. */
export async function countMatching(db: Db, f: QueueFilters, userId: string): Promise<number> {
  const r = await db
    .selectFrom('enquiry')
    .where((eb) => where(eb, f, userId))
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  return r.n;
}

/** Headline counts of the open queue (served by the small partial index on open enquiries). */
export async function openCounts(
  db: Db,
  now: Date,
  userId: string,
): Promise<{ open: number; urgent: number; overdue: number; unassigned: number; mine: number }> {
  const r = await db
    .selectFrom('enquiry')
    .select([
      sql<number>`count(*)::int`.as('open'),
      sql<number>`count(*) FILTER (WHERE urgent)::int`.as('urgent'),
      sql<number>`count(*) FILTER (WHERE coalesce(deadline, respond_by) < ${now})::int`.as('overdue'),
      sql<number>`count(*) FILTER (WHERE assigned_to IS NULL)::int`.as('unassigned'),
      sql<number>`count(*) FILTER (WHERE assigned_to = ${userId})::int`.as('mine'),
    ])
    .where('status', 'in', OPEN_STATUSES)
    .executeTakeFirstOrThrow();
  return r;
}

/** One queue row by reference (for a live-inserted or live-refreshed row). */
export async function queueRowByReference(db: Db, reference: string): Promise<QueueRow | undefined> {
  const rows = await baseQuery(db).where('enquiry.reference', '=', reference).execute();
  return rows[0] as QueueRow | undefined;
}

/**
 * The open incidents as queue groups: per incident, its linked enquiries that match the queue's
 * filters (a group none match is left out), worst due first. Few incidents are open at once, so
 * these are not paged; the page shows each group where its worst due falls.
 */
export async function listGroups(db: Db, f: QueueFilters, userId: string): Promise<QueueGroup[]> {
  // Histories list each enquiry as its own row, newest first: no group rows there.
  if (!sortsByDue(f)) return [];
  return groupsWhere(db, f, userId, null);
}

/** One open incident's group row with the default filters (open enquiries), for the live queue; undefined when it has none. */
export async function groupRow(db: Db, incidentId: string, userId: string): Promise<QueueGroup | undefined> {
  return (await groupsWhere(db, DEFAULT_FILTERS, userId, incidentId))[0];
}

async function groupsWhere(db: Db, f: QueueFilters, userId: string, incidentId: string | null): Promise<QueueGroup[]> {
  let q = db
    .selectFrom('enquiry')
    .innerJoin('incident', 'incident.id', 'enquiry.incident_id')
    .where('incident.closed_at', 'is', null)
    .where((eb) => where(eb, f, userId))
    .select([
      'incident.id as incident_id',
      'incident.name',
      sql<number>`count(*)::int`.as('count'),
      sql<number>`count(*) FILTER (WHERE enquiry.status IN (${sql.join(OPEN_STATUSES)}))::int`.as('open'),
      sql<Date | null>`min(coalesce(enquiry.deadline, enquiry.respond_by)) FILTER (WHERE enquiry.status IN (${sql.join(OPEN_STATUSES)}))`.as(
        'due',
      ),
      sql<
        GroupNewest[]
      >`(array_agg(json_build_object('reference', enquiry.reference, 'outlet', enquiry.outlet, 'received_at', enquiry.received_at) ORDER BY enquiry.received_at DESC, enquiry.id DESC))[1:${sql.lit(GROUP_NEWEST)}]`.as(
        'newest',
      ),
      sql<boolean>`coalesce(bool_or(enquiry.breached_at IS NOT NULL AND enquiry.status IN (${sql.join(OPEN_STATUSES)})), false)`.as(
        'breached',
      ),
      sql<boolean>`coalesce(bool_or(enquiry.warned_at IS NOT NULL AND enquiry.status IN (${sql.join(OPEN_STATUSES)})), false)`.as(
        'warned',
      ),
    ])
    .groupBy(['incident.id', 'incident.name'])
    .orderBy(
      sql`min(coalesce(enquiry.deadline, enquiry.respond_by)) FILTER (WHERE enquiry.status IN (${sql.join(OPEN_STATUSES)})) ASC NULLS LAST`,
    )
    .orderBy('incident.id', 'asc');
  if (incidentId) q = q.where('incident.id', '=', incidentId);
  const rows = await q.execute();
  return rows.map((r) => ({
    ...r,
    due: r.due ? new Date(r.due) : null,
    newest: (r.newest ?? []).map((n) => ({
      reference: n.reference,
      outlet: n.outlet,
      received_at: new Date(n.received_at),
    })),
  }));
}

type GroupNewest = { reference: string; outlet: string; received_at: string };

/** An open enquiry whose respond-by passed without a response recorded, for the queue's banner. */
export interface Breach {
  reference: string;
  subject: string;
  due: Date;
  deadline: boolean;
}

/**
 * Open enquiries whose respond-by passed with no response recorded (the deadline sweep set
 * `breached_at`), earliest first: every one for a manager (`assignedTo` null), else only those
 * assigned to that officer. At most `limit`, and how many there are in all.
 */
export async function breaches(
  db: Db,
  assignedTo: string | null,
  limit = 10,
): Promise<{ rows: Breach[]; total: number }> {
  let q = db
    .selectFrom('enquiry')
    .where('status', 'in', OPEN_STATUSES)
    .where('breached_at', 'is not', null)
    .where('first_response_at', 'is', null);
  if (assignedTo) q = q.where('assigned_to', '=', assignedTo);
  const [rows, total] = await Promise.all([
    q
      .select(['reference', 'subject', due.as('due'), sql<boolean>`deadline IS NOT NULL`.as('deadline')])
      .orderBy(sql`coalesce(enquiry.deadline, enquiry.respond_by) ASC NULLS LAST`)
      .orderBy('id', 'asc')
      .limit(limit)
      .execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.filter((r): r is Breach => r.due !== null), total: total.n };
}

/** Where the queue's search looks (issue 28): the enquiries themselves, or what the office said to them. */
export type SearchScope = 'enquiries' | 'said';

/** Keyset position in "what we said": the last row's words, by when they were said, newest first. */
export type SaidCursor = { at: Date; id: string };

/** One enquiry in "what we said": its newest words matching the search, with the matches marked. */
export interface SaidHit {
  enquiry_id: string;
  reference: string;
  subject: string;
  status: EnquiryStatus;
  outlet: string;
  /** The said row shown, when it was said and how. */
  said_id: string;
  at: Date;
  kind: string;
  /** ts_headline of the words: the matches between SAID_MARK.start and SAID_MARK.stop, at most about 35 words. */
  excerpt: string;
}

/** The marks ts_headline puts around each match in an excerpt (control characters: never in staff text). */
export const SAID_MARK = { start: '\u0002', stop: '\u0003' } as const;

/**
 * "What we said" (issue 28, item 5): enquiries whose responses, replies, lines or outcome messages
 * match `q` (websearch syntax, through the said_search GIN index), words not erased; each enquiry
 * once, by its newest matching words, newest first, keyset-paged on those words' (at, id). The
 * queue's other filters apply to the enquiry, except the default "open" (what was said mostly sits
 * on answered and closed enquiries). The excerpt is made only for the rows returned. Returns
 * `limit + 1` rows at most so the caller knows whether there is a next page.
 */
export async function searchSaid(
  db: Db,
  f: QueueFilters,
  userId: string,
  after: SaidCursor | null,
  limit: number,
): Promise<SaidHit[]> {
  if (!f.q) return [];
  return (await searchSaidQuery(db, f, userId, after, limit).execute()) as SaidHit[];
}

/** The query of `searchSaid` (`f.q` set), for it to run and for a test to EXPLAIN. */
export function searchSaidQuery(db: Db, f: QueueFilters, userId: string, after: SaidCursor | null, limit: number) {
  const filters: QueueFilters = { ...f, q: '', status: f.status === 'open' ? 'all' : f.status };
  const query = sql`websearch_to_tsquery('english', ${f.q})`;
  // The newest matching words of each enquiry: no newer row of the same enquiry matches. For a
  // rare phrase PostgreSQL finds the matches through said_search; for a common word it walks
  // said_at newest first and stops at the page (sql/20261208040000_said_newest.sql).
  let page = db
    .selectFrom('said')
    .innerJoin('enquiry', 'enquiry.id', 'said.enquiry_id')
    .select(['said.id', 'said.enquiry_id', 'said.at'])
    .where(sql<SqlBool>`said.search @@ ${query}`)
    .where('said.erased_at', 'is', null)
    .where((eb) => where(eb as unknown as ExpressionBuilder<Database, 'enquiry'>, filters, userId))
    .where(
      sql<SqlBool>`NOT EXISTS (SELECT 1 FROM said newer
                    WHERE newer.enquiry_id = said.enquiry_id AND (newer.at, newer.id) > (said.at, said.id)
                      AND newer.erased_at IS NULL AND newer.search @@ ${query})`,
    )
    .orderBy('said.at', 'desc')
    .orderBy('said.id', 'desc')
    .limit(limit + 1);
  if (after) page = page.where(sql<SqlBool>`(said.at, said.id) < (${after.at}::timestamptz, ${after.id}::bigint)`);
  return db
    .with('page', () => page)
    .selectFrom('page')
    .innerJoin('said', 'said.id', 'page.id')
    .innerJoin('enquiry', 'enquiry.id', 'page.enquiry_id')
    .select([
      'page.enquiry_id',
      'enquiry.reference',
      'enquiry.subject',
      'enquiry.status',
      'enquiry.outlet',
      'page.id as said_id',
      'page.at',
      'said.kind',
      sql<string>`ts_headline('english', said.text, ${query}, ${`StartSel=${SAID_MARK.start}, StopSel=${SAID_MARK.stop}, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`})`.as(
        'excerpt',
      ),
    ])
    .orderBy('page.at', 'desc')
    .orderBy('page.id', 'desc');
}
