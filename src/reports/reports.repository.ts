import { sql, type RawBuilder } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import type { Lang } from '../i18n/languages.js';
import {
  ENQUIRY_OUTCOMES,
  OPEN_STATUSES,
  type EnquiryChannel,
  type EnquiryOutcome,
  type EnquiryStatus,
} from '../enquiries/enquiry.model.js';
import type { EventKind } from '../enquiries/timeline.js';

/** A reporting period [from, to), the office time zone for day/hour buckets, and an optional officer. */
export interface ReportScope {
  from: Date;
  to: Date;
  timezone: string;
  /** Only enquiries assigned to this user (an officer's own figures). */
  assignedTo: string | null;
  /** The out-of-hours line, to count pages that reached it. */
  fallbackNumber: string;
  now: Date;
}

/** Median and 90th percentile in seconds (null when there is nothing to measure), with the count measured. */
export interface Spread {
  n: number;
  median: number | null;
  p90: number | null;
}

/**
 * SQL over an enquiry aliased `e`: `AND` the scope's officer filter (none for the whole office),
 * and never an enquiry merged into another (src/merging): the two are one request, counted once,
 * as the enquiry that carries it.
 */
export function scoped(s: ReportScope): RawBuilder<unknown> {
  return s.assignedTo
    ? sql`AND e.merged_into IS NULL AND e.assigned_to = ${s.assignedTo}`
    : sql`AND e.merged_into IS NULL`;
}

// The journalist closed it ("no longer needed"): not an answer, and not the office's close.
const WITHDRAWN: EnquiryStatus = 'withdrawn';
// Closed by an erasure request while open (src/privacy): nobody could answer it any more. Like a
// withdrawal it is not an answer and not the office's close, and its deadline stops at erasure.
const ERASED: EnquiryStatus = 'erased';
/** SQL over `e`: closed by someone other than the office (withdrawn or erased). */
const ENDED_ELSEWHERE = sql<boolean>`e.status IN (${WITHDRAWN}, ${ERASED})`;

/**
 * Outcomes that say the office owed the journalist no answer in the usual way (issue 28, item 4):
 * referred to the FOI team or to another organisation, not a media enquiry, a duplicate of another
 * enquiry (answered there). Reports count them apart: never as a missed deadline, a breach or an
 * enquiry still without a response, and never as met either (the deadline did not apply).
 */
export const NOT_OWED_OUTCOMES = [
  'referred_foi',
  'referred_other',
  'not_media',
  'duplicate',
] as const satisfies readonly EnquiryOutcome[];
/**
 * SQL over `e`: closed with one of NOT_OWED_OUTCOMES. Only while it stays closed: an enquiry
 * reopened is owed an answer again, whatever outcome it once had. Never null (a null outcome is
 * false here, so `NOT` of it is true): callers negate it.
 */
export const NOT_OWED = sql<boolean>`(e.outcome IS NOT NULL AND e.outcome = ANY(${NOT_OWED_OUTCOMES}::text[]) AND NOT (e.status = ANY(${OPEN_STATUSES}::text[])))`;

/**
 * When an unanswered enquiry's deadline stops being able to pass: at withdrawal for a withdrawn
 * one (a deadline still ahead then was no longer wanted; one already gone was missed), else now.
 */
function deadlineJudgedAt(s: Pick<ReportScope, 'now'>): RawBuilder<Date> {
  return sql<Date>`CASE WHEN ${ENDED_ELSEWHERE} THEN least(coalesce(e.closed_at, ${s.now}), ${s.now}) ELSE ${s.now} END`;
}

/**
 * The one definition of a missed deadline, as SQL over an enquiry aliased `e`: a first response
 * after the deadline, or none and the deadline had passed by `now` (for a withdrawn enquiry, by
 * its withdrawal); never for an enquiry closed as a referral, not a media enquiry or a duplicate
 * (NOT_OWED). False or null for an enquiry without a deadline. The per-incident report
 * (src/incidents/incident-report.repository.ts) and the report by topic and outlet count with it
 * too (the latter against the respond-by time: `missedBy`).
 */
export function missedDeadline(now: Date): RawBuilder<boolean> {
  return missedBy(sql`e.deadline`, now);
}

