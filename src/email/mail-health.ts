/**
 * Email's health by what the servers say (issue 27, item 9): SMTP by each send's outcome and a
 * login at start, the mailbox by each IMAP session's connect, sign-in and open. As for Twilio,
 * only what holds for every message counts against a channel; a recipient or a message refused
 * (an unknown address, a spam filter at DATA, a temporary 4xx for one recipient) proves the
 * server took Press Desk's login, so it counts as working.
 */
import { failing, noAnswerCode, OK, type Outcome } from '../health/health.model.js';
import { SendError } from '../outbox/send-error.js';
import { smtpLogin } from './smtp.sender.js';

/** SMTP reply codes of a refused login (530 needed, 534 mechanism too weak, 535 refused, 538 needs TLS). */
const SMTP_AUTH_CODES = new Set([530, 534, 535, 538]);

/** nodemailer's error fields that say what failed: its type (`EAUTH`, `EENVELOPE`, …) and the SMTP command. */
function nodemailerError(err: unknown): { code?: string; command?: string } {
  return typeof err === 'object' && err !== null ? (err as { code?: string; command?: string }) : {};
}

/**
 * What a send's result (or the login's) says about SMTP: null error = the server took it. Null
 * when it says nothing (not sent at all: email not configured, a malformed outbox row).
 */
export function smtpOutcome(error: unknown): Outcome | null {
  if (error === null) return OK;
  if (!(error instanceof SendError) || error.cause === undefined) return null;
  const cause = nodemailerError(error.cause);
  const status = error.status ?? null;
  if (cause.code === 'EAUTH' || (status !== null && SMTP_AUTH_CODES.has(status))) return failing('smtp_auth', status);
  if (status === null) return failing('connection');
  // The server refuses the press office's address as the sender: every message would be refused.
  if (status >= 500 && cause.command === 'MAIL FROM') return failing('smtp_sender', status);
  // 421: the service is closing the channel, for every message.
  if (status === 421) return failing('smtp_unavailable', status);
  return OK;
}

/** The check of SMTP without sending anything: the login to `SMTP_URL` (`smtpLogin`), classified as a send. */
export function smtpHealthCheck(smtpUrl: string): () => Promise<Outcome> {
  const login = smtpLogin(smtpUrl);
  return async () => {
    try {
      await login();
      return OK;
    } catch (err) {
      // Not an SMTP or network failure: a bug, for the caller to log.
      const outcome = smtpOutcome(err);
      if (!outcome) throw err;
      return outcome;
    }
  };
}

/** Where an IMAP session failed: connecting and signing in, or opening the mailbox (and the processed folder). */
export type ImapStage = 'connect' | 'open';

/** What a failed IMAP session start says about the mailbox (imapflow's errors). */
export function imapOutcome(err: unknown, stage: ImapStage): Outcome {
  const e = typeof err === 'object' && err !== null ? (err as { authenticationFailed?: boolean }) : {};
  if (e.authenticationFailed === true) return failing('imap_auth');
  if (noAnswerCode(err)) return failing('connection');
  return failing(stage === 'open' ? 'imap_mailbox' : 'imap_error');
}
