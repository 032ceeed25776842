/**
 * Verifies that a form-encoded webhook really comes from Twilio (X-Twilio-Signature), against the
 * public URL Twilio was given (`PUBLIC_BASE_URL` + path + query), never the Host header: behind a
 * proxy the Host we see is not the one Twilio signed.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import twilio from 'twilio';
import { AppError } from '../http/errors.js';

/** The verified webhook parameters, first value per name (empty values kept as ""). */
export type TwilioParams = Readonly<Record<string, string>>;

/** Hono `Variables` set by `verifyTwilioSignature`. */
export type TwilioWebhookVariables = { twilioParams: TwilioParams };

/** Hono env of a route behind `verifyTwilioSignature`: `c.get('twilioParams')` is typed. */
export type TwilioWebhookEnv = { Variables: TwilioWebhookVariables };

/** Options of `verifyTwilioSignature`. */
export interface VerifyTwilioSignatureOptions {
  /** Twilio auth token (`TWILIO_AUTH_TOKEN`). Empty: every webhook is refused with 403. */
  authToken: string;
  /** The public origin (and optional path prefix) Twilio posts to, e.g. `https://press.example.org`. */
  publicBaseUrl: string;
}

const SIGNATURE_MESSAGE = 'Missing or invalid X-Twilio-Signature';

/** Path and query exactly as received (no re-encoding), without any fragment. */
function pathAndQuery(rawUrl: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^#]*)/i.exec(rawUrl);
  const rest = m ? m[1] : rawUrl;
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/**
 * Parses a form body keeping empty values. A name sent more than once becomes an array of all
 * its values, which is how twilio's `validateRequest` signs repeated parameters, so a forged
 * extra value changes the expected signature instead of slipping past it.
 */
function parseForm(raw: string): { forSignature: Record<string, string | string[]>; first: Record<string, string> } {
  const all = new Map<string, string[]>();
  for (const [k, v] of new URLSearchParams(raw)) {
    const values = all.get(k);
    if (values) values.push(v);
    else all.set(k, [v]);
  }
  // Object.fromEntries defines own properties, so a parameter named "__proto__" stays a plain key.
  return {
    forSignature: Object.fromEntries([...all].map(([k, vs]) => [k, vs.length === 1 ? vs[0] : vs])),
    first: Object.fromEntries([...all].map(([k, vs]) => [k, vs[0]])),
  };
}

/**
 * Hono middleware for Twilio's form-encoded webhooks (inbound SMS, status callbacks).
 * Refuses with AppError `bad_signature` (403) when the auth token is not configured, the header is
 * missing, or the signature does not match `publicBaseUrl + path + query` and the exact body;
 * with `unsupported_media_type` (415) when the body is not `application/x-www-form-urlencoded`.
 * On success sets `twilioParams` (read it with `twilioParams(c)`); the raw body stays readable
 * through `c.req.text()` (Hono caches it).
 */
export function verifyTwilioSignature(opts: VerifyTwilioSignatureOptions): MiddlewareHandler<TwilioWebhookEnv> {
  const authToken = opts.authToken;
  const base = opts.publicBaseUrl.replace(/\/+$/, '');
  return createMiddleware<TwilioWebhookEnv>(async (c, next) => {
    if (!authToken) {
      // Never accept unsigned webhooks, not even when Twilio is not configured.
      throw new AppError('bad_signature', 'Twilio webhooks are refused: TWILIO_AUTH_TOKEN is not configured');
    }
    const signature = c.req.header('X-Twilio-Signature');
    if (!signature) throw new AppError('bad_signature', SIGNATURE_MESSAGE);

    const contentType = (c.req.header('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
    if (contentType !== 'application/x-www-form-urlencoded') {
      throw new AppError('unsupported_media_type', 'Twilio webhooks must be application/x-www-form-urlencoded');
    }

    const raw = await c.req.text();
    const { forSignature, first } = parseForm(raw);
    const url = base + pathAndQuery(c.req.url);
    let valid = false;
    try {
      valid = twilio.validateRequest(authToken, signature, url, forSignature);
    } catch {
      valid = false; // e.g. a URL `new URL()` rejects in the library's fallback
    }
    if (!valid) throw new AppError('bad_signature', SIGNATURE_MESSAGE);
    // Twilio never sends a NUL, and PostgreSQL cannot store one: a SID or status carrying one
    // would fail in the database as a 500. Refuse it as the malformed request it is.
    if (Object.values(first).some((v) => v.includes('\u0000'))) {
      throw new AppError('bad_request', 'Webhook parameters must not contain NUL characters');
    }

    c.set('twilioParams', first);
    await next();
  });
}

/**
 * The verified Twilio parameters of this request (first value per name). Throws if the route is
 * not behind `verifyTwilioSignature`, so an unverified handler cannot read them by mistake.
 */
export function twilioParams(c: Context): TwilioParams {
  const params = (c as Context<TwilioWebhookEnv>).get('twilioParams') as TwilioParams | undefined;
  if (!params) throw new Error('twilioParams(c) used on a route without verifyTwilioSignature()');
  return params;
}
