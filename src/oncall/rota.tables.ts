import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Tables of the on-call rota (sql/20261127060000_rota.sql); src/db/schema.ts gathers them into `Database`. */
export interface RotaTables {
  person: PersonTable;
  rota_entry: RotaEntryTable;
}

declare module '../db/schema.js' {
  interface Database extends RotaTables {}
}

/** Who does what on the rota: the on-call press officer, or the next contact paged after them. */
export type RotaRole = 'primary' | 'backup';

/** Press-office staff who can be on call. `phone` is E.164 and unique among active people. */
export interface PersonTable {
  id: Generated<string>;
  name: string;
  phone: string;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  /** When `phone` was proved by a code (verification.service.ts); null: not yet, and not choosable for a shift. */
  phone_verified_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}
export type Person = Selectable<PersonTable>;
export type NewPerson = Insertable<PersonTable>;

/** One shift or override: `person_id` holds `role` over the half-open period [starts_at, ends_at). */
export interface RotaEntryTable {
  id: Generated<string>;
  person_id: string;
  role: RotaRole;
  starts_at: Date;
  ends_at: Date;
  is_override: ColumnType<boolean, boolean | undefined, boolean>;
  note: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  created_by: string;
  /** Handoff reminders (sql/20261207140000_rota_guard.sql): when the reminder went, OK came, managers were alerted, the end text went. */
  reminded_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  confirmed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  unconfirmed_alerted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  end_notified_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The rotation that generated it (sql/20261207180000_rotations.sql); null for one made by hand, which beats it. */
  rotation_id: ColumnType<string | null, string | null | undefined, string | null>;
}
export type RotaEntry = Selectable<RotaEntryTable>;
export type NewRotaEntry = Insertable<RotaEntryTable>;
