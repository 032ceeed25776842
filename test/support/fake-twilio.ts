/**
 * A fake Twilio REST API on 127.0.0.1 for tests: the real `twilio` library talks to it (through
 * `TWILIO_API_BASE_URL` = `fake.baseUrl`). It checks Basic auth like Twilio, answers creates of
 * Messages and Calls with Twilio-shaped JSON, records every request, can be scripted to fail or
 * stall, and sends status callbacks signed exactly like the real Twilio.
 *
 * Texts: `receiveSms()` delivers an inbound text to the app's webhook after Twilio's reserved
 * keyword rules (STOP, START, HELP: fake-opt-out.ts); a Message create to a number that opted out
 * is refused with 21610.
 *
 * Voice: `call()` plays out an inbound call against the app's voice webhook and `answerCall()`
 * answers a call the app placed (see fake-call.ts); recordings they leave are served by the
 * Recordings resource, and `POST …/Calls/{CA}.json` with `Status=completed` ends a call.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import {
  createCallSimulator,
  fakeWav,
  type AnswerCallOptions,
  type CallLog,
  type FakeRecording,
  type FakeWebhook,
  type InboundCallOptions,
} from './fake-call.js';
import { callResource, listPage, messageResource, progressPlan, type ProgressOptions } from './fake-twilio-model.js';
import {
  deliverInboundSms,
  OptOutModel,
  UNSUBSCRIBED,
  type FakeAutoReply,
  type FakeInboundSms,
  type InboundSmsOptions,
} from './fake-opt-out.js';
import { NOT_A_MOBILE_CODE, NOT_A_MOBILE_MESSAGE, refusesTexts } from './fake-landlines.js';

export type { FakeAutoReply, FakeInboundSms, FakeTwimlReply, InboundSmsOptions, KeywordType } from './fake-opt-out.js';
export type {
  AnswerCallOptions,
  CallEnd,
  CallerScript,
  CallLog,
  CallStep,
  DialTrace,
  FakeRecording,
  FakeWebhook,
  InboundCallOptions,
  PartyLog,
  PartyOutcome,
  PartyScript,
  VerbTrace,
  WebhookKind,
} from './fake-call.js';

/** Options of `startFakeTwilio`; the credentials default to fresh random ones. */
export interface FakeTwilioOptions {
  accountSid?: string;
  authToken?: string;
  /** The press office number: default `to` of `call()`. */
  phoneNumber?: string;
  /** Largest page a list request gets (Twilio's: 1000); a test lowers it to see paging without a thousand records. */
  maxPageSize?: number;
}

/** One message or call the fake accepted (201). */
export interface FakeTwilioRecord {
  kind: 'message' | 'call';
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  /** Messages only. */
  body?: string;
  /** Calls only. */
  twiml?: string;
  /** Calls only (the alternative to `twiml`). */
  url?: string;
  statusCallback?: string;
  /** Calls only: the `StatusCallbackEvent` values sent. */
  statusCallbackEvent?: string[];
  /** Every form parameter, first value per name. */
  params: Record<string, string>;
  /** Last status: "queued" on creation, then whatever `sendStatusCallback` reported. */
  status: string;
  at: Date;
  /** Calls only: set by `answerCall` (human, machine_start, …). */
  answeredBy?: string;
  /** Calls only: true once ended through `POST …/Calls/{CA}.json` with `Status=completed|canceled`. */
  endedByApi?: boolean;
}

/** One HTTP request as received, whatever the answer was. */
export interface FakeTwilioRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** HTTP status the fake answered (or was about to answer if the client went away). */
  responseStatus: number;
  at: Date;
}

/** A scripted failure: answer `status` with Twilio's error JSON (`code`, `message`). */
export interface FakeTwilioFailure {
  status: number;
  code?: number;
  message?: string;
}

/** Delivers a status callback; defaults to global `fetch`. Tests of an in-process Hono app can use `(url, init) => app.request(url, init)`. */
export type CallbackFetch = (
  url: string,
  init: RequestInit & { headers: Record<string, string>; body: string },
) => Response | Promise<Response>;

