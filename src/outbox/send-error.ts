/**
 * The one error a sender throws (any medium, any provider): a message the provider did not take.
 * `retryable` says whether trying again later may succeed (a timeout, a 5xx, an SMTP 4xx) or
 * cannot (an invalid number, an SMTP 5xx): the outbox retries the one and records the other as
 * refused for good.
 */
export class SendError extends Error {
  /** True when the same request may succeed if retried later. */
  readonly retryable: boolean;
  /** The provider's status when it answered: HTTP for Twilio, the SMTP reply code for email. */
  readonly status?: number;
  /** True when the provider refused it because the recipient opted out (Twilio 21610): the outbox records the opt-out. */
  readonly recipientOptedOut: boolean;

  constructor(
    message: string,
    opts: { retryable: boolean; status?: number; cause?: unknown; recipientOptedOut?: boolean },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SendError';
    this.retryable = opts.retryable;
    this.recipientOptedOut = opts.recipientOptedOut === true;
    if (opts.status !== undefined) this.status = opts.status;
  }

  /**
   * The provider's own error code, when it gave one (Twilio's for texts and calls), so callers can
   * record it without knowing the provider. A getter: providers' subclasses answer it, and the
   * error keeps the same own fields as before.
   */
  get providerCode(): number | undefined {
    return undefined;
  }
}
