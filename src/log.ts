import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Fields that may hold a journalist's personal data, removed from every log line wherever a
 * caller puts them (one level deep, and at the top). Logs outlive erasure (issue 12, finding 3),
 * so the first rule is that callers never log payloads or bodies; this list is the second.
 */
const PERSONAL_FIELDS = [
  'email',
  'phone',
  'name',
  'details',
  'subject',
  'body',
  'text',
  'to',
  'from',
  'to_number',
  'from_number',
  'payload',
  'job',
];

/** Error properties worth keeping; anything else (an HTTP client's request config, PostgreSQL's `detail`) may quote personal data. */
const ERROR_FIELDS = [
  'type',
  'message',
  'stack',
  'code',
  'status',
  'statusCode',
  'twilioCode',
  'retryable',
  'errno',
  'syscall',
  'constraint',
  'table',
  'column',
  'severity',
];

/**
 * Logs an error as its type, message (with its causes'), stack and a few codes. pino's standard
 * serializer copies every enumerable property, which for an axios error from twilio includes the
 * request body (`To=…&Body=…`).
 */
function errSerializer(err: unknown): unknown {
  const full = stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  if (!full || typeof full !== 'object') return full;
  return Object.fromEntries(ERROR_FIELDS.filter((k) => full[k] !== undefined).map((k) => [k, full[k]]));
}

// E.164 numbers (also URL-encoded, as in a failed request's form body), UK numbers as typed
// (07911 123456, 07911123456) and email addresses (also with %40). Error texts from Twilio and
// PostgreSQL quote numbers ("The 'To' number +447911123456 is not valid"), and no field list can
// catch a number inside a message.
const PHONE = /(?:\+|%2B)[1-9]\d{6,14}\b|\b0\d{4} ?\d{6}\b/gi;
const EMAIL = /[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

// Every PHONE match holds seven digits in a row, or four then a space then six; every EMAIL match
// an "@" or "%40". Most lines (every request's) have neither, and are let through after these
// cheap tests instead of the full patterns: those cost about a third of a request line's
// serialisation (issue 32 profile), the email one backtracking along every run of letters.
const MAYBE_PHONE = /\d{7}|\d{4} \d{6}/;

/** `text` with phone numbers and email addresses replaced by markers. */
export function scrubContactDetails(text: string): string {
  let out = text;
  if (out.includes('@') || out.includes('%40')) out = out.replace(EMAIL, '[email]');
  if (MAYBE_PHONE.test(out)) out = out.replace(PHONE, '[phone]');
  return out;
}

const PERSONAL = new Set(PERSONAL_FIELDS);
/** Keys whose values the error serializer cuts to ERROR_FIELDS (none personal) itself. */
const SERIALIZED_ERRORS = new Set(['err', 'error']);

/** `obj` without the personal keys, copied only when it has one (a caller's object is never changed). */
function withoutKeys(obj: object, drop: (key: string) => boolean): object {
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(obj)) {
    if (!drop(key)) continue;
    out ??= { ...obj };
    delete out[key];
  }
  return out ?? obj;
}

/**
 * A log line's fields without the personal ones: at the top and one level down (what pino's
 * `redact` with `PERSONAL_FIELDS` and `*.<field>` paths, `remove: true`, did), and the request's
 * cookie and authorization headers. Written out because pino's wildcard redaction cost about half
 * of every request line's serialisation (issue 32 profile); test/unit/log.test.ts holds it to the
 * same rules.
 */
export function withoutPersonalData(obj: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(obj)) {
    if (PERSONAL.has(key)) {
      out ??= { ...obj };
      delete out[key];
      continue;
    }
    const value = obj[key];
    if (value === null || typeof value !== 'object' || Array.isArray(value) || SERIALIZED_ERRORS.has(key)) continue;
    let inner = withoutKeys(value, (k) => PERSONAL.has(k));
    const headers = key === 'req' ? (inner as { headers?: unknown }).headers : undefined;
    if (headers && typeof headers === 'object') {
      const kept = withoutKeys(headers, (k) => k === 'cookie' || k === 'authorization');
      if (kept !== headers) inner = { ...inner, headers: kept };
    }
    if (inner !== value) {
      out ??= { ...obj };
      out[key] = inner;
    }
  }
  return out ?? obj;
}

/**
 * The process logger: JSON lines on stdout (or `destination`, for tests), as log collectors
 * expect. Journalists' personal data stays out: callers log ids and references, never payloads
 * or bodies; as defence in depth the fields above are removed, errors are cut down to type,
 * message and codes, and every line is scrubbed of phone numbers and email addresses.
 */
export function createLogger(level: string = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'press-desk' },
      formatters: { log: withoutPersonalData },
      serializers: { err: errSerializer, error: errSerializer },
      hooks: { streamWrite: scrubContactDetails },
    },
    destination,
  );
}
