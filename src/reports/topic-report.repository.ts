import { sql, type RawBuilder } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import { OPEN_STATUSES } from '../enquiries/enquiry.model.js';
import { metBy, missedBy, NOT_OWED, type ReportScope, scoped } from './reports.repository.js';

/**
 * The report by topic and outlet (issue 28, item 6): the same measures for each group and month,
 * month by month in office time. SQL only here; src/reports/topic-report.service.ts shapes it.
 */

/** The measures of one group (a topic, an outlet, or every enquiry) in one month or over the months shown. */
export interface GroupMeasures {
  /** Enquiries received. */
  received: number;
  /** Of them, given a first response. */
  answered: number;
  /** Working (office-time) seconds to the first response, over those answered. */
  firstResponseWorking: { n: number; median: number | null; p90: number | null };
  /**
   * Against the respond-by time (the journalist's deadline or the office's target, whichever is
   * first), by the rule of the main reports' missed deadline (`missedBy`): met, missed, and those
   * closed as a referral, not a media enquiry or a duplicate (neither).
   */
  respondBy: { met: number; missed: number; notOwed: number };
  /** Library lines said to the journalist unchanged (each time counts), and enquiries closed "answered with a line". */
  linesUsed: number;
  answeredWithLine: number;
  referredFoi: number;
  referredOther: number;
  notMedia: number;
  duplicate: number;
}

/** One row of a report query: a group's measures in one month (`month` 'YYYY-MM'), or over every month shown (`month` null). */
export interface GroupRow extends GroupMeasures {
  key: string;
  month: string | null;
}

/** What a report query covers: the scope (`from` may be a month before `shownFrom`, counted for the month-on-month change only). */
export interface MonthsScope extends ReportScope {
  /** The first month shown: the whole-period figures (`month` null) count from here. */
  shownFrom: Date;
}

/** The key of the "every enquiry, once" group of the topic query. */
export const ALL_KEY = 'all';
/** The key of enquiries without a topic. */
export const NO_TOPIC_KEY = 'none';
/** The key of the outlets outside the top ones (a folded outlet never starts with a space). */
export const OTHER_OUTLETS_KEY = ' other';

/**
 * Each enquiry received in the scope, once, with what the measures need, and `extra` columns.
 * Planned (EXPLAIN at 300,000 enquiries, 88,000 in seven months): a range scan of
 * `enquiry_received`, the lines from the partial index `said_line`, topics by the primary key of
 * `enquiry_topic`, then one sort for the groups: no index of its own needed.
 */
