// The morning digest's queries. The tables keep their old names (`handover_digest`,
// `handover_dismissal`): existing data; see digest.service.ts for why the code says "digest".
import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import type { EnquiryStatus } from '../enquiries/enquiry.model.js';
import type { DigestSummary } from './digest.model.js';
import { asTimelineEvent, type EventKind, type TimelineEvent } from '../enquiries/timeline.js';
import { ERASED } from '../db/erased.js';

/** Enquiries received in [since, until) with their page (if any), by deadline then arrival. */
export async function arrivalsBetween(db: Db | Tx, since: Date, until: Date) {
  const r = await sql<{
    id: string;
    reference: string;
    subject: string;
    outlet: string;
    name: string;
    urgent: boolean;
    status: EnquiryStatus;
    deadline: Date | null;
    respond_by: Date | null;
    received_at: Date;
    first_response_at: Date | null;
    page_status: string | null;
    acknowledged_by: string | null;
    acknowledged_at: Date | null;
    paged: string[] | null;
    incident_id: string | null;
    incident_name: string | null;
  }>`
    SELECT e.id, e.reference, e.subject, e.outlet, e.name, e.urgent, e.status, e.deadline, e.respond_by, e.received_at, e.first_response_at,
           pg.status AS page_status, pg.acknowledged_by, pg.acknowledged_at,
           -- Who was paged, by their rota name when the step names a person (the number otherwise: the out-of-hours line).
           (SELECT array_agg(DISTINCT coalesce(p.name, st.to_number)) FROM page_step st LEFT JOIN person p ON p.id = st.person_id
             WHERE st.page_id = pg.id AND st.state = 'sent') AS paged,
           e.incident_id, i.name AS incident_name
      FROM enquiry e LEFT JOIN page pg ON pg.enquiry_id = e.id LEFT JOIN incident i ON i.id = e.incident_id
     WHERE e.received_at >= ${since} AND e.received_at < ${until}
     ORDER BY coalesce(e.deadline, e.respond_by) NULLS LAST, e.received_at`.execute(db);
  return r.rows;
}

/**
 * Names for the people the digest would otherwise show by phone number or email: rota people by
 * their phone (E.164), desk users by their email (lower case). The newest person holding a number wins.
 */
export async function peopleNames(db: Db | Tx): Promise<Map<string, string>> {
  const r = await sql<{ key: string; name: string }>`
    SELECT DISTINCT ON (phone) phone AS key, name FROM person ORDER BY phone, active DESC, id DESC`.execute(db);
  const u = await sql<{ key: string; name: string }>`SELECT lower(email) AS key, name FROM app_user`.execute(db);
  return new Map([...r.rows, ...u.rows].map((x) => [x.key, x.name]));
}

/**
 * Incidents the night touched: declared in [since, until), or with an enquiry received or a line
 * sent then. Per incident, the lines sent in the window (kind, when written, by whom, to how many
 * people; one person with two enquiries counts once).
 */
export async function incidentsBetween(db: Db | Tx, since: Date, until: Date) {
  const incidents = await sql<{
    id: string;
    name: string;
    declared_at: Date;
    declared_by: string;
    closed_at: Date | null;
  }>`
    SELECT i.id, i.name, i.declared_at, i.declared_by, i.closed_at FROM incident i
     WHERE (i.declared_at >= ${since} AND i.declared_at < ${until})
        OR EXISTS (SELECT 1 FROM enquiry e WHERE e.incident_id = i.id AND e.received_at >= ${since} AND e.received_at < ${until})
        OR EXISTS (SELECT 1 FROM incident_line l JOIN incident_line_sent s ON s.line_id = l.id
                    WHERE l.incident_id = i.id AND s.queued_at >= ${since} AND s.queued_at < ${until})
     ORDER BY i.declared_at, i.id`.execute(db);
  const lines = await sql<{
    incident_id: string;
    kind: 'holding' | 'press';
    created_at: Date;
    created_by: string;
    sent_to: number;
  }>`
    SELECT l.incident_id, l.kind, l.created_at, l.created_by, count(DISTINCT s.contact)::int AS sent_to
      FROM incident_line l JOIN incident_line_sent s ON s.line_id = l.id
     WHERE s.queued_at >= ${since} AND s.queued_at < ${until}
     GROUP BY l.id ORDER BY l.created_at, l.id`.execute(db);
  return incidents.rows.map((i) => ({ ...i, lines: lines.rows.filter((l) => l.incident_id === i.id) }));
}

/** Stores the digest for an opening; null when another process already made it. */
export async function insertDigest(
  tx: Tx,
  row: { opened_at: Date; since: Date; created_at: Date; summary: unknown },
): Promise<{ id: string } | null> {
  const r = await sql<{ id: string }>`
    INSERT INTO handover_digest (opened_at, since, created_at, summary)
    VALUES (${row.opened_at}, ${row.since}, ${row.created_at}, ${JSON.stringify(row.summary)}::jsonb)
    ON CONFLICT (opened_at) DO NOTHING RETURNING id`.execute(tx);
  return r.rows[0] ?? null;
}

/** Whether the digest for this opening exists. */
export async function digestExists(db: Db | Tx, openedAt: Date): Promise<boolean> {
  const r = await sql<{ one: number }>`SELECT 1 AS one FROM handover_digest WHERE opened_at = ${openedAt}`.execute(db);
  return r.rows.length > 0;
}