/** `missedDeadline` against another time of `e` (the respond-by time): the same rule, the same exceptions. */
export function missedBy(due: RawBuilder<unknown>, now: Date): RawBuilder<boolean> {
  return sql<boolean>`(NOT ${NOT_OWED} AND (e.first_response_at > ${due} OR (e.first_response_at IS NULL AND ${due} <= ${deadlineJudgedAt({ now })})))`;
}

/** `missedDeadline`'s other half: a first response at or before `due`, and not NOT_OWED. */
export function metBy(due: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`(NOT ${NOT_OWED} AND e.first_response_at <= ${due})`;
}

/** Timeline entries that can be a chase (`data.chase` true): status page additions, texts and emails. */
export const CHASE_KINDS = ['journalist_added', 'sms_in', 'email_in'] as const satisfies readonly EventKind[];
/** How a chase reached the office. */
export type ChaseKind = (typeof CHASE_KINDS)[number];

/** Replaces the stored office calendar with these opening periods (one transaction). */
export async function replaceOfficePeriods(db: Db, periods: Array<{ start: Date; end: Date }>): Promise<void> {
  await db.transaction().execute(async (tx: Tx) => {
    await sql`DELETE FROM office_period`.execute(tx);
    for (let i = 0; i < periods.length; i += 1000) {
      const chunk = periods.slice(i, i + 1000);
      await sql`INSERT INTO office_period (starts_at, ends_at)
                SELECT * FROM unnest(${chunk.map((p) => p.start.toISOString())}::timestamptz[], ${chunk.map((p) => p.end.toISOString())}::timestamptz[])`.execute(
        tx,
      );
    }
  });
}

/**
 * Enquiries received in the period by the language they are answered in (issue 31), the same
 * enquiries `received` counts; asked for only when the office offers more than one language.
 */
export async function receivedByLanguage(db: Db, s: ReportScope): Promise<Array<{ language: Lang; n: number }>> {
  const r = await sql<{ language: Lang; n: number }>`
    SELECT e.language, count(*)::int AS n
      FROM enquiry e
     WHERE e.received_at >= ${s.from} AND e.received_at < ${s.to} ${scoped(s)}
     GROUP BY e.language`.execute(db);
  return r.rows;
}

/** Enquiries received in the period by channel and in/out of hours, by office-local day and by hour: one scan. */
export async function received(db: Db, s: ReportScope) {
  const r = await sql<{
    channel: EnquiryChannel | null;
    out_of_hours: boolean | null;
    day: string | null;
    hour: number | null;
    n: number;
    g: number;
  }>`
    SELECT channel, out_of_hours, day, hour, count(*)::int AS n, GROUPING(channel, out_of_hours, day, hour) AS g
      FROM (SELECT e.channel, e.out_of_hours,
                   to_char(e.received_at AT TIME ZONE ${s.timezone}, 'YYYY-MM-DD') AS day,
                   extract(hour FROM e.received_at AT TIME ZONE ${s.timezone})::int AS hour
              FROM enquiry e
             WHERE e.received_at >= ${s.from} AND e.received_at < ${s.to} ${scoped(s)}) x
     GROUP BY GROUPING SETS ((channel, out_of_hours), (day), (hour))`.execute(db);
  // GROUPING() bits: channel, out_of_hours, day, hour (1 = aggregated away).
  const totals = r.rows
    .filter((x) => x.g === 0b0011)
    .map((x) => ({ channel: x.channel!, out_of_hours: x.out_of_hours!, n: x.n }));
  const byDay = r.rows
    .filter((x) => x.g === 0b1101)
    .map((x) => ({ day: x.day!, n: x.n }))
    .sort((a, b) => a.day.localeCompare(b.day));
  const byHour = r.rows
    .filter((x) => x.g === 0b1110)
    .map((x) => ({ hour: x.hour!, n: x.n }))
    .sort((a, b) => a.hour - b.hour);
  return { totals, byDay, byHour };
}

