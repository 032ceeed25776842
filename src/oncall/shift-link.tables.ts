import type { Generated, Selectable } from 'kysely';

/** Shift reminders' links (sql/20261207200000_shift_links.sql); src/db/schema.ts gathers them into `Database`. */
export interface ShiftLinkTables {
  shift_link: ShiftLinkTable;
}

declare module '../db/schema.js' {
  interface Database extends ShiftLinkTables {}
}

/** One reminder's link to its shift: the token's hash, working until the shift ends. */
export interface ShiftLinkTable {
  id: Generated<string>;
  entry_id: string;
  token_hash: string;
  expires_at: Date;
  created_at: Date;
}
export type ShiftLink = Selectable<ShiftLinkTable>;
