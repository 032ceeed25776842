import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { OPEN_STATUSES } from '../enquiries/enquiry.model.js';
import {
  MOVED_TABLES,
  type DeadlineBefore,
  type EnquiryMerge,
  type MovedRows,
  type MovedTable,
  type StoodBefore,
} from './merging.tables.js';

// SQL of merging and splitting enquiries (src/merging/): the rows that move, the merge records
// that say exactly which, and the duplicate suggestions.

/** The key each moved table's rows are named by in a merge record. */
const KEY: Record<MovedTable, string> = {
  enquiry_event: 'id',
  sms_inbound: 'message_sid',
  email_message: 'id',
  voice_call: 'call_sid',
  colleague_question: 'id',
  said: 'id',
};

/** Both enquiries, locked for the rest of `tx` in id order (two merges of the same pair cannot deadlock). */
export async function lockPair(tx: Tx, a: string, b: string): Promise<Map<string, Enquiry>> {
  const rows = await tx
    .selectFrom('enquiry')
    .selectAll()
    .where('reference', 'in', [a, b])
    .orderBy('id')
    .forUpdate()
    .execute();
  return new Map(rows.map((r) => [r.reference, r]));
}

/** The enquiry `id`, locked for the rest of `tx`. */
export async function lockById(tx: Tx, id: string): Promise<Enquiry | undefined> {
  return tx.selectFrom('enquiry').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * Moves every row of `fromId` in the moved tables to `intoId` and returns their keys by table.
 * Its `received` entry stays: it is the record of how and when that enquiry arrived (its
 * confirmation page and the reports read it there).
 */
export async function moveAll(tx: Tx, fromId: string, intoId: string): Promise<MovedRows> {
  const moved: MovedRows = {};
  for (const table of MOVED_TABLES) {
    const keep = table === 'enquiry_event' ? sql`AND kind <> 'received'` : sql``;
    const r = await sql<{ k: string }>`
      UPDATE ${sql.table(table)} SET enquiry_id = ${intoId}
       WHERE enquiry_id = ${fromId} ${keep}
      RETURNING ${sql.ref(KEY[table])}::text AS k`.execute(tx);
    if (r.rows.length) moved[table] = r.rows.map((x) => x.k);
  }
  return moved;
}

/** How many rows a merge record says moved. */
export function movedCount(moved: MovedRows): number {
  return Object.values(moved).reduce((n, ids) => n + (ids?.length ?? 0), 0);
}

/** Moves exactly the recorded rows that are still on `intoId` back to `fromId`. */
export async function moveBack(tx: Tx, moved: MovedRows, fromId: string, intoId: string): Promise<void> {
  for (const table of MOVED_TABLES) {
    const keys = moved[table];
    if (!keys?.length) continue;
    await sql`
      UPDATE ${sql.table(table)} SET enquiry_id = ${fromId}
       WHERE enquiry_id = ${intoId} AND ${sql.ref(KEY[table])}::text = ANY(${keys}::text[])`.execute(tx);
  }
}

/** How an enquiry stands now, as a merge record keeps it for the undo. */
export function stoodBefore(e: Enquiry): StoodBefore {
  return {
    status: e.status,
    closed_at: e.closed_at?.toISOString() ?? null,
    resolved_at: e.resolved_at?.toISOString() ?? null,
    close_working_s: e.close_working_s,
    outcome: e.outcome,
    duplicate_of: e.duplicate_of,
  };
}

/** Stores a merge record; returns its id. */
export async function insertMerge(
  tx: Tx,
  m: { intoId: string; fromId: string; at: Date; by: string; moved: MovedRows; before: StoodBefore },
): Promise<string> {
  const row = await tx
    .insertInto('enquiry_merge')
    .values({
      into_id: m.intoId,
      from_id: m.fromId,
      merged_at: m.at,
      merged_by: m.by,
      moved: JSON.stringify(m.moved),
      before: JSON.stringify(m.before),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Marks the merged enquiry: closed as a duplicate of the one it went into, and pointing at it. */
export async function markMerged(tx: Tx, fromId: string, intoId: string, at: Date, closeWorkingS: number) {
  await tx
    .updateTable('enquiry')
    .set({
      merged_into: intoId,
      status: 'closed',
      outcome: 'duplicate',
      duplicate_of: intoId,
      closed_at: at,
      close_working_s: closeWorkingS,
      resolved_at: sql`coalesce(resolved_at, ${at})`,
      journalist_added_at: null,
      updated_at: at,
    })
    .where('id', '=', fromId)
    .execute();
}

/** Puts the merged enquiry back as it stood before the merge. */
export async function restore(tx: Tx, fromId: string, before: StoodBefore, at: Date): Promise<void> {
  await tx
    .updateTable('enquiry')
    .set({
      merged_into: null,
      status: before.status as Enquiry['status'],
      closed_at: before.closed_at ? new Date(before.closed_at) : null,
      resolved_at: before.resolved_at ? new Date(before.resolved_at) : null,
      close_working_s: before.close_working_s,
      outcome: before.outcome as Enquiry['outcome'],
      duplicate_of: before.duplicate_of,
      updated_at: at,
    })
    .where('id', '=', fromId)
    .execute();
}

/** The earlier of two instants (null: none). */
function earlier(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() <= b.getTime() ? a : b;
}

/**
 * When the merged enquiry's deadline is earlier than the one it goes into (or that has none), the
 * one it goes into takes it: the journalist still needs the answer by then. Its respond-by and
 * warning come no later than the merged one's, and it is urgent if either was. Returns how it
 * stood before (for the undo), or null when nothing changed.
 */
export async function carryDeadline(tx: Tx, from: Enquiry, into: Enquiry): Promise<DeadlineBefore | null> {
  if (!from.deadline || (into.deadline && into.deadline.getTime() <= from.deadline.getTime())) return null;
  const urgent = into.urgent || from.urgent;
  await tx
    .updateTable('enquiry')
    .set({
      deadline: from.deadline,
      respond_by: earlier(into.respond_by, from.respond_by ?? from.deadline),
      warn_at: earlier(into.warn_at, from.warn_at),
      urgent,
      urgent_reason: into.urgent ? into.urgent_reason : from.urgent ? from.urgent_reason : null,
    })
    .where('id', '=', into.id)
    .execute();
  return {
    deadline: into.deadline?.toISOString() ?? null,
    respond_by: into.respond_by?.toISOString() ?? null,
    warn_at: into.warn_at?.toISOString() ?? null,
    urgent: into.urgent,
    urgent_reason: into.urgent_reason,
  };
}

/** Gives the enquiry merged into its own deadline back (the undo of `carryDeadline`). */
export async function restoreDeadline(tx: Tx, intoId: string, before: DeadlineBefore): Promise<void> {
  const at = (s: string | null) => (s ? new Date(s) : null);
  await tx
    .updateTable('enquiry')
    .set({
      deadline: at(before.deadline),
      respond_by: at(before.respond_by),
      warn_at: at(before.warn_at),
      urgent: before.urgent,
      urgent_reason: before.urgent_reason as Enquiry['urgent_reason'],
    })
    .where('id', '=', intoId)
    .execute();
}

/** A merge record, with the two references. */
export type MergeListed = EnquiryMerge & { into_reference: string; from_reference: string };

function mergesQuery(db: Db | Tx) {
  return db
    .selectFrom('enquiry_merge as m')
    .innerJoin('enquiry as i', 'i.id', 'm.into_id')
    .innerJoin('enquiry as f', 'f.id', 'm.from_id')
    .selectAll('m')
    .select(['i.reference as into_reference', 'f.reference as from_reference']);
}

/** The merge `id`, locked for the rest of `tx` (undefined: none). */
export async function lockMerge(tx: Tx, id: string): Promise<MergeListed | undefined> {
  return mergesQuery(tx).where('m.id', '=', id).forUpdate('m').executeTakeFirst() as Promise<MergeListed | undefined>;
}

/**
 * The merges still in force that touch `enquiryId`: the one it was merged by (as `from`), and
 * those merged into it, oldest first.
 */
export async function activeMergesOf(db: Db | Tx, enquiryId: string): Promise<MergeListed[]> {
  return mergesQuery(db)
    .where((eb) => eb.or([eb('m.into_id', '=', enquiryId), eb('m.from_id', '=', enquiryId)]))
    .where('m.undone_at', 'is', null)
    .where('m.released_at', 'is', null)
    .orderBy('m.merged_at')
    .orderBy('m.id')
    .execute() as Promise<MergeListed[]>;
}

/** Marks a merge undone. */
export async function markUndone(tx: Tx, id: string, at: Date, by: string): Promise<void> {
  await tx.updateTable('enquiry_merge').set({ undone_at: at, undone_by: by }).where('id', '=', id).execute();
}

/**
 * Erasure (src/privacy, through `PrivacyService`'s `beforeErase`): where one side of a merge still
 * in force is being erased and the other is not, the rows that moved go back to the enquiry they
 * came from first, so each journalist's data is erased with their own enquiry and nobody else's
 * (two journalists' enquiries can be merged). The merge can no longer be undone (`released_at`).
 * Where both sides are erased together nothing needs to move.
 */
export async function releaseMergesFor(tx: Tx, ids: string[], at: Date): Promise<void> {
  if (!ids.length) return;
  const merges = await tx
    .selectFrom('enquiry_merge')
    .selectAll()
    .where((eb) => eb.or([eb('into_id', 'in', ids), eb('from_id', 'in', ids)]))
    .where('undone_at', 'is', null)
    .where('released_at', 'is', null)
    .forUpdate()
    .execute();
  const erasing = new Set(ids);
  for (const m of merges) {
    if (erasing.has(m.into_id) && erasing.has(m.from_id)) continue;
    await moveBack(tx, m.moved, m.from_id, m.into_id);
    await tx.updateTable('enquiry_merge').set({ released_at: at }).where('id', '=', m.id).execute();
  }
}

/** An open enquiry that looks like a duplicate of another, and why. */
export interface DuplicateSuggestion {
  id: string;
  reference: string;
  subject: string;
  outlet: string;
  channel: Enquiry['channel'];
  received_at: Date;
  samePhone: boolean;
  sameEmail: boolean;
  /** Its phone or email is on the same journalist record (src/journalists) as one of `e`'s. */
  sameJournalist: boolean;
  /** Words (English stems, stop words left out) the two subjects share. */
  sharedWords: number;
}

/**
 * Up to `limit` open enquiries (not merged, not erased) received within `days` of `e` that look
 * like the same request, in one query: the same phone number (also when one enquiry's text
 * carries the other's number, as an email signature does: its last ten digits), the same email
 * address (any case), a phone or address on the same journalist record (an email, then a call
 * from the mobile on their record), or subjects sharing at least two words (English stems, stop
 * words left out: no pg_trgm). Same contact first, then most words shared, then nearest in time.
 */
export async function suggestDuplicates(
  db: Db | Tx,
  e: Pick<Enquiry, 'id' | 'phone' | 'email' | 'subject' | 'details' | 'received_at'>,
  days: number,
  limit = 5,
): Promise<DuplicateSuggestion[]> {
  const from = new Date(e.received_at.getTime() - days * 86_400_000);
  const to = new Date(e.received_at.getTime() + days * 86_400_000);
  const digits = e.phone ? e.phone.replace(/\D/g, '').slice(-10) : null;
  const email = e.email ? e.email.toLowerCase() : null;
  const r = await sql<{
    id: string;
    reference: string;
    subject: string;
    outlet: string;
    channel: Enquiry['channel'];
    received_at: Date;
    same_phone: boolean;
    same_email: boolean;
    same_journalist: boolean;
    shared: number;
  }>`
    WITH mine AS (SELECT tsvector_to_array(to_tsvector('english', ${e.subject})) AS words,
                         regexp_replace(${e.details}, '\\D', '', 'g') AS digits),
    -- The journalist record (if any) that either of its contacts is on, and that record's contacts.
    theirs AS (SELECT k.value FROM journalist_contact k
                WHERE k.journalist_id IN (SELECT journalist_id FROM journalist_contact
                                           WHERE value IN (${e.phone}::text, ${email}::text))),
    c AS (
      SELECT o.id, o.reference, o.subject, o.outlet, o.channel, o.received_at,
             (${e.phone}::text IS NOT NULL AND (o.phone = ${e.phone}
               OR (length(${digits}::text) = 10 AND strpos(regexp_replace(o.details, '\\D', '', 'g'), ${digits}::text) > 0))
              OR (o.phone IS NOT NULL AND strpos(mine.digits, right(regexp_replace(o.phone, '\\D', '', 'g'), 10)) > 0))
               AS same_phone,
             (${email}::text IS NOT NULL AND lower(o.email) = ${email}) AS same_email,
             (o.phone IN (SELECT value FROM theirs) OR lower(o.email) IN (SELECT value FROM theirs)) IS TRUE
               AS same_journalist,
             cardinality(ARRAY(SELECT unnest(mine.words) INTERSECT
                               SELECT unnest(tsvector_to_array(to_tsvector('english', o.subject)))))::int AS shared
        FROM enquiry o, mine
       WHERE o.id <> ${e.id} AND o.merged_into IS NULL AND o.erased_at IS NULL
         AND o.status = ANY(${OPEN_STATUSES}::text[])
         AND o.received_at >= ${from} AND o.received_at <= ${to}
    )
    SELECT * FROM c
     WHERE same_phone OR same_email OR same_journalist OR shared >= 2
     ORDER BY (same_phone OR same_email OR same_journalist) DESC, shared DESC, abs(extract(epoch FROM received_at - ${e.received_at}::timestamptz)), id
     LIMIT ${limit}`.execute(db);
  return r.rows.map((x) => ({
    id: x.id,
    reference: x.reference,
    subject: x.subject,
    outlet: x.outlet,
    channel: x.channel,
    received_at: x.received_at,
    samePhone: x.same_phone,
    sameEmail: x.same_email,
    sameJournalist: x.same_journalist,
    sharedWords: x.shared,
  }));
}

/** A message from the journalist in an enquiry's thread, as the split form offers it. */
export interface ThreadMessage {
  eventId: string;
  kind: 'sms_in' | 'email_in' | 'journalist_added';
  at: Date;
  text: string;
  subject: string | null;
}

/** The journalist's messages in the enquiry's thread (texts, emails, status page additions), oldest first, erased ones left out. */
export async function threadMessages(db: Db | Tx, enquiryId: string): Promise<ThreadMessage[]> {
  const rows = await db
    .selectFrom('enquiry_event')
    .select(['id', 'kind', 'at', 'data'])
    .where('enquiry_id', '=', enquiryId)
    .where('kind', 'in', ['sms_in', 'email_in', 'journalist_added'])
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.flatMap((r) => {
    const d = r.data as Record<string, unknown>;
    if (d.ack || d.auto || d.erased) return [];
    const text = typeof d.body === 'string' ? d.body : typeof d.text === 'string' ? d.text : '';
    if (!text) return [];
    return [
      {
        eventId: r.id,
        kind: r.kind as ThreadMessage['kind'],
        at: r.at,
        text,
        subject: typeof d.subject === 'string' ? d.subject : null,
      },
    ];
  });
}

/**
 * Moves one message of the thread to another enquiry: its timeline entry, and the stored text or
 * email (with its attachments, which hang off the email) it records. Returns false when the entry
 * is not on `fromId`.
 */
export async function moveMessage(tx: Tx, eventId: string, fromId: string, toId: string): Promise<boolean> {
  const ev = await tx
    .updateTable('enquiry_event')
    .set({ enquiry_id: toId })
    .where('id', '=', eventId)
    .where('enquiry_id', '=', fromId)
    .returning(['kind', 'data'])
    .executeTakeFirst();
  if (!ev) return false;
  const d = ev.data as Record<string, unknown>;
  if (ev.kind === 'sms_in' && typeof d.messageSid === 'string')
    await tx
      .updateTable('sms_inbound')
      .set({ enquiry_id: toId })
      .where('message_sid', '=', d.messageSid)
      .where('enquiry_id', '=', fromId)
      .execute();
  if (ev.kind === 'email_in' && typeof d.emailId === 'string')
    await tx
      .updateTable('email_message')
      .set({ enquiry_id: toId })
      .where('id', '=', d.emailId)
      .where('enquiry_id', '=', fromId)
      .execute();
  return true;
}

/** The enquiry a merged one went into, by id (its reference and status), for its page and its status link. */
export async function mergedTarget(db: Db | Tx, id: string): Promise<Pick<Enquiry, 'id' | 'reference'> | undefined> {
  return db.selectFrom('enquiry').select(['id', 'reference']).where('id', '=', id).executeTakeFirst();
}
