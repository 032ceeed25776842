// Staff accounts and sessions are the web shell's (src/web/staff.tables.ts); re-exported for desk code.
export type { AppUser, AppUserTable, Role, UserSession, UserSessionTable } from '../web/staff.tables.js';

/** Tables of the triage desk (sql/20261127080000_desk.sql). */
export interface DeskTables {
  known_device: KnownDeviceTable;
}

declare module '../db/schema.js' {
  interface Database extends DeskTables {}
}

/** A browser an account signed in from (sql/20261205060000_known_devices.sql): its cookie's hash. */
export interface KnownDeviceTable {
  token_hash: string;
  user_id: string;
  created_at: Date;
  last_used_at: Date;
}
