import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { ERASED } from '../db/erased.js';
import type { EnquiryStatus } from '../enquiries/enquiry.model.js';
import type { EventData, EventKind, SignOffOutcome } from '../enquiries/timeline.js';
import { scoped, type ReportScope } from './reports.repository.js';

// Sign-off ends with the enquiry (src/statements/signoff.service.ts: its links stop working), so a
// request still marked pending on one of these keeps nobody waiting any longer.
const SIGNOFF_ENDS: EnquiryStatus[] = ['closed', 'withdrawn', 'erased'];

// The timeline entries that release a response to the journalist's status page (with `released` true).
const RELEASE_KINDS = ['response_recorded', 'response_released'] as const satisfies readonly EventKind[];
const OVERRIDE_KIND: EventKind = 'signoff_overridden';

/** The outcomes a release records (`data.signOff`); anything else, or none, is an older entry. */
const OUTCOMES = ['not_required', 'approved', 'overridden'] as const satisfies readonly SignOffOutcome[];

/** One approver's line of the time spent in sign-off (each request to them counted once). */
export interface ApproverRow {
  /** The approver's name as the request recorded it (with their role); null when erased from the directory. */
  approver: string | null;
  /** Requests sent to them in the period. */
  sent: number;
  /** Of them, decided: approved (with or without edits) or returned with changes. */
  decided: number;
  /** Of the decided, returned with changes. */
  returned: number;
  /** Undecided, still theirs to decide (not superseded, and the enquiry not finished). */
  pending: number;
  /** Elapsed time from sending to the decision, in minutes, over the decided requests. */
  toDecision: { n: number; medianMinutes: number | null; p90Minutes: number | null };
}

/**
 * Time in sign-off (issue 26, item 5): requests for sign-off sent in the period (by `sent_at`)
 * about enquiries in scope, by the approver's name, with the total (the `ROLLUP` row, so its
 * percentiles are over every request, not a mean of approvers). A request whose approver was
 * erased from the directory (its name replaced by the erasure marker) stays counted, under null,
 * all such approvers together. Requests voided (the words changed, or another approver decided
 * first) count as sent, neither decided nor pending. A draft that is not an enquiry's response
 * (an incident's line) has no enquiry: the office's figures count it, an officer's do not (the
 * scope's filter is on the enquiry), and it is pending while its request is.
 */
export async function timeInSignOff(
  db: Db,
  s: ReportScope,
): Promise<{ byApprover: ApproverRow[]; total: ApproverRow }> {
  const r = await sql<{
    approver: string | null;
    g: number;
    sent: number;
    decided: number;
    returned: number;
    pending: number;
    m50: number | null;
    m90: number | null;
  }>`
    WITH r AS (
      SELECT CASE WHEN r.name = ${ERASED} THEN NULL ELSE r.name END AS approver,
             r.state,
             (r.state = 'pending' AND NOT coalesce(e.status = ANY(${SIGNOFF_ENDS}::text[]), false)) AS pending,
             CASE WHEN r.state IN ('approved', 'returned') THEN extract(epoch FROM r.decided_at - r.sent_at) / 60 END AS minutes
        FROM signoff_request r
        JOIN statement_draft d ON d.id = r.draft_id
        LEFT JOIN enquiry e ON e.id = d.enquiry_id
       WHERE r.sent_at >= ${s.from} AND r.sent_at < ${s.to} ${scoped(s)}
    )
    SELECT approver, GROUPING(approver) AS g, count(*)::int AS sent, count(minutes)::int AS decided,
           count(*) FILTER (WHERE state = 'returned')::int AS returned,
           count(*) FILTER (WHERE pending)::int AS pending,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes) AS m50,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY minutes) AS m90
      FROM r
     GROUP BY ROLLUP (approver)
     ORDER BY GROUPING(approver), approver IS NULL, lower(approver), approver`.execute(db);
  const row = (x: (typeof r.rows)[number]): ApproverRow => ({
    approver: x.approver,
    sent: x.sent,
    decided: x.decided,
    returned: x.returned,
    pending: x.pending,
    toDecision: { n: x.decided, medianMinutes: x.m50, p90Minutes: x.m90 },
  });
  const total = r.rows.find((x) => x.g === 1);
  return {
    byApprover: r.rows.filter((x) => x.g === 0).map(row),
    total: total
      ? row(total)
      : {
          approver: null,
          sent: 0,
          decided: 0,
          returned: 0,
          pending: 0,
          toDecision: { n: 0, medianMinutes: null, p90Minutes: null },
        },
  };
}

