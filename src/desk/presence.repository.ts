import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import type { EventKind } from '../enquiries/timeline.js';
import type { WritingIn } from './presence.tables.js';

// Presence on the enquiry page and the sends made from it (sql/20261209010000_presence.sql, issue 29).

/** An officer on an enquiry: one per person, writing when any of their tabs is. */
export interface Present {
  userId: string;
  name: string;
  writing: WritingIn | null;
}

/**
 * Records that `tab` of `userId` has the enquiry open (writing in `writing`, or only viewing) until
 * `expiresAt`. Returns true when that changes what others see (a tab new or back after expiring,
 * or it started or stopped writing), false for a heartbeat that only renews it.
 */
export async function upsertPresence(
  db: Db,
  p: { enquiryId: string; userId: string; tab: string; writing: WritingIn | null; expiresAt: Date; now: Date },
): Promise<boolean> {
  const r = await sql<{ before: string | null; existed: boolean }>`
    WITH old AS (
      SELECT writing FROM desk_presence
       WHERE enquiry_id = ${p.enquiryId} AND user_id = ${p.userId} AND tab = ${p.tab} AND expires_at > ${p.now}
    )
    INSERT INTO desk_presence (enquiry_id, user_id, tab, writing, expires_at)
    VALUES (${p.enquiryId}, ${p.userId}, ${p.tab}, ${p.writing}, ${p.expiresAt})
    ON CONFLICT (enquiry_id, user_id, tab) DO UPDATE SET writing = EXCLUDED.writing, expires_at = EXCLUDED.expires_at
    RETURNING (SELECT writing FROM old) AS before, EXISTS (SELECT 1 FROM old) AS existed`.execute(db);
  const row = r.rows[0];
  return !row?.existed || (row.before ?? null) !== p.writing;
}

/** Removes `tab` of `userId` from the enquiry (the page was closed); true when it was there. */
export async function removePresence(db: Db, enquiryId: string, userId: string, tab: string): Promise<boolean> {
  const r = await db
    .deleteFrom('desk_presence')
    .where('enquiry_id', '=', enquiryId)
    .where('user_id', '=', userId)
    .where('tab', '=', tab)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Who has the enquiry open now, but `exceptUserId`, by name; writing first. */
export async function presentOn(db: Db | Tx, enquiryId: string, exceptUserId: string, now: Date): Promise<Present[]> {
  const map = await presentOnMany(db, [enquiryId], exceptUserId, now);
  return map.get(enquiryId) ?? [];
}

/**
 * Who has each of `enquiryIds` open now, but `exceptUserId`: one query for a whole queue page.
 * Enquiries nobody else has open are absent from the map.
 */
export async function presentOnMany(
  db: Db | Tx,
  enquiryIds: readonly string[],
  exceptUserId: string,
  now: Date,
): Promise<Map<string, Present[]>> {
  const out = new Map<string, Present[]>();
  if (!enquiryIds.length) return out;
  const rows = await db
    .selectFrom('desk_presence as p')
    .innerJoin('app_user as u', 'u.id', 'p.user_id')
    .select(['p.enquiry_id', 'p.user_id', 'u.name', sql<WritingIn | null>`max(p.writing)`.as('writing')])
    .where('p.enquiry_id', 'in', [...enquiryIds])
    .where('p.user_id', '<>', exceptUserId)
    .where('p.expires_at', '>', now)
    .where('u.active', '=', true)
    .groupBy(['p.enquiry_id', 'p.user_id', 'u.name'])
    .orderBy(sql`max(p.writing) IS NULL`)
    .orderBy('u.name')
    .execute();
  for (const r of rows) {
    const list = out.get(r.enquiry_id) ?? [];
    list.push({ userId: r.user_id, name: r.name, writing: r.writing });
    out.set(r.enquiry_id, list);
  }
  return out;
}

/**
 * Housekeeping: drops presence that expired before `now` and send records older than `sendsBefore`
 * (a form a day old is not submitted twice by accident). Both by index; usually nothing to do.
 */
export async function sweep(db: Db, now: Date, sendsBefore: Date): Promise<void> {
  await db.deleteFrom('desk_presence').where('expires_at', '<', now).execute();
  await db.deleteFrom('desk_send').where('at', '<', sendsBefore).execute();
}

/** The id of the enquiry's newest timeline entry ('0' when it has none): what a page saw when loaded. */
export async function newestEventId(db: Db | Tx, enquiryId: string): Promise<string> {
  const r = await db
    .selectFrom('enquiry_event')
    .select(sql<string | null>`max(id)::text`.as('id'))
    .where('enquiry_id', '=', enquiryId)
    .executeTakeFirst();
  return r?.id ?? '0';
}

/** Journalist's own actions that change what an officer would send (an actor-less entry otherwise is the system's). */
const JOURNALIST_KINDS: readonly EventKind[] = ['sms_in', 'email_in', 'journalist_added', 'withdrawn'];
/** Entries with an actor that are not actions on the enquiry. */
const NOT_ACTIONS: readonly EventKind[] = ['oncall_viewed'];

/** A timeline entry someone else made after a page was loaded. */
export interface OtherAction {
  id: string;
  kind: EventKind;
  at: Date;
  actor: string | null;
  /** The staff member's name when the actor is one (null: the journalist, on-call by phone). */
  name: string | null;
  data: Record<string, unknown>;
}

/**
 * Timeline entries of the enquiry after `afterId` made by anyone but `actorEmail`: another officer,
 * on-call, or the journalist; oldest first, at most `limit`. Read inside the send's transaction,
 * after the enquiry row is locked, so a send committed just before is seen.
 */
export async function actionsSince(
  tx: Db | Tx,
  enquiryId: string,
  afterId: string,
  actorEmail: string,
  limit = 10,
): Promise<OtherAction[]> {
  const rows = await tx
    .selectFrom('enquiry_event as ev')
    .leftJoin('app_user as u', (j) => j.on(sql`lower(u.email)`, '=', sql`lower(ev.actor)`))
    .select(['ev.id', 'ev.kind', 'ev.at', 'ev.actor', 'ev.data', 'u.name'])
    .where('ev.enquiry_id', '=', enquiryId)
    .where('ev.id', '>', afterId)
    .where((w) =>
      w.or([
        w.and([
          w('ev.actor', 'is not', null),
          w(sql`lower(ev.actor)`, '<>', actorEmail.toLowerCase()),
          w('ev.kind', 'not in', [...NOT_ACTIONS]),
        ]),
        w.and([w('ev.actor', 'is', null), w('ev.kind', 'in', [...JOURNALIST_KINDS])]),
      ]),
    )
    .orderBy('ev.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, data: r.data as Record<string, unknown>, name: r.name ?? null }));
}

/** The send made from the form `formKey` on this enquiry, if any. */
export async function findSend(
  tx: Tx,
  enquiryId: string,
  formKey: string,
): Promise<{ digest: string; event_id: string | null; at: Date } | undefined> {
  return tx
    .selectFrom('desk_send')
    .select(['digest', 'event_id', 'at'])
    .where('enquiry_id', '=', enquiryId)
    .where('form_key', '=', formKey)
    .executeTakeFirst();
}

/** Records a send by its form's key, in the send's transaction. */
export async function recordSend(
  tx: Tx,
  s: { enquiryId: string; formKey: string; digest: string; userId: string; eventId: string | null; at: Date },
): Promise<void> {
  await tx
    .insertInto('desk_send')
    .values({
      enquiry_id: s.enquiryId,
      form_key: s.formKey,
      digest: s.digest,
      user_id: s.userId,
      event_id: s.eventId,
      at: s.at,
    })
    .execute();
}
