import { sql } from 'kysely';
import type { Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { OPEN_STATUSES } from '../enquiries/enquiry.model.js';

// The on-call officer's own queries: who may act from a phone, and what their pages are.

/** An enquiry with a page active for the officer's phone. */
export interface Candidate {
  enquiryId: string;
  reference: string;
  outlet: string;
  shortCode: string;
}

/** The active person with `phone` (unique among active people), with when their row last changed, or undefined. */
export async function activePersonByPhone(
  tx: Tx,
  phone: string,
): Promise<{ id: string; name: string; updated_at: Date } | undefined> {
  return tx
    .selectFrom('person')
    .select(['id', 'name', 'updated_at'])
    .where('phone', '=', phone)
    .where('active', '=', true)
    .executeTakeFirst();
}

/** When the person's primary rota entries covering `at` began (the earliest of them), or undefined when none covers it. */
export async function primaryShiftStart(tx: Tx, personId: string, at: Date): Promise<Date | undefined> {
  const r = await tx
    .selectFrom('rota_entry')
    .select((eb) => eb.fn.min('starts_at').as('start'))
    .where('person_id', '=', personId)
    .where('role', '=', 'primary')
    .where(sql<boolean>`tstzrange(rota_entry.starts_at, rota_entry.ends_at, '[)') @> ${at}::timestamptz`)
    .executeTakeFirst();
  return r?.start ?? undefined;
}

/** Who may act from a phone, and how far back what was sent to it still counts. */
export interface Reach {
  phone: string;
  /** What was sent strictly after this instant counts (a link is likewise over at its expiry instant). */
  after: Date;
  /** The out-of-hours line (`onCall.fallbackNumber`): its pages and summaries name no person. */
  fallback: string;
}

/**
 * Page steps sent to the phone after `after` that still speak for it: sent to the out-of-hours
 * line (no person), or to a person who is still on the staff list with that same number. A
 * person removed, or whose number changed, no longer acts through what was sent to the old number.
 */
function pagedTo(r: Reach) {
  return sql`
    SELECT p.id AS page_id, p.enquiry_id, p.short_code, m.sent_at
      FROM page_step st
      JOIN outbound_message m ON m.id = st.outbound_id
      JOIN page p ON p.id = st.page_id
      LEFT JOIN person who ON who.id = st.person_id
     WHERE st.to_number = ${r.phone} AND st.state = 'sent' AND m.sent_at > ${r.after}
       AND (st.person_id IS NULL OR (who.active AND who.phone = st.to_number))`;
}

/**
 * Incident summaries (src/incidents/incident-summary.service.ts; outbox key
 * `incident-summary:<incident id>:<instant>`) sent to the phone after `after`, with their
 * incident. A summary names no person, so it speaks for the phone when that is the out-of-hours
 * line, or the number of a person on the staff list who already had it when the summary was sent
 * (their row has not changed since: a number changed later would have moved `updated_at`).
 */
function summariesTo(r: Reach) {
  return sql`
    SELECT split_part(m.idempotency_key, ':', 2)::bigint AS incident_id
      FROM outbound_message m
     WHERE m.to_number = ${r.phone} AND m.medium = 'sms' AND m.sent_at > ${r.after}
       AND m.idempotency_key ~ '^incident-summary:[0-9]+:'
       AND (${r.phone} = ${r.fallback}
            OR EXISTS (SELECT 1 FROM person x WHERE x.phone = ${r.phone} AND x.active AND x.updated_at <= m.sent_at))`;
}

/**
 * Pages sent to `phone` only by steps that no longer speak for it (to a person since taken off the
 * staff list, or whose number has changed): an ACK from that phone must not stop their escalation.
 */
export async function pagesNoLongerFor(tx: Tx, phone: string): Promise<string[]> {
  const rows = await sql<{ page_id: string }>`
    SELECT st.page_id
      FROM page_step st
      LEFT JOIN person who ON who.id = st.person_id
     WHERE st.to_number = ${phone} AND st.state = 'sent'
     GROUP BY st.page_id
    HAVING NOT bool_or(st.person_id IS NULL OR coalesce(who.active AND who.phone = st.to_number, false))`.execute(tx);
  return rows.rows.map((r) => r.page_id);
}

/** Whether anything sent to the phone after `after` still speaks for it (a page or an incident summary). */
export async function reachesAny(tx: Tx, r: Reach): Promise<boolean> {
  const rows = await sql<{ any: boolean }>`
    SELECT EXISTS (${pagedTo(r)}) OR EXISTS (${summariesTo(r)}) AS any`.execute(tx);
  return rows.rows[0]?.any === true;
}

/**
 * Whether the phone may act on the enquiry `reference`: it was paged about it, or the enquiry is
 * linked to an incident the phone holds (paged about one of its enquiries, or sent its summary),
 * all within the reach. False for an enquiry that does not exist or was erased: one answer for both.
 */
export async function reaches(tx: Tx, r: Reach, reference: string): Promise<boolean> {
  const rows = await sql<{ ok: boolean }>`
    WITH paged AS (${pagedTo(r)}),
         held AS (SELECT e2.incident_id FROM paged JOIN enquiry e2 ON e2.id = paged.enquiry_id WHERE e2.incident_id IS NOT NULL
                  UNION SELECT incident_id FROM (${summariesTo(r)}) s)
    SELECT EXISTS (
      SELECT 1 FROM enquiry e
       WHERE e.reference = ${reference} AND e.erased_at IS NULL
         AND (e.id IN (SELECT enquiry_id FROM paged) OR e.incident_id IN (SELECT incident_id FROM held))
    ) AS ok`.execute(tx);
  return rows.rows[0]?.ok === true;
}

/**
 * Enquiries still open paged to the phone within the reach (by text or call, by steps that still
 * speak for it), whether still waiting, acknowledged or run out: the officer's work tonight,
 * newest page first, one row each.
 */
export async function pagedEnquiriesFor(tx: Tx, r: Reach): Promise<Candidate[]> {
  // Newest page first, by the page's own order rather than when Twilio took it: the outbox sends
  // several pages at once, so send times can come out of order and the list would shuffle.
  const rows = await sql<Candidate & { newest: string }>`
    SELECT e.id AS "enquiryId", e.reference, e.outlet, paged.short_code AS "shortCode", max(paged.page_id) AS newest
      FROM (${pagedTo(r)}) paged
      JOIN enquiry e ON e.id = paged.enquiry_id
     WHERE e.erased_at IS NULL AND e.status = ANY(${[...OPEN_STATUSES]}::text[])
     GROUP BY e.id, e.reference, e.outlet, paged.short_code
     ORDER BY newest DESC, e.id DESC`.execute(tx);
  return rows.rows.map(({ newest: _n, ...c }) => c);
}

/** The enquiry `reference`, locked FOR UPDATE, unless its personal data was erased. */
export async function lockLiveEnquiry(tx: Tx, reference: string): Promise<Enquiry | undefined> {
  return tx
    .selectFrom('enquiry')
    .selectAll()
    .where('reference', '=', reference)
    .where('erased_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
}

/** The enquiry with this id unless its data was erased, or undefined. */
export async function liveEnquiryById(tx: Tx, id: string): Promise<Enquiry | undefined> {
  return tx.selectFrom('enquiry').selectAll().where('id', '=', id).where('erased_at', 'is', null).executeTakeFirst();
}

/** The enquiry a plain outbound call (its idempotency key) was about, or undefined. */
export async function enquiryOfCall(tx: Tx, key: string): Promise<string | undefined> {
  const r = await tx
    .selectFrom('outbound_message')
    .select('enquiry_id')
    .where('idempotency_key', '=', key)
    .where('medium', '=', 'call')
    .executeTakeFirst();
  return r?.enquiry_id ?? undefined;
}

/** The timeline entry of `kind` about callback `key` on the enquiry (its actor), or undefined: Twilio retries its requests. */
export async function callbackEvent(
  tx: Tx,
  enquiryId: string,
  key: string,
  kind: 'callback_requested' | 'callback_ended',
): Promise<{ actor: string | null } | undefined> {
  return tx
    .selectFrom('enquiry_event')
    .select('actor')
    .where('enquiry_id', '=', enquiryId)
    .where('kind', '=', kind)
    .where(sql<boolean>`data->>'key' = ${key}`)
    .limit(1)
    .executeTakeFirst();
}
