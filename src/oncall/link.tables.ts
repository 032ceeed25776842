import type { ColumnType, Generated, Selectable } from 'kysely';

/** The on-call link's table (sql/20261129140000_oncall_links.sql); src/db/schema.ts gathers it into `Database`. */
export interface LinkTables {
  oncall_link: OnCallLinkTable;
}

declare module '../db/schema.js' {
  interface Database extends LinkTables {}
}

/**
 * One link sent in a page SMS: the SHA-256 of its token (never the token), the enquiry and page
 * it opens, the phone (and rota person) it was sent to, and when it stops working (or was revoked).
 */
export interface OnCallLinkTable {
  id: Generated<string>;
  token_hash: string;
  enquiry_id: string;
  page_id: string;
  phone: string;
  person_id: string | null;
  created_at: Date;
  expires_at: Date;
  viewed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** When it stopped working early: its person was taken off the staff list or their number changed. */
  revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}
export type OnCallLink = Selectable<OnCallLinkTable>;
