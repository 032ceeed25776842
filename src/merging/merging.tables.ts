import type { ColumnType, Generated, Selectable } from 'kysely';

/** Merges of one enquiry into another (sql/20261209020000_merge.sql); src/db/schema.ts gathers it. */
export interface MergeTables {
  enquiry_merge: EnquiryMergeTable;
}

declare module '../db/schema.js' {
  interface Database extends MergeTables {}
}

type Optional<T> = ColumnType<T, T | undefined, T>;

/** The tables whose rows a merge moves, each row named by its key (`sms_inbound`: its MessageSid; `voice_call`: its CallSid). */
export const MOVED_TABLES = [
  'enquiry_event',
  'sms_inbound',
  'email_message',
  'voice_call',
  'colleague_question',
  'said',
] as const;
/** A table a merge moves rows of. */
export type MovedTable = (typeof MOVED_TABLES)[number];

/** Exactly the rows a merge moved, by table: what its undo moves back. */
export type MovedRows = Partial<Record<MovedTable, string[]>>;

/** How the merged enquiry stood before the merge: restored by the undo. */
export interface StoodBefore {
  status: string;
  closed_at: string | null;
  resolved_at: string | null;
  close_working_s: number | null;
  outcome: string | null;
  duplicate_of: string | null;
  /** The enquiry merged into, when it took the merged one's earlier deadline: its own, restored by the undo. */
  into?: DeadlineBefore;
}

/** An enquiry's deadline and what follows from it, as it stood before it took an earlier one. */
export interface DeadlineBefore {
  deadline: string | null;
  respond_by: string | null;
  warn_at: string | null;
  urgent: boolean;
  urgent_reason: string | null;
}

/** One merge of `from_id` into `into_id`. No personal data: ids, times and the officer's address. */
export interface EnquiryMergeTable {
  id: Generated<string>;
  into_id: string;
  from_id: string;
  merged_at: Date;
  merged_by: string;
  moved: ColumnType<MovedRows, string, string>;
  before: ColumnType<StoodBefore, string, string>;
  undone_at: Optional<Date | null>;
  undone_by: Optional<string | null>;
  /** An erasure of one side moved the rows back to where they came from: it can no longer be undone. */
  released_at: Optional<Date | null>;
}
export type EnquiryMerge = Selectable<EnquiryMergeTable>;
