import { sql } from 'kysely';
import { isRowId } from '../ids.js';
import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { asTimelineEvent, type EventKind, type TimelineEvent } from '../enquiries/timeline.js';

// Enquiries' own query (incidents lock by reference too); re-exported for desk code.
export { lockByReference } from '../enquiries/enquiries.repository.js';

/** Applies a desk change to an enquiry. */
export async function updateEnquiry(
  tx: Tx,
  id: string,
  patch: Partial<
    Pick<
      Enquiry,
      | 'assigned_to'
      | 'status'
      | 'response_given'
      | 'first_response_at'
      | 'first_response_working_s'
      | 'closed_at'
      | 'close_working_s'
      | 'resolved_at'
      | 'urgent'
      | 'urgent_reason'
      | 'needs_on_call'
      | 'response_released_at'
      | 'outcome'
      | 'outcome_org'
      | 'duplicate_of'
    >
  > & { updated_at: Date },
): Promise<Enquiry> {
  return tx.updateTable('enquiry').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** The journalist's other enquiries (same phone or email), newest first. */
export async function earlierEnquiries(
  db: Db,
  e: Enquiry,
  limit = 20,
): Promise<Array<Pick<Enquiry, 'reference' | 'subject' | 'status' | 'received_at' | 'channel'>>> {
  if (!e.phone && !e.email) return [];
  return db
    .selectFrom('enquiry')
    .select(['reference', 'subject', 'status', 'received_at', 'channel'])
    .where('id', '<>', e.id)
    .where((eb) =>
      eb.or([
        ...(e.phone ? [eb('phone', '=', e.phone)] : []),
        ...(e.email ? [eb(sql<string>`lower(email)`, '=', e.email.toLowerCase())] : []),
      ]),
    )
    .orderBy('received_at', 'desc')
    .limit(limit)
    .execute();
}

/** An enquiry's timeline entries, typed by kind, oldest first. */
export async function timeline(db: Db, enquiryId: string): Promise<TimelineEvent[]> {
  const rows = await db
    .selectFrom('enquiry_event')
    .selectAll()
    .where('enquiry_id', '=', enquiryId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map(asTimelineEvent);
}

/**
 * The page of an enquiry with its steps (for the out-of-hours panel), each with the delivery
 * record of the outbound row that carried it (none while held for a bundle).
 */
export async function pageWithSteps(db: Db, enquiryId: string) {
  const page = await db.selectFrom('page').selectAll().where('enquiry_id', '=', enquiryId).executeTakeFirst();
  if (!page) return null;
  const steps = await db
    .selectFrom('page_step')
    .leftJoin('outbound_message', 'outbound_message.id', 'page_step.outbound_id')
    .selectAll('page_step')
    .select(['outbound_message.provider_status', 'outbound_message.last_error'])
    .where('page_step.page_id', '=', page.id)
    .orderBy('page_step.step_index')
    .orderBy('page_step.action')
    .execute();
  return { page, steps };
}

/** A page step as the desk shows it: the step and its outbound row's delivery status and last error. */
export type StepWithDelivery = NonNullable<Awaited<ReturnType<typeof pageWithSteps>>>['steps'][number];

/** SMS sent to the journalist from the desk or on acknowledgement, oldest first. */
export async function outboundFor(db: Db, enquiryId: string) {
  return db
    .selectFrom('outbound_message')
    .selectAll()
    .where('enquiry_id', '=', enquiryId)
    .where('owner_kind', '=', 'message')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** One timeline entry of this enquiry by its id (a notice's proof), or undefined. */
export async function eventOf(db: Db, enquiryId: string, eventId: string): Promise<TimelineEvent | undefined> {
  if (!isRowId(eventId)) return undefined;
  const row = await db
    .selectFrom('enquiry_event')
    .selectAll()
    .where('id', '=', eventId)
    .where('enquiry_id', '=', enquiryId)
    .executeTakeFirst();
  return row ? asTimelineEvent(row) : undefined;
}

/** The id of the newest entry of `kind` on the enquiry's timeline, or undefined. */
export async function latestEventId(db: Db, enquiryId: string, kind: EventKind): Promise<string | undefined> {
  const row = await db
    .selectFrom('enquiry_event')
    .select('id')
    .where('enquiry_id', '=', enquiryId)
    .where('kind', '=', kind)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

/** The outbox's row for an idempotency key about this enquiry (none yet while its job waits). */
export async function outboundByKey(db: Db, enquiryId: string, key: string) {
  return db
    .selectFrom('outbound_message')
    .selectAll()
    .where('idempotency_key', '=', key)
    .where('enquiry_id', '=', enquiryId)
    .executeTakeFirst();
}

/** The latest incident link or unlink on the enquiry's timeline (who unlinked it, from what). */
export async function latestIncidentEvent(db: Db, enquiryId: string): Promise<TimelineEvent | undefined> {
  const row = await db
    .selectFrom('enquiry_event')
    .selectAll()
    .where('enquiry_id', '=', enquiryId)
    .where('kind', 'in', ['incident_linked', 'incident_unlinked'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? asTimelineEvent(row) : undefined;
}

/**
 * The desk's replies to the journalist (SMS and email), oldest first, each with where it is: its
 * outbox row once the job has taken it (none: still queued).
 */
export async function repliesWithState(db: Db, enquiryId: string) {
  return db
    .selectFrom('enquiry_event')
    .leftJoin('outbound_message', (j) =>
      j
        .on(sql<string>`outbound_message.idempotency_key`, '=', sql<string>`enquiry_event.data->>'key'`)
        .onRef('outbound_message.enquiry_id', '=', 'enquiry_event.enquiry_id'),
    )
    .select([
      'enquiry_event.id',
      'enquiry_event.kind',
      'enquiry_event.at',
      'enquiry_event.actor',
      sql<string | null>`enquiry_event.data->>'key'`.as('key'),
      'outbound_message.state',
      'outbound_message.provider_status',
      'outbound_message.to_number',
      'outbound_message.last_error',
      'outbound_message.sent_at',
    ])
    .where('enquiry_event.enquiry_id', '=', enquiryId)
    .where('enquiry_event.kind', 'in', ['reply_queued', 'email_reply_queued'])
    .orderBy('enquiry_event.at')
    .orderBy('enquiry_event.id')
    .execute();
}

/** Words said to another enquiry's journalist on a topic this enquiry shares (the enquiry page's "Earlier responses"). */
export interface SaidOnTopic {
  id: string;
  reference: string;
  at: Date;
  kind: string;
  text: string;
}

/**
 * The latest `limit` responses, replies and incident lines said to other enquiries that share a
 * topic with this one (issue 28, item 5), newest first, words not erased; none when it has no
 * topic. The text is cut to `chars` characters (the page shows an excerpt).
 */
export async function earlierOnTopics(db: Db, enquiryId: string, limit = 5, chars = 300): Promise<SaidOnTopic[]> {
  const rows = await sql<SaidOnTopic>`
    SELECT s.id, e.reference, s.at, s.kind, left(s.text, ${chars}) AS text
      FROM said s
      JOIN enquiry e ON e.id = s.enquiry_id
     WHERE s.enquiry_id IN (SELECT other.enquiry_id
                              FROM enquiry_topic mine
                              JOIN enquiry_topic other ON other.topic_id = mine.topic_id
                             WHERE mine.enquiry_id = ${enquiryId} AND other.enquiry_id <> ${enquiryId})
       AND s.kind IN ('response', 'sms_reply', 'email_reply', 'incident_line')
       AND s.erased_at IS NULL
     ORDER BY s.at DESC, s.id DESC
     LIMIT ${limit}`.execute(db);
  return rows.rows;
}

/** The reference of the enquiry with this id (a duplicate's original), undefined when it has gone. */
export async function referenceById(db: Db, id: string): Promise<string | undefined> {
  const row = await db.selectFrom('enquiry').select('reference').where('id', '=', id).executeTakeFirst();
  return row?.reference;
}