/**
 * Time from receipt to first response and to close for enquiries received in the period, in
 * elapsed and working time (median, 90th percentile), how many still lack each, and the
 * deadline outcomes (met: first response at or before the deadline; missed: a later response,
 * or none and the deadline has passed; pending: no response, the deadline still ahead). One scan.
 *
 * Withdrawn enquiries are not answers: one withdrawn without a response is not "still without"
 * one, is not pending, and counts as missed only when its deadline had passed before the
 * journalist withdrew it (otherwise `withdrawnBeforeDeadline`). They are left out of the time to
 * close, which the journalist ended, not the office. A first response given before the
 * withdrawal is still measured. `withdrawn` counts them (received in the period). Enquiries
 * closed as erased (an erasure request while open) are left out the same way, counted nowhere
 * as answered, pending or missed after their erasure. Enquiries closed as a referral, not a media
 * enquiry or a duplicate (NOT_OWED) are neither met, missed, pending nor "still without" a
 * response (`notOwed` counts those with a deadline); a response they got is still measured.
 */
export async function timings(db: Db, s: ReportScope) {
  const r = await sql<Record<string, number | null>>`
    WITH m AS (
      SELECT extract(epoch FROM e.first_response_at - e.received_at) AS fe,
             CASE WHEN e.first_response_at IS NOT NULL THEN coalesce(e.first_response_working_s, office_working_seconds(e.received_at, e.first_response_at)) END AS fw,
             CASE WHEN NOT ${ENDED_ELSEWHERE} THEN extract(epoch FROM e.closed_at - e.received_at) END AS ce,
             CASE WHEN e.closed_at IS NOT NULL AND NOT ${ENDED_ELSEWHERE} THEN coalesce(e.close_working_s, office_working_seconds(e.received_at, e.closed_at)) END AS cw,
             ${ENDED_ELSEWHERE} AS ended, e.status = ${WITHDRAWN} AS wd, ${deadlineJudgedAt(s)} AS judged_at,
             ${NOT_OWED} AS not_owed, e.deadline, e.first_response_at
        FROM enquiry e
       WHERE e.received_at >= ${s.from} AND e.received_at < ${s.to} ${scoped(s)}
    )
    SELECT count(fe)::int AS f_n, count(*) FILTER (WHERE fe IS NULL AND NOT ended AND NOT not_owed)::int AS f_without,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY fe) AS fe50, percentile_cont(0.9) WITHIN GROUP (ORDER BY fe) AS fe90,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY fw) AS fw50, percentile_cont(0.9) WITHIN GROUP (ORDER BY fw) AS fw90,
           count(ce)::int AS c_n, count(*) FILTER (WHERE ce IS NULL AND NOT ended)::int AS c_without,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY ce) AS ce50, percentile_cont(0.9) WITHIN GROUP (ORDER BY ce) AS ce90,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY cw) AS cw50, percentile_cont(0.9) WITHIN GROUP (ORDER BY cw) AS cw90,
           count(*) FILTER (WHERE first_response_at <= deadline AND NOT not_owed)::int AS met,
           count(*) FILTER (WHERE NOT not_owed AND (first_response_at > deadline OR (first_response_at IS NULL AND deadline <= judged_at)))::int AS missed,
           count(*) FILTER (WHERE first_response_at IS NULL AND deadline > ${s.now} AND NOT ended AND NOT not_owed)::int AS pending,
           count(*) FILTER (WHERE deadline IS NOT NULL AND not_owed)::int AS not_owed,
           count(*) FILTER (WHERE first_response_at IS NULL AND deadline > judged_at AND wd)::int AS w_before_deadline,
           count(*) FILTER (WHERE wd)::int AS w_n,
           count(*) FILTER (WHERE wd AND first_response_at IS NOT NULL)::int AS w_responded
      FROM m`.execute(db);
  const x = r.rows[0];
  const spread = (n: number | null, median: number | null, p90: number | null): Spread => ({ n: n ?? 0, median, p90 });
  return {
    firstResponse: {
      elapsed: spread(x.f_n, x.fe50, x.fe90),
      working: spread(x.f_n, x.fw50, x.fw90),
      without: x.f_without ?? 0,
    },
    close: {
      elapsed: spread(x.c_n, x.ce50, x.ce90),
      working: spread(x.c_n, x.cw50, x.cw90),
      without: x.c_without ?? 0,
    },
    deadlines: {
      met: x.met ?? 0,
      missed: x.missed ?? 0,
      pending: x.pending ?? 0,
      withdrawnBeforeDeadline: x.w_before_deadline ?? 0,
      notOwed: x.not_owed ?? 0,
    },
    withdrawn: { total: x.w_n ?? 0, afterFirstResponse: x.w_responded ?? 0 },
  };
}

