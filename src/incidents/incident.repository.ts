import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { OPEN_STATUSES } from '../enquiries/enquiry.model.js';
import { lineSentAt } from './holding-line.repository.js';
import type { Incident } from './incident.tables.js';

// SQL of incidents (src/incidents/): the incidents, which enquiries are linked, and matching by
// search terms. Terms use the queue's search syntax (websearch_to_tsquery, English), against the
// same weighted text as the enquiry's generated `search` column.

/** Stores a new incident. */
export async function insertIncident(
  tx: Tx,
  row: {
    name: string;
    description: string;
    terms: string;
    declared_at: Date;
    declared_by: string;
    acknowledged_at: Date | null;
  },
): Promise<Incident> {
  return tx.insertInto('incident').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Sets an incident's name, description and terms; returns it as it is now. */
export async function updateIncident(
  tx: Tx,
  id: string,
  row: { name: string; description: string; terms: string },
): Promise<Incident> {
  return tx.updateTable('incident').set(row).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Names the colleague who signs off what the office says about the incident (null: nobody). */
export async function setApprover(tx: Tx, id: string, approverId: string | null): Promise<void> {
  await tx.updateTable('incident').set({ approver_id: approverId }).where('id', '=', id).execute();
}

/** The incident `id` (undefined: none). */
export async function findIncident(db: Db | Tx, id: string): Promise<Incident | undefined> {
  return db.selectFrom('incident').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The incident `id`, locked for the rest of `tx`. */
export async function lockIncident(tx: Tx, id: string): Promise<Incident | undefined> {
  return tx.selectFrom('incident').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Incidents not yet closed, newest first. */
export async function openIncidents(db: Db | Tx): Promise<Incident[]> {
  return db
    .selectFrom('incident')
    .selectAll()
    .where('closed_at', 'is', null)
    .orderBy('declared_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** Every incident, newest first (at most `limit`). */
export async function recentIncidents(db: Db | Tx, limit = 50): Promise<Incident[]> {
  return db
    .selectFrom('incident')
    .selectAll()
    .orderBy('declared_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

// Checked as topics' terms are (src/enquiries/search-terms.repository.ts).
export { termsMatchCount, termsShape } from '../enquiries/search-terms.repository.js';

/**
 * The newest open incident whose terms match a new enquiry's text (the same weighted text as
 * `enquiry.search`), before the enquiry is stored; undefined when none does.
 */
export async function matchIncident(
  db: Db | Tx,
  text: { subject: string; details: string; outlet: string; name: string },
): Promise<Incident | undefined> {
  const r = await sql<Incident>`
    SELECT i.* FROM incident i
     WHERE i.closed_at IS NULL
       AND (setweight(to_tsvector('english', ${text.subject}), 'A') ||
            setweight(to_tsvector('english', ${text.outlet} || ' ' || ${text.name}), 'B') ||
            setweight(to_tsvector('english', ${text.details}), 'C')) @@ websearch_to_tsquery('english', i.terms)
     ORDER BY i.declared_at DESC, i.id DESC
     LIMIT 1`.execute(db);
  return r.rows[0];
}

/** Links an enquiry to an incident (replacing any other). Returns the enquiry as it now is. */
export async function setIncident(tx: Tx, enquiryId: string, incidentId: string | null, at: Date): Promise<Enquiry> {
  return tx
    .updateTable('enquiry')
    .set({ incident_id: incidentId, incident_linked_at: incidentId ? at : null, updated_at: at })
    .where('id', '=', enquiryId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Remembers that an officer took this enquiry out of this incident (it is not suggested again). */
export async function rememberUnlinked(tx: Tx, incidentId: string, enquiryId: string, at: Date): Promise<void> {
  await tx
    .insertInto('incident_unlinked')
    .values({ incident_id: incidentId, enquiry_id: enquiryId, at })
    .onConflict((oc) => oc.columns(['incident_id', 'enquiry_id']).doNothing())
    .execute();
}

/** A linked or suggested enquiry as the incident's pages list it. */
export type IncidentEnquiry = Pick<
  Enquiry,
  | 'id'
  | 'reference'
  | 'channel'
  | 'status'
  | 'outlet'
  | 'subject'
  | 'urgent'
  | 'deadline'
  | 'respond_by'
  | 'received_at'
  | 'first_response_at'
  | 'incident_linked_at'
  | 'phone'
  | 'email'
  | 'assigned_to'
> & { /** When its journalist last had one of the incident's lines (null: never). */ line_sent_at: Date | null };

const LISTED = [
  'id',
  'reference',
  'channel',
  'status',
  'outlet',
  'subject',
  'urgent',
  'deadline',
  'respond_by',
  'received_at',
  'first_response_at',
  'incident_linked_at',
  'phone',
  'email',
  'assigned_to',
  lineSentAt.as('line_sent_at'),
] as const;

/** The enquiries linked to an incident, newest arrival first. */
export async function linkedEnquiries(db: Db | Tx, incidentId: string): Promise<IncidentEnquiry[]> {
  return db
    .selectFrom('enquiry')
    .select(LISTED)
    .where('incident_id', '=', incidentId)
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/**
 * Open enquiries that match the incident's terms and are in no incident, except those an officer
 * took out of this one: the suggestions to link, newest first (at most `limit`).
 */
export async function suggestions(
  db: Db | Tx,
  incident: Pick<Incident, 'id' | 'terms'>,
  limit = 200,
): Promise<IncidentEnquiry[]> {
  return db
    .selectFrom('enquiry')
    .select(LISTED)
    .where('incident_id', 'is', null)
    .where('status', 'in', OPEN_STATUSES)
    .where('erased_at', 'is', null)
    .where(sql<boolean>`search @@ websearch_to_tsquery('english', ${incident.terms})`)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('incident_unlinked')
            .select('incident_unlinked.enquiry_id')
            .whereRef('incident_unlinked.enquiry_id', '=', 'enquiry.id')
            .where('incident_unlinked.incident_id', '=', incident.id),
        ),
      ),
    )
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Marks the incidents of these enquiries as acknowledged by on-call (the first time only). */
export async function acknowledgeIncidentsOf(tx: Tx, enquiryIds: string[], at: Date): Promise<string[]> {
  if (!enquiryIds.length) return [];
  const r = await tx
    .updateTable('incident')
    .set({ acknowledged_at: at })
    .where('acknowledged_at', 'is', null)
    .where('closed_at', 'is', null)
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('enquiry')
        .select('incident_id')
        .where('id', 'in', enquiryIds)
        .where('incident_id', 'is not', null)
        .$narrowType<{ incident_id: string }>(),
    )
    .returning('id')
    .execute();
  return r.map((x) => x.id);
}

/** Closes an incident (its enquiries stay linked, for the record and the reports). */
export async function closeIncident(tx: Tx, id: string, at: Date): Promise<void> {
  await tx.updateTable('incident').set({ closed_at: at }).where('id', '=', id).where('closed_at', 'is', null).execute();
}