function measuredEnquiries(s: MonthsScope, extra: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    SELECT e.id, to_char(date_trunc('month', e.received_at AT TIME ZONE ${s.timezone}), 'YYYY-MM') AS month,
           e.received_at >= ${s.shownFrom} AS shown,
           e.first_response_at IS NOT NULL AS answered,
           CASE WHEN e.first_response_at IS NOT NULL THEN coalesce(e.first_response_working_s, office_working_seconds(e.received_at, e.first_response_at)) END AS fw,
           CASE WHEN e.respond_by IS NULL THEN NULL
                WHEN ${NOT_OWED} THEN 'not_owed'
                WHEN ${metBy(sql`e.respond_by`)} THEN 'met'
                WHEN ${missedBy(sql`e.respond_by`, s.now)} THEN 'missed' END AS due,
           CASE WHEN e.status = ANY(${OPEN_STATUSES}::text[]) THEN NULL ELSE e.outcome END AS outcome,
           coalesce(l.n, 0) AS lines ${extra}
      FROM enquiry e
      LEFT JOIN (SELECT sd.enquiry_id, count(*)::int AS n FROM said sd
                  WHERE sd.line_id IS NOT NULL AND sd.at >= ${s.from} GROUP BY sd.enquiry_id) l ON l.enquiry_id = e.id
     WHERE e.received_at >= ${s.from} AND e.received_at < ${s.to} ${scoped(s)}`;
}

// The columns of measuredEnquiries that MEASURES reads, and no more: the keyed rows are sorted, so narrow rows stay in memory.
const KEYED = sql`e.month, e.shown, e.answered, e.fw, e.due, e.outcome, e.lines`;

/**
 * The measures over keyed rows `k` (key, month, shown and the columns of measuredEnquiries), by
 * key and month and by key over the months shown (the `shown` false group, the month before, is
 * dropped by the caller). The second grouping set is a prefix of the first: one sort serves both.
 */
const MEASURES = sql`
    SELECT key, month, shown, GROUPING(month) AS g, count(*)::int AS received, count(*) FILTER (WHERE answered)::int AS answered,
           count(fw)::int AS fw_n,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY fw) AS fw50, percentile_cont(0.9) WITHIN GROUP (ORDER BY fw) AS fw90,
           count(*) FILTER (WHERE due = 'met')::int AS met, count(*) FILTER (WHERE due = 'missed')::int AS missed,
           count(*) FILTER (WHERE due = 'not_owed')::int AS not_owed,
           coalesce(sum(lines), 0)::int AS lines, count(*) FILTER (WHERE outcome = 'answered_with_line')::int AS with_line,
           count(*) FILTER (WHERE outcome = 'referred_foi')::int AS foi, count(*) FILTER (WHERE outcome = 'referred_other')::int AS other,
           count(*) FILTER (WHERE outcome = 'not_media')::int AS not_media, count(*) FILTER (WHERE outcome = 'duplicate')::int AS duplicate
      FROM k
     GROUP BY GROUPING SETS ((key, shown, month), (key, shown))`;

type MeasureRow = {
  key: string;
  month: string | null;
  shown: boolean | null;
  g: number;
  received: number;
  answered: number;
  fw_n: number;
  fw50: number | null;
  fw90: number | null;
  met: number;
  missed: number;
  not_owed: number;
  lines: number;
  with_line: number;
  foi: number;
  other: number;
  not_media: number;
  duplicate: number;
};

/**
 * Runs a report query in its own transaction with PostgreSQL's JIT compilation off. The planner's
 * guess of the keyed rows puts these queries over the JIT thresholds, and compiling took longer
 * (0.8 s at 300,000 enquiries) than it saved: they are one pass and a sort. (A larger work_mem, to
 * sort in memory, measured slower, so it is left alone.)
 */
async function withoutJit<T>(db: Db, run: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`SET LOCAL jit = off`.execute(tx);
    return run(tx);
  });
}

/** The rows of a measures query as GroupRows: by month, and over the months shown (the month before's whole-period group dropped). */
function groupRows(rows: MeasureRow[]): GroupRow[] {
  return rows
    .filter((x) => x.g === 0 || x.shown === true)
    .map((x) => ({
      key: x.key,
      month: x.g === 0 ? x.month : null,
      received: x.received,
      answered: x.answered,
      firstResponseWorking: { n: x.fw_n, median: x.fw50, p90: x.fw90 },
      respondBy: { met: x.met, missed: x.missed, notOwed: x.not_owed },
      linesUsed: x.lines,
      answeredWithLine: x.with_line,
      referredFoi: x.foi,
      referredOther: x.other,
      notMedia: x.not_media,
      duplicate: x.duplicate,
    }));
}

/**
 * By topic: each topic's id as the key (an enquiry with two topics counts under each),
 * NO_TOPIC_KEY for enquiries without one, and ALL_KEY for every enquiry once. One query.
 */
export async function byTopic(db: Db, s: MonthsScope): Promise<GroupRow[]> {
  const r = await withoutJit(db, (tx) =>
    sql<MeasureRow>`
    WITH e AS (${measuredEnquiries(s, sql`, coalesce((SELECT array_agg(et.topic_id::text) FROM enquiry_topic et WHERE et.enquiry_id = e.id), ARRAY[${NO_TOPIC_KEY}::text]) AS topics`)}),
    k AS (SELECT key, ${KEYED} FROM e CROSS JOIN LATERAL unnest(e.topics || ${ALL_KEY}::text) AS key)
    ${MEASURES}`.execute(tx),
  );
  return groupRows(r.rows);
}

/** The topics, by id: name, and archived or not (a report names an archived topic that still has enquiries). */
export async function topicNames(db: Db): Promise<Array<{ id: string; name: string; archived: boolean }>> {
  const r = await sql<{ id: string; name: string; archived: boolean }>`
    SELECT id::text AS id, name, archived_at IS NOT NULL AS archived FROM topic ORDER BY lower(name), id`.execute(db);
  return r.rows;
}

/**
 * By outlet, as a reader would group them: case folded, spaces trimmed and runs of them made one
 * ("BBC", "bbc " and " Bbc" are one outlet; so are "BBC  News" and "bbc news"). The `top` outlets
 * by enquiries received in the months shown are their own groups (key: the folded name; `names`
 * gives each its most common spelling); the rest are OTHER_OUTLETS_KEY. A spelling merged into an
 * outlet on the desk's Outlets page counts as that outlet, named by its one name. One query.
 */
export async function byOutlet(
  db: Db,
  s: MonthsScope,
  top: number,
): Promise<{ rows: GroupRow[]; names: Map<string, string> }> {
  const typed = sql`btrim(regexp_replace(lower(e.outlet), '\\s+', ' ', 'g'))`;
  // A spelling merged into an outlet (issue 29: src/journalists' outlet_spelling) counts as the
  // outlet, under its one name; any other is grouped as typed.
  const named = sql`(SELECT o.name FROM outlet_spelling os JOIN outlet o ON o.id = os.outlet_id WHERE os.spelling = ${typed})`;
  const folded = sql`coalesce(lower(${named}), ${typed})`;
  const spelt = sql`coalesce(${named}, btrim(regexp_replace(e.outlet, '\\s+', ' ', 'g')))`;
  const r = await withoutJit(db, (tx) =>
    sql<MeasureRow & { name: string | null }>`
    WITH e AS MATERIALIZED (${measuredEnquiries(s, sql`, ${folded} AS okey, ${spelt} AS spelt`)}),
    top AS (
      SELECT okey, mode() WITHIN GROUP (ORDER BY spelt) AS name
        FROM e WHERE shown GROUP BY okey ORDER BY count(*) DESC, okey LIMIT ${top}
    ),
    k AS (SELECT coalesce(top.okey, ${OTHER_OUTLETS_KEY}::text) AS key, ${KEYED} FROM e LEFT JOIN top ON top.okey = e.okey),
    m AS (${MEASURES})
    SELECT m.*, top.name FROM m LEFT JOIN top ON top.okey = m.key`.execute(tx),
  );
  const names = new Map<string, string>();
  for (const x of r.rows) if (x.name !== null) names.set(x.key, x.name);
  return { rows: groupRows(r.rows), names };
}
