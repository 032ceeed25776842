import { CompiledQuery, sql } from 'kysely';
import { prepared, type Db, type Tx } from '../db/database.js';
import type { Enquiry, EnquiryChannel, NewEnquiry } from './enquiry.tables.js';
import { OPEN_STATUSES, type UrgentReason } from './enquiry.model.js';
import {
  asTimelineEvent,
  PERSONAL_FIELDS,
  type EventData,
  type EventKind,
  type NewEvent,
  type TimelineEvent,
} from './timeline.js';
import { ERASED } from '../db/erased.js';

/** The columns intake sets on a new enquiry; the rest take their defaults. */
export type IntakeRow = Pick<
  NewEnquiry,
  | 'reference'
  | 'channel'
  | 'name'
  | 'outlet'
  | 'email'
  | 'phone'
  | 'subject'
  | 'details'
  | 'deadline'
  | 'urgent'
  | 'urgent_reason'
  | 'out_of_hours'
  | 'needs_on_call'
  | 'respond_by'
  | 'received_at'
  | 'updated_at'
  | 'incident_id'
  | 'incident_linked_at'
  | 'warn_at'
  | 'language'
>;

const INTAKE_COLUMNS = [
  'reference',
  'channel',
  'name',
  'outlet',
  'email',
  'phone',
  'subject',
  'details',
  'deadline',
  'urgent',
  'urgent_reason',
  'out_of_hours',
  'needs_on_call',
  'respond_by',
  'received_at',
  'updated_at',
  'incident_id',
  'incident_linked_at',
  'warn_at',
  'language',
] as const satisfies ReadonlyArray<keyof IntakeRow>;

/**
 * Every column of an enquiry row, written out (the compiler holds it whole: a column added to
 * `EnquiryTable` and not here does not build). Intake's insert returns these rather than `*`, so
 * its prepared statement keeps its result's shape when a newer version's migration adds a column
 * while this process runs (see `prepared`).
 */
const ENQUIRY_COLUMNS = Object.keys({
  id: true,
  reference: true,
  channel: true,
  status: true,
  language: true,
  name: true,
  outlet: true,
  email: true,
  phone: true,
  subject: true,
  details: true,
  deadline: true,
  urgent: true,
  urgent_reason: true,
  out_of_hours: true,
  needs_on_call: true,
  respond_by: true,
  received_at: true,
  updated_at: true,
  first_response_at: true,
  assigned_to: true,
  response_given: true,
  search: true,
  closed_at: true,
  resolved_at: true,
  first_response_working_s: true,
  close_working_s: true,
  erased_at: true,
  response_released_at: true,
  updates_off: true,
  journalist_added_at: true,
  incident_id: true,
  incident_linked_at: true,
  warn_at: true,
  warned_at: true,
  breached_at: true,
  outcome: true,
  outcome_org: true,
  duplicate_of: true,
  merged_into: true,
} as const satisfies Record<keyof Enquiry, true>).join(', ');

// `language` (issue 31) is optional at intake: absent (null) it takes the column's own default, English.
/**
 * Written out once rather than built per request: this runs for every enquiry, and building and
 * compiling the query with kysely cost about a tenth of intake's CPU (issue 6 profile). The text
 * is fixed; only the parameters change.
 */
const INSERT_WITH_EVENT_SQL = prepared(`WITH e AS (
  INSERT INTO enquiry (${INTAKE_COLUMNS.join(', ')})
  VALUES (${INTAKE_COLUMNS.map((c, i) => (c === 'language' ? `COALESCE($${i + 1}::text, 'en')` : `$${i + 1}`)).join(', ')})
  ON CONFLICT (reference) DO NOTHING
  RETURNING ${ENQUIRY_COLUMNS}
), ev AS (
  INSERT INTO enquiry_event (enquiry_id, at, kind, data)
  SELECT e.id, e.received_at, $${INTAKE_COLUMNS.length + 1}, $${INTAKE_COLUMNS.length + 2}::jsonb FROM e
), sl AS (
  INSERT INTO status_link (token_hash, enquiry_id, created_at)
  SELECT $${INTAKE_COLUMNS.length + 3}::text, e.id, e.received_at FROM e WHERE $${INTAKE_COLUMNS.length + 3}::text IS NOT NULL
)
SELECT * FROM e`);

