import type { ColumnType, Generated, Selectable } from 'kysely';

/** Lines to take and reply templates (sql/20261208010000_say_it_once.sql); src/db/schema.ts gathers them. */
export interface LineTables {
  line_to_take: LineToTakeTable;
  line_topic: LineTopicTable;
  reply_template: ReplyTemplateTable;
}

declare module '../db/schema.js' {
  interface Database extends LineTables {}
}

type Optional<T> = ColumnType<T, T | undefined, T>;

/** Where a line stands: usable, withdrawn, or replaced by another (`superseded_by`). */
export const LINE_STATES = ['current', 'withdrawn', 'superseded'] as const;
export type LineState = (typeof LINE_STATES)[number];

/**
 * One approved line to take. Its id is the number the on-call officer texts (`LINE 12`). The
 * office's own words: not personal data.
 */
export interface LineToTakeTable {
  id: Generated<string>;
  title: string;
  text: string;
  state: Optional<LineState>;
  superseded_by: Optional<string | null>;
  incident_id: Optional<string | null>;
  approved_by: string;
  approved_at: Date;
  /**
   * The office-time day by which it should be reviewed, 'YYYY-MM-DD' (null: none); past it, using
   * it warns. A SQL date: select it as text (`to_char(review_by, 'YYYY-MM-DD')`), never as the
   * driver's Date, which would shift it by the process's time zone (as rotation.start_date).
   */
  review_by: Optional<string | null>;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  withdrawn_at: Optional<Date | null>;
  withdrawn_by: Optional<string | null>;
  withdrawn_reason: Optional<string | null>;
  /** Generated full-text vector of title and text; read only in SQL. */
  search: ColumnType<string, never, never>;
}
export type LineToTake = Selectable<LineToTakeTable>;

/** A line's topics. */
export interface LineTopicTable {
  line_id: string;
  topic_id: string;
}

/** A procedural reply with placeholders, kept by managers. */
export interface ReplyTemplateTable {
  id: Generated<string>;
  title: string;
  body: string;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  archived_at: Optional<Date | null>;
}
export type ReplyTemplate = Selectable<ReplyTemplateTable>;
