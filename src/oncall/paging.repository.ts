import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import type { NewEventOf } from '../enquiries/timeline.js';
import type { MessageState } from '../outbox/outbox.tables.js';
import { OPEN_STATUSES } from '../enquiries/enquiry.model.js';
import type { AckVia, Page, PageAction, PageStep, StepState } from './paging.tables.js';
import { ERASED } from '../db/erased.js';

/** Creates the page for an enquiry; null if it already has one (one page per enquiry). */
export async function insertPage(
  tx: Tx,
  row: { enquiry_id: string; short_code: string; created_at: Date },
): Promise<Page | null> {
  const r = await tx
    .insertInto('page')
    .values(row)
    .onConflict((oc) => oc.constraint('page_one_per_enquiry').doNothing())
    .returningAll()
    .executeTakeFirst();
  return r ?? null;
}

/**
 * Of `candidates`, the first that no active page uses, or null when all are taken. Asks only
 * about the candidates (index `page_active_code`), so creating a page costs the same with ten
 * active pages or ten thousand.
 */
export async function firstFreeShortCode(tx: Tx, candidates: string[]): Promise<string | null> {
  if (!candidates.length) return null;
  const rows = await tx
    .selectFrom('page')
    .select('short_code')
    .where('status', '=', 'active')
    .where('short_code', 'in', candidates)
    .execute();
  const used = new Set(rows.map((r) => r.short_code));
  return candidates.find((c) => !used.has(c)) ?? null;
}

/** A page with its enquiry, in one round trip (this starts every escalation step). */
export async function findPageWithEnquiry(
  db: Db | Tx,
  pageId: string,
): Promise<{ page: Page; enquiry: Enquiry } | undefined> {
  const row = await db
    .selectFrom('page')
    .innerJoin('enquiry', 'enquiry.id', 'page.enquiry_id')
    .selectAll('enquiry')
    .select([
      'page.id as page_id',
      'page.short_code as page_short_code',
      'page.status as page_status',
      'page.created_at as page_created_at',
      'page.acknowledged_at as page_acknowledged_at',
      'page.acknowledged_by as page_acknowledged_by',
      'page.ack_via as page_ack_via',
    ])
    .where('page.id', '=', pageId)
    .executeTakeFirst();
  if (!row) return undefined;
  const {
    page_id,
    page_short_code,
    page_status,
    page_created_at,
    page_acknowledged_at,
    page_acknowledged_by,
    page_ack_via,
    ...enquiry
  } = row;
  const page: Page = {
    id: page_id,
    enquiry_id: enquiry.id,
    short_code: page_short_code,
    status: page_status,
    created_at: page_created_at,
    acknowledged_at: page_acknowledged_at,
    acknowledged_by: page_acknowledged_by,
    ack_via: page_ack_via,
  };
  return { page, enquiry };
}

/** The page of an enquiry, if it was paged. */
export async function findPageByEnquiry(db: Db | Tx, enquiryId: string): Promise<Page | undefined> {
  return db.selectFrom('page').selectAll().where('enquiry_id', '=', enquiryId).executeTakeFirst();
}

/** Marks active pages acknowledged; returns those that changed. */
export async function acknowledgePages(
  tx: Tx,
  pageIds: string[],
  ack: { at: Date; by: string; via: AckVia },
): Promise<Page[]> {
  if (!pageIds.length) return [];
  return tx
    .updateTable('page')
    .set({ status: 'acknowledged', acknowledged_at: ack.at, acknowledged_by: ack.by, ack_via: ack.via })
    .where('id', 'in', pageIds)
    .where('status', '=', 'active')
    .returningAll()
    .execute();
}