/** The enquiries whose deadline was missed (by the same rule as `timings`), latest deadline first (at most 200). */
export async function missedDeadlines(db: Db, s: ReportScope) {
  const missed = await sql<{
    reference: string;
    outlet: string;
    subject: string;
    deadline: Date;
    first_response_at: Date | null;
    status: string;
  }>`
    SELECT e.reference, e.outlet, e.subject, e.deadline, e.first_response_at, e.status
      FROM enquiry e
     WHERE e.deadline IS NOT NULL AND e.received_at >= ${s.from} AND e.received_at < ${s.to} ${scoped(s)}
       AND ${missedDeadline(s.now)}
     ORDER BY e.deadline DESC LIMIT 200`.execute(db);
  return missed.rows;
}

/**
 * Deadline warnings and breaches announced in the period (by when: `warned_at`, `breached_at`),
 * whenever the enquiry was received. An enquiry whose respond-by time moved and was warned
 * again counts once, at its latest warning (only the latest is kept). A breach of an enquiry since
 * closed as a referral, not a media enquiry or a duplicate (NOT_OWED) is not counted: the office
 * owed no answer by that time. Its warning still is (the desk was warned).
 */
export async function deadlineAlerts(db: Db, s: ReportScope): Promise<{ warnings: number; breaches: number }> {
  const r = await sql<{ warnings: number; breaches: number }>`
    SELECT count(*) FILTER (WHERE e.warned_at >= ${s.from} AND e.warned_at < ${s.to})::int AS warnings,
           count(*) FILTER (WHERE e.breached_at >= ${s.from} AND e.breached_at < ${s.to} AND NOT ${NOT_OWED})::int AS breaches
      FROM enquiry e
     WHERE ((e.warned_at >= ${s.from} AND e.warned_at < ${s.to}) OR (e.breached_at >= ${s.from} AND e.breached_at < ${s.to})) ${scoped(s)}`.execute(
    db,
  );
  return r.rows[0] ?? { warnings: 0, breaches: 0 };
}

/** Open enquiries now, by how long ago they arrived. */
export async function backlogByAge(db: Db, s: ReportScope): Promise<Array<{ band: string; n: number }>> {
  const r = await sql<{ band: string; n: number }>`
    WITH o AS (
      SELECT extract(epoch FROM ${s.now}::timestamptz - e.received_at) / 3600 AS hours
        FROM enquiry e
       WHERE e.status = ANY(${OPEN_STATUSES}::text[]) ${scoped(s)}
    )
    SELECT b.band, count(o.hours)::int AS n
      FROM (VALUES (1, 'under 4 hours', 0, 4), (2, '4 to 24 hours', 4, 24), (3, '1 to 3 days', 24, 72), (4, '3 to 7 days', 72, 168), (5, 'over 7 days', 168, 1e9))
           AS b(ord, band, lo, hi)
      LEFT JOIN o ON o.hours >= b.lo AND o.hours < b.hi
     GROUP BY b.ord, b.band ORDER BY b.ord`.execute(db);
  return r.rows;
}

/**
 * Open enquiries at the end of each office-local day of the period: those received before that
 * moment and not yet answered or closed by it. Computed as a running sum of arrivals minus
 * resolutions, so a year costs one pass over the period's rows.
 */
export async function openTrend(db: Db, s: ReportScope): Promise<Array<{ day: string; open: number }>> {
  const r = await sql<{ day: string; open: number }>`
    WITH days AS (
      SELECT d::date AS day, ((d::date + 1)::timestamp AT TIME ZONE ${s.timezone}) AS day_end
        FROM generate_series((${s.from}::timestamptz AT TIME ZONE ${s.timezone})::date,
                             ((${s.to}::timestamptz - interval '1 microsecond') AT TIME ZONE ${s.timezone})::date, interval '1 day') AS d
    ),
    base AS (
      SELECT count(*)::int AS n FROM enquiry e
       WHERE e.received_at < ${s.from} AND (e.resolved_at IS NULL OR e.resolved_at >= ${s.from}) ${scoped(s)}
    ),
    moves AS (
      SELECT (e.received_at AT TIME ZONE ${s.timezone})::date AS day, 1 AS delta FROM enquiry e
       WHERE e.received_at >= ${s.from} AND e.received_at < ${s.to} ${scoped(s)}
      UNION ALL
      SELECT (e.resolved_at AT TIME ZONE ${s.timezone})::date, -1 FROM enquiry e
       WHERE e.resolved_at >= ${s.from} AND e.resolved_at < ${s.to} ${scoped(s)}
    ),
    per_day AS (SELECT day, sum(delta)::int AS delta FROM moves GROUP BY day)
    SELECT to_char(days.day, 'YYYY-MM-DD') AS day,
           ((SELECT n FROM base) + coalesce(sum(coalesce(per_day.delta, 0)) OVER (ORDER BY days.day), 0))::int AS open
      FROM days LEFT JOIN per_day ON per_day.day = days.day
     ORDER BY days.day`.execute(db);
  return r.rows;
}

