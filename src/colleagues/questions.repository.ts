import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import { ERASED } from '../db/erased.js';
import { eraseNameInRecipientLists } from '../enquiries/enquiries.repository.js';
import type {
  AnswerVia,
  Colleague,
  AskVia,
  ColleagueQuestion,
  QuestionAnswer,
  QuestionRecipient,
  QuestionState,
} from './colleagues.tables.js';

// SQL of the questions the desk asks colleagues (src/colleagues/questions.service.ts): the
// questions, who each went to, their answers, and the erasure of all three.

/** A question to store, with the colleagues it goes to. */
export interface NewQuestion {
  enquiry_id: string;
  asked_by: string;
  asked_at: Date;
  text: string;
  due_at: Date;
}

/** Stores a question; returns its id. */
export async function insertQuestion(tx: Tx, q: NewQuestion): Promise<string> {
  const row = await tx.insertInto('colleague_question').values(q).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** One colleague a new question goes to. */
export interface NewRecipient {
  question_id: string;
  colleague_id: string | null;
  name: string;
  via: AskVia;
  address: string;
  code: string;
  message_id?: string | null;
}

/** Stores a recipient; returns its id. */
export async function insertRecipient(tx: Tx, r: NewRecipient): Promise<string> {
  const row = await tx.insertInto('question_recipient').values(r).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Stores the hash of an answer link sent to a recipient (minted when the message carrying it is sent). */
export async function insertLink(tx: Tx, recipientId: string, tokenHash: string, at: Date): Promise<void> {
  await tx
    .insertInto('question_link')
    .values({ token_hash: tokenHash, recipient_id: recipientId, created_at: at })
    .execute();
}

/** Records the Message-ID of the email that asked the recipient (their reply names it). */
export async function setRecipientMessageId(tx: Tx, recipientId: string, messageId: string): Promise<void> {
  await tx.updateTable('question_recipient').set({ message_id: messageId }).where('id', '=', recipientId).execute();
}

/** The recipient's answers, oldest first. */
export async function answersOfRecipient(db: Db | Tx, recipientId: string): Promise<QuestionAnswer[]> {
  return db
    .selectFrom('question_answer')
    .selectAll()
    .where('recipient_id', '=', recipientId)
    .orderBy('received_at')
    .orderBy('id')
    .execute();
}

/** The enquiry a question is about (what its messages name). */
export async function enquiryOfQuestion(db: Db | Tx, enquiryId: string) {
  return db
    .selectFrom('enquiry')
    .select(['id', 'reference', 'outlet', 'deadline', 'status'])
    .where('id', '=', enquiryId)
    .executeTakeFirst();
}

/** The four-digit codes of the open questions already asked at `address` (a new one must differ). */
export async function openCodesAt(tx: Tx, address: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('question_recipient as r')
    .innerJoin('colleague_question as q', 'q.id', 'r.question_id')
    .select('r.code')
    .where('r.address', '=', address)
    .where('q.state', '=', 'open')
    .execute();
  return rows.map((r) => r.code);
}

/** A recipient with their question and its enquiry's reference and state. */
export type RecipientWithQuestion = QuestionRecipient & {
  enquiry_id: string;
  reference: string;
  enquiry_status: string;
  question_text: string;
  question_state: QuestionState;
  due_at: Date;
  asked_at: Date;
  asked_by: string;
};

function recipientsWithQuestion(db: Db | Tx) {
  return db
    .selectFrom('question_recipient as r')
    .innerJoin('colleague_question as q', 'q.id', 'r.question_id')
    .innerJoin('enquiry as e', 'e.id', 'q.enquiry_id')
    .selectAll('r')
    .select([
      'q.enquiry_id',
      'e.reference',
      'e.status as enquiry_status',
      'q.text as question_text',
      'q.state as question_state',
      'q.due_at',
      'q.asked_at',
      'q.asked_by',
    ])
    .where('q.erased_at', 'is', null);
}

/** The recipient whose link token hashes to `tokenHash`. */
export async function recipientByTokenHash(db: Db | Tx, tokenHash: string): Promise<RecipientWithQuestion | undefined> {
  return recipientsWithQuestion(db)
    .innerJoin('question_link as l', 'l.recipient_id', 'r.id')
    .where('l.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** The recipient with id `id`. */
export async function recipientById(db: Db | Tx, id: string): Promise<RecipientWithQuestion | undefined> {
  return recipientsWithQuestion(db).where('r.id', '=', id).executeTakeFirst();
}

/**
 * Recipients at `address` (a mobile or an email address) whose enquiry is still open (not closed,
 * erased or withdrawn), newest first, withdrawn questions too (a late answer is told no answer is
 * needed rather than taken for a journalist's text).
 */
export async function answerableAt(db: Db | Tx, via: AskVia, address: string): Promise<RecipientWithQuestion[]> {
  return recipientsWithQuestion(db)
    .where('r.via', '=', via)
    .where(
      via === 'email'
        ? sql<boolean>`lower(r.address) = ${address.toLowerCase()}`
        : sql<boolean>`r.address = ${address}`,
    )
    .where('e.status', 'not in', ['closed', 'withdrawn', 'erased'])
    .orderBy('q.asked_at', 'desc')
    .orderBy('r.id', 'desc')
    .execute();
}

/** The recipient whose question email had one of `messageIds` (a reply's In-Reply-To and References). */
export async function recipientByMessageIds(
  db: Db | Tx,
  messageIds: string[],
): Promise<RecipientWithQuestion | undefined> {
  if (!messageIds.length) return undefined;
  return recipientsWithQuestion(db).where('r.message_id', 'in', messageIds).executeTakeFirst();
}

/** The question `id`, locked for update. */
export async function lockQuestion(tx: Tx, id: string): Promise<ColleagueQuestion | undefined> {
  return tx.selectFrom('colleague_question').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Changes a question. */
export async function updateQuestion(
  tx: Tx,
  id: string,
  patch: Partial<Pick<ColleagueQuestion, 'state' | 'answered_at' | 'overdue_at' | 'closed_by'>>,
): Promise<void> {
  await tx.updateTable('colleague_question').set(patch).where('id', '=', id).execute();
}

/** Marks a recipient as having answered (the first time). */
export async function markRecipientAnswered(tx: Tx, id: string, at: Date): Promise<void> {
  await tx
    .updateTable('question_recipient')
    .set({ answered_at: at })
    .where('id', '=', id)
    .where('answered_at', 'is', null)
    .execute();
}

/** Stores an answer. */
export async function insertAnswer(
  tx: Tx,
  a: {
    question_id: string;
    recipient_id: string;
    via: AnswerVia;
    text: string;
    email_id?: string | null;
    received_at: Date;
  },
): Promise<string> {
  const row = await tx.insertInto('question_answer').values(a).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** The recipients of question `questionId`. */
export async function recipientsOf(db: Db | Tx, questionId: string): Promise<QuestionRecipient[]> {
  return db.selectFrom('question_recipient').selectAll().where('question_id', '=', questionId).orderBy('id').execute();
}

/** A question as the enquiry page lists it: with its recipients and answers. */
export type QuestionDetail = ColleagueQuestion & {
  recipients: QuestionRecipient[];
  answers: Array<QuestionAnswer & { from: string }>;
};

/** The enquiry's questions, oldest first, with their recipients and answers. */
export async function questionsOfEnquiry(db: Db | Tx, enquiryId: string): Promise<QuestionDetail[]> {
  const questions = await db
    .selectFrom('colleague_question')
    .selectAll()
    .where('enquiry_id', '=', enquiryId)
    .orderBy('asked_at')
    .orderBy('id')
    .execute();
  if (!questions.length) return [];
  const ids = questions.map((q) => q.id);
  const [recipients, answers] = await Promise.all([
    db.selectFrom('question_recipient').selectAll().where('question_id', 'in', ids).orderBy('id').execute(),
    db
      .selectFrom('question_answer as a')
      .innerJoin('question_recipient as r', 'r.id', 'a.recipient_id')
      .selectAll('a')
      .select('r.name as from')
      .where('a.question_id', 'in', ids)
      .orderBy('a.received_at')
      .orderBy('a.id')
      .execute(),
  ]);
  return questions.map((q) => ({
    ...q,
    recipients: recipients.filter((r) => r.question_id === q.id),
    answers: answers.filter((a) => a.question_id === q.id),
  }));
}

/** Whether the enquiry has a question waiting for an answer (the status page says "We are checking the facts"). */
export async function hasOpenQuestion(db: Db | Tx, enquiryId: string): Promise<boolean> {
  const row = await db
    .selectFrom('colleague_question')
    .select('id')
    .where('enquiry_id', '=', enquiryId)
    .where('state', '=', 'open')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** What the queue shows of an enquiry's open questions: the earliest due, and who it waits on. */
export interface WaitingOn {
  enquiry_id: string;
  names: string[];
  due_at: Date;
  overdue: boolean;
}

/** The open questions of the enquiries `enquiryIds` (one page of the queue), summarised per enquiry. */
export async function waitingOn(db: Db | Tx, enquiryIds: readonly string[]): Promise<Map<string, WaitingOn>> {
  const out = new Map<string, WaitingOn>();
  if (!enquiryIds.length) return out;
  const rows = await db
    .selectFrom('colleague_question as q')
    .innerJoin('question_recipient as r', 'r.question_id', 'q.id')
    .select(['q.enquiry_id', 'q.due_at', 'q.overdue_at', 'r.name', 'r.answered_at'])
    .where('q.enquiry_id', 'in', [...enquiryIds])
    .where('q.state', '=', 'open')
    .orderBy('q.due_at')
    .orderBy('r.id')
    .execute();
  for (const r of rows) {
    const w = out.get(r.enquiry_id) ?? { enquiry_id: r.enquiry_id, names: [], due_at: r.due_at, overdue: false };
    if (r.answered_at === null && !w.names.includes(r.name)) w.names.push(r.name);
    if (r.overdue_at) w.overdue = true;
    out.set(r.enquiry_id, w);
  }
  return out;
}

/** A colleague as the ask form and the asking need them. */
export type AskableColleague = Pick<
  Colleague,
  'id' | 'name' | 'role' | 'department' | 'mobile' | 'email' | 'usual_hours'
>;

/** Active colleagues, by name: whom an officer can ask. */
export async function askableColleagues(db: Db | Tx): Promise<AskableColleague[]> {
  return db
    .selectFrom('colleague')
    .select(['id', 'name', 'role', 'department', 'mobile', 'email', 'usual_hours'])
    .where('active', '=', true)
    .orderBy('name')
    .orderBy('id')
    .execute();
}

/** The active colleagues among `ids`. */
export async function askableByIds(db: Db | Tx, ids: readonly string[]): Promise<AskableColleague[]> {
  if (!ids.length) return [];
  return db
    .selectFrom('colleague')
    .select(['id', 'name', 'role', 'department', 'mobile', 'email', 'usual_hours'])
    .where('active', '=', true)
    .where('id', 'in', [...ids])
    .orderBy('name')
    .execute();
}

// ---- Erasure ------------------------------------------------------------------------------

/**
 * Erases what the questions about enquiries `ids` hold of their journalist (erasure request,
 * retention): the officer's question, the colleagues' answers, and where the questions went (the
 * links stop working). Who was asked stays countable through `colleague_id`. Idempotent.
 */
export async function eraseQuestionsOf(tx: Tx, ids: readonly string[], at: Date): Promise<void> {
  if (!ids.length) return;
  await tx
    .updateTable('colleague_question')
    .set({ text: ERASED, erased_at: at })
    .where('enquiry_id', 'in', [...ids])
    .where('erased_at', 'is', null)
    .execute();
  const questionIds = tx
    .selectFrom('colleague_question')
    .select('id')
    .where('enquiry_id', 'in', [...ids]);
  await tx.updateTable('question_answer').set({ text: ERASED }).where('question_id', 'in', questionIds).execute();
  await tx
    .updateTable('question_recipient')
    .set({ address: ERASED, message_id: null })
    .where('question_id', 'in', questionIds)
    .execute();
  await tx
    .deleteFrom('question_link')
    .where(
      'recipient_id',
      'in',
      tx.selectFrom('question_recipient').select('id').where('question_id', 'in', questionIds),
    )
    .execute();
}

/**
 * Forgets a colleague everywhere the questions copied them (their own erasure from the directory):
 * their name and address on each question that went to them, and their name in those questions'
 * timeline entries. Their answers stay, unsigned: they are the enquiry's record. Idempotent.
 */
export async function forgetColleague(tx: Tx, colleagueId: string): Promise<void> {
  const mine = await tx
    .selectFrom('question_recipient')
    .select(['id', 'question_id', 'name'])
    .where('colleague_id', '=', colleagueId)
    .execute();
  if (!mine.length) return;
  // Timeline entries name them by the name they had when asked.
  for (const r of mine) {
    await eraseNameInRecipientLists(tx, 'question_asked', r.name, { questionId: r.question_id });
    await sql`
      UPDATE enquiry_event SET data = jsonb_set(data, '{from}', to_jsonb(${ERASED}::text))
       WHERE kind = 'question_answered' AND data->>'questionId' = ${r.question_id} AND data->>'from' = ${r.name}`.execute(
      tx,
    );
  }
  await tx
    .updateTable('question_recipient')
    .set({ name: ERASED, address: ERASED, message_id: null, colleague_id: null })
    .where(
      'id',
      'in',
      mine.map((r) => r.id),
    )
    .execute();
  await tx
    .deleteFrom('question_link')
    .where(
      'recipient_id',
      'in',
      mine.map((r) => r.id),
    )
    .execute();
}

/** What Press Desk holds of a colleague's part in questions (their subject access request). */
export async function questionsOfColleague(db: Db | Tx, colleagueId: string) {
  const recipients = await db
    .selectFrom('question_recipient as r')
    .innerJoin('colleague_question as q', 'q.id', 'r.question_id')
    .innerJoin('enquiry as e', 'e.id', 'q.enquiry_id')
    .select([
      'r.id',
      'r.name',
      'r.via',
      'r.address',
      'r.answered_at',
      'q.id as question_id',
      'e.reference',
      'q.text as question',
      'q.asked_at',
      'q.due_at',
    ])
    .where('r.colleague_id', '=', colleagueId)
    .orderBy('q.asked_at')
    .execute();
  const answers = recipients.length
    ? await db
        .selectFrom('question_answer')
        .select(['recipient_id', 'via', 'text', 'received_at'])
        .where(
          'recipient_id',
          'in',
          recipients.map((r) => r.id),
        )
        .orderBy('received_at')
        .execute()
    : [];
  return recipients.map((r) => ({
    reference: r.reference,
    question: r.question,
    askedAt: r.asked_at,
    dueAt: r.due_at,
    askedAs: r.name,
    via: r.via,
    address: r.address,
    answeredAt: r.answered_at,
    answers: answers
      .filter((a) => a.recipient_id === r.id)
      .map((a) => ({ via: a.via, text: a.text, receivedAt: a.received_at })),
  }));
}
