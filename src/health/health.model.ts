/**
 * The words of measured health (issue 27, item 9): which outside service, how it is, and why not.
 * A leaf: the senders (src/telephony, src/email), the mailbox watcher, the table and the pages
 * share these names, and the classes are stored (`service_health.error_class`): never rename one.
 */

/** The services outside Press Desk whose health is measured: Twilio (texts and calls), the mailbox (IMAP), SMTP. */
export const CHANNELS = ['paging', 'mailbox', 'smtp'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * Why a channel is failing, by what the provider or the network said, never by its message (a
 * message can quote a credential, an address or a number):
 * - `twilio_auth`: Twilio refuses the account SID or auth token (HTTP 401, error 20003);
 * - `twilio_account`: the Twilio account is suspended or closed (10001, 20005, or its status);
 * - `twilio_number`: Twilio refuses the press office number as the sender (21212, 21606, …);
 * - `twilio_unavailable`: Twilio answers with a server error (5xx);
 * - `imap_auth`: the mail server refuses the mailbox's password or access token;
 * - `imap_mailbox`: signed in, but the mailbox (`email.mailbox`) or the processed folder cannot be opened;
 * - `imap_error`: the mail server ended the session for another reason;
 * - `smtp_auth`: the SMTP server refuses the user and password of `SMTP_URL` (535 and the like);
 * - `smtp_sender`: the SMTP server refuses to send from `PRESSDESK_EMAIL_FROM`;
 * - `smtp_unavailable`: the SMTP server says it cannot take mail now (421);
 * - `connection`: no answer (refused, unreachable, a timeout, a broken TLS handshake).
 */
export type ErrorClass =
  | 'twilio_auth'
  | 'twilio_account'
  | 'twilio_number'
  | 'twilio_unavailable'
  | 'imap_auth'
  | 'imap_mailbox'
  | 'imap_error'
  | 'smtp_auth'
  | 'smtp_sender'
  | 'smtp_unavailable'
  | 'connection';

/**
 * What one send, session or check found out about a channel: it works, or it fails (the class,
 * and the provider's number when it gave one: Twilio's error code, the SMTP reply code).
 */
export type Outcome = { ok: true } | { ok: false; errorClass: ErrorClass; code: number | null };

/** One channel as `/readyz` and the banner show it. `since`: when it entered this state (absent: not measured yet). */
export type ChannelHealth =
  | { state: 'off' }
  | { state: 'ok'; since?: Date }
  | { state: 'failing'; errorClass: ErrorClass; code: number | null; since: Date };

/** Every channel's health. */
export type HealthReport = Record<Channel, ChannelHealth>;

/** The channel works. */
export const OK: Outcome = { ok: true };

/** The channel fails, for `errorClass` (with the provider's `code` when it gave one). */
export function failing(errorClass: ErrorClass, code?: number | null): Outcome {
  return { ok: false, errorClass, code: code ?? null };
}

/** Network error codes (Node, axios, imapflow, nodemailer) that mean nobody answered: the class `connection`. */
export const NO_ANSWER_CODES: ReadonlySet<string> = new Set([
  'ECONNABORTED',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ETIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  // nodemailer's
  'ECONNECTION',
  'ESOCKET',
  'EDNS',
  'ETLS',
  // imapflow's
  'NoConnection',
  'ClosedAfterConnectTLS',
  'ClosedAfterConnectText',
]);

/** The network `code` of an error or of its cause, when it is one of `NO_ANSWER_CODES` (or a TLS failure). */
export function noAnswerCode(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (NO_ANSWER_CODES.has(code) || /^(ERR_TLS|ERR_SSL|CERT_)/.test(code))) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}
