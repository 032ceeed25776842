/**
 * The shapes of the identifiers Press Desk takes from outside (URLs, forms, webhooks, job payloads,
 * configuration): row ids and E.164 phone numbers. A leaf module (it imports only zod) so config,
 * jobs and routes can share one definition of each.
 *
 * Row ids are bigint identities written as text. The largest bigint (9223372036854775807) has 19
 * digits, so a check that admits at most 18 digits guarantees the PostgreSQL cast cannot fail.
 * Three row-id variants grew up in different folders and differ on edge inputs ("0", "007", 19
 * digits); each keeps its callers' behaviour exactly and is named for what it admits.
 */
import { z } from 'zod';

/** A row id: a positive whole number without leading zeros, at most 18 digits (always fits a bigint). */
export const ROW_ID = /^[1-9]\d{0,17}$/;

/** Whether `text` is a row id (see ROW_ID). */
export function isRowId(text: string): boolean {
  return ROW_ID.test(text);
}

/**
 * Whether `text` is 1–18 digits, leading zeros and "0" allowed: the looser row-id check of the
 * incident, report, casework and Twilio-callback routes. "0" finds no row; PostgreSQL reads "007" as 7.
 */
export function isRowIdDigits(text: string): boolean {
  return /^\d{1,18}$/.test(text);
}

/**
 * The manager pages' row id (rota, users, audit): as ROW_ID but up to 19 digits, the length of the
 * largest bigint. A 19-digit value above that maximum passes this check and fails the cast in PostgreSQL.
 */
export const LONG_ROW_ID = /^[1-9]\d{0,18}$/;

/** Whether `text` is a manager-page row id (see LONG_ROW_ID). */
export function isLongRowId(text: string): boolean {
  return LONG_ROW_ID.test(text);
}

/**
 * Zod schema of a row id in a job payload: digits only, any length. Payloads are written by our own
 * code from bigint ids, so the check only rejects a job hand-edited into something that is not a number.
 */
export const jobRowId = z.string().regex(/^\d+$/);

/** A phone number in E.164: "+", a non-zero country-code digit, then 6–14 more digits. */
export const E164 = /^\+[1-9]\d{6,14}$/;

/** Whether `text` is a phone number in E.164 form, e.g. "+447911123456". */
export function isE164(text: string): boolean {
  return E164.test(text);
}

/** Zod schema of an E.164 phone number (see E164); `message` is the error when it is not one. */
export function e164(message?: string) {
  return z.string().regex(E164, message);
}
