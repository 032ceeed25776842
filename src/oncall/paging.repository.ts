import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../db/schema.js';
import type { OutboundSms, Page, PageStep, StepState } from './paging.tables.js';

/** Creates the page for an enquiry; null if it already has one (one page per enquiry). */
export async function insertPage(tx: Tx, row: { enquiry_id: string; short_code: string; created_at: Date }): Promise<Page | null> {
  const r = await tx.insertInto('page').values(row).onConflict((oc) => oc.constraint('page_one_per_enquiry').doNothing()).returningAll().executeTakeFirst();
  return r ?? null;
}

/** Short codes in use by active pages (a new page picks one not among them). */
export async function activeShortCodes(tx: Tx): Promise<Set<string>> {
  const rows = await tx.selectFrom('page').select('short_code').where('status', '=', 'active').execute();
  return new Set(rows.map((r) => r.short_code));
}

/** A page with its enquiry. */
export async function findPageWithEnquiry(db: Db | Tx, pageId: string): Promise<{ page: Page; enquiry: Enquiry } | undefined> {
  const page = await db.selectFrom('page').selectAll().where('id', '=', pageId).executeTakeFirst();
  if (!page) return undefined;
  const enquiry = await db.selectFrom('enquiry').selectAll().where('id', '=', page.enquiry_id).executeTakeFirstOrThrow();
  return { page, enquiry };
}

/** Locks a page row for the rest of the transaction (acknowledgement vs escalation races). */
export async function lockPage(tx: Tx, pageId: string): Promise<Page | undefined> {
  return tx.selectFrom('page').selectAll().where('id', '=', pageId).forUpdate().executeTakeFirst();
}

/** The page of an enquiry, if it was paged. */
export async function findPageByEnquiry(db: Db | Tx, enquiryId: string): Promise<Page | undefined> {
  return db.selectFrom('page').selectAll().where('enquiry_id', '=', enquiryId).executeTakeFirst();
}

