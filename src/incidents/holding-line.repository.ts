import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import type { IncidentLine, IncidentLineKind } from './incident.tables.js';
import { ERASED } from '../db/erased.js';

// SQL of holding and press lines (src/incidents/holding-line.service.ts): the lines, which linked
// enquiries have had each, and the batches the fan-out job works through.

/** Stores a new line of an incident. */
export async function insertLine(
  tx: Tx,
  row: { incident_id: string; kind: IncidentLineKind; text: string; created_at: Date; created_by: string },
): Promise<IncidentLine> {
  return tx.insertInto('incident_line').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The line `lineId` of incident `incidentId` (undefined: no such line of that incident). */
export async function findLine(db: Db | Tx, incidentId: string, lineId: string): Promise<IncidentLine | undefined> {
  return db
    .selectFrom('incident_line')
    .selectAll()
    .where('id', '=', lineId)
    .where('incident_id', '=', incidentId)
    .executeTakeFirst();
}

/** The incident's newest line, of either kind (undefined: none yet). */
export async function latestLine(db: Db | Tx, incidentId: string): Promise<IncidentLine | undefined> {
  return db
    .selectFrom('incident_line')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Every line of the incident, oldest first (the order the office said them in). */
export async function linesOf(db: Db | Tx, incidentId: string): Promise<IncidentLine[]> {
  return db
    .selectFrom('incident_line')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** How a linked enquiry can be reached: what the route (SMS or email) is chosen from. */
export type Reachable = Pick<Enquiry, 'id' | 'reference' | 'channel' | 'email' | 'phone'>;

/**
 * Linked enquiries a line may go to: not erased, not withdrawn, and whose journalist has not
 * turned messages off on the status page.
 */
function eligible(db: Db | Tx, incidentId: string) {
  return db
    .selectFrom('enquiry')
    .where('incident_id', '=', incidentId)
    .where('erased_at', 'is', null)
    .where('status', '<>', 'withdrawn')
    .where('updates_off', '=', false);
}

/** The enquiries of the incident a line may go to, with what their route is chosen from. */
export async function eligibleEnquiries(db: Db | Tx, incidentId: string): Promise<Reachable[]> {
  return eligible(db, incidentId).select(['id', 'reference', 'channel', 'email', 'phone']).orderBy('id').execute();
}

/** Every (line, enquiry, contact) recorded as sent for the incident's lines. */
export async function sentOfIncident(
  db: Db | Tx,
  incidentId: string,
): Promise<Array<{ line_id: string; enquiry_id: string; contact: string }>> {
  return db
    .selectFrom('incident_line_sent')
    .innerJoin('incident_line', 'incident_line.id', 'incident_line_sent.line_id')
    .select(['incident_line_sent.line_id', 'incident_line_sent.enquiry_id', 'incident_line_sent.contact'])
    .where('incident_line.incident_id', '=', incidentId)
    .execute();
}

/**
 * The next `limit` eligible linked enquiries, by id after `afterId`, that have not had `lineId`:
 * the fan-out job's batch (keyset, so enquiries nobody can reach are passed over, not met again).
 */
export async function pendingBatch(
  db: Db | Tx,
  incidentId: string,
  lineId: string,
  afterId: string,
  limit: number,
): Promise<Enquiry[]> {
  return eligible(db, incidentId)
    .selectAll('enquiry')
    .where('enquiry.id', '>', afterId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('incident_line_sent')
            .select('incident_line_sent.enquiry_id')
            .whereRef('incident_line_sent.enquiry_id', '=', 'enquiry.id')
            .where('incident_line_sent.line_id', '=', lineId),
        ),
      ),
    )
    .orderBy('enquiry.id')
    .limit(limit)
    .execute();
}

/** Records that `enquiryId` had `lineId` at `contact`; false when it already had (the primary key). */
export async function recordSent(
  tx: Tx,
  row: { line_id: string; enquiry_id: string; contact: string; queued_at: Date },
): Promise<boolean> {
  const r = await tx
    .insertInto('incident_line_sent')
    .values(row)
    .onConflict((oc) => oc.columns(['line_id', 'enquiry_id']).doNothing())
    .returning('enquiry_id')
    .executeTakeFirst();
  return r !== undefined;
}

/** When `enquiryId` was recorded as having had `lineId` (null: not yet). */
export async function sentAtOf(db: Db | Tx, lineId: string, enquiryId: string): Promise<Date | null> {
  const r = await db
    .selectFrom('incident_line_sent')
    .select('queued_at')
    .where('line_id', '=', lineId)
    .where('enquiry_id', '=', enquiryId)
    .executeTakeFirst();
  return r?.queued_at ?? null;
}

/** True when another enquiry of the same person (`contact`) already had `lineId`. */
export async function contactHad(tx: Tx, lineId: string, contact: string, exceptEnquiryId: string): Promise<boolean> {
  const r = await tx
    .selectFrom('incident_line_sent')
    .select('enquiry_id')
    .where('line_id', '=', lineId)
    .where('contact', '=', contact)
    .where('enquiry_id', '<>', exceptEnquiryId)
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

/** The job key of a line's fan-out (one per line: pressing send while it waits replaces it). */
export function sendJobKey(lineId: string): string {
  return `incident-line-send:${lineId}`;
}

/** Of `lineIds`, those whose fan-out job is still queued or running (the page shows "Sending…"). */
export async function linesBeingSent(db: Db | Tx, lineIds: string[]): Promise<Set<string>> {
  if (!lineIds.length) return new Set();
  const keys = lineIds.map(sendJobKey);
  const r = await sql<{ key: string }>`SELECT key FROM graphile_worker.jobs WHERE key = ANY(${keys}::text[])`.execute(
    db,
  );
  return new Set(r.rows.map((row) => row.key.slice('incident-line-send:'.length)));
}

/** When the enquiry was last sent one of an incident's lines, per row of `enquiry` (the index incident_line_sent_enquiry serves it). */
export const lineSentAt = sql<Date | null>`(SELECT max(s.queued_at) FROM incident_line_sent s WHERE s.enquiry_id = enquiry.id)`;

/**
 * Records the line as the enquiry's first response (`incidents.holdingLineCounts` first_response):
 * stops its respond-by clock; never overwrites an earlier response.
 */
export async function recordFirstResponse(tx: Tx, enquiryId: string, at: Date, workingSeconds: number): Promise<void> {
  await tx
    .updateTable('enquiry')
    .set({ first_response_at: at, first_response_working_s: workingSeconds, updated_at: at })
    .where('id', '=', enquiryId)
    .where('first_response_at', 'is', null)
    .execute();
}

/** Who an incident's line went to is their number or address: erased; that it went stays, for the incident's report. */
export async function eraseLineRecipientsOf(tx: Tx, ids: string[]): Promise<void> {
  await tx.updateTable('incident_line_sent').set({ contact: ERASED }).where('enquiry_id', 'in', ids).execute();
}
