/**
 * Links that are their own credential: the on-call officer's `/m/{token}` and the journalist's
 * `/status/{token}`. A token is 128 random bits (22 characters of base64url, all GSM characters,
 * so it fits a text); the database keeps only its SHA-256, so a copy of it (a backup, a support
 * dump) opens nothing, and an unguessable token needs no salt, which keeps the lookup one index probe.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const TOKEN_BYTES = 16;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{22}$/;

/** A fresh token: 128 random bits as 22 characters of base64url. */
export function newBearerToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * The token `key` gives for `purpose`: 128 bits of an HMAC, shaped like `newBearerToken`'s. The
 * same inputs give the same token, so an answer can be repeated without keeping a copy of its
 * link; unguessable for as long as `key` (a secret from the environment) is.
 */
export function derivedBearerToken(key: string, purpose: string): string {
  return createHmac('sha256', key).update(purpose).digest().subarray(0, TOKEN_BYTES).toString('base64url');
}

/** SHA-256 (hex) of a token: what the database holds instead of it. */
export function hashBearerToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** True when `s` has a token's shape (checked before any database lookup). */
export function looksLikeBearerToken(s: string): boolean {
  return TOKEN_SHAPE.test(s);
}

/**
 * The form token of a page opened by `token`: an HMAC keyed by the token and the page's
 * `purpose`, so nothing more is stored and only a page rendered for that token can post to it.
 * The token travels in the URL, not a cookie, so a cross-site form cannot borrow it.
 */
export function formTokenFor(token: string, purpose: string): string {
  return createHmac('sha256', token).update(purpose).digest('base64url');
}

/** Constant-time check of a posted form token against the one `formTokenFor` gives. */
export function formTokenMatches(token: string, purpose: string, posted: unknown): boolean {
  if (typeof posted !== 'string') return false;
  const want = Buffer.from(formTokenFor(token, purpose));
  const got = Buffer.from(posted);
  return want.length === got.length && timingSafeEqual(want, got);
}
