import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';

// The on-call hours report's reads (issue 27, item 7). Reports come before oncall in the folder
// order (scripts/deps-check.ts), so the rota and paging tables (src/oncall/rota.tables.ts,
// paging.tables.ts) are read here in plain SQL rather than through the rota service.

/** One rota entry as the report reads it: who held which role from when to when, and what decides between overlapping entries. */
export interface HeldEntry {
  id: string;
  personId: string;
  role: 'primary' | 'backup';
  startsAt: Date;
  /** Its end, or, for someone since taken off the staff list, when they were taken off if that came first. */
  endsAt: Date;
  isOverride: boolean;
  createdAt: Date;
}

/**
 * Rota entries overlapping [from, to), both roles. The rota service skips inactive people in
 * every answer; for history that would hand a colleague's past shifts to whoever was under them
 * the moment they leave. So an inactive person's entry is read as ending when they were taken
 * off the staff list (`person.updated_at`: deactivation sets it, and nothing changes an inactive
 * person afterwards), which is what the rota answered at each instant before and after.
 */
export async function heldEntriesBetween(db: Db | Tx, from: Date, to: Date): Promise<HeldEntry[]> {
  const r = await sql<HeldEntry>`
    SELECT re.id::text AS "id", re.person_id::text AS "personId", re.role, re.starts_at AS "startsAt",
           CASE WHEN p.active THEN re.ends_at ELSE least(re.ends_at, p.updated_at) END AS "endsAt",
           re.is_override AS "isOverride", re.created_at AS "createdAt"
      FROM rota_entry re JOIN person p ON p.id = re.person_id
     WHERE tstzrange(re.starts_at, re.ends_at, '[)') && tstzrange(${from}::timestamptz, ${to}::timestamptz, '[)')
       AND (p.active OR p.updated_at > re.starts_at)`.execute(db);
  return r.rows;
}

// The person a page step reached: the rota person it was sent for (`person_id`, recorded when the
// rota named them), else the person whose phone it went to (the active one first, then the newest).
// The out-of-hours line's steps match nobody unless someone on the staff list has that number.
const STEP_PERSON = sql`
  SELECT p.id, p.name FROM person p
   WHERE p.id = st.person_id OR (st.person_id IS NULL AND p.phone = st.to_number)
   ORDER BY p.active DESC, p.id DESC LIMIT 1`;

/**
 * Pages (one per urgent enquiry) created in [from, to), per person whose phone they reached: a
 * text or call of the escalation that Twilio accepted. A page that texted and then rang someone
 * counts once for them.
 */
export async function pagesReceived(
  db: Db | Tx,
  from: Date,
  to: Date,
): Promise<Array<{ personId: string; n: number }>> {
  const r = await sql<{ personId: string; n: number }>`
    SELECT who.id::text AS "personId", count(DISTINCT pg.id)::int AS n
      FROM page pg
      JOIN page_step st ON st.page_id = pg.id AND st.state = 'sent'
      JOIN LATERAL (${STEP_PERSON}) who ON true
     WHERE pg.created_at >= ${from} AND pg.created_at < ${to}
     GROUP BY who.id`.execute(db);
  return r.rows;
}

/** A page acknowledged by someone on the rota, with when and how, and how long after it first reached them. */
export interface Acknowledgement {
  personId: string;
  pageId: string;
  reference: string;
  acknowledgedAt: Date;
  via: string;
  /** When the page's first text or call to them went out (null when the outbox did not record it). */
  firstSentAt: Date | null;
}

/**
 * Pages acknowledged in [from, to), each with the person who acknowledged it. Acknowledgements
 * record who in `page.acknowledged_by` in several forms (src/oncall): the phone (an ACK text, a
 * key pressed on the call), the officer's rota name or "on call (+44…)" (commands and the page's
 * link, `onCallActor`), or a desk user's email. It is matched against the people the page
 * actually reached; a desk user counts as one of them when their account's mobile is the number
 * paged. An acknowledgement by anyone else (a manager at the desk) is nobody's callout here.
 */
export async function acknowledgementsBetween(db: Db | Tx, from: Date, to: Date): Promise<Acknowledgement[]> {
  const r = await sql<Acknowledgement>`
    SELECT who.id::text AS "personId", pg.id::text AS "pageId", e.reference, pg.acknowledged_at AS "acknowledgedAt",
           pg.ack_via AS via, who.first_sent AS "firstSentAt"
      FROM page pg
      JOIN enquiry e ON e.id = pg.enquiry_id
      JOIN LATERAL (
        SELECT p.id,
               (SELECT min(coalesce(m.sent_at, s2.created_at)) FROM page_step s2
                  LEFT JOIN outbound_message m ON m.id = s2.outbound_id
                 WHERE s2.page_id = pg.id AND s2.state = 'sent' AND s2.to_number = st.to_number) AS first_sent
          FROM page_step st
          JOIN LATERAL (${STEP_PERSON}) p ON true
         WHERE st.page_id = pg.id AND st.state = 'sent'
           AND (pg.acknowledged_by = st.to_number
                OR pg.acknowledged_by = 'on call (' || st.to_number || ')'
                OR pg.acknowledged_by = p.name
                OR EXISTS (SELECT 1 FROM app_user u WHERE lower(u.email) = lower(pg.acknowledged_by) AND u.mobile = st.to_number))
         ORDER BY st.step_index, st.id LIMIT 1
      ) who ON true
     WHERE pg.status = 'acknowledged' AND pg.acknowledged_at >= ${from} AND pg.acknowledged_at < ${to}
     ORDER BY pg.acknowledged_at, pg.id`.execute(db);
  return r.rows;
}

/** Names of people on the staff list (active or not) by id: the report names everyone it counts. */
export async function peopleByIds(
  db: Db | Tx,
  ids: string[],
): Promise<Array<{ id: string; name: string; active: boolean }>> {
  if (!ids.length) return [];
  const r = await sql<{ id: string; name: string; active: boolean }>`
    SELECT id::text AS id, name, active FROM person WHERE id = ANY(${ids}::bigint[])`.execute(db);
  return r.rows;
}