/**
 * Out-of-hours pages created in the period: how many, time from the first page SMS to the
 * acknowledgement (median, 90th percentile), how many went past the first step, how many
 * reached the out-of-hours line, and how many nobody acknowledged.
 */
export async function pages(db: Db, s: ReportScope) {
  const r = await sql<{
    n: number;
    acknowledged: number;
    exhausted: number;
    escalated: number;
    fallback: number;
    a50: number | null;
    a90: number | null;
  }>`
    WITH p AS (
      SELECT pg.id, pg.status, pg.acknowledged_at,
             (SELECT min(m.sent_at) FROM page_step st JOIN outbound_message m ON m.id = st.outbound_id WHERE st.page_id = pg.id AND st.state = 'sent') AS first_sent,
             EXISTS (SELECT 1 FROM page_step st WHERE st.page_id = pg.id AND st.step_index > 0 AND st.state IN ('sent', 'failed')) AS escalated,
             EXISTS (SELECT 1 FROM page_step st WHERE st.page_id = pg.id AND st.to_number = ${s.fallbackNumber} AND st.state = 'sent') AS fallback
        FROM page pg JOIN enquiry e ON e.id = pg.enquiry_id
       WHERE pg.created_at >= ${s.from} AND pg.created_at < ${s.to} ${scoped(s)}
    )
    SELECT count(*)::int AS n,
           count(*) FILTER (WHERE status = 'acknowledged')::int AS acknowledged,
           count(*) FILTER (WHERE status = 'exhausted')::int AS exhausted,
           count(*) FILTER (WHERE escalated)::int AS escalated,
           count(*) FILTER (WHERE fallback)::int AS fallback,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM acknowledged_at - first_sent)) FILTER (WHERE acknowledged_at IS NOT NULL AND first_sent IS NOT NULL) AS a50,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM acknowledged_at - first_sent)) FILTER (WHERE acknowledged_at IS NOT NULL AND first_sent IS NOT NULL) AS a90
      FROM p`.execute(db);
  const x = r.rows[0];
  return {
    n: x.n,
    acknowledged: x.acknowledged,
    exhausted: x.exhausted,
    escalated: x.escalated,
    fallback: x.fallback,
    toAck: { n: x.acknowledged, median: x.a50, p90: x.a90 } as Spread,
  };
}

/**
 * Chases (follow-ups that only ask for news) that arrived in the period, on enquiries in scope:
 * how many, on how many enquiries, by route, and per office-local day of the period (every day,
 * zero included, so a fall in chasing shows). Counted by when the chase arrived, whenever the
 * enquiry was received.
 */
