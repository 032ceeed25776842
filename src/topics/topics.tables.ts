import type { ColumnType, Generated, Selectable } from 'kysely';

/** Topics and enquiries' topics (sql/20261208010000_say_it_once.sql); src/db/schema.ts gathers them. */
export interface TopicTables {
  topic: TopicTable;
  enquiry_topic: EnquiryTopicTable;
}

declare module '../db/schema.js' {
  interface Database extends TopicTables {}
}

type Optional<T> = ColumnType<T, T | undefined, T>;

/**
 * One topic of the managed list. `terms` (websearch syntax, as the queue's search box) suggest it
 * at intake ('' : never suggested); the rule columns say what getting it does to an enquiry:
 * suggest a library line, require sign-off, assign to an officer. Not personal data.
 */
export interface TopicTable {
  id: Generated<string>;
  name: string;
  terms: Optional<string>;
  suggest_line_id: Optional<string | null>;
  require_signoff: Optional<boolean>;
  assign_to: Optional<string | null>;
  created_at: Date;
  created_by: string;
  archived_at: Optional<Date | null>;
}
export type Topic = Selectable<TopicTable>;

/** How an enquiry got a topic: a rule at intake, or an officer. */
export type TopicSource = 'rule' | 'officer';

/** One topic of one enquiry (no personal data: kept after erasure). */
export interface EnquiryTopicTable {
  enquiry_id: string;
  topic_id: string;
  source: TopicSource;
  added_at: Date;
  /** The officer who added it (null: a rule at intake). */
  added_by: Optional<string | null>;
}
export type EnquiryTopic = Selectable<EnquiryTopicTable>;