/** Marks an active page exhausted: every escalation step ran and nobody acknowledged. */
export async function markPageExhausted(tx: Tx, pageId: string): Promise<boolean> {
  const r = await tx
    .updateTable('page')
    .set({ status: 'exhausted' })
    .where('id', '=', pageId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * The row of one step's delivery, created on first use (state `sending`), locked for the rest of
 * the transaction. One statement: the no-op update on conflict both locks and returns the row
 * that is already there.
 */
export async function getOrCreateStep(
  tx: Tx,
  row: {
    page_id: string;
    step_index: number;
    action: PageAction;
    to_number: string;
    person_id: string | null;
    created_at: Date;
    state?: StepState;
  },
): Promise<PageStep> {
  return tx
    .insertInto('page_step')
    .values({ ...row, state: row.state ?? 'sending' })
    .onConflict((oc) => oc.constraint('page_step_once').doUpdateSet((eb) => ({ state: eb.ref('page_step.state') })))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Records that the outbound row `messageId` went out as the provider's `sid` (status `status`),
 * that `stepIds` were carried by it, and adds the timeline entry, in one statement (atomic on its
 * own: no transaction, one round trip).
 */
export async function recordStepsSent(
  db: Db | Tx,
  messageId: string,
  stepIds: string[],
  sent: { sid: string; status: string; at: Date },
  event: Omit<NewEventOf<'page_sms_sent' | 'page_call_placed'>, 'at' | 'actor'>,
): Promise<void> {
  await sql`
    WITH message AS (
      UPDATE outbound_message
         SET state = 'sent', outcome_unknown = false, provider_sid = ${sent.sid}, provider_status = ${sent.status}, sent_at = ${sent.at}, last_error = NULL
       WHERE id = ${messageId}
    ), steps AS (
      UPDATE page_step SET state = 'sent' WHERE id = ANY(${stepIds}::bigint[])
    )
    INSERT INTO enquiry_event (enquiry_id, at, kind, data)
    VALUES (${event.enquiryId}, ${sent.at}, ${event.kind}, ${JSON.stringify(event.data)}::jsonb)`.execute(db);
}

/** Sets the escalation state of steps (sent, held for a bundle, refused). */
export async function setStepState(db: Db | Tx, stepIds: string[], state: StepState): Promise<void> {
  if (!stepIds.length) return;
  await db.updateTable('page_step').set({ state }).where('id', 'in', stepIds).execute();
}

/** Records that `stepIds` are carried by the outbound row `messageId` (one row, several steps when bundled). */
export async function linkSteps(tx: Tx, stepIds: string[], messageId: string): Promise<void> {
  if (!stepIds.length) return;
  await tx.updateTable('page_step').set({ outbound_id: messageId }).where('id', 'in', stepIds).execute();
}

/** The steps an outbound row carried and that were recorded as sent by it, with their pages. */
export async function stepsSentBy(
  db: Db | Tx,
  messageId: string,
): Promise<Array<PageStep & { enquiry_id: string; page_status: Page['status'] }>> {
  return db
    .selectFrom('page_step')
    .innerJoin('page', 'page.id', 'page_step.page_id')
    .selectAll('page_step')
    .select(['page.enquiry_id', 'page.status as page_status'])
    .where('page_step.outbound_id', '=', messageId)
    .where('page_step.state', '=', 'sent')
    .orderBy('page_step.id')
    .execute();
}

/** The pages whose steps the outbound row `messageId` carried (a bundled call: the pages its keypress acknowledges). */
export async function pageIdsCarriedBy(db: Db | Tx, messageId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('page_step')
    .select('page_id')
    .distinct()
    .where('outbound_id', '=', messageId)
    .orderBy('page_id')
    .execute();
  return rows.map((r) => r.page_id);
}

/** The highest step index recorded for a page (the step escalation is at). */
export async function latestStepIndex(db: Db | Tx, pageId: string): Promise<number> {
  const r = await db
    .selectFrom('page_step')
    .select((eb) => eb.fn.max('step_index').as('n'))
    .where('page_id', '=', pageId)
    .executeTakeFirst();
  return r?.n ?? -1;
}

/** The column holding when a phone last got a page of this kind. */
const WINDOW_COLUMN = { sms: 'last_sent_at', call: 'last_call_at' } as const;

/**
 * Locks this phone's bundling windows (creating the row empty-handed if new) and returns when it
 * last got a page `action` (SMS or call), or null. One row per phone for both, so a text and a
 * call to the same phone serialise on the same lock.
 */
export async function lockPhoneWindow(tx: Tx, phone: string, action: PageAction): Promise<Date | null> {
  await tx
    .insertInto('page_phone_window')
    .values({ phone, last_sent_at: null, last_call_at: null })
    .onConflict((oc) => oc.column('phone').doNothing())
    .execute();
  const r = await tx
    .selectFrom('page_phone_window')
    .select(['last_sent_at', 'last_call_at'])
    .where('phone', '=', phone)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const last = r[WINDOW_COLUMN[action]];
  // Rows from before calls were bundled used the epoch for "never".
  return last && last.getTime() !== 0 ? last : null;
}

/** Records that this phone gets a page `action` now (opening a new bundling window). */
export async function setPhoneWindow(tx: Tx, phone: string, at: Date, action: PageAction): Promise<void> {
  await tx
    .updateTable('page_phone_window')
    .set({ [WINDOW_COLUMN[action]]: at })
    .where('phone', '=', phone)
    .execute();
}

/**
 * Steps of `action` held for this phone's next bundle whose pages still need someone, oldest
 * first, locked, with the outbound row an earlier attempt at the bundle claimed (if any) and
 * whether that attempt's outcome is unknown.
 */
export async function waitingBundleSteps(
  tx: Tx,
  phone: string,
  action: PageAction,
): Promise<
  Array<PageStep & { enquiry_id: string; outbound_state: MessageState | null; outcome_unknown: boolean | null }>
> {
  return (
    tx
      .selectFrom('page_step')
      .innerJoin('page', 'page.id', 'page_step.page_id')
      .leftJoin('outbound_message', 'outbound_message.id', 'page_step.outbound_id')
      .selectAll('page_step')
      .select(['page.enquiry_id', 'outbound_message.state as outbound_state', 'outbound_message.outcome_unknown'])
      .where('page_step.to_number', '=', phone)
      .where('page_step.action', '=', action)
      .where('page_step.state', '=', 'waiting_bundle')
      .where('page.status', '=', 'active')
      .orderBy('page_step.created_at')
      .orderBy('page_step.id')
      // Locks the steps and their pages as before (not the outbound rows: the outer join's nullable side).
      .forUpdate(['page_step', 'page'])
      .execute()
  );
}

/** Pages by id (for composing a bundle). */
export async function pagesByIds(db: Db | Tx, ids: string[]): Promise<Page[]> {
  if (!ids.length) return [];
  return db.selectFrom('page').selectAll().where('id', 'in', ids).execute();
}

/** The numbers a page's steps have gone to so far (the next contact is not paged twice). */
export async function numbersPaged(db: Db | Tx, pageId: string): Promise<string[]> {
  const rows = await db.selectFrom('page_step').select('to_number').where('page_id', '=', pageId).execute();
  return rows.map((r) => r.to_number);
}

/** Enquiries by id (for composing a bundle). */
export async function enquiriesByIds(db: Db | Tx, ids: string[]): Promise<Enquiry[]> {
  if (!ids.length) return [];
  return db.selectFrom('enquiry').selectAll().where('id', 'in', ids).execute();
}

/**
 * Active pages whose SMS went to `phone`, newest send first, with their enquiries' references
 * and the SID of the message that carried them.
 */
export async function activePagesSentTo(
  tx: Tx,
  phone: string,
): Promise<
  Array<{
    page_id: string;
    short_code: string;
    reference: string;
    outlet: string;
    enquiry_id: string;
    provider_sid: string | null;
    sent_at: Date | null;
  }>
> {
  // Newest text first; within one bundle, newest enquiry first (the bundle's steps are written by
  // concurrent jobs, so their ids follow the worker, not the order the enquiries came in).
  return tx
    .selectFrom('page_step')
    .innerJoin('page', 'page.id', 'page_step.page_id')
    .innerJoin('enquiry', 'enquiry.id', 'page.enquiry_id')
    .innerJoin('outbound_message', 'outbound_message.id', 'page_step.outbound_id')
    .select([
      'page.id as page_id',
      'page.short_code',
      'enquiry.reference',
      'enquiry.outlet',
      'enquiry.id as enquiry_id',
      'outbound_message.provider_sid',
      'outbound_message.sent_at',
    ])
    .where('page_step.to_number', '=', phone)
    .where('page_step.action', '=', 'sms')
    .where('page_step.state', '=', 'sent')
    .where('page.status', '=', 'active')
    .orderBy('outbound_message.sent_at', 'desc')
    .orderBy('enquiry.received_at', 'desc')
    .orderBy('enquiry.id', 'desc')
    .orderBy('page_step.id', 'desc')
    .execute();
}

/** Whether this number was ever sent a page (to tell a stale ACK from a stranger's). */
export async function wasEverPaged(db: Db | Tx, phone: string): Promise<boolean> {
  const r = await db.selectFrom('page_step').select('id').where('to_number', '=', phone).limit(1).executeTakeFirst();
  return Boolean(r);
}

/**
 * Urgent enquiries nobody has picked up (still new, unassigned, unanswered, never paged, and
 * not held back from paging when they arrived: page limit reached or paging off, so the
 * journalist was told to ring the out-of-hours line), received since `since`: at closing time
 * these go to the on-call officer.
 */
export async function untouchedUrgentSince(tx: Tx, since: Date): Promise<Enquiry[]> {
  return tx
    .selectFrom('enquiry')
    .selectAll()
    .where('urgent', '=', true)
    .where('status', '=', 'new')
    .where('assigned_to', 'is', null)
    .where('first_response_at', 'is', null)
    .where('received_at', '>=', since)
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('page').select('page.id').whereRef('page.enquiry_id', '=', 'enquiry.id'))),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('enquiry_event')
            .select('enquiry_event.id')
            .whereRef('enquiry_event.enquiry_id', '=', 'enquiry.id')
            .where('enquiry_event.kind', '=', 'page_withheld'),
        ),
      ),
    )
    .forUpdate()
    .skipLocked()
    .execute();
}

