/**
 * The one error module. Every error the service means to show a client is an AppError with a
 * stable `code`; `app.onError` maps codes to HTTP statuses and renders JSON on /api/* and
 * /twilio/*, HTML elsewhere. Anything else is a bug and becomes a logged 500.
 */

export const ERROR_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  unauthenticated: 401,
  forbidden: 403,
  bad_signature: 403,
  csrf: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** An error with a stable code, a message safe to show the client, and optional per-field messages. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: {
      fields?: Record<string, string>;
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

/** Per-field validation failure (422); `fields` maps field name to a message a journalist understands. */
export function validationError(fields: Record<string, string>, message?: string): AppError {
  const n = Object.keys(fields).length;
  return new AppError(
    'validation',
    message ?? `There ${n === 1 ? 'is a problem' : `are ${n} problems`} with the enquiry`,
    {
      fields,
    },
  );
}

/** The per-field messages of a validation AppError (`form` when it has none), or null for any other error. */
export function validationFields(err: unknown): Record<string, string> | null {
  return err instanceof AppError && err.code === 'validation' ? (err.details.fields ?? { form: err.message }) : null;
}

/** JSON body of an error response, as fixed by the external contract. */
export function errorBody(err: AppError): {
  error: { code: ErrorCode; message: string; fields?: Record<string, string> };
} {
  return {
    error: { code: err.code, message: err.message, ...(err.details.fields ? { fields: err.details.fields } : {}) },
  };
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08006',
  '53300', // too_many_connections
]);

/**
 * True when `err` means the database is unreachable or restarting, so the client should retry
 * (503 + Retry-After) rather than be told something broke.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e.code === 'string' && CONNECTION_ERROR_CODES.has(e.code)) return true;
  const msg = typeof e.message === 'string' ? e.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    msg,
  );
}
