import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';

// SQL of the incident summaries to on-call (src/incidents/incident-summary.service.ts). Which
// enquiries a summary covers is read from their timelines: withheld at intake for the incident
// (`page_withheld` reason incident) and not yet counted in one of its summaries
// (`incident_summary`). Timeline entries, not a time window, so an enquiry arriving in the same
// millisecond as a summary is neither lost nor counted twice.

/** An enquiry a summary counts. */
export type SummarisedEnquiry = Pick<
  Enquiry,
  'id' | 'reference' | 'status' | 'deadline' | 'first_response_at' | 'received_at'
>;

/**
 * The enquiries still linked to the incident that did not page because of it, arrived up to
 * `upTo`, and are in none of its summaries yet; oldest first. Withheld before the current link
 * (taken out, paged, then linked again by hand) does not count: that enquiry has paged.
 */
export async function unsummarised(tx: Tx | Db, incidentId: string, upTo: Date): Promise<SummarisedEnquiry[]> {
  const withheld = JSON.stringify({ reason: 'incident', incidentId });
  const summarised = JSON.stringify({ incidentId });
  return tx
    .selectFrom('enquiry as e')
    .select(['e.id', 'e.reference', 'e.status', 'e.deadline', 'e.first_response_at', 'e.received_at'])
    .where('e.incident_id', '=', incidentId)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('enquiry_event as w')
          .select('w.id')
          .whereRef('w.enquiry_id', '=', 'e.id')
          .where('w.kind', '=', 'page_withheld')
          .where(sql<boolean>`w.data @> ${withheld}::jsonb`)
          .where('w.at', '<=', upTo)
          .whereRef('w.at', '>=', 'e.incident_linked_at'),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('enquiry_event as s')
            .select('s.id')
            .whereRef('s.enquiry_id', '=', 'e.id')
            .where('s.kind', '=', 'incident_summary')
            .where(sql<boolean>`s.data @> ${summarised}::jsonb`),
        ),
      ),
    )
    .orderBy('e.received_at')
    .orderBy('e.id')
    .execute();
}

/** Records that the incident's summaries now cover enquiries up to `to`. */
export async function setSummarisedTo(tx: Tx, incidentId: string, to: Date): Promise<void> {
  await tx.updateTable('incident').set({ summarised_to: to }).where('id', '=', incidentId).execute();
}

/**
 * The enquiries counted in the summary whose outbox key is `key` (their `incident_summary` entry
 * names it; index `enquiry_event_summary_key`) whose timeline does not yet record its refusal
 * (`incident_summary_failed`), by id. Summaries sent before entries named their key are not found.
 */
export async function countedInNotRefused(tx: Tx, key: string): Promise<Array<Pick<Enquiry, 'id'>>> {
  const refusal = JSON.stringify({ key });
  // The kind is written as a literal, so that the partial index's condition is matched.
  return tx
    .selectFrom('enquiry_event as s')
    .select('s.enquiry_id as id')
    .distinct()
    .where(sql<boolean>`s.kind = 'incident_summary' AND s.data->>'key' = ${key}`)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('enquiry_event as f')
            .select('f.id')
            .whereRef('f.enquiry_id', '=', 's.enquiry_id')
            .where('f.kind', '=', 'incident_summary_failed')
            .where(sql<boolean>`f.data @> ${refusal}::jsonb`),
        ),
      ),
    )
    .orderBy('s.enquiry_id')
    .execute();
}
