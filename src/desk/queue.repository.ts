import { sql, type SqlBool, type ExpressionBuilder } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database, EnquiryChannel, EnquiryStatus } from '../db/schema.js';
import type { PageStatus } from '../oncall/paging.tables.js';
import { OPEN_STATUSES } from '../enquiries/enquiry.model.js';

/** What the queue can be filtered by (all optional; default: open enquiries, anyone's). */
export interface QueueFilters {
  status: 'open' | 'all' | EnquiryStatus;
  urgent: 'any' | 'yes' | 'no';
  assigned: 'anyone' | 'me' | 'unassigned';
  channel: 'any' | EnquiryChannel;
  outOfHours: 'any' | 'yes' | 'no';
  q: string;
}

/** Keyset position: the due instant (null sorts last) and id of the last row shown. */
export interface QueueCursor {
  due: Date | null;
  id: string;
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
}

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
    ]);
}

function where(eb: ExpressionBuilder<Database, 'enquiry'>, f: QueueFilters, userId: string) {
  const c = [];
  if (f.status === 'open') c.push(eb('enquiry.status', 'in', OPEN_STATUSES));
  else if (f.status !== 'all') c.push(eb('enquiry.status', '=', f.status));
  if (f.urgent !== 'any') c.push(eb('enquiry.urgent', '=', f.urgent === 'yes'));
  if (f.assigned === 'me') c.push(eb('enquiry.assigned_to', '=', userId));
  if (f.assigned === 'unassigned') c.push(eb('enquiry.assigned_to', 'is', null));
  if (f.channel !== 'any') c.push(eb('enquiry.channel', '=', f.channel));
  if (f.outOfHours !== 'any') c.push(eb('enquiry.out_of_hours', '=', f.outOfHours === 'yes'));
  if (f.q) c.push(sql<SqlBool>`enquiry.search @@ websearch_to_tsquery('english', ${f.q})`);
  return eb.and(c);
}

/**
 * One page of the queue: what is due first at the top (the journalist's deadline, else the
 * office's respond-by; nothing due sorts last), keyset-paged so page 500 costs what page 1 does.
 * Returns `limit + 1` rows at most so the caller knows whether there is a next page.
 */
export async function listQueue(db: Db, f: QueueFilters, userId: string, after: QueueCursor | null, limit: number): Promise<QueueRow[]> {
  let q = baseQuery(db)
    .where((eb) => where(eb, f, userId))
    .orderBy(sql`coalesce(enquiry.deadline, enquiry.respond_by) ASC NULLS LAST`)
    .orderBy('enquiry.id', 'asc')
    .limit(limit + 1);
  if (after) {
    q = after.due
      ? q.where(sql<SqlBool>`(coalesce(enquiry.deadline, enquiry.respond_by) > ${after.due}
            OR (coalesce(enquiry.deadline, enquiry.respond_by) = ${after.due} AND enquiry.id > ${after.id})
            OR coalesce(enquiry.deadline, enquiry.respond_by) IS NULL)`)
      : q.where(sql<SqlBool>`coalesce(enquiry.deadline, enquiry.respond_by) IS NULL AND enquiry.id > ${after.id}`);
  }
  return (await q.execute()) as QueueRow[];
}

/** Headline counts of the open queue (served by the small partial index on open enquiries). */
export async function openCounts(db: Db, now: Date, userId: string): Promise<{ open: number; urgent: number; overdue: number; unassigned: number; mine: number }> {
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
  const rows = await baseQuery(db)
    .where('enquiry.reference', '=', reference)
    .execute();
  return rows[0] as QueueRow | undefined;
}
