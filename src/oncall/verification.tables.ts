import type { Selectable } from 'kysely';

/** Codes that prove a rota person's number (sql/20261207140000_rota_guard.sql); src/db/schema.ts gathers them into `Database`. */
export interface VerificationTables {
  phone_verification: PhoneVerificationTable;
}

declare module '../db/schema.js' {
  interface Database extends VerificationTables {}
}

/** The code waiting for a person's current number: one per person, hashed, expiring, wrong tries counted. */
export interface PhoneVerificationTable {
  person_id: string;
  phone: string;
  code_hash: string;
  sent_at: Date;
  expires_at: Date;
  attempts: number;
}
export type PhoneVerification = Selectable<PhoneVerificationTable>;
