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

/** `text` with phone numbers and email addresses replaced by markers. */
export function scrubContactDetails(text: string): string {
  return text.replace(EMAIL, '[email]').replace(PHONE, '[phone]');
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
      redact: {
        paths: ['req.headers.cookie', 'req.headers.authorization', ...PERSONAL_FIELDS.flatMap((f) => [f, `*.${f}`])],
        remove: true,
      },
      serializers: { err: errSerializer, error: errSerializer },
      hooks: { streamWrite: scrubContactDetails },
    },
    destination,
  );
}
