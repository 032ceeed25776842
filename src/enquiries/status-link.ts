/**
 * The journalist's status link, `{PUBLIC_BASE_URL}/status/{token}` (issue 17). The token is a
 * bearer credential (src/http/bearer-token.ts): only its hash is stored. Every message that
 * carries a link is stored with the link redacted (`redactedStatusUrl`) and gets a fresh token
 * only as it is sent (`fillStatusLinks`, in the transaction that claims the send), so no copy of a
 * working link is ever written down: not in the outbox, the job queue or the stored SMS reply.
 *
 * The link is issued with the enquiry (intake, acknowledgements, replies), so it lives here;
 * src/status/ serves the page it opens.
 */
import type { Db, Tx } from '../db/database.js';
import { formTokenFor, formTokenMatches, hashBearerToken, newBearerToken } from '../http/bearer-token.js';
import { insertStatusLink } from './status-link.repository.js';

/** Where the status page's path starts; the token follows. */
export const STATUS_PREFIX = '/status/';
const FORM_PURPOSE = 'status-page-form';

/** The status page's absolute URL for `token`. */
export function statusUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${STATUS_PREFIX}${token}`;
}

/** What stands in for a link in stored message texts; `fillStatusLinks` replaces it as the message is sent. */
export function redactedStatusUrl(publicBaseUrl: string): string {
  return statusUrl(publicBaseUrl, '[link]');
}

/** The form token of the status page opened by `token` (a forged post needs it as well as the link). */
export function statusFormToken(token: string): string {
  return formTokenFor(token, FORM_PURPOSE);
}

/** Constant-time check of a posted form token against the page's. */
export function statusFormTokenMatches(token: string, posted: unknown): boolean {
  return formTokenMatches(token, FORM_PURPOSE, posted);
}

/** A new token for the enquiry's status page; its hash is stored for the token to be returned once. */
export async function mintStatusLink(db: Db | Tx, enquiryId: string, now: Date): Promise<string> {
  const token = newBearerToken();
  await insertStatusLink(db, { token_hash: hashBearerToken(token), enquiry_id: enquiryId, created_at: now });
  return token;
}

/** True when `text` carries a redacted status link for `fillStatusLinks` to fill. */
export function hasStatusLink(publicBaseUrl: string, text: string): boolean {
  return text.includes(redactedStatusUrl(publicBaseUrl));
}

/** `text` with each redacted status link replaced by the link of `token`; nothing is stored. */
export function withStatusLink(publicBaseUrl: string, text: string, token: string): string {
  return text.split(redactedStatusUrl(publicBaseUrl)).join(statusUrl(publicBaseUrl, token));
}

/**
 * `text` as it is sent: each redacted status link in it replaced by a working one (one fresh
 * token for the whole text), minted in `db` (the send's claim transaction). Text without one is
 * returned as it is, and nothing is stored.
 */
export async function fillStatusLinks(
  db: Db | Tx,
  publicBaseUrl: string,
  enquiryId: string,
  text: string,
  now: Date,
): Promise<string> {
  if (!hasStatusLink(publicBaseUrl, text)) return text;
  return withStatusLink(publicBaseUrl, text, await mintStatusLink(db, enquiryId, now));
}

/** The part of a stored text before its status link: what a look-up of an earlier attempt can match at the provider. */
export function textBeforeLink(publicBaseUrl: string, text: string): string {
  return text.split(redactedStatusUrl(publicBaseUrl))[0];
}
