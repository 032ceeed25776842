import type { ColumnType, Generated, Selectable } from 'kysely';

/** Staff accounts and their sessions (sql/20261127080000_desk.sql): who may use the staff pages. */
export interface StaffTables {
  app_user: AppUserTable;
  user_session: UserSessionTable;
}

declare module '../db/schema.js' {
  interface Database extends StaffTables {}
}

export type Role = 'officer' | 'manager';

export interface AppUserTable {
  id: Generated<string>;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  /** E.164, optional (sql/20261206050000_user_mobile.sql). */
  mobile: ColumnType<string | null, string | null | undefined, string | null>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Date;
  updated_at: Date;
}
export type AppUser = Selectable<AppUserTable>;

export interface UserSessionTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
}
export type UserSession = Selectable<UserSessionTable>;