export async function chases(db: Db, s: ReportScope) {
  const r = await sql<{
    total: number;
    enquiries: number;
    by_kind: Array<{ kind: ChaseKind; n: number }> | null;
    by_day: Array<{ day: string; n: number }>;
  }>`
    WITH c AS (
      SELECT ev.enquiry_id, ev.kind, (ev.at AT TIME ZONE ${s.timezone})::date AS day
        FROM enquiry_event ev JOIN enquiry e ON e.id = ev.enquiry_id
       WHERE ev.kind = ANY(${CHASE_KINDS}::text[]) AND ev.at >= ${s.from} AND ev.at < ${s.to}
         AND ev.data @> '{"chase": true}'::jsonb ${scoped(s)}
    ),
    days AS (
      SELECT d::date AS day
        FROM generate_series((${s.from}::timestamptz AT TIME ZONE ${s.timezone})::date,
                             ((${s.to}::timestamptz - interval '1 microsecond') AT TIME ZONE ${s.timezone})::date, interval '1 day') AS d
    )
    SELECT (SELECT count(*) FROM c)::int AS total,
           (SELECT count(DISTINCT enquiry_id) FROM c)::int AS enquiries,
           (SELECT json_agg(json_build_object('kind', kind, 'n', n)) FROM (SELECT kind, count(*)::int AS n FROM c GROUP BY kind) k) AS by_kind,
           (SELECT json_agg(json_build_object('day', to_char(days.day, 'YYYY-MM-DD'), 'n', coalesce(per.n, 0)) ORDER BY days.day)
              FROM days LEFT JOIN (SELECT day, count(*)::int AS n FROM c GROUP BY day) per ON per.day = days.day) AS by_day`.execute(
    db,
  );
  const x = r.rows[0];
  const byKind = Object.fromEntries(
    CHASE_KINDS.map((k) => [k, x.by_kind?.find((b) => b.kind === k)?.n ?? 0]),
  ) as Record<ChaseKind, number>;
  return { total: x.total, enquiries: x.enquiries, byKind, byDay: x.by_day ?? [] };
}

// An enquiry in one of these takes no more answers from colleagues (src/colleagues/questions.service.ts): nobody waits on them any longer.
const QUESTIONS_END: EnquiryStatus[] = ['closed', WITHDRAWN, ERASED];

/** One department's line of the time spent waiting on colleagues (a question to each colleague counted once). */
export interface ColleagueWaitRow {
  /** The colleague's department in the directory: '' when none was given, null when not recorded (the colleague was erased). */
  department: string | null;
  /** Colleagues asked (a question to three colleagues counts three times, once in each department). */
  asked: number;
  /** Of them, colleagues who have answered. */
  answered: number;
  /** Not answered, the question still open and its enquiry not finished (closed, withdrawn or erased). */
  waiting: number;
  /** Answered after the question's due time. */
  answeredLate: number;
  /** Elapsed time from asking to each colleague's first answer, in minutes, over those who answered (the figures round to a tenth). */
  toFirstAnswer: { n: number; medianMinutes: number | null; p90Minutes: number | null };
}

/**
 * Time spent waiting on colleagues outside the desk (issue 26, item 5): questions asked in the
 * period (by `asked_at`) about enquiries in scope, counted once per colleague asked, by the
 * colleague's department now, with the total. A recipient whose colleague was erased
 * (`colleague_id` null) stays counted, under department null. One scan; the total is the
 * `ROLLUP` row, so its percentiles are over every colleague asked, not a mean of departments.
 */
export async function waitingOnColleagues(
  db: Db,
  s: ReportScope,
): Promise<{ byDepartment: ColleagueWaitRow[]; total: ColleagueWaitRow }> {
  const r = await sql<{
    department: string | null;
    g: number;
    asked: number;
    answered: number;
    waiting: number;
    late: number;
    n: number;
    m50: number | null;
    m90: number | null;
  }>`
    WITH r AS (
      SELECT CASE WHEN c.id IS NULL THEN NULL ELSE c.department END AS department,
             qr.answered_at, q.due_at,
             (qr.answered_at IS NULL AND q.state = 'open' AND NOT (e.status = ANY(${QUESTIONS_END}::text[]))) AS waiting,
             extract(epoch FROM qr.answered_at - q.asked_at) / 60 AS minutes
        FROM question_recipient qr
        JOIN colleague_question q ON q.id = qr.question_id
        JOIN enquiry e ON e.id = q.enquiry_id
        LEFT JOIN colleague c ON c.id = qr.colleague_id
       WHERE q.asked_at >= ${s.from} AND q.asked_at < ${s.to} ${scoped(s)}
    )
    SELECT department, GROUPING(department) AS g, count(*)::int AS asked, count(answered_at)::int AS answered,
           count(*) FILTER (WHERE waiting)::int AS waiting,
           count(*) FILTER (WHERE answered_at > due_at)::int AS late,
           count(minutes)::int AS n,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes) AS m50,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY minutes) AS m90
      FROM r
     GROUP BY ROLLUP (department)
     ORDER BY GROUPING(department), department IS NULL, department = '', lower(department), department`.execute(db);
  const row = (x: (typeof r.rows)[number]): ColleagueWaitRow => ({
    department: x.department,
    asked: x.asked,
    answered: x.answered,
    waiting: x.waiting,
    answeredLate: x.late,
    toFirstAnswer: { n: x.n, medianMinutes: x.m50, p90Minutes: x.m90 },
  });
  const total = r.rows.find((x) => x.g === 1);
  return {
    byDepartment: r.rows.filter((x) => x.g === 0).map(row),
    total: total
      ? row(total)
      : {
          department: null,
          asked: 0,
          answered: 0,
          waiting: 0,
          answeredLate: 0,
          toFirstAnswer: { n: 0, medianMinutes: null, p90Minutes: null },
        },
  };
}

