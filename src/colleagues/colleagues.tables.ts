import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/**
 * Tables of colleagues outside the desk and the questions asked of them
 * (sql/20261207100000_colleagues.sql); src/db/schema.ts gathers them into `Database`.
 */
export interface ColleagueTables {
  colleague: ColleagueTable;
  colleague_question: ColleagueQuestionTable;
  question_recipient: QuestionRecipientTable;
  question_answer: QuestionAnswerTable;
  question_link: QuestionLinkTable;
}

declare module '../db/schema.js' {
  interface Database extends ColleagueTables {}
}

type Optional<T> = ColumnType<T, T | undefined, T>;

/** A week of usual working hours, in the office's format (`office.hours`): `[["09:00","17:00"]]` per day. */
export type WeekHours = Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', Array<[string, string]>>;

/** Someone who holds facts and never signs in: an investigating officer, a service head. */
export interface ColleagueTable {
  id: Generated<string>;
  name: string;
  role: Optional<string>;
  department: Optional<string>;
  /** E.164. */
  mobile: string | null;
  email: string | null;
  /** Null: reachable at any time (a duty inspector). */
  usual_hours: ColumnType<WeekHours | null, string | null, string | null>;
  active: Optional<boolean>;
  /** When they were taken off the directory (null while active): retention counts from it. */
  deactivated_at: Optional<Date | null>;
  created_at: Date;
  updated_at: Date;
}
export type Colleague = Selectable<ColleagueTable>;
export type NewColleague = Insertable<ColleagueTable>;

/** Where a question stands. */
export type QuestionState = 'open' | 'answered' | 'withdrawn';

/** One question about an enquiry, asked of one or more colleagues. */
export interface ColleagueQuestionTable {
  id: Generated<string>;
  enquiry_id: string;
  /** The email of the member of staff who asked. */
  asked_by: string;
  asked_at: Date;
  text: string;
  due_at: Date;
  state: Optional<QuestionState>;
  answered_at: Optional<Date | null>;
  overdue_at: Optional<Date | null>;
  closed_by: Optional<string | null>;
  erased_at: Optional<Date | null>;
}
export type ColleagueQuestion = Selectable<ColleagueQuestionTable>;

/** How a question reaches a colleague. */
export type AskVia = 'sms' | 'email';

/** One colleague a question went to. */
export interface QuestionRecipientTable {
  id: Generated<string>;
  question_id: string;
  colleague_id: string | null;
  name: string;
  via: AskVia;
  address: string;
  code: string;
  message_id: Optional<string | null>;
  answered_at: Optional<Date | null>;
}
export type QuestionRecipient = Selectable<QuestionRecipientTable>;

/** How an answer came in. */
export type AnswerVia = 'link' | 'sms' | 'email';

/** One answer from one colleague. */
export interface QuestionAnswerTable {
  id: Generated<string>;
  question_id: string;
  recipient_id: string;
  via: AnswerVia;
  text: string;
  email_id: Optional<string | null>;
  received_at: Date;
}
export type QuestionAnswer = Selectable<QuestionAnswerTable>;

/** One answer link sent to a recipient: the SHA-256 of its token, never the token. */
export interface QuestionLinkTable {
  token_hash: string;
  recipient_id: string;
  created_at: Date;
}
