import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import { ERASED } from '../db/erased.js';
import { eraseNameInRecipientLists } from '../enquiries/enquiries.repository.js';
import type { DraftKind, SignOffRequest, StatementDraft } from './statements.tables.js';

// SQL of drafts and their sign-off (src/statements/signoff.service.ts).

/** The enquiry's response draft, locked for update when `lock`. */
export async function draftOf(db: Db | Tx, enquiryId: string, lock = false): Promise<StatementDraft | undefined> {
  let q = db
    .selectFrom('statement_draft')
    .selectAll()
    .where('enquiry_id', '=', enquiryId)
    .where('kind', '=', 'response');
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The draft of incident line `lineId` (its sign-off), locked for update when `lock`. */
export async function lineDraftOf(db: Db | Tx, lineId: string, lock = false): Promise<StatementDraft | undefined> {
  let q = db.selectFrom('statement_draft').selectAll().where('line_id', '=', lineId);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The draft `id`, locked for update. */
export async function lockDraft(tx: Tx, id: string): Promise<StatementDraft | undefined> {
  return tx.selectFrom('statement_draft').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The sign-off of each of these incident lines that has one (the incident page). */
export async function lineDrafts(db: Db | Tx, lineIds: readonly string[]): Promise<StatementDraft[]> {
  if (!lineIds.length) return [];
  return db
    .selectFrom('statement_draft')
    .selectAll()
    .where('line_id', 'in', [...lineIds])
    .execute();
}

/** Creates the draft of incident line `line_id` (its words are the line's); returns it. */
export async function insertLineDraft(
  tx: Tx,
  d: { line_id: string; text: string; created_by: string; at: Date },
): Promise<StatementDraft> {
  return tx
    .insertInto('statement_draft')
    .values({
      kind: 'line',
      line_id: d.line_id,
      text: d.text,
      created_by: d.created_by,
      created_at: d.at,
      updated_at: d.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * The line's words become `text` (an approver's edits), unless it has already gone to a
 * journalist: what was sent stays what the record says. True when changed.
 */
export async function editUnsentLine(tx: Tx, lineId: string, text: string): Promise<boolean> {
  const r = await tx
    .updateTable('incident_line')
    .set({ text })
    .where('id', '=', lineId)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('incident_line_sent').select('line_id').where('line_id', '=', lineId))),
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Creates the enquiry's response draft; returns it. */
export async function insertDraft(
  tx: Tx,
  d: { enquiry_id: string; text: string; created_by: string; at: Date },
): Promise<StatementDraft> {
  return tx
    .insertInto('statement_draft')
    .values({ enquiry_id: d.enquiry_id, text: d.text, created_by: d.created_by, created_at: d.at, updated_at: d.at })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Changes a draft. */
export async function updateDraft(
  tx: Tx,
  id: string,
  patch: Partial<
    Pick<StatementDraft, 'text' | 'state' | 'updated_at' | 'sent_at' | 'approved_hash' | 'approved_by' | 'approved_at'>
  >,
): Promise<void> {
  await tx.updateTable('statement_draft').set(patch).where('id', '=', id).execute();
}

/** Voids every pending request of a draft (its words changed, or someone else decided for other words). */
export async function voidPending(tx: Tx, draftId: string, exceptId: string | null = null): Promise<void> {
  let q = tx
    .updateTable('signoff_request')
    .set({ state: 'void' })
    .where('draft_id', '=', draftId)
    .where('state', '=', 'pending');
  if (exceptId) q = q.where('id', '!=', exceptId);
  await q.execute();
}

/** Stores a request to one approver; returns its id. */
export async function insertRequest(
  tx: Tx,
  r: Pick<SignOffRequest, 'draft_id' | 'colleague_id' | 'name' | 'via' | 'address' | 'code' | 'text_hash' | 'sent_at'>,
): Promise<string> {
  const row = await tx.insertInto('signoff_request').values(r).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** The pending codes at `address` (a new one must differ). */
export async function pendingCodesAt(tx: Tx, address: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('signoff_request')
    .select('code')
    .where('address', '=', address)
    .where('state', '=', 'pending')
    .execute();
  return rows.map((r) => r.code);
}

/** Stores the hash of an approver's link. */
export async function insertLink(tx: Tx, requestId: string, tokenHash: string, at: Date): Promise<void> {
  await tx
    .insertInto('signoff_link')
    .values({ token_hash: tokenHash, request_id: requestId, created_at: at })
    .execute();
}

/**
 * A request with its draft and what the draft is about, as an approver's link or text needs it:
 * an enquiry's response (its reference, question, outlet and deadlines), or an incident's line
 * (`reference` is then the incident's name, `subject` the line's kind, `details` the incident's
 * description). `finished`: the enquiry is closed, withdrawn or erased, or the incident closed.
 */
export type RequestWithDraft = SignOffRequest & {
  draft_text: string;
  draft_state: string;
  draft_kind: DraftKind;
  enquiry_id: string | null;
  line_id: string | null;
  reference: string;
  subject: string;
  details: string;
  outlet: string;
  deadline: Date | null;
  respond_by: Date | null;
  finished: boolean;
};

function requestsWithDraft(db: Db | Tx) {
  return db
    .selectFrom('signoff_request as r')
    .innerJoin('statement_draft as d', 'd.id', 'r.draft_id')
    .leftJoin('enquiry as e', 'e.id', 'd.enquiry_id')
    .leftJoin('incident_line as il', 'il.id', 'd.line_id')
    .leftJoin('incident as inc', 'inc.id', 'il.incident_id')
    .selectAll('r')
    .select([
      'd.text as draft_text',
      'd.state as draft_state',
      'd.kind as draft_kind',
      'd.enquiry_id',
      'd.line_id',
      sql<string>`coalesce(e.reference, inc.name, '')`.as('reference'),
      sql<string>`coalesce(e.subject, il.kind, '')`.as('subject'),
      sql<string>`coalesce(e.details, inc.description, '')`.as('details'),
      sql<string>`coalesce(e.outlet, '')`.as('outlet'),
      'e.deadline',
      'e.respond_by',
      sql<boolean>`CASE WHEN d.kind = 'line' THEN inc.closed_at IS NOT NULL
                        ELSE e.status IN ('closed', 'withdrawn', 'erased') END`.as('finished'),
    ])
    .where('d.erased_at', 'is', null);
}

/** The request whose link token hashes to `tokenHash`. */
export async function requestByTokenHash(db: Db | Tx, tokenHash: string): Promise<RequestWithDraft | undefined> {
  return requestsWithDraft(db)
    .innerJoin('signoff_link as l', 'l.request_id', 'r.id')
    .where('l.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Pending requests at the phone `address`, newest first. */
export async function pendingAt(db: Db | Tx, address: string): Promise<RequestWithDraft[]> {
  return requestsWithDraft(db)
    .where('r.address', '=', address)
    .where('r.state', '=', 'pending')
    .orderBy('r.sent_at', 'desc')
    .orderBy('r.id', 'desc')
    .execute();
}

/** A pending request about an enquiry's response, with what a reminder to its approver says. */
export interface PendingForEnquiry {
  id: string;
  via: 'sms' | 'email';
  address: string;
  code: string;
  enquiry_id: string;
  reference: string;
  outlet: string;
  deadline: Date | null;
  respond_by: Date | null;
}

/** The requests still pending on the awaiting response drafts of enquiries `ids`. */
export async function pendingForEnquiries(tx: Tx, ids: readonly string[]): Promise<PendingForEnquiry[]> {
  if (!ids.length) return [];
  const rows = await tx
    .selectFrom('signoff_request as r')
    .innerJoin('statement_draft as d', 'd.id', 'r.draft_id')
    .innerJoin('enquiry as e', 'e.id', 'd.enquiry_id')
    .select([
      'r.id',
      'r.via',
      'r.address',
      'r.code',
      'e.id as enquiry_id',
      'e.reference',
      'e.outlet',
      'e.deadline',
      'e.respond_by',
    ])
    .where('d.enquiry_id', 'in', [...ids])
    .where('d.state', '=', 'awaiting')
    .where('r.state', '=', 'pending')
    .orderBy('r.id')
    .execute();
  return rows;
}

/** Records an approver's decision. */
export async function decide(
  tx: Tx,
  id: string,
  d: Pick<SignOffRequest, 'state' | 'decided_at' | 'decided_via' | 'comment' | 'edited'>,
): Promise<void> {
  await tx.updateTable('signoff_request').set(d).where('id', '=', id).execute();
}

/** The requests of each of these drafts, oldest first (one query for an incident's lines). */
export async function requestsOfDrafts(db: Db | Tx, draftIds: readonly string[]): Promise<SignOffRequest[]> {
  if (!draftIds.length) return [];
  return db
    .selectFrom('signoff_request')
    .selectAll()
    .where('draft_id', 'in', [...draftIds])
    .orderBy('sent_at')
    .orderBy('id')
    .execute();
}

/** The requests of a draft, oldest first. */
export async function requestsOf(db: Db | Tx, draftId: string): Promise<SignOffRequest[]> {
  return db
    .selectFrom('signoff_request')
    .selectAll()
    .where('draft_id', '=', draftId)
    .orderBy('sent_at')
    .orderBy('id')
    .execute();
}

/** When each of these enquiries' drafts was sent and still awaits sign-off (the queue's marker). */
export async function awaitingSince(db: Db | Tx, enquiryIds: readonly string[]): Promise<Map<string, Date>> {
  if (!enquiryIds.length) return new Map();
  const rows = await db
    .selectFrom('statement_draft')
    .select(['enquiry_id', 'sent_at'])
    .where('enquiry_id', 'in', [...enquiryIds])
    .where('state', '=', 'awaiting')
    .execute();
  return new Map(rows.flatMap((r) => (r.sent_at && r.enquiry_id ? [[r.enquiry_id, r.sent_at] as const] : [])));
}

/**
 * Erases drafts about enquiries `ids` and where their requests went (erasure, retention): the
 * words and the approvers' comments go, who approved and when stay. Idempotent.
 */
export async function eraseDraftsOf(tx: Tx, ids: readonly string[], at: Date): Promise<void> {
  if (!ids.length) return;
  await tx
    .updateTable('statement_draft')
    .set({ text: ERASED, erased_at: at })
    .where('enquiry_id', 'in', [...ids])
    .where('erased_at', 'is', null)
    .execute();
  const drafts = tx
    .selectFrom('statement_draft')
    .select('id')
    .where('enquiry_id', 'in', [...ids]);
  await tx
    .updateTable('signoff_request')
    .set({ address: ERASED, comment: sql`CASE WHEN comment IS NULL THEN NULL ELSE ${ERASED} END` })
    .where('draft_id', 'in', drafts)
    .execute();
  await tx
    .deleteFrom('signoff_link')
    .where('request_id', 'in', tx.selectFrom('signoff_request').select('id').where('draft_id', 'in', drafts))
    .execute();
}

/**
 * Forgets an approver everywhere sign-off copied them (their erasure from the directory): their
 * name and address on each request, a draft's `approved_by`, and their name in the sign-off
 * timeline entries of those drafts' enquiries. That a response was signed off, and when, stays.
 */
export async function forgetApprover(tx: Tx, colleagueId: string): Promise<void> {
  const mine = await tx
    .selectFrom('signoff_request as r')
    .innerJoin('statement_draft as d', 'd.id', 'r.draft_id')
    .select(['r.id', 'r.name', 'r.draft_id', 'd.enquiry_id'])
    .where('r.colleague_id', '=', colleagueId)
    .execute();
  for (const r of mine) {
    await tx
      .updateTable('statement_draft')
      .set({ approved_by: ERASED })
      .where('id', '=', r.draft_id)
      .where('approved_by', '=', r.name)
      .execute();
    // A line's sign-off has no timeline: the request and the draft were all there was.
    if (!r.enquiry_id) continue;
    await sql`
      UPDATE enquiry_event SET data = jsonb_set(data, '{by}', to_jsonb(${ERASED}::text))
       WHERE enquiry_id = ${r.enquiry_id} AND kind = 'signoff_decided' AND data->>'by' = ${r.name}`.execute(tx);
    await eraseNameInRecipientLists(tx, 'signoff_requested', r.name, { enquiryId: r.enquiry_id });
  }
  if (mine.length)
    await tx
      .updateTable('signoff_request')
      .set({ name: ERASED, address: ERASED, colleague_id: null })
      .where(
        'id',
        'in',
        mine.map((r) => r.id),
      )
      .execute();
}
