import type { ColumnType, Generated, Selectable } from 'kysely';

/** What the office said to journalists (sql/20261208010000_say_it_once.sql); src/db/schema.ts gathers it. */
export interface SaidTables {
  said: SaidTable;
}

declare module '../db/schema.js' {
  interface Database extends SaidTables {}
}

/** The ways words reach a journalist that the record of what was said keeps. */
export const SAID_KINDS = ['response', 'sms_reply', 'email_reply', 'incident_line', 'outcome_message'] as const;
/** How the words went: a recorded response, an SMS or email reply, an incident's line, a closing outcome's message. */
export type SaidKind = (typeof SAID_KINDS)[number];

/**
 * One thing the office said to an enquiry's journalist. `line_id`: the library line it was, sent
 * unchanged. `text` is blanked by erasure (`erased_at` set); the row stays for the counts.
 */
export interface SaidTable {
  id: Generated<string>;
  enquiry_id: string;
  at: Date;
  kind: SaidKind;
  text: string;
  line_id: ColumnType<string | null, string | null | undefined, string | null>;
  actor: ColumnType<string | null, string | null | undefined, string | null>;
  erased_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Generated full-text vector of `text`; read only in SQL. */
  search: ColumnType<string, never, never>;
}
export type Said = Selectable<SaidTable>;