/** A running fake Twilio. */
export interface FakeTwilio {
  /** `http://127.0.0.1:PORT`: use as `TWILIO_API_BASE_URL` / `config.twilio.apiBaseUrl`. */
  readonly baseUrl: string;
  readonly accountSid: string;
  readonly authToken: string;
  /** Accepted messages, oldest first. */
  readonly messages: FakeTwilioRecord[];
  /** Accepted calls, oldest first. */
  readonly calls: FakeTwilioRecord[];
  /** Every request received, oldest first. */
  readonly requests: FakeTwilioRequest[];
  /** How status callbacks are delivered (default: global fetch to the recorded URL). Settable. */
  callbackFetch: CallbackFetch;
  /** The next `n` API requests (not counting the account look-up at start) fail with `failure` (e.g. `failNext(3, { status: 500 })`). */
  failNext(n: number, failure: FakeTwilioFailure): void;
  /** The next `n` API requests (not counting the account look-up at start) are answered only after `ms` milliseconds (then normally). */
  delayNext(n: number, ms: number): void;
  /** While down, every request is answered 500 (Twilio error 20500). */
  setDown(down: boolean): void;
  /**
   * While on, every API request is answered as Twilio answers a wrong account SID or auth token
   * (401, error 20003): the token was changed in the Twilio console and Press Desk still has the old one.
   */
  refuseCredentials(on: boolean): void;
  /** What the account look-up (`GET /2010-04-01/Accounts/{sid}.json`) says of the account (default `active`); settable. */
  accountStatus: 'active' | 'suspended' | 'closed';
  /** Forgets records, requests and scripts; keeps the port, credentials and `callbackFetch`. */
  reset(): void;
  /** Resolves with the messages once at least `n` were accepted; rejects after `timeoutMs` (default 5000). */
  waitForMessages(n: number, timeoutMs?: number): Promise<FakeTwilioRecord[]>;
  /** Resolves with the calls once at least `n` were placed; rejects after `timeoutMs` (default 5000). */
  waitForCalls(n: number, timeoutMs?: number): Promise<FakeTwilioRecord[]>;
  /**
   * Posts a status callback for a recorded message or call to its `StatusCallback` URL, signed like
   * Twilio (X-Twilio-Signature over the URL and the form parameters). Messages get MessageSid/SmsSid,
   * MessageStatus/SmsStatus; calls get CallSid, CallStatus. `ErrorCode` is added for failed,
   * undelivered, busy and no-answer statuses unless `extra` sets it; `extra` adds or replaces
   * parameters. Resolves with the HTTP status of the answer.
   */
  sendStatusCallback(
    sidOrRecord: string | FakeTwilioRecord,
    status: string,
    extra?: Record<string, string>,
  ): Promise<number>;
  /** Default `to` of `call()` (from the start options); settable. */
  phoneNumber: string | null;
  /** Every webhook the fake sent (voice documents, whispers, recording, transcription, AMD and status callbacks), oldest first. */
  readonly webhooks: FakeWebhook[];
  /** Recordings left by simulated calls, by RE sid (deleted ones stay, flagged). */
  readonly recordings: Map<string, FakeRecording>;
  /** Logs of every simulated call (`call` and `answerCall`), oldest first. */
  readonly callLogs: CallLog[];
  /**
   * A caller rings `opts.to` (default `phoneNumber`): Twilio requests `opts.url` and plays out the
   * TwiML for the scripted caller and dialled parties. Resolves when the call is over, with every
   * callback (recording, transcription) already delivered.
   */
  call(opts: InboundCallOptions): Promise<CallLog>;
  /**
   * The callee of a call the app placed through the REST API answers (or not): runs the inline
   * `Twiml` (or requests `Url`), posting the async AMD callback when the create asked for it a few
   * simulated seconds in, while the TwiML runs (`amdDelayMs`), then posts the StatusCallback
   * (completed with CallDuration, or busy/no-answer). Resolves with the log.
   */
  answerCall(sidOrRecord: string | FakeTwilioRecord, opts?: AnswerCallOptions): Promise<CallLog>;
  /**
   * Posts a record's status callbacks in Twilio's order, one after the other (see `progressPlan`):
   * messages `sent` → `delivered`; calls `initiated` → `ringing` → `in-progress` → `completed`,
   * only those the create asked for in StatusCallbackEvent. `statuses` replaces the order;
   * `reorder` delivers the final one first. Resolves with the HTTP status of each answer.
   */
  progress(sidOrRecord: string | FakeTwilioRecord, statuses?: string[], opts?: ProgressOptions): Promise<number[]>;
  /** Where inbound texts are posted (the app's /twilio/sms, absolute); settable. */
  smsUrl: string | null;
  /** Advanced Opt-Out on: inbound keywords carry `OptOutType` (default false, as for a bare number). Settable. */
  advancedOptOut: boolean;
  /** Opt-out state per (sender, Twilio number): STOP sets it, START clears it; Message creates to an opted-out number get 21610. */
  readonly optOuts: OptOutModel;
  /** Twilio's own answers to keywords (STOP, START, HELP, …), oldest first: never in `messages`. */
  readonly autoReplies: FakeAutoReply[];
  /** Inbound texts delivered to the app, with its TwiML replies, oldest first. */
  readonly inboundSms: FakeInboundSms[];
  /**
   * A text from `opts.from` to `opts.to` (default `phoneNumber`): Twilio's keyword rules applied
   * first (fake-opt-out.ts), then posted signed to `opts.url` (default `smsUrl`). Resolves with the
   * record and the app's answer.
   */
  receiveSms(opts: InboundSmsOptions): Promise<{ record: FakeInboundSms; response: Response }>;
  /** Stops the server, dropping open connections and pending delays. */
  close(): Promise<void>;
}

