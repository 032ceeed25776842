/**
 * Paging's health by what Twilio says (issue 27, item 9): the outcome of each send through the
 * outbox and of the account look-up at start, as src/health records them. Only what holds for
 * every message counts against the channel (the credentials, the account, the sending number,
 * Twilio or the network down); a refusal of one recipient (an invalid or opted-out number, a
 * landline) still proves that Twilio took the credentials, so it counts as working.
 */
import { failing, OK, type Outcome } from '../health/health.model.js';
import { SendError } from '../outbox/send-error.js';
import { createTwilioAccountCheck, toTwilioSendError, type TwilioAccount } from './twilio.client.js';
import { TWILIO_ACCOUNT_INACTIVE, TWILIO_AUTHENTICATE, TWILIO_BAD_SENDER } from './twilio-codes.js';

/**
 * What a send's result says about paging: null error = Twilio took it. Null when it says nothing
 * (not sent at all: Press Desk refused it itself, or Twilio is not configured).
 */
export function twilioOutcome(error: unknown): Outcome | null {
  if (error === null) return OK;
  if (!(error instanceof SendError)) return null;
  const code = error.providerCode ?? null;
  const status = error.status;
  if (status === undefined) {
    // No answer from Twilio: a network failure (retryable), or a refusal of our own (not configured, opted out).
    return error.retryable ? failing('connection') : null;
  }
  // Before the 401 rule: Twilio may answer an inactive account with 401 too.
  if (code !== null && TWILIO_ACCOUNT_INACTIVE.includes(code)) return failing('twilio_account', code);
  if (status === 401 || code === TWILIO_AUTHENTICATE) return failing('twilio_auth', code ?? TWILIO_AUTHENTICATE);
  if (code !== null && TWILIO_BAD_SENDER.includes(code)) return failing('twilio_number', code);
  if (status >= 500) return failing('twilio_unavailable', code);
  // Any other answer (a recipient's number refused, a rate limit) came from Twilio with our credentials accepted.
  return OK;
}

/**
 * The check of paging without sending anything: Twilio's account look-up, whose outcome is
 * classified as a send's; an account that answers but is suspended or closed is `twilio_account`.
 */
export function twilioHealthCheck(account: TwilioAccount, opts: { timeoutMs?: number } = {}): () => Promise<Outcome> {
  const lookUp = createTwilioAccountCheck(account, opts);
  return async () => {
    try {
      const status = await lookUp();
      return status === 'active' ? OK : failing('twilio_account');
    } catch (err) {
      // Neither an answer nor a network failure: a bug, for the caller to log.
      const outcome = twilioOutcome(toTwilioSendError(err));
      if (!outcome) throw err;
      return outcome;
    }
  };
}
