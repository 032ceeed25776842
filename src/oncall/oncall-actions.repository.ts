import { sql } from 'kysely';
import type { Tx } from '../db/database.js';
import type { Enquiry } from '../db/schema.js';
import { OPEN_STATUSES } from '../enquiries/enquiry.model.js';
import type { Candidate } from './oncall-actions.service.js';

// The on-call officer's own queries: who may act from a phone, and what their pages are.

/** The active person with `phone` on a rota entry (either role) covering `at`, or undefined. */
export async function personOnShift(tx: Tx, phone: string, at: Date): Promise<{ name: string } | undefined> {
  return tx
    .selectFrom('rota_entry')
    .innerJoin('person', 'person.id', 'rota_entry.person_id')
    .select('person.name')
    .where('person.phone', '=', phone)
    .where('person.active', '=', true)
    .where(sql<boolean>`tstzrange(rota_entry.starts_at, rota_entry.ends_at, '[)') @> ${at}::timestamptz`)
    .limit(1)
    .executeTakeFirst();
}

/** Whether a page step was sent to `phone` at or after `since`. */
export async function pagedSince(tx: Tx, phone: string, since: Date): Promise<boolean> {
  const r = await tx
    .selectFrom('page_step')
    .innerJoin('outbound_message', 'outbound_message.id', 'page_step.outbound_id')
    .select('page_step.id')
    .where('page_step.to_number', '=', phone)
    .where('page_step.state', '=', 'sent')
    .where('outbound_message.sent_at', '>=', since)
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

/** The active person with `phone`, if any. */
export async function activePersonByPhone(tx: Tx, phone: string): Promise<{ name: string } | undefined> {
  return tx.selectFrom('person').select('name').where('phone', '=', phone).where('active', '=', true).executeTakeFirst();
}

/**
 * Enquiries still open whose page went to `phone` (by text or call) at or after `since`, whether
 * still waiting, acknowledged or run out: the officer's work tonight, newest page first, one row each.
 */
export async function pagedEnquiriesFor(tx: Tx, phone: string, since: Date): Promise<Candidate[]> {
  const rows = await sql<Candidate & { last_sent: Date }>`
    SELECT e.id AS "enquiryId", e.reference, e.outlet, p.short_code AS "shortCode", max(m.sent_at) AS last_sent
      FROM page_step st
      JOIN outbound_message m ON m.id = st.outbound_id
      JOIN page p ON p.id = st.page_id
      JOIN enquiry e ON e.id = p.enquiry_id
     WHERE st.to_number = ${phone} AND st.state = 'sent' AND m.sent_at >= ${since}
       AND e.erased_at IS NULL AND e.status = ANY(${[...OPEN_STATUSES]}::text[])
     GROUP BY e.id, e.reference, e.outlet, p.short_code
     ORDER BY last_sent DESC, e.id DESC`.execute(tx);
  return rows.rows.map(({ last_sent: _l, ...c }) => c);
}

/** The enquiry `reference`, locked FOR UPDATE, unless its personal data was erased. */
export async function lockLiveEnquiry(tx: Tx, reference: string): Promise<Enquiry | undefined> {
  return tx.selectFrom('enquiry').selectAll().where('reference', '=', reference).where('erased_at', 'is', null).forUpdate().executeTakeFirst();
}

/** The enquiry with this id unless its data was erased, or undefined. */
export async function liveEnquiryById(tx: Tx, id: string): Promise<Enquiry | undefined> {
  return tx.selectFrom('enquiry').selectAll().where('id', '=', id).where('erased_at', 'is', null).executeTakeFirst();
}

/** The enquiry a plain outbound call (its idempotency key) was about, or undefined. */
export async function enquiryOfCall(tx: Tx, key: string): Promise<string | undefined> {
  const r = await tx.selectFrom('outbound_message').select('enquiry_id').where('idempotency_key', '=', key).where('medium', '=', 'call').executeTakeFirst();
  return r?.enquiry_id ?? undefined;
}

/** The timeline entry of `kind` about callback `key` on the enquiry (its actor), or undefined: Twilio retries its requests. */
export async function callbackEvent(tx: Tx, enquiryId: string, key: string, kind: 'callback_requested' | 'callback_ended'): Promise<{ actor: string | null } | undefined> {
  return tx
    .selectFrom('enquiry_event')
    .select('actor')
    .where('enquiry_id', '=', enquiryId)
    .where('kind', '=', kind)
    .where(sql<boolean>`data->>'key' = ${key}`)
    .limit(1)
    .executeTakeFirst();
}
