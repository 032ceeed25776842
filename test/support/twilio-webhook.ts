/**
 * Builders for webhook requests "from Twilio" in tests: form-encoded, signed with
 * `twilio.getExpectedTwilioSignature` over the public URL, ready for Hono's `app.request()`.
 * The negative variants (no header, wrong token, other URL, tampered body) are for tests that
 * prove the signature check refuses them.
 */
import twilio from 'twilio';

/** Form parameters: an object (an array value repeats the name) or ordered name/value pairs. */
export type FormParams = Record<string, string | readonly string[]> | ReadonlyArray<readonly [string, string]>;

/** What a signed webhook request is made of. */
export interface SignedFormOptions {
  /** The `PUBLIC_BASE_URL` Twilio was given, e.g. `https://press.example.org`. */
  publicBaseUrl: string;
  /** Path plus optional query, e.g. `/twilio/sms` or `/twilio/status?page=42`. */
  path: string;
  /** Parameters that are signed and (unless `sendParams` is given) sent. */
  params: FormParams;
  authToken: string;
  /** Send this X-Twilio-Signature instead of the computed one; `null` omits the header. */
  signatureOverride?: string | null;
  /** Sign this URL instead of `publicBaseUrl + path`. */
  urlOverride?: string;
  /** Send these parameters instead of the signed ones (to forge a tampered body). */
  sendParams?: FormParams;
}

/** A built request: `app.request(r.path, r.init)`, or `r.request()` for a `Request` on the public URL. */
export interface SignedForm {
  /** Path plus query, for `app.request(path, init)`. */
  path: string;
  /** The URL that was signed. */
  signedUrl: string;
  /** The X-Twilio-Signature sent, or null when omitted. */
  signature: string | null;
  /** The form-encoded body sent. */
  body: string;
  init: { method: 'POST'; headers: Record<string, string>; body: string };
  /** A fresh `Request` to `publicBaseUrl + path` with the same headers and body. */
  request(): Request;
}

function pairs(params: FormParams): Array<[string, string]> {
  if (Array.isArray(params)) return (params as ReadonlyArray<readonly [string, string]>).map(([k, v]) => [k, v]);
  return Object.entries(params as Record<string, string | readonly string[]>).flatMap(([k, v]) =>
    typeof v === 'string' ? [[k, v] as [string, string]] : v.map((x) => [k, x] as [string, string]),
  );
}

/** Params as `validateRequest` / `getExpectedTwilioSignature` take them: repeated names become arrays. */
export function paramsForSignature(params: FormParams): Record<string, string | string[]> {
  const all = new Map<string, string[]>();
  for (const [k, v] of pairs(params)) all.set(k, [...(all.get(k) ?? []), v]);
  return Object.fromEntries([...all].map(([k, vs]) => [k, vs.length === 1 ? vs[0] : vs]));
}

/** Form-encodes `params` in order (`Body=` kept, spaces as `+`), as Twilio sends them. */
export function encodeForm(params: FormParams): string {
  return new URLSearchParams(pairs(params)).toString();
}

/** Builds a webhook request signed like Twilio would sign it (see `SignedFormOptions` for forging). */
export function signedFormRequest(opts: SignedFormOptions): SignedForm {
  const base = opts.publicBaseUrl.replace(/\/+$/, '');
  const path = opts.path.startsWith('/') ? opts.path : `/${opts.path}`;
  const signedUrl = opts.urlOverride ?? base + path;
  const computed = twilio.getExpectedTwilioSignature(opts.authToken, signedUrl, paramsForSignature(opts.params));
  const signature = opts.signatureOverride === undefined ? computed : opts.signatureOverride;
  const body = encodeForm(opts.sendParams ?? opts.params);
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (signature !== null) headers['X-Twilio-Signature'] = signature;
  const init = { method: 'POST' as const, headers, body };
  return {
    path,
    signedUrl,
    signature,
    body,
    init,
    request: () => new Request(base + path, { method: 'POST', headers: { ...headers }, body }),
  };
}

/** The same request without any X-Twilio-Signature header. */
export function unsignedFormRequest(opts: Omit<SignedFormOptions, 'signatureOverride'>): SignedForm {
  return signedFormRequest({ ...opts, signatureOverride: null });
}

/** Signed with another auth token (someone who does not hold ours). */
export function signedWithWrongToken(opts: SignedFormOptions, wrongToken = 'not-the-auth-token'): SignedForm {
  return signedFormRequest({ ...opts, authToken: wrongToken });
}

/** Signed for another URL (e.g. a signature lifted from a request to another endpoint or host). */
export function signedForOtherUrl(opts: SignedFormOptions, otherUrl: string): SignedForm {
  return signedFormRequest({ ...opts, urlOverride: otherUrl });
}

/** A replay of a correctly signed request whose body was changed to `sendParams`. */
export function tamperedFormRequest(opts: SignedFormOptions, sendParams: FormParams): SignedForm {
  return signedFormRequest({ ...opts, sendParams });
}