/** Responses released in a period, by how each passed the sign-off gate. */
export interface ReleasedCounts {
  /** Enquiries whose response was released in the period (each once). */
  total: number;
  notRequired: number;
  approved: number;
  overridden: number;
  /** Released by an entry written before the desk recorded the sign-off outcome. */
  notRecorded: number;
}

/**
 * Responses released in the period, on enquiries in scope: each enquiry counted once, by its
 * latest release in the period (recorded and released at once, or released afterwards), so a
 * response taken back and released again in the approved words counts as approved. Releases
 * whose entry has no `signOff` (written before it existed) count as not recorded.
 */
export async function releasedBySignOff(db: Db, s: ReportScope): Promise<ReleasedCounts> {
  const r = await sql<ReleasedCounts>`
    WITH latest AS (
      SELECT DISTINCT ON (ev.enquiry_id) ev.data->>'signOff' AS outcome
        FROM enquiry_event ev JOIN enquiry e ON e.id = ev.enquiry_id
       WHERE ev.kind = ANY(${RELEASE_KINDS}::text[]) AND ev.at >= ${s.from} AND ev.at < ${s.to}
         AND ev.data @> '{"released": true}'::jsonb ${scoped(s)}
       ORDER BY ev.enquiry_id, ev.at DESC, ev.id DESC
    )
    SELECT count(*)::int AS total,
           count(*) FILTER (WHERE outcome = ${OUTCOMES[0]})::int AS "notRequired",
           count(*) FILTER (WHERE outcome = ${OUTCOMES[1]})::int AS approved,
           count(*) FILTER (WHERE outcome = ${OUTCOMES[2]})::int AS overridden,
           count(*) FILTER (WHERE outcome IS NULL OR NOT (outcome = ANY(${OUTCOMES}::text[])))::int AS "notRecorded"
      FROM latest`.execute(db);
  return r.rows[0];
}

/** A manager's release without sign-off, as the overrides list shows it. */
export interface OverrideRow {
  at: Date;
  reference: string;
  /** The manager's email as the timeline recorded it. */
  by: string | null;
  /** Their name on the desk now, when the email is still a desk user's. */
  byName: string | null;
  /** What went without sign-off: the response released to the status page, or a reply by text or email. */
  what: OverriddenSend;
  /** The written reason; null once the enquiry's personal data was erased (the reason often quotes it). */
  reason: string | null;
}

/** What a manager sent without sign-off (an override entry's `what`; absent means the response's release). */
export type OverriddenSend = 'release' | NonNullable<EventData['signoff_overridden']['what']>;

/**
 * Overrides of sign-off in the period (by when) on enquiries in scope, whatever they let through
 * (a release or a reply), newest first, at most
 * `limit`, with how many there were in all (so the page can say how many more).
 */
export async function overrides(
  db: Db,
  s: ReportScope,
  limit: number,
): Promise<{ total: number; list: OverrideRow[] }> {
  const r = await sql<OverrideRow & { total: number }>`
    SELECT ev.at, e.reference, ev.actor AS by, u.name AS "byName", coalesce(ev.data->>'what', 'release') AS what,
           ev.data->>'reason' AS reason, (count(*) OVER ())::int AS total
      FROM enquiry_event ev
      JOIN enquiry e ON e.id = ev.enquiry_id
      LEFT JOIN app_user u ON lower(u.email) = lower(ev.actor)
     WHERE ev.kind = ${OVERRIDE_KIND} AND ev.at >= ${s.from} AND ev.at < ${s.to} ${scoped(s)}
     ORDER BY ev.at DESC, ev.id DESC
     LIMIT ${limit}`.execute(db);
  return { total: r.rows[0]?.total ?? 0, list: r.rows.map(({ total: _, ...row }) => row) };
}