/** How an enquiry received in a period stands, for the outcome counts: an outcome, or why it has none. */
export type OutcomeBucket = EnquiryOutcome | 'open' | 'withdrawn' | 'erased' | 'not_recorded';
/** Every bucket, in the order the reports list them. */
export const OUTCOME_BUCKETS = [
  ...ENQUIRY_OUTCOMES,
  'not_recorded',
  'withdrawn',
  'erased',
  'open',
] as const satisfies readonly OutcomeBucket[];

/**
 * SQL over `e`: its OutcomeBucket. Open (whatever outcome it once had: reopened) is 'open';
 * otherwise its recorded outcome; without one, withdrawn or erased by status, else 'not_recorded'
 * (answered or closed before the desk recorded outcomes). Erasure keeps the outcome.
 */
const outcomeOf = sql<OutcomeBucket>`CASE WHEN e.status = ANY(${OPEN_STATUSES}::text[]) THEN 'open'
  WHEN e.outcome IS NOT NULL THEN e.outcome
  WHEN ${ENDED_ELSEWHERE} THEN e.status
  ELSE 'not_recorded' END`;

/** Enquiries received in the period by OutcomeBucket (every bucket, zero included): one scan. */
export async function outcomes(db: Db, s: ReportScope): Promise<Record<OutcomeBucket, number>> {
  const r = await sql<{ bucket: OutcomeBucket; n: number }>`
    SELECT ${outcomeOf} AS bucket, count(*)::int AS n
      FROM enquiry e
     WHERE e.received_at >= ${s.from} AND e.received_at < ${s.to} ${scoped(s)}
     GROUP BY 1`.execute(db);
  const counts = Object.fromEntries(OUTCOME_BUCKETS.map((b) => [b, 0])) as Record<OutcomeBucket, number>;
  for (const x of r.rows) counts[x.bucket] = x.n;
  return counts;
}

/** The enquiries behind a report, one row each, for CSV export (streamed in id order by the caller). */
export async function enquiriesForExport(db: Db, s: ReportScope, afterId: string | null, limit: number) {
  const r = await sql<Record<string, unknown> & { id: string }>`
    SELECT e.id, e.reference, e.channel, e.language, e.status, e.urgent, e.urgent_reason, e.out_of_hours,
           e.received_at, e.deadline, e.respond_by, e.first_response_at, e.closed_at, e.resolved_at,
           u.email AS assigned_to, e.outlet, e.subject,
           extract(epoch FROM e.first_response_at - e.received_at)::bigint AS first_response_seconds,
           coalesce(e.first_response_working_s, office_working_seconds(e.received_at, e.first_response_at))::bigint AS first_response_working_seconds,
           CASE WHEN e.deadline IS NULL THEN NULL
                WHEN ${NOT_OWED} THEN e.outcome
                WHEN e.first_response_at <= e.deadline THEN 'met'
                WHEN e.first_response_at > e.deadline OR e.deadline <= ${deadlineJudgedAt(s)} THEN 'missed'
                WHEN ${ENDED_ELSEWHERE} THEN e.status
                ELSE 'pending' END AS deadline_outcome,
           pg.status AS page_status, pg.acknowledged_at AS page_acknowledged_at,
           ${outcomeOf} AS outcome, e.outcome_org
      FROM enquiry e
      LEFT JOIN app_user u ON u.id = e.assigned_to
      LEFT JOIN page pg ON pg.enquiry_id = e.id
     WHERE e.received_at >= ${s.from} AND e.received_at < ${s.to} ${scoped(s)}
       AND (${afterId}::bigint IS NULL OR e.id > ${afterId}::bigint)
     ORDER BY e.id LIMIT ${limit}`.execute(db);
  return r.rows;
}