/** Marks an enquiry as needing the on-call officer (handed over at closing). */
export async function markNeedsOnCall(tx: Tx, enquiryId: string): Promise<void> {
  await tx.updateTable('enquiry').set({ needs_on_call: true }).where('id', '=', enquiryId).execute();
}

/**
 * Which of `pageIds` still call for a page to go out: the page active (not acknowledged) and its
 * enquiry still open. The pages are locked (shared) for the rest of `tx`, so an acknowledgement
 * waits for the claim that read them. The enquiry is only read, not locked: a status change holds
 * its enquiry and then skips the page's held steps, which a bundle claim has locked, so waiting
 * for the enquiry here could deadlock; a change that commits after this read is seen by the next
 * claim (its jobs are removed with it).
 */
export async function pagesStillWanted(tx: Tx, pageIds: string[]): Promise<Set<string>> {
  if (!pageIds.length) return new Set();
  const rows = await tx
    .selectFrom('page')
    .innerJoin('enquiry', 'enquiry.id', 'page.enquiry_id')
    .select(['page.id', 'page.status', 'enquiry.status as enquiry_status'])
    .where('page.id', 'in', pageIds)
    .forShare(['page'])
    .execute();
  const open = new Set<string>(OPEN_STATUSES);
  return new Set(rows.filter((r) => r.status === 'active' && open.has(r.enquiry_status)).map((r) => r.id));
}