/** Marks active pages acknowledged; returns those that changed. */
export async function acknowledgePages(tx: Tx, pageIds: string[], ack: { at: Date; by: string; via: 'sms' | 'voice' | 'desk' }): Promise<Page[]> {
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
  const r = await tx.updateTable('page').set({ status: 'exhausted' }).where('id', '=', pageId).where('status', '=', 'active').executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The row of one step's delivery, created on first use (state `sending`). */
export async function getOrCreateStep(
  tx: Tx,
  row: { page_id: string; step_index: number; action: 'sms' | 'call'; to_number: string; person_id: string | null; created_at: Date; state?: StepState },
): Promise<PageStep> {
  await tx
    .insertInto('page_step')
    .values({ ...row, state: row.state ?? 'sending' })
    .onConflict((oc) => oc.constraint('page_step_once').doNothing())
    .execute();
  return tx
    .selectFrom('page_step')
    .selectAll()
    .where('page_id', '=', row.page_id)
    .where('step_index', '=', row.step_index)
    .where('action', '=', row.action)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/** Updates a step's delivery state. */
export async function updateStep(
  db: Db | Tx,
  stepIds: string[],
  patch: Partial<Pick<PageStep, 'state' | 'outcome_unknown' | 'provider_sid' | 'provider_status' | 'last_error' | 'sent_at'>> & { incrementAttempts?: boolean },
): Promise<void> {
  if (!stepIds.length) return;
  const { incrementAttempts, ...set } = patch;
  await db
    .updateTable('page_step')
    .set({ ...set, ...(incrementAttempts ? { attempts: sql<number>`attempts + 1` } : {}) })
    .where('id', 'in', stepIds)
    .execute();
}

/** Steps sent with this Twilio SID (several when it was a bundle), with their pages. */
export async function findStepsBySid(db: Db | Tx, sid: string): Promise<Array<PageStep & { enquiry_id: string; page_status: Page['status'] }>> {
  return db
    .selectFrom('page_step')
    .innerJoin('page', 'page.id', 'page_step.page_id')
    .selectAll('page_step')
    .select(['page.enquiry_id', 'page.status as page_status'])
    .where('page_step.provider_sid', '=', sid)
    .execute();
}

/** The highest step index recorded for a page (the step escalation is at). */
export async function latestStepIndex(db: Db | Tx, pageId: string): Promise<number> {
  const r = await db.selectFrom('page_step').select((eb) => eb.fn.max('step_index').as('n')).where('page_id', '=', pageId).executeTakeFirst();
  return r?.n ?? -1;
}

/**
 * Locks this phone's bundling window (creating it empty-handed if new) and returns when it last
 * got a page SMS, or null.
 */
export async function lockPhoneWindow(tx: Tx, phone: string): Promise<Date | null> {
  await tx
    .insertInto('page_phone_window')
    .values({ phone, last_sent_at: new Date(0) })
    .onConflict((oc) => oc.column('phone').doNothing())
    .execute();
  const r = await tx.selectFrom('page_phone_window').select('last_sent_at').where('phone', '=', phone).forUpdate().executeTakeFirstOrThrow();
  return r.last_sent_at.getTime() === 0 ? null : r.last_sent_at;
}

/** Records that this phone gets a page SMS now (opening a new bundling window). */
export async function setPhoneWindow(tx: Tx, phone: string, at: Date): Promise<void> {
  await tx.updateTable('page_phone_window').set({ last_sent_at: at }).where('phone', '=', phone).execute();
}

/** Steps held for this phone's next bundle whose pages still need someone, oldest first. */
export async function waitingBundleSteps(tx: Tx, phone: string): Promise<Array<PageStep & { enquiry_id: string }>> {
  return tx
    .selectFrom('page_step')
    .innerJoin('page', 'page.id', 'page_step.page_id')
    .selectAll('page_step')
    .select('page.enquiry_id')
    .where('page_step.to_number', '=', phone)
    .where('page_step.state', '=', 'waiting_bundle')
    .where('page.status', '=', 'active')
    .orderBy('page_step.created_at')
    .orderBy('page_step.id')
    .forUpdate()
    .execute();
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
export async function activePagesSentTo(tx: Tx, phone: string): Promise<Array<{ page_id: string; short_code: string; reference: string; outlet: string; enquiry_id: string; provider_sid: string | null; sent_at: Date | null }>> {
  return tx
    .selectFrom('page_step')
    .innerJoin('page', 'page.id', 'page_step.page_id')
    .innerJoin('enquiry', 'enquiry.id', 'page.enquiry_id')
    .select(['page.id as page_id', 'page.short_code', 'enquiry.reference', 'enquiry.outlet', 'enquiry.id as enquiry_id', 'page_step.provider_sid', 'page_step.sent_at'])
    .where('page_step.to_number', '=', phone)
    .where('page_step.action', '=', 'sms')
    .where('page_step.state', '=', 'sent')
    .where('page.status', '=', 'active')
    .orderBy('page_step.sent_at', 'desc')
    .orderBy('page_step.id', 'desc')
    .execute();
}

/** Whether this number was ever sent a page (to tell a stale ACK from a stranger's). */
export async function wasEverPaged(db: Db | Tx, phone: string): Promise<boolean> {
  const r = await db.selectFrom('page_step').select('id').where('to_number', '=', phone).limit(1).executeTakeFirst();
  return Boolean(r);
}

/** The outbound SMS with this idempotency key, created (state `sending`) if new, locked. */
export async function getOrCreateOutboundSms(
  tx: Tx,
  row: { idempotency_key: string; enquiry_id: string | null; to_number: string; body: string; created_at: Date },
): Promise<OutboundSms> {
  await tx
    .insertInto('outbound_sms')
    .values({ ...row, state: 'sending' })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
  return tx.selectFrom('outbound_sms').selectAll().where('idempotency_key', '=', row.idempotency_key).forUpdate().executeTakeFirstOrThrow();
}

/** Updates an outbound SMS's delivery state. */
export async function updateOutboundSms(
  db: Db | Tx,
  id: string,
  patch: Partial<Pick<OutboundSms, 'state' | 'outcome_unknown' | 'provider_sid' | 'provider_status' | 'last_error' | 'sent_at'>>,
): Promise<void> {
  await db.updateTable('outbound_sms').set(patch).where('id', '=', id).execute();
}

/** The outbound SMS sent with this SID. */
export async function findOutboundSmsBySid(db: Db | Tx, sid: string): Promise<OutboundSms | undefined> {
  return db.selectFrom('outbound_sms').selectAll().where('provider_sid', '=', sid).executeTakeFirst();
}

/** SIDs of calls already recorded to this phone (so a look-up after a crash does not claim another page's call). */
export async function recordedCallSids(db: Db | Tx, phone: string): Promise<string[]> {
  const rows = await db
    .selectFrom('page_step')
    .select('provider_sid')
    .where('to_number', '=', phone)
    .where('action', '=', 'call')
    .where('provider_sid', 'is not', null)
    .execute();
  return rows.map((r) => r.provider_sid!);
}

/**
 * Urgent enquiries nobody has picked up (still new, unassigned, unanswered, never paged),
 * received since `since`: at closing time these go to the on-call officer.
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
    .where((eb) => eb.not(eb.exists(eb.selectFrom('page').select('page.id').whereRef('page.enquiry_id', '=', 'enquiry.id'))))
    .forUpdate()
    .skipLocked()
    .execute();
}

/** Marks an enquiry as needing the on-call officer (handed over at closing). */
export async function markNeedsOnCall(tx: Tx, enquiryId: string): Promise<void> {
  await tx.updateTable('enquiry').set({ needs_on_call: true }).where('id', '=', enquiryId).execute();
}
