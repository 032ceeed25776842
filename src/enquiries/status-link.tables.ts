import type { Generated, Selectable } from 'kysely';

/**
 * The journalist's status links (sql/20261129170000_status_page.sql), issued with the enquiry and
 * read by the status page (src/status/); src/db/schema.ts gathers it into `Database`.
 */
export interface StatusLinkTables {
  status_link: StatusLinkTable;
}

declare module '../db/schema.js' {
  interface Database extends StatusLinkTables {}
}

/** One status link handed to the journalist: the SHA-256 of its token (never the token) and its enquiry. */
export interface StatusLinkTable {
  id: Generated<string>;
  token_hash: string;
  enquiry_id: string;
  created_at: Date;
}
export type StatusLink = Selectable<StatusLinkTable>;