/** The newest digest made since `notBefore` that this user has not dismissed. */
export async function latestUndismissed(db: Db, userId: string, notBefore: Date) {
  const r = await sql<{ id: string; opened_at: Date; since: Date; summary: DigestSummary }>`
    SELECT d.id, d.opened_at, d.since, d.summary FROM handover_digest d
     WHERE d.created_at >= ${notBefore}
       AND NOT EXISTS (SELECT 1 FROM handover_dismissal x WHERE x.digest_id = d.id AND x.user_id = ${userId})
     ORDER BY d.opened_at DESC LIMIT 1`.execute(db);
  return r.rows[0] ?? null;
}

/** Records that a user dismissed a digest (idempotent). */
export async function dismiss(db: Db, digestId: string, userId: string, at: Date): Promise<void> {
  await sql`INSERT INTO handover_dismissal (digest_id, user_id, at) VALUES (${digestId}, ${userId}, ${at}) ON CONFLICT DO NOTHING`.execute(
    db,
  );
}

/** Timeline entries of kinds `kinds` on these enquiries in [since, until), oldest first: what was done overnight. */
export async function eventsBetween(
  db: Db | Tx,
  enquiryIds: string[],
  kinds: readonly EventKind[],
  since: Date,
  until: Date,
): Promise<TimelineEvent[]> {
  if (!enquiryIds.length) return [];
  const rows = await db
    .selectFrom('enquiry_event')
    .select(['id', 'enquiry_id', 'at', 'kind', 'actor', 'data'])
    .where('enquiry_id', 'in', enquiryIds)
    .where('kind', 'in', kinds)
    .where('at', '>=', since)
    .where('at', '<', until)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map(asTimelineEvent);
}

// The stored digest's shape lives in digest.model.ts (reports.tables.ts uses it); re-exported here.
export type { DigestCall, DigestIncident, DigestSummary } from './digest.model.js';

/**
 * The morning digest copies each enquiry's subject (`handover_digest.summary`) and texts the
 * first few to `handover.smsNumbers` (`outbound_message` texts of no enquiry): the subject becomes the
 * marker in the one, the enquiry's line in the other. The counts stay.
 */
export async function eraseFromDigests(tx: Tx, references: string[], senderPhone: string | null): Promise<void> {
  // The digest's list of phone calls names the caller's number: by enquiry, or (a call that
  // became none) by the number itself.
  await sql`UPDATE handover_digest d
               SET summary = jsonb_set(d.summary, '{calls}', (
                 SELECT coalesce(jsonb_agg(CASE WHEN it->>'reference' = ANY(${references}::text[]) OR it->>'from' = ${senderPhone}::text THEN it || '{"from": null}'::jsonb ELSE it END ORDER BY n), '[]'::jsonb)
                   FROM jsonb_array_elements(d.summary->'calls') WITH ORDINALITY AS x(it, n)))
             WHERE jsonb_typeof(d.summary->'calls') = 'array'
               AND EXISTS (SELECT 1 FROM jsonb_array_elements(d.summary->'calls') it
                            WHERE it->>'reference' = ANY(${references}::text[]) OR it->>'from' = ${senderPhone}::text)`.execute(
    tx,
  );
  if (!references.length) return;
  await sql`UPDATE handover_digest d
               SET summary = jsonb_set(d.summary, '{items}', (
                 SELECT coalesce(jsonb_agg(CASE WHEN it->>'reference' = ANY(${references}::text[]) THEN it || jsonb_build_object('subject', ${ERASED}::text) ELSE it END ORDER BY n), '[]'::jsonb)
                   FROM jsonb_array_elements(d.summary->'items') WITH ORDINALITY AS x(it, n)))
             WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(d.summary->'items') it WHERE it->>'reference' = ANY(${references}::text[]))`.execute(
    tx,
  );
  // A digest line is "PD-XXX-XXX[ URGENT][ by <deadline>]: <subject>"; references are [A-Z0-9-] only.
  const line = `^(${references.join('|')})[^\\n]*$`;
  await sql`UPDATE outbound_message SET content = regexp_replace(content, ${line}, ${`\\1: ${ERASED}`}, 'gn')
             WHERE owner_kind = 'message' AND enquiry_id IS NULL AND content ~ ${references.join('|')}`.execute(tx);
}

/**
 * Retention: the callers' numbers in the lists of calls of morning digests made before
 * `cutoff` (a call that became no enquiry is named there by its number alone). The counts stay.
 */
export async function forgetDigestCallersBefore(db: Db | Tx, cutoff: Date): Promise<void> {
  await sql`UPDATE handover_digest d
               SET summary = jsonb_set(d.summary, '{calls}', (
                 SELECT coalesce(jsonb_agg(it || '{"from": null}'::jsonb ORDER BY n), '[]'::jsonb)
                   FROM jsonb_array_elements(d.summary->'calls') WITH ORDINALITY AS x(it, n)))
             WHERE d.created_at < ${cutoff} AND jsonb_typeof(d.summary->'calls') = 'array'
               AND EXISTS (SELECT 1 FROM jsonb_array_elements(d.summary->'calls') it WHERE it->>'from' IS NOT NULL)`.execute(
    db,
  );
}
