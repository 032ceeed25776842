import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { EnquiryChannel } from '../enquiries/enquiry.model.js';
import { missedDeadline } from '../reports/reports.repository.js';
import type { Incident, IncidentLineKind } from './incident.tables.js';

// SQL of the per-incident report (src/incidents/incident-report.service.ts). Every figure is about
// the enquiries linked to the incident now (one taken out of it is not counted), whenever they
// arrived, and about the lines the office gave.

/** The incident (undefined: none). */
export async function findIncident(db: Db, id: string): Promise<Incident | undefined> {
  return db.selectFrom('incident').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The linked enquiries' totals: how many, answered (a first response recorded), with a deadline,
 * deadlines missed (by the reports page's rule, judged at `now`), and breaches announced.
 */
export async function enquiryTotals(db: Db, incidentId: string, now: Date) {
  const r = await sql<{
    total: number;
    answered: number;
    with_deadline: number;
    missed: number;
    breached: number;
    first_received: Date | null;
    last_received: Date | null;
  }>`
    SELECT count(*)::int AS total,
           count(*) FILTER (WHERE e.first_response_at IS NOT NULL)::int AS answered,
           count(*) FILTER (WHERE e.deadline IS NOT NULL)::int AS with_deadline,
           count(*) FILTER (WHERE e.deadline IS NOT NULL AND ${missedDeadline(now)})::int AS missed,
           count(*) FILTER (WHERE e.breached_at IS NOT NULL)::int AS breached,
           min(e.received_at) AS first_received, max(e.received_at) AS last_received
      FROM enquiry e
     WHERE e.incident_id = ${incidentId}`.execute(db);
  return r.rows[0];
}

/** How many linked enquiries came by each channel (channels with none are absent). */
export async function byChannel(db: Db, incidentId: string): Promise<Array<{ channel: EnquiryChannel; n: number }>> {
  return db
    .selectFrom('enquiry')
    .select(['channel', sql<number>`count(*)::int`.as('n')])
    .where('incident_id', '=', incidentId)
    .groupBy('channel')
    .execute();
}

/**
 * How many linked enquiries arrived in each hour of office time, as the instant each hour starts
 * (hours with none are absent). Truncated in the office's zone, so the two 01:00s of the night the
 * clocks go back stay two hours.
 */
export async function byHour(db: Db, incidentId: string, timezone: string): Promise<Array<{ hour: Date; n: number }>> {
  const r = await sql<{ hour: Date; n: number }>`
    SELECT date_trunc('hour', e.received_at, ${timezone}) AS hour, count(*)::int AS n
      FROM enquiry e
     WHERE e.incident_id = ${incidentId}
     GROUP BY 1 ORDER BY 1`.execute(db);
  return r.rows;
}

/** Each line the office gave about the incident, oldest first, with how many people it was sent to. */
export async function linesGiven(
  db: Db,
  incidentId: string,
): Promise<Array<{ id: string; kind: IncidentLineKind; created_at: Date; created_by: string; recipients: number }>> {
  const r = await sql<{ id: string; kind: IncidentLineKind; created_at: Date; created_by: string; recipients: number }>`
    SELECT l.id, l.kind, l.created_at, l.created_by, (SELECT count(DISTINCT s.contact) FROM incident_line_sent s WHERE s.line_id = l.id)::int AS recipients
      FROM incident_line l
     WHERE l.incident_id = ${incidentId}
     ORDER BY l.created_at, l.id`.execute(db);
  return r.rows;
}

/** How many different people (contacts) were sent at least one line about the incident, and at least one holding line. */
export async function journalistsReached(db: Db, incidentId: string): Promise<{ any: number; holding: number }> {
  const r = await sql<{ any: number; holding: number }>`
    SELECT count(DISTINCT s.contact)::int AS any,
           count(DISTINCT s.contact) FILTER (WHERE l.kind = 'holding')::int AS holding
      FROM incident_line_sent s JOIN incident_line l ON l.id = s.line_id
     WHERE l.incident_id = ${incidentId}`.execute(db);
  return r.rows[0] ?? { any: 0, holding: 0 };
}
