/**
 * The one way out to Twilio: a small gateway (send an SMS, place or end a voice call, fetch or
 * delete a voicemail recording) over the real
 * `twilio` library, with a RequestClient that can point the library at another origin (the fake
 * Twilio server in tests, via `TWILIO_API_BASE_URL`), a hard timeout, no automatic retries
 * (graphile-worker jobs retry with backoff), and one error type that says whether a retry can help.
 */
import twilio from 'twilio';
import type { Config } from '../config.js';
import { SendError } from '../outbox/send-error.js';
import { TWILIO_UNSUBSCRIBED } from './twilio-codes.js';

/** Twilio's REST origin; also the default of `TWILIO_API_BASE_URL`. */
export const DEFAULT_TWILIO_API_BASE_URL = 'https://api.twilio.com';

/** Per-request timeout used when `createTwilioGateway` is not given one (milliseconds). */
export const DEFAULT_TWILIO_TIMEOUT_MS = 15_000;

/** What to send as an SMS. `to` is E.164; `statusCallback` is the absolute URL Twilio posts delivery status to. */
export interface SendSmsInput {
  to: string;
  body: string;
  statusCallback?: string;
}

/** What to ring. `twiml` is the TwiML document Twilio plays when answered (e.g. `<Response><Say>…</Say></Response>`). */
export interface PlaceCallInput {
  to: string;
  twiml: string;
  statusCallback?: string;
  /**
   * Ask Twilio whether a person or a machine answered, without delaying the TwiML (asynchronous
   * answering-machine detection): the verdict (`AnsweredBy`) is posted to `statusCallback`.
   */
  machineDetection?: { statusCallback: string };
}

/** A recording's audio as Twilio serves it. */
export interface RecordingMedia {
  contentType: string;
  body: Uint8Array;
}

/** Twilio's answer to a create: the resource SID (`SM…` / `CA…`) and its initial status (normally "queued"). */
export interface TwilioSendResult {
  sid: string;
  status: string;
}

/**
 * Outbound Twilio operations the rest of Press Desk uses. Every failure is a `TwilioSendError`;
 * nothing is retried here: a job that gets a retryable error should throw so graphile-worker
 * retries it later.
 */
export interface TwilioGateway {
  /** Sends one SMS from the press office number; resolves once Twilio has accepted (queued) it. */
  sendSms(input: SendSmsInput): Promise<TwilioSendResult>;
  /**
   * Places a voice call from the press office number playing `twiml`. When `statusCallback` is given,
   * Twilio posts the `completed` event to it; busy, no-answer, failed and canceled calls arrive
   * as that same event with the matching `CallStatus`.
   */
  placeCall(input: PlaceCallInput): Promise<TwilioSendResult>;
  /**
   * After an attempt whose outcome is unknown (a timeout, a crash between Twilio's answer and our
   * commit): the SID of a message to `to` created since `since` whose body contains `marker`, so
   * the caller can record it instead of sending a second copy. Null when there is none.
   */
  findSentSms(input: { to: string; since: Date; marker: string }): Promise<string | null>;
  /** As `findSentSms`, for calls: the SID of a call to `to` created since `since` and not in `exclude`, or null. */
  findPlacedCall(input: { to: string; since: Date; exclude: string[] }): Promise<string | null>;
  /** Hangs up a call in progress (sets it `completed`); resolves once Twilio has taken the request. */
  endCall(callSid: string): Promise<void>;
  /**
   * The audio (MP3) of one of the account's recordings, or null when Twilio has no such recording.
   * The URL is built from the configured API origin and `recordingSid` (never from a URL a webhook
   * sent); a SID that is not `RE` + 32 hex digits is refused before any request.
   */
  fetchRecording(recordingSid: string): Promise<RecordingMedia | null>;
  /** Deletes a recording at Twilio; one already gone counts as deleted. Validates the SID like `fetchRecording`. */
  deleteRecording(recordingSid: string): Promise<void>;
}

/** Options of `createTwilioGateway`. */
export interface TwilioGatewayOptions {
  /** Abort a request to Twilio after this many milliseconds (default `DEFAULT_TWILIO_TIMEOUT_MS`). */
  timeoutMs?: number;
}

/**
 * The one error `TwilioGateway` throws. `retryable` is true when trying again later may succeed
 * (5xx, 408, 429, timeouts, connection refused/reset, DNS hiccups) and false when it cannot
 * (other 4xx such as 21211 invalid 'To' number or 21610 unsubscribed recipient, Twilio not
 * configured, or a bug). Note that after a timeout Twilio may have accepted the message anyway.
 */
