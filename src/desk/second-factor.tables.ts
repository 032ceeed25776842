import type { ColumnType, Generated } from 'kysely';

/** The second factor's tables (sql/20261209060000_second_factor.sql, issue 30 item 2). */
export interface SecondFactorTables {
  second_factor_totp: SecondFactorTotpTable;
  second_factor_recovery: SecondFactorRecoveryTable;
  second_factor_passkey: SecondFactorPasskeyTable;
  second_factor_pending: SecondFactorPendingTable;
  second_factor_setup_session: SecondFactorSetupSessionTable;
  second_factor_registration: SecondFactorRegistrationTable;
}

declare module '../db/schema.js' {
  interface Database extends SecondFactorTables {}
}

/** An account's authenticator app; counts only once `confirmed_at` is set. */
export interface SecondFactorTotpTable {
  user_id: string;
  /** Base32 shared secret: never logged, audited or shown after set-up. */
  secret: string;
  confirmed_at: Date | null;
  /** RFC 6238 time step of the last accepted code (replays at or before it are refused). */
  last_step: ColumnType<string | null, number | null | undefined, number | null>;
  created_at: Date;
}

/** One recovery code (its scrypt hash), usable once. */
export interface SecondFactorRecoveryTable {
  id: Generated<string>;
  user_id: string;
  code_hash: string;
  used_at: Date | null;
  created_at: Date;
}

/** A registered passkey or security key. */
export interface SecondFactorPasskeyTable {
  credential_id: string;
  user_id: string;
  label: string;
  public_key: Uint8Array;
  counter: ColumnType<string, number | undefined, number>;
  transports: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Date;
  last_used_at: Date | null;
}

/** A sign-in whose password was right, waiting for its second factor (not a session). */
export interface SecondFactorPendingTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  next_path: string;
  known_device: boolean;
  webauthn_challenge: string | null;
  created_at: Date;
  expires_at: Date;
}

/** A session that may only set up a second factor (identity.requireSecondFactor). */
export interface SecondFactorSetupSessionTable {
  token_hash: string;
}

/** The passkey challenge offered to a session registering one. */
export interface SecondFactorRegistrationTable {
  token_hash: string;
  challenge: string;
  expires_at: Date;
}
