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
}
export type RotaEntry = Selectable<RotaEntryTable>;
export type NewRotaEntry = Insertable<RotaEntryTable>;