export class TwilioSendError extends SendError {
  /** Twilio's error code (https://www.twilio.com/docs/api/errors), when it gave one. */
  readonly twilioCode?: number;

  constructor(
    message: string,
    opts: { retryable: boolean; status?: number; twilioCode?: number; cause?: unknown; recipientOptedOut?: boolean },
  ) {
    super(message, opts);
    this.name = 'TwilioSendError';
    if (opts.twilioCode !== undefined) this.twilioCode = opts.twilioCode;
  }

  /** Twilio's error code, as every `SendError` names it. */
  override get providerCode(): number | undefined {
    return this.twilioCode;
  }
}

/** Network error codes (Node / axios) after which a later retry may succeed. */
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNABORTED', // axios: timeout (or aborted request)
  'ETIMEDOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/**
 * Turns whatever the twilio library (or axios under it) threw into a `TwilioSendError`.
 * Twilio's RestException / TwilioServiceException carry `status` and `code`; axios errors without
 * a response carry a network `code` (a timeout is `ECONNABORTED`, not a RestException).
 */
export function toTwilioSendError(err: unknown, action = 'Twilio request'): TwilioSendError {
  if (err instanceof TwilioSendError) return err;
  const e = isRecord(err) ? err : {};
  const message = typeof e.message === 'string' && e.message ? e.message : String(err);

  // An HTTP answer from Twilio (RestException, TwilioServiceException).
  if (typeof e.status === 'number' && e.status >= 300) {
    const status = e.status;
    const twilioCode = typeof e.code === 'number' ? e.code : undefined;
    const retryable = status >= 500 || status === 429 || status === 408;
    return new TwilioSendError(
      `${action} failed: HTTP ${status}${twilioCode !== undefined ? ` (Twilio error ${twilioCode})` : ''}: ${message}`,
      // 21610: the recipient texted STOP to our number; permanent until they text START.
      { retryable, status, twilioCode, cause: err, recipientOptedOut: twilioCode === TWILIO_UNSUBSCRIBED },
    );
  }

  // No answer: a network-level failure (axios adds `isAxiosError`; Node errors carry `code`).
  const code = typeof e.code === 'string' ? e.code : undefined;
  const causeCode = isRecord(e.cause) && typeof e.cause.code === 'string' ? e.cause.code : undefined;
  const netCode = [code, causeCode].find((c) => c !== undefined && RETRYABLE_NETWORK_CODES.has(c));
  if (netCode) {
    const what = TIMEOUT_CODES.has(netCode) ? 'timed out' : `could not reach Twilio (${netCode})`;
    return new TwilioSendError(`${action} ${what}: ${message}`, { retryable: true, cause: err });
  }
  if (e.isAxiosError === true && !isRecord(e.response)) {
    // Some other transport failure (socket hang up, TLS): the request may not have been sent.
    return new TwilioSendError(`${action} failed before Twilio answered: ${message}`, { retryable: true, cause: err });
  }
  // Anything else is a bug or a refused configuration: retrying will not help.
  return new TwilioSendError(`${action} failed: ${message}`, { retryable: false, cause: err });
}

/**
 * Rewrites the origin of a Twilio API URI (`https://api.twilio.com`, or any `https://*.twilio.com`
 * such as region/edge hosts) to `baseUrl`, keeping path and query. Other URIs pass unchanged.
 * `baseUrl` may carry a path prefix (`http://127.0.0.1:4010/twilio`).
 */
export function rewriteTwilioUri(uri: string, baseUrl: string): string {
  const m = /^https:\/\/([^/?#]+)(.*)$/i.exec(uri);
  if (!m) return uri;
  const host = m[1].replace(/:443$/, '').toLowerCase();
  if (host !== 'twilio.com' && !host.endsWith('.twilio.com')) return uri;
  return baseUrl.replace(/\/+$/, '') + (m[2] || '/');
}

type RequestClientOptions = NonNullable<ConstructorParameters<typeof twilio.RequestClient>[0]>;
type RequestOptions<TData> = Omit<Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0], 'data'> & {
  data?: TData;
};

/** A RequestClient that sends Twilio API requests to `baseUrl` instead of Twilio's own hosts. */
class BaseUrlRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: string,
    opts: RequestClientOptions,
  ) {
    super(opts);
  }

  override request<TData>(opts: RequestOptions<TData>) {
    return super.request<TData>({ ...opts, uri: rewriteTwilioUri(opts.uri, this.baseUrl) });
  }
}

