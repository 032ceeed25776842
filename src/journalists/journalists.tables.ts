import type { ColumnType, Generated, Selectable } from 'kysely';

/** Journalists and outlets (sql/20261209030000_journalists.sql); src/db/schema.ts gathers them. */
export interface JournalistTables {
  journalist: JournalistTable;
  journalist_contact: JournalistContactTable;
  journalist_outlet: JournalistOutletTable;
  journalist_note: JournalistNoteTable;
  outlet: OutletTable;
  outlet_spelling: OutletSpellingTable;
}

declare module '../db/schema.js' {
  interface Database extends JournalistTables {}
}

type Optional<T> = ColumnType<T, T | undefined, T>;

/** The types of outlet the desk records. */
export const OUTLET_KINDS = ['national', 'regional', 'broadcast', 'trade', 'online'] as const;
export type OutletKind = (typeof OUTLET_KINDS)[number];

/** How a journalist prefers to be answered. */
export const CHANNELS = ['phone', 'sms', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * What every officer must see first about a sender: not press (a member of the public: route to
 * the contact centre), an auditor (filming for their channel: not press), a broken embargo.
 */
export const FLAGS = ['not_press', 'auditor', 'embargo_breach'] as const;
export type JournalistFlag = (typeof FLAGS)[number];

/** One journalist the desk knows: personal data (erased on request, deleted by retention). */
export interface JournalistTable {
  id: Generated<string>;
  name: string;
  preferred_channel: Optional<Channel | null>;
  press_card_checked_on: Optional<string | null>;
  press_card_checked_by: Optional<string | null>;
  flags: Optional<JournalistFlag[]>;
  created_at: Date;
  created_by: string;
  updated_at: Date;
}
export type Journalist = Selectable<JournalistTable>;

/** A phone (E.164) or email (lowercased) of a journalist; each value names one journalist. */
export interface JournalistContactTable {
  id: Generated<string>;
  journalist_id: string;
  kind: 'phone' | 'email';
  value: string;
}
export type JournalistContact = Selectable<JournalistContactTable>;

export interface JournalistOutletTable {
  journalist_id: string;
  outlet_id: string;
}

/** A staff note about a journalist. */
export interface JournalistNoteTable {
  id: Generated<string>;
  journalist_id: string;
  at: Date;
  written_by: string;
  text: string;
}
export type JournalistNote = Selectable<JournalistNoteTable>;

/** An outlet: its one name, type (null: not yet set) and area. Not personal data. */
export interface OutletTable {
  id: Generated<string>;
  name: string;
  kind: Optional<OutletKind | null>;
  area: Optional<string>;
  created_at: Date;
  created_by: string;
  updated_at: Date;
}
export type Outlet = Selectable<OutletTable>;

/** A spelling (lowercased, trimmed, spaces folded) of an outlet as enquiries type it. */
export interface OutletSpellingTable {
  spelling: string;
  outlet_id: string;
}
