import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../db/database.js';
import { OPEN_STATUSES } from '../enquiries/enquiry.model.js';
import type { NewEventOf } from '../enquiries/timeline.js';

// SQL of the deadline sweep (src/deadlines/deadline.service.ts). Each question claims its rows
// with FOR UPDATE SKIP LOCKED and marks them in the same statement, so two workers sweeping at
// once never announce one enquiry twice, and a reply being recorded (which holds the enquiry's
// row lock) is never held up by the sweep: the sweep skips it and finds it answered next time.

// Written out as literals, not a parameter: only then can the planner use the partial indexes
// enquiry_warn_due and enquiry_breach_due (sql/20261129180000_incidents.sql), whose predicates
// list the same open statuses.
const OPEN: RawBuilder<unknown> = sql`(${sql.join(OPEN_STATUSES.map((s) => sql.lit(s)))})`;

/** An enquiry the sweep has just marked warned. */
export interface WarnedRow {
  id: string;
  reference: string;
  respond_by: Date;
  deadline: Date | null;
}

/** An enquiry the sweep has just marked breached, with what the escalation text may say of it. */
export interface BreachedRow extends WarnedRow {
  subject: string;
  /** The assigned officer's name; null when nobody is assigned. */
  assigned_name: string | null;
}

/**
 * Marks up to `limit` due warnings as announced at `now` (open, no first response, not yet
 * warned, `warn_at` reached), earliest first, and returns them. Rows locked by another
 * transaction are skipped, not waited for.
 */
export async function claimDueWarnings(tx: Tx, now: Date, limit: number): Promise<WarnedRow[]> {
  const r = await sql<WarnedRow>`
    WITH due AS (
      SELECT id FROM enquiry
       WHERE warn_at <= ${now} AND warned_at IS NULL AND first_response_at IS NULL AND status IN ${OPEN}
         AND respond_by IS NOT NULL
       ORDER BY warn_at, id
       LIMIT ${limit}
         FOR UPDATE SKIP LOCKED
    )
    UPDATE enquiry e SET warned_at = ${now}
      FROM due WHERE e.id = due.id
    RETURNING e.id, e.reference, e.respond_by, e.deadline`.execute(tx);
  return r.rows;
}

/**
 * Marks up to `limit` due breaches as announced at `now` (open, no first response, not yet
 * breached, `respond_by` reached), earliest first, and returns them with the assigned officer's
 * name. Rows locked by another transaction are skipped, not waited for.
 */
export async function claimDueBreaches(tx: Tx, now: Date, limit: number): Promise<BreachedRow[]> {
  const r = await sql<BreachedRow>`
    WITH due AS (
      SELECT id FROM enquiry
       WHERE respond_by <= ${now} AND breached_at IS NULL AND first_response_at IS NULL AND status IN ${OPEN}
       ORDER BY respond_by, id
       LIMIT ${limit}
         FOR UPDATE SKIP LOCKED
    )
    UPDATE enquiry e SET breached_at = ${now}
      FROM due WHERE e.id = due.id
    RETURNING e.id, e.reference, e.respond_by, e.deadline, e.subject,
              (SELECT u.name FROM app_user u WHERE u.id = e.assigned_to) AS assigned_name`.execute(tx);
  return r.rows;
}

/** Writes the sweep's timeline entries in one statement. */
export async function addDeadlineEvents(
  tx: Tx,
  events: Array<NewEventOf<'deadline_warning' | 'deadline_breached'>>,
): Promise<void> {
  if (!events.length) return;
  await tx
    .insertInto('enquiry_event')
    .values(
      events.map((e) => ({
        enquiry_id: e.enquiryId,
        at: e.at,
        kind: e.kind,
        actor: null,
        data: JSON.stringify(e.data),
      })),
    )
    .execute();
}
