import type { ColumnType, Generated, Selectable } from 'kysely';

/** Tables of statements and their record (sql/20261207110000_release_decisions.sql); src/db/schema.ts gathers them. */
export interface StatementTables {
  release_decision: ReleaseDecisionTable;
  statement_draft: StatementDraftTable;
  signoff_request: SignOffRequestTable;
  signoff_link: SignOffLinkTable;
}

declare module '../db/schema.js' {
  interface Database extends StatementTables {}
}

type Optional<T> = ColumnType<T, T | undefined, T>;

/** One response's release decision: what was released, what was withheld and why, who decided. */
export interface ReleaseDecisionTable {
  id: Generated<string>;
  enquiry_id: string;
  recorded_at: Date;
  recorded_by: string;
  decided_by: string;
  released: string;
  released_to_page: boolean;
  withheld: Optional<string | null>;
  reasons: Optional<string[]>;
  erased_at: Optional<Date | null>;
}
export type ReleaseDecision = Selectable<ReleaseDecisionTable>;

/** Where a draft stands: being written, sent and awaiting a decision, approved (its words), or returned. */
export type DraftState = 'draft' | 'awaiting' | 'approved' | 'returned';

/** What a draft is: an enquiry's response, or an incident's holding or press line (sql/20261207130000). */
export type DraftKind = 'response' | 'line';

/**
 * The words being prepared for journalists, and their approval (bound to a hash of the words):
 * an enquiry's response (`enquiry_id`) or an incident's line (`line_id`), never both.
 */
export interface StatementDraftTable {
  id: Generated<string>;
  enquiry_id: Optional<string | null>;
  line_id: Optional<string | null>;
  kind: Optional<DraftKind>;
  text: string;
  state: Optional<DraftState>;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  sent_at: Optional<Date | null>;
  approved_hash: Optional<string | null>;
  approved_by: Optional<string | null>;
  approved_at: Optional<Date | null>;
  erased_at: Optional<Date | null>;
}
export type StatementDraft = Selectable<StatementDraftTable>;

/** Where one approver's decision stands. */
export type RequestState = 'pending' | 'approved' | 'returned' | 'void';

/** One approver a draft went to, for one version of its words. */
export interface SignOffRequestTable {
  id: Generated<string>;
  draft_id: string;
  colleague_id: string | null;
  name: string;
  via: 'sms' | 'email';
  address: string;
  code: string;
  text_hash: string;
  state: Optional<RequestState>;
  sent_at: Date;
  decided_at: Optional<Date | null>;
  decided_via: Optional<'link' | 'sms' | null>;
  comment: Optional<string | null>;
  edited: Optional<boolean>;
}
export type SignOffRequest = Selectable<SignOffRequestTable>;

/** One approver's link: the SHA-256 of its token only. */
export interface SignOffLinkTable {
  token_hash: string;
  request_id: string;
  created_at: Date;
}