function notConfigured(): TwilioSendError {
  return new TwilioSendError(
    'Twilio is not configured: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_PHONE_NUMBER',
    { retryable: false },
  );
}

const RECORDING_SID = /^RE[0-9a-f]{32}$/;
const CALL_SID = /^CA[0-9a-f]{32}$/;

/** Refuses a SID of the wrong shape before it reaches a URL path (it comes from our rows or a webhook). */
function checkSid(sid: string, pattern: RegExp, what: string): void {
  if (!pattern.test(sid)) throw new TwilioSendError(`Not a Twilio ${what} SID`, { retryable: false });
}

function isNotFound(err: unknown): boolean {
  return isRecord(err) && err.status === 404;
}

/**
 * What `fetch` threw, in the shape `toTwilioSendError` reads: an abort by our timeout is a timeout,
 * anything else keeps its network `code` (on `cause`).
 */
function fetchFailure(err: unknown): unknown {
  if (isRecord(err) && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return { message: 'no answer within the timeout', code: 'ETIMEDOUT' };
  }
  return err;
}

/** Twilio's error JSON (`code`, `message`) of a failed media request, when the body is JSON. */
async function httpFailure(res: Response): Promise<{ status: number; code?: number; message: string }> {
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const b = isRecord(body) ? body : {};
  return {
    status: res.status,
    ...(typeof b.code === 'number' ? { code: b.code } : {}),
    message: typeof b.message === 'string' ? b.message : res.statusText || `HTTP ${res.status}`,
  };
}

/** The account a gateway sends from (the rates in `config.twilio` are the outbox's, not the gateway's). */
export type TwilioAccount = Omit<Config['twilio'], 'smsPerSecond' | 'callsPerSecond' | 'allowedCountries'>;

/** The twilio library's client for the account, sending to `baseUrl` with `timeout` and no retries of its own. */
function twilioClient(cfg: TwilioAccount, baseUrl: string, timeout: number): twilio.Twilio {
  // twilio 6 ignores client-level timeout/autoRetry/maxRetries once an httpClient is given:
  // they belong to the RequestClient. autoRetry stays off: jobs retry, not this process.
  const clientOpts: RequestClientOptions = { timeout, autoRetry: false };
  const httpClient =
    baseUrl === DEFAULT_TWILIO_API_BASE_URL
      ? new twilio.RequestClient(clientOpts)
      : new BaseUrlRequestClient(baseUrl, clientOpts);
  return twilio(cfg.accountSid, cfg.authToken, { httpClient });
}

/**
 * The account look-up (`GET /2010-04-01/Accounts/{sid}.json`), which sends nothing and costs
 * nothing: resolves with the account's status (`active`, `suspended`, `closed`) when Twilio takes
 * the credentials, rejects with a `TwilioSendError` otherwise (401 with error 20003 for a wrong
 * SID or token). For the health check at start (src/telephony/twilio-health.ts).
 */
export function createTwilioAccountCheck(cfg: TwilioAccount, opts: TwilioGatewayOptions = {}): () => Promise<string> {
  const baseUrl = (cfg.apiBaseUrl || DEFAULT_TWILIO_API_BASE_URL).replace(/\/+$/, '');
  return async () => {
    if (!cfg.configured) throw notConfigured();
    try {
      const client = twilioClient(cfg, baseUrl, opts.timeoutMs ?? DEFAULT_TWILIO_TIMEOUT_MS);
      const account = await client.api.v2010.accounts(cfg.accountSid).fetch();
      return String(account.status);
    } catch (err) {
      throw toTwilioSendError(err, 'Looking up the Twilio account');
    }
  };
}

/**
 * Builds the gateway from `config.twilio`. When `cfg.configured` is false nothing is contacted:
 * every call rejects with a non-retryable `TwilioSendError` naming the missing env vars.
 * `cfg.apiBaseUrl` (default https://api.twilio.com) replaces Twilio's origin on every request.
 */