/**
 * Inserts an enquiry unless its reference is already taken (the caller retries with a new one),
 * with its first timeline entry and (`statusTokenHash`) its first status link, in ONE statement (a data-modifying CTE): atomic on its own, so intake that has nothing else to commit needs no transaction and
 * makes one round trip to PostgreSQL instead of four (BEGIN, two INSERTs, COMMIT). On a
 * reference clash nothing is stored and null is returned.
 */
export async function insertEnquiryWithEvent(
  db: Db | Tx,
  row: IntakeRow,
  event: { kind: 'received'; data: EventData['received'] },
  statusTokenHash: string | null = null,
): Promise<Enquiry | null> {
  const params = [
    ...INTAKE_COLUMNS.map((c) => row[c] ?? null),
    event.kind,
    JSON.stringify(event.data),
    statusTokenHash,
  ];
  const r = await db.executeQuery<Enquiry>(CompiledQuery.raw(INSERT_WITH_EVENT_SQL, params));
  return r.rows[0] ?? null;
}

/** Appends one entry to an enquiry's timeline; only declared kinds, each with its data. Returns the entry's id (the desk's notice names it). */
export async function addEvent(tx: Tx | Db, event: NewEvent): Promise<string> {
  const row = await tx
    .insertInto('enquiry_event')
    .values({
      enquiry_id: event.enquiryId,
      at: event.at,
      kind: event.kind,
      actor: event.actor ?? null,
      data: JSON.stringify(event.data),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * The first entry of `kind` on an enquiry's timeline whose data contains `match` (its actor and
 * data), or undefined: how a handler of a retried callback sees that it already ran.
 */
export async function findEventMatching<K extends EventKind>(
  db: Tx | Db,
  enquiryId: string,
  kind: K,
  match: Partial<EventData[K]>,
): Promise<{ actor: string | null; data: EventData[K] } | undefined> {
  const row = await db
    .selectFrom('enquiry_event')
    .select(['actor', 'data'])
    .where('enquiry_id', '=', enquiryId)
    .where('kind', '=', kind)
    .where(sql<boolean>`data @> ${JSON.stringify(match)}::jsonb`)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row ? { actor: row.actor, data: row.data as unknown as EventData[K] } : undefined;
}

/** The enquiry with this reference, or undefined. */
export async function findByReference(db: Db | Tx, reference: string): Promise<Enquiry | undefined> {
  return db.selectFrom('enquiry').selectAll().where('reference', '=', reference).executeTakeFirst();
}

/** An enquiry's timeline, oldest first. */
export async function listEvents(db: Db | Tx, enquiryId: string): Promise<TimelineEvent[]> {
  const rows = await db
    .selectFrom('enquiry_event')
    .selectAll()
    .where('enquiry_id', '=', enquiryId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map(asTimelineEvent);
}

/** Marks an open enquiry urgent (e.g. a follow-up from the journalist said URGENT); returns the updated row. */
export async function markUrgent(
  tx: Tx,
  id: string,
  patch: { urgent_reason: UrgentReason; needs_on_call: boolean; at: Date },
): Promise<Enquiry> {
  return tx
    .updateTable('enquiry')
    .set({ urgent: true, urgent_reason: patch.urgent_reason, needs_on_call: patch.needs_on_call, updated_at: patch.at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Takes a transaction-scoped advisory lock on `key`, serialising work on one external id (e.g. a MessageSid). */
export async function lockKey(tx: Tx, key: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(tx);
}

/** The first timeline entry of `kind` for an enquiry. */
export async function findFirstEvent<K extends EventKind>(
  db: Db | Tx,
  enquiryId: string,
  kind: K,
): Promise<TimelineEvent<K> | undefined> {
  const row = await db
    .selectFrom('enquiry_event')
    .selectAll()
    .where('enquiry_id', '=', enquiryId)
    .where('kind', '=', kind)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row ? (asTimelineEvent(row) as TimelineEvent<K>) : undefined;
}

/** Enquiries by id with what a list needs, oldest first. */
export async function listByIds(db: Db | Tx, ids: string[]) {
  if (!ids.length) return [];
  return db
    .selectFrom('enquiry')
    .select(['id', 'reference', 'subject', 'status', 'received_at', 'erased_at'])
    .where('id', 'in', ids)
    .orderBy('received_at')
    .execute();
}

/**
 * The newest open enquiry from `phone` that arrived through one of `channels` at or after
 * `since`, locked FOR UPDATE: how a channel threads a journalist's follow-ups (two arriving
 * together join it one after the other).
 */
export async function findOpenThreadForUpdate(
  tx: Tx,
  phone: string,
  channels: readonly EnquiryChannel[],
  since: Date,
): Promise<Enquiry | undefined> {
  return tx
    .selectFrom('enquiry')
    .selectAll()
    .where('phone', '=', phone)
    .where('channel', 'in', channels)
    .where('status', 'in', OPEN_STATUSES)
    .where('received_at', '>=', since)
    .orderBy('received_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * Spends one point of `key`'s budget in `rate_limit` (the table and row format of
 * rate-limiter-flexible's PostgreSQL store, so counts written by either agree): a fixed window of
 * `durationMs` from the first point, at `at` (the service's clock). Returns the points spent in
 * the current window, this one included. Inside the caller's transaction, so a spend that is
 * rolled back (nothing stored, nothing paged) costs nothing.
 */
export async function spendRateLimitPoint(db: Db | Tx, key: string, durationMs: number, at: Date): Promise<number> {
  const now = at.getTime();
  const r = await sql<{ points: number }>`
    INSERT INTO rate_limit AS r (key, points, expire) VALUES (${key}, 1, ${now + durationMs})
    ON CONFLICT (key) DO UPDATE SET
      points = CASE WHEN r.expire IS NULL OR r.expire <= ${now} THEN 1 ELSE r.points + 1 END,
      expire = CASE WHEN r.expire IS NULL OR r.expire <= ${now} THEN ${now + durationMs} ELSE r.expire END
    RETURNING r.points`.execute(db);
  return Number(r.rows[0].points);
}

/** The enquiry with this reference, locked for an update (by the desk, or an incident linking it). */
export async function lockByReference(tx: Tx, reference: string): Promise<Enquiry | undefined> {
  return tx.selectFrom('enquiry').selectAll().where('reference', '=', reference).forUpdate().executeTakeFirst();
}

/**
 * Replaces the journalist's personal data on these enquiries (not yet erased) with the marker:
 * name, contact details, subject, details and the press line; and in their timeline entries, the
 * fields each kind declares personal (`PERSONAL_FIELDS`). Keeps the outlet, times, status and
 * outcome. Returns how many enquiries it erased.
 */
export async function eraseEnquiryRows(tx: Tx, ids: string[], at: Date): Promise<number> {
  const r = await tx
    .updateTable('enquiry')
    .set({
      name: ERASED,
      email: null,
      phone: null,
      subject: ERASED,
      details: ERASED,
      response_given: null,
      response_released_at: null,
      erased_at: at,
    })
    .where('id', 'in', ids)
    .where('erased_at', 'is', null)
    .executeTakeFirst();
  // Each kind's own declaration of its personal fields; an entry that holds none is left as it is.
  await sql`UPDATE enquiry_event ev SET data = (ev.data - p.fields) || '{"erased": true}'::jsonb
              FROM (SELECT key AS kind, ARRAY(SELECT jsonb_array_elements_text(value)) AS fields FROM jsonb_each(${JSON.stringify(PERSONAL_FIELDS)}::jsonb)) p
             WHERE ev.enquiry_id = ANY(${ids}::bigint[]) AND ev.kind = p.kind AND ev.data ?| p.fields`.execute(tx);
  return Number(r.numUpdatedRows);
}

/**
 * Blanks one person's `name` in the `to` list of timeline entries of `kind` (their erasure: a
 * colleague asked a question, an approver asked to sign off), in the entries of one enquiry or
 * those carrying one question's id. The other names in the list stay.
 */
export async function eraseNameInRecipientLists(
  tx: Tx,
  kind: 'question_asked' | 'signoff_requested',
  name: string,
  scope: { enquiryId: string } | { questionId: string },
): Promise<void> {
  const where =
    'enquiryId' in scope ? sql`ev.enquiry_id = ${scope.enquiryId}` : sql`ev.data->>'questionId' = ${scope.questionId}`;
  await sql`
    UPDATE enquiry_event ev
       SET data = jsonb_set(ev.data, '{to}', (
             SELECT coalesce(jsonb_agg(CASE WHEN t->>'name' = ${name}
                                            THEN jsonb_set(t, '{name}', to_jsonb(${ERASED}::text)) ELSE t END), '[]'::jsonb)
               FROM jsonb_array_elements(ev.data->'to') t))
     WHERE ev.kind = ${kind} AND ${where} AND jsonb_typeof(ev.data->'to') = 'array'`.execute(tx);
}