/** The active page of an enquiry (one page per enquiry), if any. */
export async function activePageOf(db: Db | Tx, enquiryId: string): Promise<Page | undefined> {
  return db
    .selectFrom('page')
    .selectAll()
    .where('enquiry_id', '=', enquiryId)
    .where('status', '=', 'active')
    .executeTakeFirst();
}

/** The escalation-step jobs still queued for a page (whatever the number of steps configured), soonest first. */
export async function queuedStepJobs(db: Db | Tx, pageId: string): Promise<Array<{ key: string; run_at: Date }>> {
  const r = await sql<{
    key: string;
    run_at: Date;
  }>`SELECT key, run_at FROM graphile_worker.jobs WHERE key LIKE ${`page:${pageId}:step:%`} ORDER BY run_at`.execute(
    db,
  );
  return r.rows;
}

/** Marks a page's steps still held for a bundle as skipped (they leave the bundle); returns how many. */
export async function skipHeldSteps(tx: Tx, pageId: string): Promise<number> {
  const r = await tx
    .updateTable('page_step')
    .set({ state: 'skipped' })
    .where('page_id', '=', pageId)
    .where('state', '=', 'waiting_bundle')
    .where('outbound_id', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Page texts and calls (`outbound_message` rows of owner `page_step`, found through the steps
 * they carried) name the journalist, their outlet, number and subject. A bundled text covers
 * several enquiries, one line each starting with its reference: only these enquiries' lines lose
 * everything after the reference. Any other page row of theirs (a single page's text, a call's
 * TwiML, a bundle of theirs alone) is blanked to the marker. The on-call number it went to and
 * its delivery record stay. Idempotent.
 */
export async function erasePagesOf(tx: Tx, ids: string[]): Promise<void> {
  await sql`WITH mine AS (
              SELECT DISTINCT st.outbound_id AS id FROM page_step st JOIN page p ON p.id = st.page_id
               WHERE p.enquiry_id = ANY(${ids}::bigint[]) AND st.outbound_id IS NOT NULL
            ), refs AS (
              SELECT '^(' || string_agg(reference, '|') || ')[^\\n]*$' AS line FROM enquiry WHERE id = ANY(${ids}::bigint[])
            )
            UPDATE outbound_message m
               SET content = CASE
                     WHEN m.medium = 'sms' AND EXISTS (
                       SELECT 1 FROM page_step st JOIN page p ON p.id = st.page_id
                        WHERE st.outbound_id = m.id AND p.enquiry_id <> ALL(${ids}::bigint[]))
                     THEN regexp_replace(m.content, refs.line, ${`\\1: ${ERASED}`}, 'gn')
                     ELSE ${ERASED} END
              FROM mine, refs
             WHERE m.id = mine.id AND m.owner_kind = 'page_step' AND m.content IS NOT NULL`.execute(tx);
}
