import type { ColumnType, Generated, Selectable } from 'kysely';

/** The bundle list link's tables (sql/20261205010000_oncall_list_links.sql, revoked_at from sql/20261207020000_oncall_list_link_revoked.sql); src/db/schema.ts gathers them into `Database`. */
export interface ListLinkTables {
  oncall_list_link: OnCallListLinkTable;
  oncall_list_link_enquiry: OnCallListLinkEnquiryTable;
}

declare module '../db/schema.js' {
  interface Database extends ListLinkTables {}
}

/** One link sent in a bundled page text: the SHA-256 of its token, the phone it went to, and until when it works. */
export interface OnCallListLinkTable {
  id: Generated<string>;
  token_hash: string;
  phone: string;
  person_id: string | null;
  created_at: Date;
  expires_at: Date;
  viewed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** When the person's page links were revoked (taken off the staff list, number changed): it opens nothing since. */
  revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}
export type OnCallListLink = Selectable<OnCallListLinkTable>;

/** The link's scope: each enquiry (and its page) of that bundle. */
export interface OnCallListLinkEnquiryTable {
  link_id: string;
  enquiry_id: string;
  page_id: string;
}