export function createTwilioGateway(cfg: TwilioAccount, opts: TwilioGatewayOptions = {}): TwilioGateway {
  const timeout = opts.timeoutMs ?? DEFAULT_TWILIO_TIMEOUT_MS;
  const baseUrl = (cfg.apiBaseUrl || DEFAULT_TWILIO_API_BASE_URL).replace(/\/+$/, '');
  let client: twilio.Twilio | undefined;

  function getClient(): twilio.Twilio {
    if (!cfg.configured) throw notConfigured();
    client ??= twilioClient(cfg, baseUrl, timeout);
    return client;
  }

  return {
    async sendSms(input) {
      try {
        const message = await getClient().messages.create({
          to: input.to,
          from: cfg.phoneNumber,
          body: input.body,
          ...(input.statusCallback ? { statusCallback: input.statusCallback } : {}),
        });
        return { sid: message.sid, status: String(message.status) };
      } catch (err) {
        throw toTwilioSendError(err, `Sending SMS to ${input.to}`);
      }
    },

    async placeCall(input) {
      try {
        const call = await getClient().calls.create({
          to: input.to,
          from: cfg.phoneNumber,
          twiml: input.twiml,
          ...(input.statusCallback
            ? { statusCallback: input.statusCallback, statusCallbackMethod: 'POST', statusCallbackEvent: ['completed'] }
            : {}),
          ...(input.machineDetection
            ? {
                machineDetection: 'Enable',
                asyncAmd: 'true',
                asyncAmdStatusCallback: input.machineDetection.statusCallback,
                asyncAmdStatusCallbackMethod: 'POST',
              }
            : {}),
        });
        return { sid: call.sid, status: String(call.status) };
      } catch (err) {
        throw toTwilioSendError(err, `Calling ${input.to}`);
      }
    },

    async findSentSms(input) {
      try {
        // By recipient only, newest first: Twilio leaves DateSent empty while a message is still
        // queued, so a date filter could hide the very message we are looking for. The cut-off is
        // applied to DateCreated here. In a storm one on-call phone gets many pages while a dead
        // worker's job waits to be released: look through a whole page of 1,000 (Twilio's largest).
        const list = await getClient().messages.list({ to: input.to, limit: 1000 });
        const since = input.since.getTime() - 60_000;
        const hit = list.find(
          (m) => m.body?.includes(input.marker) && (!m.dateCreated || m.dateCreated.getTime() >= since),
        );
        return hit?.sid ?? null;
      } catch (err) {
        throw toTwilioSendError(err, `Listing messages to ${input.to}`);
      }
    },

    async findPlacedCall(input) {
      try {
        // As above: StartTime is empty until the call is dialled, so filter on DateCreated here,
        // and skip calls already recorded for other pages to the same phone.
        const list = await getClient().calls.list({ to: input.to, limit: 100 });
        const since = input.since.getTime();
        const hit = list.find(
          (call) =>
            !input.exclude.includes(call.sid) && (!call.dateCreated || call.dateCreated.getTime() >= since - 5_000),
        );
        return hit?.sid ?? null;
      } catch (err) {
        throw toTwilioSendError(err, `Listing calls to ${input.to}`);
      }
    },

    async endCall(callSid) {
      try {
        checkSid(callSid, CALL_SID, 'call');
        await getClient().calls(callSid).update({ status: 'completed' });
      } catch (err) {
        throw toTwilioSendError(err, `Ending call ${callSid}`);
      }
    },

    async fetchRecording(recordingSid) {
      const action = `Fetching recording ${recordingSid}`;
      checkSid(recordingSid, RECORDING_SID, 'recording');
      if (!cfg.configured) throw notConfigured();
      // Media is not JSON, so not through the library: a plain GET with the account's credentials.
      const url = `${baseUrl}/2010-04-01/Accounts/${encodeURIComponent(cfg.accountSid)}/Recordings/${recordingSid}.mp3`;
      let res: Response;
      try {
        res = await fetch(url, {
          headers: { Authorization: `Basic ${Buffer.from(`${cfg.accountSid}:${cfg.authToken}`).toString('base64')}` },
          // A redirect would carry the credentials elsewhere; Twilio serves media from this URL.
          redirect: 'error',
          signal: AbortSignal.timeout(timeout),
        });
      } catch (err) {
        throw toTwilioSendError(fetchFailure(err), action);
      }
      if (res.status === 404) {
        await res.body?.cancel();
        return null;
      }
      if (!res.ok) throw toTwilioSendError(await httpFailure(res), action);
      try {
        const body = new Uint8Array(await res.arrayBuffer());
        return { contentType: res.headers.get('content-type') ?? 'audio/mpeg', body };
      } catch (err) {
        throw toTwilioSendError(fetchFailure(err), action);
      }
    },

    async deleteRecording(recordingSid) {
      try {
        checkSid(recordingSid, RECORDING_SID, 'recording');
        await getClient().recordings(recordingSid).remove();
      } catch (err) {
        if (isNotFound(err)) return;
        throw toTwilioSendError(err, `Deleting recording ${recordingSid}`);
      }
    },
  };
}
