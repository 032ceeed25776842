import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

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
  /** Names the session in the account page's forms (sql/20261209070000_sessions.sql); null only if the default never ran. */
  id: ColumnType<string | null, string | undefined, never>;
  /** "Firefox on Windows": made from the User-Agent at sign-in (never the header itself); null before the migration. */
  device: ColumnType<string | null, string | null | undefined, never>;
  /** The coarse network it signed in from (IPv4 /24, IPv6 /64); null before the migration. */
  client_address: ColumnType<string | null, string | null | undefined, never>;
}
export type UserSession = Selectable<UserSessionTable>;
/** A session as stored at sign-in. */
export type NewUserSession = Insertable<UserSessionTable>;
