import type { ColumnType, Generated, Selectable } from 'kysely';
import type { RotaRole } from './rota.tables.js';

/** Cover requests between colleagues (sql/20261207190000_cover.sql); src/db/schema.ts gathers them into `Database`. */
export interface CoverTables {
  cover_request: CoverRequestTable;
  cover_offer: CoverOfferTable;
}

declare module '../db/schema.js' {
  interface Database extends CoverTables {}
}

/**
 * A rota person's request that a colleague hold `role` for them over [starts_at, ends_at): open
 * until cancelled or accepted (the accepter's override is `rota_entry_id`); `escalated_at` is when
 * the managers were told that nobody had accepted.
 */
export interface CoverRequestTable {
  id: Generated<string>;
  person_id: string;
  role: RotaRole;
  starts_at: Date;
  ends_at: Date;
  note: string | null;
  created_at: Date;
  created_by: string;
  cancelled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  accepted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  accepted_by: ColumnType<string | null, string | null | undefined, string | null>;
  rota_entry_id: ColumnType<string | null, string | null | undefined, string | null>;
  escalated_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}
export type CoverRequest = Selectable<CoverRequestTable>;

/** One colleague's accept link for a request: the SHA-256 of its token (never the token), expiring when the period starts. */
export interface CoverOfferTable {
  id: Generated<string>;
  request_id: string;
  person_id: string;
  token_hash: string;
  created_at: Date;
  expires_at: Date;
}
export type CoverOffer = Selectable<CoverOfferTable>;