const API = '/2010-04-01';
/** Twilio's longest message `Body` (characters, as Twilio counts them: UTF-16 code units); longer is refused with error 21617. */
export const TWILIO_BODY_LIMIT = 1600;
/** Twilio's longest inline `Twiml` of a call create (characters); longer is refused with error 32018. */
export const TWILIO_TWIML_LIMIT = 4000;
const DEFAULT_ERROR_CODES: Record<string, string> = {
  failed: '30008',
  undelivered: '30003',
  busy: '31486',
  'no-answer': '31480',
};

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

function rfc2822(d: Date): string {
  return d.toUTCString().replace('GMT', '+0000');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function twilioError(status: number, code: number, message: string) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** Starts a fake Twilio REST server on 127.0.0.1 and a random port. */
export async function startFakeTwilio(opts: FakeTwilioOptions = {}): Promise<FakeTwilio> {
  const accountSid = opts.accountSid ?? `AC${hex(16)}`;
  const authToken = opts.authToken ?? hex(16);
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;

  const messages: FakeTwilioRecord[] = [];
  const calls: FakeTwilioRecord[] = [];
  const webhooks: FakeWebhook[] = [];
  const recordings = new Map<string, FakeRecording>();
  const callLogs: CallLog[] = [];
  const requests: FakeTwilioRequest[] = [];
  const optOuts = new OptOutModel();
  const autoReplies: FakeAutoReply[] = [];
  const inboundSms: FakeInboundSms[] = [];
  let inboundCounter = 0;
  const events = new EventEmitter();
  events.setMaxListeners(0);
  let failures: FakeTwilioFailure[] = [];
  let delays: number[] = [];
  let down = false;
  let refusing = false;
  const timers = new Set<NodeJS.Timeout>();

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  }

  function send(
    res: ServerResponse,
    log: FakeTwilioRequest,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    log.responseStatus = status;
    if (res.destroyed || res.writableEnded) return; // the client gave up (e.g. its timeout)
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  function notFound(res: ServerResponse, log: FakeTwilioRequest, path: string) {
    return send(res, log, 404, twilioError(404, 20404, `The requested resource ${path} was not found`));
  }

  /** GET (.mp3 / .wav / no extension = wav / .json metadata) and DELETE (.json or none) of a recording. */
  function recordingResource(res: ServerResponse, log: FakeTwilioRequest, method: string, reSid: string, ext: string) {
    const r = recordings.get(reSid);
    if (!r || r.deleted) return notFound(res, log, log.path);
    if (method === 'DELETE' && (ext === '.json' || ext === '')) {
      r.deleted = true;
      log.responseStatus = 204;
      if (!res.destroyed) res.writeHead(204).end();
      return;
    }
    if (method !== 'GET') return send(res, log, 405, twilioError(405, 20004, 'Method not allowed'));
    if (ext === '.json') {
      const uri = `${API}/Accounts/${accountSid}/Recordings/${r.sid}.json`;
      return send(res, log, 200, {
        sid: r.sid,
        account_sid: accountSid,
        call_sid: r.callSid,
        conference_sid: null,
        api_version: '2010-04-01',
        date_created: rfc2822(r.at),
        date_updated: rfc2822(r.at),
        start_time: rfc2822(r.at),
        duration: String(r.durationSeconds),
        status: 'completed',
        channels: r.source === 'DialVerb' ? 2 : 1,
        source: r.source,
        price: null,
        price_unit: 'USD',
        error_code: null,
        encryption_details: null,
        media_url: `${API}/Accounts/${accountSid}/Recordings/${r.sid}`,
        uri,
        subresource_uris: { transcriptions: `${API}/Accounts/${accountSid}/Recordings/${r.sid}/Transcriptions.json` },
      });
    }
    const mp3 = ext === '.mp3';
    const bytes = mp3 ? r.bytes : fakeWav();
    log.responseStatus = 200;
    if (res.destroyed) return;
    res.writeHead(200, {
      'Content-Type': r.contentType ?? (mp3 ? 'audio/mpeg' : 'audio/x-wav'),
      'Content-Length': String(bytes.length),
    });
    res.end(bytes);
  }

  /** `client.calls(sid).update({ status })`: ending a call (completed / canceled); other updates are refused. */
  function updateCall(res: ServerResponse, log: FakeTwilioRequest, callSid: string, form: URLSearchParams) {
    const record = calls.find((c) => c.sid === callSid);
    if (!record) return notFound(res, log, log.path);
    const status = form.get('Status');
    if (status !== 'completed' && status !== 'canceled') {
      return send(
        res,
        log,
        400,
        twilioError(400, 21218, `The fake only supports Status=completed|canceled updates, got ${String(status)}`),
      );
    }
    record.status = 'completed';
    record.endedByApi = true;
    const now = new Date();
    return send(res, log, 200, {
      sid: record.sid,
      account_sid: accountSid,
      to: record.to,
      from: record.from,
      status: record.status,
      direction: 'outbound-api',
      api_version: '2010-04-01',
      answered_by: record.answeredBy ?? null,
      date_created: rfc2822(record.at),
      date_updated: rfc2822(now),
      start_time: rfc2822(record.at),
      end_time: rfc2822(now),
      duration: null,
      parent_call_sid: null,
      price: null,
      price_unit: 'USD',
      uri: `${API}/Accounts/${accountSid}/Calls/${record.sid}.json`,
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0];
    const log: FakeTwilioRequest = {
      method: req.method ?? 'GET',
      path,
      headers: { ...req.headers },
      body: raw,
      responseStatus: 0,
      at: new Date(),
    };
    requests.push(log);

    // The account look-up a service makes as it starts is a health probe, not a send: the scripted
    // delays and failures ("the next n requests") are for the sends a test is about, and a probe
    // that happens to arrive first must not use them up.
    const accountFetch = req.method === 'GET' && new RegExp(`^${API}/Accounts/[^/]+\\.json$`).test(path);
    const delay = accountFetch ? undefined : delays.shift();
    if (delay !== undefined) await sleep(delay);
    if (down) return send(res, log, 500, twilioError(500, 20500, 'Internal Server Error'));
    const failure = accountFetch ? undefined : failures.shift();
    if (failure) {
      const code = failure.code ?? (failure.status >= 500 ? 20500 : failure.status === 429 ? 20429 : 21211);
      return send(
        res,
        log,
        failure.status,
        twilioError(failure.status, code, failure.message ?? `Scripted failure ${failure.status}`),
      );
    }

    if (refusing || req.headers.authorization !== expectedAuth) {
      return send(
        res,
        log,
        401,
        { ...twilioError(401, 20003, 'Authenticate'), detail: 'Your AccountSid or AuthToken was incorrect.' },
        { 'WWW-Authenticate': 'Basic realm="Twilio API"' },
      );
    }

    // The account itself, as the health check at start fetches it (Twilio's Account resource,
    // auth_token included: the real one returns it too, so nothing may echo what it receives).
    const acct = new RegExp(`^${API}/Accounts/([^/]+)\\.json$`).exec(path);
    if (acct && req.method === 'GET') {
      if (acct[1] !== accountSid) return notFound(res, log, path);
      const created = rfc2822(new Date('2020-01-01T00:00:00Z'));
      return send(res, log, 200, {
        sid: accountSid,
        friendly_name: 'Press Office',
        status: fake.accountStatus,
        type: 'Full',
        owner_account_sid: accountSid,
        auth_token: authToken,
        date_created: created,
        date_updated: created,
        uri: `${API}/Accounts/${accountSid}.json`,
        subresource_uris: {
          messages: `${API}/Accounts/${accountSid}/Messages.json`,
          calls: `${API}/Accounts/${accountSid}/Calls.json`,
          recordings: `${API}/Accounts/${accountSid}/Recordings.json`,
        },
      });
    }
    const rec = new RegExp(`^${API}/Accounts/([^/]+)/Recordings/(RE[0-9a-f]{32})(\\.(?:mp3|wav|json))?$`).exec(path);
    if (rec && rec[1] === accountSid) return recordingResource(res, log, req.method ?? 'GET', rec[2], rec[3] ?? '');
    const upd = new RegExp(`^${API}/Accounts/([^/]+)/Calls/(CA[0-9a-f]{32})\\.json$`).exec(path);
    if (upd && upd[1] === accountSid && req.method === 'POST')
      return updateCall(res, log, upd[2], new URLSearchParams(raw));

    const m = new RegExp(`^${API}/Accounts/([^/]+)/(Messages|Calls)\\.json$`).exec(path);
    if (m && req.method === 'GET' && m[1] === accountSid) {
      // Listing, as a sender does to find out whether an attempt with an unknown outcome went out.
      const query = new URL(req.url ?? '/', 'http://fake').searchParams;
      const wantTo = query.get('To');
      const source = m[2] === 'Messages' ? messages : calls;
      const items = source
        .filter((r) => !wantTo || r.to === wantTo)
        .reverse()
        .map(
          (r) =>
            (m[2] === 'Messages' ? messageResource(r, accountSid) : callResource(r, accountSid)) as { sid: string },
        );
      const key = m[2] === 'Messages' ? 'messages' : 'calls';
      const p = listPage(items, path, query, opts.maxPageSize);
      return send(res, log, 200, {
        [key]: p.items,
        first_page_uri: p.firstPageUri,
        next_page_uri: p.nextPageUri,
        previous_page_uri: p.previousPageUri,
        page: p.page,
        page_size: p.pageSize,
        start: p.start,
        end: p.end,
        uri: p.uri,
      });
    }
    if (!m || req.method !== 'POST') {
      return send(res, log, 404, twilioError(404, 20404, `The requested resource ${path} was not found`));
    }
    if (m[1] !== accountSid) {
      return send(res, log, 404, twilioError(404, 20404, `The requested resource ${path} was not found`));
    }

    const form = new URLSearchParams(raw);
    const params = Object.fromEntries([...new Set(form.keys())].map((k) => [k, form.get(k) ?? '']));
    const to = params.To;
    const from = params.From;
    if (!to) return send(res, log, 400, twilioError(400, 21604, "A 'To' phone number is required."));
    if (!/^\+[1-9]\d{6,14}$/.test(to))
      return send(res, log, 400, twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`));
    if (!from) return send(res, log, 400, twilioError(400, 21603, "A 'From' phone number is required."));

    const now = new Date();
    const isMessage = m[2] === 'Messages';
    if (isMessage && !params.Body && !params.MediaUrl) {
      return send(res, log, 400, twilioError(400, 21602, 'Message body is required.'));
    }
    if (!isMessage && !params.Twiml && !params.Url) {
      return send(res, log, 400, twilioError(400, 21205, 'Url parameter is required.'));
    }
    // A recipient who texted STOP to this number gets nothing from it until they text START.
    if (isMessage && optOuts.isOptedOut(to, from)) {
      return send(
        res,
        log,
        UNSUBSCRIBED.status,
        twilioError(UNSUBSCRIBED.status, UNSUBSCRIBED.code, UNSUBSCRIBED.message),
      );
    }
    // Twilio's documented limits, so every test runs against them: a page that does not fit is refused, not sent.
    if (isMessage && (params.Body ?? '').length > TWILIO_BODY_LIMIT) {
      return send(
        res,
        log,
        400,
        twilioError(400, 21617, `The concatenated message body exceeds the ${TWILIO_BODY_LIMIT} character limit.`),
      );
    }
    if (isMessage && refusesTexts(to))
      return send(res, log, 400, twilioError(400, NOT_A_MOBILE_CODE, NOT_A_MOBILE_MESSAGE));
    if (!isMessage && params.Twiml !== undefined && params.Twiml.length > TWILIO_TWIML_LIMIT) {
      return send(
        res,
        log,
        400,
        twilioError(400, 32018, `Twiml size exceeded maximum allowed value of ${TWILIO_TWIML_LIMIT} characters`),
      );
    }

    const sid = `${isMessage ? 'SM' : 'CA'}${hex(16)}`;
    const record: FakeTwilioRecord = {
      kind: isMessage ? 'message' : 'call',
      sid,
      accountSid,
      to,
      from,
      ...(isMessage ? { body: params.Body ?? '' } : {}),
      ...(params.Twiml !== undefined ? { twiml: params.Twiml } : {}),
      ...(params.Url !== undefined ? { url: params.Url } : {}),
      ...(params.StatusCallback !== undefined ? { statusCallback: params.StatusCallback } : {}),
      ...(!isMessage && form.has('StatusCallbackEvent')
        ? { statusCallbackEvent: form.getAll('StatusCallbackEvent') }
        : {}),
      params,
      status: 'queued',
      at: now,
    };
    if (isMessage) {
      messages.push(record);
      events.emit('message');
      return send(res, log, 201, messageResource(record, accountSid));
    }
    calls.push(record);
    events.emit('call');
    return send(res, log, 201, callResource(record, accountSid));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(twilioError(500, 20500, `Fake Twilio crashed: ${String(err)}`)));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  function waitFor(list: FakeTwilioRecord[], event: string, what: string, n: number, timeoutMs: number) {
    return new Promise<FakeTwilioRecord[]>((resolve, reject) => {
      if (list.length >= n) return resolve([...list]);
      const onRecord = () => {
        if (list.length < n) return;
        clearTimeout(timer);
        events.off(event, onRecord);
        resolve([...list]);
      };
      const timer = setTimeout(() => {
        events.off(event, onRecord);
        const seen = list.map((r) => `  to ${r.to}: ${JSON.stringify(r.body ?? r.twiml ?? r.url)}`).join('\n');
        reject(
          new Error(
            `Fake Twilio: expected ${n} ${what} within ${timeoutMs}ms, got ${list.length}${seen ? `:\n${seen}` : ''}`,
          ),
        );
      }, timeoutMs);
      events.on(event, onRecord);
    });
  }

  const simulator = createCallSimulator({
    accountSid,
    authToken,
    baseUrl: `http://127.0.0.1:${port}`,
    deliver: (url, init) => fake.callbackFetch(url, init),
    webhooks,
    recordings,
    callLogs,
    phoneNumber: () => fake.phoneNumber,
    findCall: (sid) => calls.find((c) => c.sid === sid),
    sendStatusCallback: (record, status, extra) => fake.sendStatusCallback(record, status, extra),
  });

  /** `FakeTwilio.progress`: the callbacks of `progressPlan`, in turn; the record ends at the furthest status, as Twilio's resource does. */
  async function progress(
    sidOrRecord: string | FakeTwilioRecord,
    statuses?: string[],
    progressOpts?: ProgressOptions,
  ): Promise<number[]> {
    const sid = typeof sidOrRecord === 'string' ? sidOrRecord : sidOrRecord.sid;
    const record = [...messages, ...calls].find((r) => r.sid === sid);
    if (!record) throw new Error(`Fake Twilio: no message or call with sid ${sid}`);
    const plan = progressPlan(record, statuses, progressOpts);
    const answers: number[] = [];
    for (const status of plan)
      answers.push(
        await fake.sendStatusCallback(
          record,
          status,
          record.kind === 'call' && status === 'completed' ? { CallDuration: '20' } : {},
        ),
      );
    const furthest = progressPlan(record, statuses);
    if (furthest.length) record.status = furthest[furthest.length - 1];
    return answers;
  }

  const fake: FakeTwilio = {
    baseUrl: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    messages,
    calls,
    requests,
    phoneNumber: opts.phoneNumber ?? null,
    webhooks,
    recordings,
    callLogs,
    call: (callOpts) => simulator.call(callOpts),
    answerCall: (sidOrRecord, answerOpts) => simulator.answerCall(sidOrRecord, answerOpts),
    progress: (sidOrRecord, statuses, progressOpts) => progress(sidOrRecord, statuses, progressOpts),
    callbackFetch: (url, init) => fetch(url, init),
    smsUrl: null,
    advancedOptOut: false,
    optOuts,
    autoReplies,
    inboundSms,
    receiveSms(o) {
      const to = o.to ?? fake.phoneNumber;
      const url = o.url ?? fake.smsUrl;
      if (!to || !url) throw new Error('Fake Twilio: receiveSms needs `to` (or phoneNumber) and `url` (or smsUrl)');
      inboundCounter += 1;
      const messageSid = o.messageSid ?? `SM${hex(8)}${inboundCounter.toString(16).padStart(16, '0')}`;
      const deps = {
        accountSid,
        authToken,
        optOuts,
        autoReplies,
        inbound: inboundSms,
        advancedOptOut: () => fake.advancedOptOut,
        deliver: fake.callbackFetch,
      };
      return deliverInboundSms(deps, { from: o.from, body: o.body, to, url, messageSid });
    },
    failNext(n, failure) {
      for (let i = 0; i < n; i++) failures.push(failure);
    },
    delayNext(n, ms) {
      for (let i = 0; i < n; i++) delays.push(ms);
    },
    setDown(value) {
      down = value;
    },
    refuseCredentials(on) {
      refusing = on;
    },
    accountStatus: 'active',
    reset() {
      messages.length = 0;
      calls.length = 0;
      requests.length = 0;
      webhooks.length = 0;
      recordings.clear();
      callLogs.length = 0;
      failures = [];
      delays = [];
      down = false;
      refusing = false;
      fake.accountStatus = 'active';
      optOuts.clear();
      autoReplies.length = 0;
      inboundSms.length = 0;
    },
    waitForMessages(n, timeoutMs = 5000) {
      return waitFor(messages, 'message', 'message(s)', n, timeoutMs);
    },
    waitForCalls(n, timeoutMs = 5000) {
      return waitFor(calls, 'call', 'call(s)', n, timeoutMs);
    },
    async sendStatusCallback(sidOrRecord, status, extra = {}) {
      const sid = typeof sidOrRecord === 'string' ? sidOrRecord : sidOrRecord.sid;
      const record = [...messages, ...calls].find((r) => r.sid === sid);
      if (!record) throw new Error(`Fake Twilio: no message or call with sid ${sid}`);
      if (!record.statusCallback) throw new Error(`Fake Twilio: ${sid} was sent without a StatusCallback URL`);
      const params: Record<string, string> =
        record.kind === 'message'
          ? { MessageSid: sid, SmsSid: sid, MessageStatus: status, SmsStatus: status }
          : { CallSid: sid, CallStatus: status, Direction: 'outbound-api' };
      Object.assign(params, { AccountSid: accountSid, To: record.to, From: record.from, ApiVersion: '2010-04-01' });
      if (DEFAULT_ERROR_CODES[status]) params.ErrorCode = DEFAULT_ERROR_CODES[status];
      Object.assign(params, extra);
      const url = record.statusCallback;
      const signature = twilio.getExpectedTwilioSignature(authToken, url, params);
      record.status = status;
      const res = await fake.callbackFetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
          'X-Twilio-Signature': signature,
          'User-Agent': 'TwilioProxy/1.1',
        },
        body: new URLSearchParams(params).toString(),
      });
      await res.arrayBuffer().catch(() => undefined); // drain so the connection can be reused
      webhooks.push({ kind: 'status', method: 'POST', url, params, status: res.status, at: new Date() });
      return res.status;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      events.removeAllListeners();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
