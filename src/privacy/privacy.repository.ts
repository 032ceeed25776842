import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';

/** What replaces erased personal data. */
export const ERASED = '[erased]';

/** Ids of closed enquiries whose retention period ended before `cutoff`, not yet erased (a batch). */
export async function dueForErasure(db: Db, cutoff: Date, limit: number): Promise<string[]> {
  const r = await db
    .selectFrom('enquiry')
    .select('id')
    .where('erased_at', 'is', null)
    .where('closed_at', '<', cutoff)
    .orderBy('closed_at')
    .limit(limit)
    .execute();
  return r.map((x) => x.id);
}

/** Enquiries from one journalist, found by phone (E.164) and/or email (any case). */
export async function enquiriesOf(db: Db | Tx, who: { phone: string | null; email: string | null }): Promise<string[]> {
  if (!who.phone && !who.email) return [];
  const r = await db
    .selectFrom('enquiry')
    .select('id')
    .where((eb) => eb.or([...(who.phone ? [eb('phone', '=', who.phone)] : []), ...(who.email ? [eb(sql<string>`lower(email)`, '=', who.email.toLowerCase())] : [])]))
    .orderBy('received_at')
    .execute();
  return r.map((x) => x.id);
}

/** Everything stored about these enquiries, for a subject access request. */
export async function exportEnquiries(db: Db, ids: string[]) {
  if (!ids.length) return [];
  const enquiries = await db
    .selectFrom('enquiry')
    .select(['id', 'reference', 'channel', 'status', 'name', 'outlet', 'email', 'phone', 'subject', 'details', 'deadline', 'urgent', 'received_at', 'first_response_at', 'closed_at', 'response_given', 'erased_at'])
    .where('id', 'in', ids)
    .orderBy('received_at')
    .execute();
  const events = await db.selectFrom('enquiry_event').select(['enquiry_id', 'at', 'kind', 'data']).where('enquiry_id', 'in', ids).orderBy('at').orderBy('id').execute();
  const inbound = await db.selectFrom('sms_inbound').select(['enquiry_id', 'received_at', 'from_number', 'body', 'reply']).where('enquiry_id', 'in', ids).orderBy('received_at').execute();
  const outbound = await db.selectFrom('outbound_sms').select(['enquiry_id', 'created_at', 'to_number', 'body', 'state', 'provider_status']).where('enquiry_id', 'in', ids).orderBy('created_at').execute();
  return enquiries.map((e) => ({
    ...e,
    timeline: events.filter((x) => x.enquiry_id === e.id).map(({ enquiry_id: _e, ...rest }) => rest),
    smsReceived: inbound.filter((x) => x.enquiry_id === e.id).map(({ enquiry_id: _e, ...rest }) => rest),
    smsSent: outbound.filter((x) => x.enquiry_id === e.id).map(({ enquiry_id: _e, ...rest }) => rest),
  }));
}

/**
 * Replaces the journalist's personal data on these enquiries with the marker: name, contact
 * details, subject, details and the press line; message texts in the timeline, inbound and
 * outbound SMS. Keeps the outlet, times, status and outcome (the figures). Idempotent.
 */
export async function eraseEnquiries(tx: Tx, ids: string[], at: Date): Promise<number> {
  if (!ids.length) return 0;
  const r = await tx
    .updateTable('enquiry')
    .set({ name: ERASED, email: null, phone: null, subject: ERASED, details: ERASED, response_given: null, erased_at: at })
    .where('id', 'in', ids)
    .where('erased_at', 'is', null)
    .executeTakeFirst();
  await sql`UPDATE enquiry_event SET data = (data - 'body' - 'text' - 'to' - 'nextStep') || '{"erased": true}'::jsonb
             WHERE enquiry_id = ANY(${ids}::bigint[]) AND (data ? 'body' OR data ? 'text' OR data ? 'to' OR data ? 'nextStep')`.execute(tx);
  await sql`UPDATE sms_inbound SET from_number = ${ERASED}, body = ${ERASED} WHERE enquiry_id = ANY(${ids}::bigint[])`.execute(tx);
  await sql`UPDATE outbound_sms SET to_number = ${ERASED}, body = ${ERASED} WHERE enquiry_id = ANY(${ids}::bigint[])`.execute(tx);
  return Number(r.numUpdatedRows);
}
