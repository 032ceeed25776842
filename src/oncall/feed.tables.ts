import type { ColumnType, Generated, Selectable } from 'kysely';

/** The rota's calendar feeds (sql/20261207150000_rota_feeds.sql); src/db/schema.ts gathers them into `Database`. */
export interface FeedTables {
  rota_feed: RotaFeedTable;
}

declare module '../db/schema.js' {
  interface Database extends FeedTables {}
}

/**
 * One calendar feed address: the SHA-256 of its token (never the token), whose it is (a rota
 * person's own shifts, or the whole rota for the manager `user_id`; exactly one is set), and when
 * it was revoked and last read by a calendar.
 */
export interface RotaFeedTable {
  id: Generated<string>;
  token_hash: string;
  person_id: string | null;
  user_id: string | null;
  created_at: Date;
  revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  last_fetched_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}
export type RotaFeed = Selectable<RotaFeedTable>;
