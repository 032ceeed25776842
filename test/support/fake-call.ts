/**
 * The voice half of the fake Twilio: runs a call the way Twilio runs TwiML. It requests the voice
 * webhook (signed, form-encoded, through the fake's `callbackFetch`), parses the TwiML answer and
 * plays it out for a scripted caller: Say/Play/Pause are heard, Gather takes the caller's keys,
 * Dial rings scripted parties (running their whisper documents on the callee leg), Record leaves a
 * message (a fake MP3 the REST API serves) and delivers the recording and transcription
 * callbacks, Redirect/Hangup/Reject do what they say. Everything is written to a `CallLog`.
 *
 * Deterministic on purpose: parties of one <Dial> are tried in document order (real Twilio rings
 * them at once; the first listed party that answers and accepts wins), and every asynchronous
 * callback (recording status, transcription, AMD) is delivered before the call resolves.
 */
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import type { CallbackFetch, FakeTwilioRecord } from './fake-twilio.js';

// ---------------------------------------------------------------------------------------------
// A small XML parser: enough for TwiML, strict enough that malformed documents fail like they do
// at Twilio (mismatched tags, stray text outside the root, unknown entities, bare ampersands).

/** An XML element: name, attributes and children (elements or decoded text). */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}

/** A child of an element: another element or a run of decoded text. */
export type XmlNode = XmlElement | string;

const NAME = '[A-Za-z_][\\w.:-]*';
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string, at: number): string {
  return s.replace(/&([^;&\s]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw new Error(`XML parse error near ${at}: bare '&'`);
    if (name in ENTITIES) return ENTITIES[name];
    const num = /^#(?:x([0-9a-fA-F]+)|(\d+))$/.exec(name);
    if (num) return String.fromCodePoint(num[1] !== undefined ? parseInt(num[1], 16) : parseInt(num[2], 10));
    throw new Error(`XML parse error near ${at}: unknown entity &${name};`);
  });
}

/**
 * Parses one XML document into its root element. Throws on anything a conforming parser would
 * refuse (so an app that builds TwiML by string concatenation and forgets to escape is caught).
 * Comments, processing instructions and the XML declaration are skipped; CDATA becomes text.
 */
export function parseXml(src: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  const fail = (msg: string): never => {
    throw new Error(`XML parse error near ${i}: ${msg}`);
  };
  const addText = (text: string) => {
    if (stack.length === 0) {
      if (text.trim()) fail('text outside the root element');
      return;
    }
    stack[stack.length - 1].children.push(text);
  };
  const openTag = new RegExp(`^<(${NAME})`);
  const attr = new RegExp(`^\\s+(${NAME})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`);
  const closeTag = new RegExp(`^</(${NAME})\\s*>`);
  while (i < src.length) {
    if (src[i] !== '<') {
      const end = src.indexOf('<', i);
      const raw = src.slice(i, end < 0 ? src.length : end);
      addText(decodeEntities(raw, i));
      i += raw.length;
      continue;
    }
    const rest = src.slice(i, i + 9); // long enough for every prefix tested below
    if (rest.startsWith('<?')) {
      const end = src.indexOf('?>', i);
      if (end < 0) fail('unterminated processing instruction');
      i = end + 2;
    } else if (rest.startsWith('<!--')) {
      const end = src.indexOf('-->', i);
      if (end < 0) fail('unterminated comment');
      i = end + 3;
    } else if (rest.startsWith('<![CDATA[')) {
      const end = src.indexOf(']]>', i);
      if (end < 0) fail('unterminated CDATA');
      addText(src.slice(i + 9, end));
      i = end + 3;
    } else if (rest.startsWith('<!')) {
      fail('DOCTYPE and other declarations are not accepted in TwiML');
    } else if (rest.startsWith('</')) {
      const m = closeTag.exec(src.slice(i));
      if (!m) return fail('malformed closing tag');
      const open = stack.pop();
      if (!open || open.name !== m[1]) fail(`</${m[1]}> does not close <${open?.name ?? '(nothing)'}>`);
      i += m[0].length;
    } else {
      const tail = src.slice(i);
      const m = openTag.exec(tail);
      if (!m) return fail('malformed tag');
      if (stack.length === 0 && root) fail('a second root element');
      const el: XmlElement = { name: m[1], attrs: {}, children: [] };
      let j = m[0].length;
      for (;;) {
        const a = attr.exec(tail.slice(j));
        if (!a) break;
        if (a[1] in el.attrs) fail(`duplicate attribute ${a[1]}`);
        el.attrs[a[1]] = decodeEntities(a[2] ?? a[3] ?? '', i + j);
        j += a[0].length;
      }
      const close = /^\s*(\/?)>/.exec(tail.slice(j));
      if (!close) return fail(`malformed tag <${el.name}>`);
      j += close[0].length;
      if (stack.length) stack[stack.length - 1].children.push(el);
      else root = el;
      if (!close[1]) stack.push(el);
      i += j;
    }
  }
  if (stack.length) fail(`<${stack[stack.length - 1].name}> is never closed`);
  if (!root) return fail('no root element');
  return root;
}

/** All text inside `el`, whitespace runs collapsed (as text-to-speech reads it). */
export function textOf(el: XmlElement): string {
  const parts: string[] = [];
  const walk = (n: XmlNode) => {
    if (typeof n === 'string') parts.push(n);
    else n.children.forEach(walk);
  };
  el.children.forEach(walk);
  return parts.join('').replace(/\s+/g, ' ').trim();
}

function elements(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== 'string');
}

// ---------------------------------------------------------------------------------------------
// Scripts and logs.

/** What the journalist ringing in does. */
export interface CallerScript {
  /** One entry per <Gather> reached, in order; '' or running out = presses nothing (timeout). */
  digits?: string[];
  /** What the caller says when a <Record> is reached; null transcript = transcription fails. */
  message?: { seconds: number; transcript: string | null };
  /** Hangs up on reaching the first such verb ('record' = before the tone). */
  hangUpAt?: 'record' | 'gather' | 'dial';
}

/** A number a <Dial> rings. Unknown numbers ring out. */
export interface PartyScript {
  /** Default false: rings out. */
  answers?: boolean;
  busy?: boolean;
  /** Keys pressed at the <Gather>s of the whisper document(s), in order. */
  digits?: string[];
  /** How long a bridged call lasts (DialCallDuration); default 60. */
  talkSeconds?: number;
}

/** Options of `FakeTwilio.call`: a caller rings the press office number. */
export interface InboundCallOptions {
  /** E.164, or 'anonymous' etc. for a withheld number. */
  from: string;
  /** Default: the fake's `phoneNumber`. */
  to?: string;
  /** Absolute voice webhook URL. */
  url: string;
  /** Default 'POST'. */
  method?: 'GET' | 'POST';
  caller?: CallerScript;
  parties?: Record<string, PartyScript>;
}

/** Options of `FakeTwilio.answerCall`: how the callee of a REST-placed call answers. */
export interface AnswerCallOptions {
  /** Default 'human'. Reported to the AMD callback; a machine or fax presses nothing. */
  answeredBy?:
    | 'human'
    | 'machine_start'
    | 'machine_end_beep'
    | 'machine_end_silence'
    | 'machine_end_other'
    | 'fax'
    | 'unknown';
  /** Keys pressed at <Gather>s, one entry each (ignored unless answered by a human). */
  digits?: string[];
  /** The callee's message if the TwiML reaches <Record>. */
  message?: { seconds: number; transcript: string | null };
  /** Nobody picks up: StatusCallback 'no-answer', no TwiML runs. */
  noAnswer?: boolean;
  /** Busy: StatusCallback 'busy', no TwiML runs. */
  busy?: boolean;
  /** Numbers a <Dial> in the TwiML rings. */
  parties?: Record<string, PartyScript>;
  /** CallDuration of the final status callback; default 20. */
  durationSeconds?: number;
  /** MachineDetectionDuration (milliseconds) of the AMD callback; default 2500. */
  machineDetectionMs?: number;
  /**
   * When the asynchronous AMD verdict arrives, in simulated milliseconds after the answer (default
   * `machineDetectionMs`, so 2500): the TwiML runs meanwhile, and the verdict is posted before
   * the first verb that starts at or after that time (see `verbMs`), or after the TwiML if it
   * ends sooner. 0 posts it before the TwiML starts. No real time passes.
   */
  amdDelayMs?: number;
}

/** Why a call ended. */
export type CallEnd =
  /** <Hangup> (or the whisper/caller document asked to end). */
  | 'hangup'
  /** <Reject>: the call was refused without being answered. */
  | 'rejected'
  /** The scripted caller hung up (hangUpAt, or after leaving a message: Record Digits=hangup). */
  | 'caller-hung-up'
  /** The TwiML ran out of verbs. */
  | 'completed'
  /** Non-2xx answer, unparseable or unsupported TwiML, or more than 50 documents. See `error`. */
  | 'error'
  /** Outbound only: ended through the REST API (`Status=completed`) while it ran. */
  | 'ended-by-api'
  /** Outbound only, scripted: the callee did not pick up / was busy. */
  | 'no-answer'
  | 'busy';

/** What each kind of request the fake sent was. */
export type WebhookKind =
  | 'voice' // a TwiML document request (the first one, Redirect, Gather/Record/Dial action)
  | 'whisper' // a TwiML document request on a dialled party's leg
  | 'recording-status'
  | 'transcription'
  | 'amd'
  | 'status'; // StatusCallback (sendStatusCallback)

/** One request the fake made to the app during a call. */
export interface CallStep {
  /** 'caller' (inbound), 'callee' (outbound-api) or the dialled party's number. */
  leg: string;
  kind: WebhookKind;
  method: 'GET' | 'POST';
  /** The URL requested (for GET, with the parameters in its query). */
  url: string;
  params: Record<string, string>;
  /** HTTP status of the answer; 0 when callbackFetch threw. */
  status: number;
  /** Body of the answer (TwiML for document requests). */
  twiml: string;
  /** performance.now() when the request was sent. */
  at: number;
  /** performance.now() when the answer (body included) was read. */
  answeredAt: number;
}

/** One verb as executed, in order, across all legs of a call. */
export interface VerbTrace {
  leg: string;
  verb: string;
  attributes: Record<string, string>;
  /** Text content (what Say says, the URL Play plays, the Redirect target, Dial's bare number). */
  text: string;
  /** The document that contained it (null for inline TwiML). */
  documentUrl: string | null;
}

/** How a dialled party fared in one <Dial>. */
export type PartyOutcome = 'rang-out' | 'busy' | 'declined' | 'bridged' | 'not-tried' | 'canceled';

/** One <Dial> as executed. */
export interface DialTrace {
  numbers: string[];
  timeout: number | null;
  callerId: string | null;
  /** DialCallStatus reported (completed, busy, no-answer, canceled, failed). */
  status: string;
  /** Whether a party was bridged to the caller. */
  bridged: boolean;
  /** DialCallSid reported, if any. */
  dialCallSid: string | null;
  /** DialCallDuration reported, if any. */
  duration: number | null;
  outcomes: Record<string, PartyOutcome>;
  attributes: Record<string, string>;
}

/** What one dialled number did over the whole call. */
export interface PartyLog {
  /** Sid of its latest leg, if one was created. */
  sid: string | null;
  rang: boolean;
  answered: boolean;
  /** Its whisper ended normally and it was bridged. */
  accepted: boolean;
  /** What its whisper documents said to it. */
  said: string[];
}

/** Everything a simulated call did. */
export interface CallLog {
  sid: string;
  from: string;
  to: string;
  direction: 'inbound' | 'outbound-api';
  /** Say texts as heard on the caller's (or outbound callee's) leg, in order. */
  said: string[];
  /** The same with voice and language attributes (null when absent). */
  spoken: Array<{ text: string; voice: string | null; language: string | null }>;
  /** Play URLs heard on the main leg. */
  played: string[];
  /** Every request sent for this call (documents and callbacks), in order. */
  steps: CallStep[];
  /** Every verb executed, on every leg. */
  verbs: VerbTrace[];
  parties: Record<string, PartyLog>;
  dials: DialTrace[];
  /** RE sids created during the call. */
  recordings: string[];
  /** TR sids of transcription callbacks sent. */
  transcriptions: string[];
  ended: CallEnd;
  /** Why the call ended in 'error' (null otherwise). */
  error: string | null;
  /** Outbound: how it was answered (null when not answered or inbound). */
  answeredBy: string | null;
}

/** A webhook the fake sent (any kind), for assertions across calls. */
export interface FakeWebhook {
  kind: WebhookKind;
  method: 'GET' | 'POST';
  url: string;
  params: Record<string, string>;
  status: number;
  at: Date;
}

/** A recording the fake holds (served by the Recordings REST resource). */
export interface FakeRecording {
  sid: string;
  callSid: string;
  durationSeconds: number;
  deleted: boolean;
  bytes: Buffer;
  source: 'RecordVerb' | 'DialVerb';
  at: Date;
  /** The Content-Type the media is served with instead of Twilio's own (a test of a hostile or broken upstream). */
  contentType?: string;
}

/** What the simulator needs from the fake server. */
export interface CallSimulatorContext {
  accountSid: string;
  authToken: string;
  baseUrl: string;
  /** The fake's current `callbackFetch` (read at every request: tests swap it). */
  deliver: CallbackFetch;
  webhooks: FakeWebhook[];
  recordings: Map<string, FakeRecording>;
  callLogs: CallLog[];
  /** Default `to` of inbound calls. */
  phoneNumber(): string | null;
  findCall(sid: string): FakeTwilioRecord | undefined;
  sendStatusCallback(record: FakeTwilioRecord, status: string, extra: Record<string, string>): Promise<number>;
}

/** The two operations the fake exposes. */
export interface CallSimulator {
  call(opts: InboundCallOptions): Promise<CallLog>;
  answerCall(sidOrRecord: string | FakeTwilioRecord, opts?: AnswerCallOptions): Promise<CallLog>;
}

const MAX_DOCUMENTS = 50;
const APPLICATION_ERROR = 'We are sorry, an application error has occurred. Goodbye.';
/** Twilio transcribes recordings of up to two minutes; longer ones fail. */
const MAX_TRANSCRIBED_SECONDS = 120;

function sid(prefix: string): string {
  return prefix + randomBytes(16).toString('hex');
}

/** A few bytes that any MP3 sniffer takes for an MP3: an ID3v2 header, then one MPEG frame header. */
export function fakeMp3(seconds: number): Buffer {
  const id3 = Buffer.from([0x49, 0x44, 0x33, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0x64]);
  frame.write(`fake recording ${seconds}s`, 4, 'ascii');
  return Buffer.concat([id3, frame]);
}

/** A valid (silent, 8 kHz mono 16-bit) WAV header with a short body, for `.wav` downloads. */
export function fakeWav(): Buffer {
  const data = Buffer.alloc(1600);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(8000, 24);
  h.writeUInt32LE(16000, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** One leg of a call being played out. */
interface Leg {
  label: string;
  role: 'caller' | 'callee' | 'party';
  /** Parameters every document request of this leg carries (CallStatus added per request). */
  base: Record<string, string>;
  digits: string[];
  message: { seconds: number; transcript: string | null } | null;
  hangUpAt: CallerScript['hangUpAt'] | null;
  said: string[];
  /** False until the first document request (CallStatus 'ringing' on an inbound caller leg). */
  started: boolean;
  parties: Record<string, PartyScript>;
  /** Digits still to press per party number (shared by all Dials of the call). */
  partyDigits: Map<string, string[]>;
  /** Outbound: true once the call was ended through the REST API. */
  stopped: () => boolean;
  /** Called before each top-level verb is played (the late AMD verdict hooks in here). */
  beforeVerb?: (el: XmlElement) => Promise<void>;
}

/**
 * Simulated time a verb takes, for placing a late AMD verdict: speech at 2.5 words a second,
 * a <Pause> its length, a <Gather> its prompts and then its timeout (5 s by default), a <Play>,
 * <Record> or <Dial> a round 10 to 20 seconds.
 */
export function verbMs(el: XmlElement): number {
  const say = (e: XmlElement) =>
    Math.max(1, textOf(e).split(/\s+/).filter(Boolean).length / 2.5) *
    1000 *
    Math.max(1, Number(e.attrs.loop ?? 1) || 1);
  switch (el.name) {
    case 'Say':
      return say(el);
    case 'Pause':
      return Number(el.attrs.length ?? 1) * 1000;
    case 'Play':
      return 10_000;
    case 'Gather':
      return elements(el).reduce((ms, inner) => ms + verbMs(inner), 0) + Number(el.attrs.timeout ?? 5) * 1000;
    case 'Record':
    case 'Dial':
      return 20_000;
    default:
      return 0;
  }
}

type Next = { url: string; method: 'GET' | 'POST'; params: Record<string, string> };
type Outcome = { next: Next } | { end: CallEnd; error?: string };

function methodOf(v: string | undefined): 'GET' | 'POST' {
  return v?.toUpperCase() === 'GET' ? 'GET' : 'POST';
}

/** Builds the call simulator over the fake server's state. */
export function createCallSimulator(ctx: CallSimulatorContext): CallSimulator {
  function newLog(callSid: string, from: string, to: string, direction: CallLog['direction']): CallLog {
    const log: CallLog = {
      sid: callSid,
      from,
      to,
      direction,
      said: [],
      spoken: [],
      played: [],
      steps: [],
      verbs: [],
      parties: {},
      dials: [],
      recordings: [],
      transcriptions: [],
      ended: 'completed',
      error: null,
      answeredBy: null,
    };
    ctx.callLogs.push(log);
    return log;
  }

  /** Sends one signed request through callbackFetch and records it everywhere. */
  async function request(
    log: CallLog,
    leg: string,
    kind: WebhookKind,
    url: string,
    method: 'GET' | 'POST',
    params: Record<string, string>,
  ): Promise<CallStep> {
    let target = url;
    const headers: Record<string, string> = {
      'User-Agent': 'TwilioProxy/1.1',
      'I-Twilio-Idempotency-Token': randomBytes(8).toString('hex'),
    };
    let body = '';
    if (method === 'GET') {
      // Twilio puts the parameters in the query of a GET and signs the whole URL (no body params).
      const u = new URL(url);
      for (const [k, v] of Object.entries(params)) u.searchParams.append(k, v);
      target = u.toString();
      headers['X-Twilio-Signature'] = twilio.getExpectedTwilioSignature(ctx.authToken, target, {});
    } else {
      headers['Content-Type'] = 'application/x-www-form-urlencoded; charset=utf-8';
      headers['X-Twilio-Signature'] = twilio.getExpectedTwilioSignature(ctx.authToken, target, params);
      body = new URLSearchParams(params).toString();
    }
    const at = performance.now();
    let status = 0;
    let text = '';
    try {
      // A GET Request must not carry a body, not even an empty one; CallbackFetch's type (kept
      // for the existing callers) always has one, hence the cast for that case only.
      const init = method === 'GET' ? ({ method, headers } as Parameters<CallbackFetch>[1]) : { method, headers, body };
      const res = await ctx.deliver(target, init);
      status = res.status;
      text = await res.text();
    } catch (err) {
      text = `callbackFetch threw: ${String(err)}`;
    }
    const step: CallStep = {
      leg,
      kind,
      method,
      url: target,
      params,
      status,
      twiml: text,
      at,
      answeredAt: performance.now(),
    };
    log.steps.push(step);
    ctx.webhooks.push({ kind, method, url: target, params, status, at: new Date() });
    return step;
  }

  function resolveUrl(ref: string, documentUrl: string | null): string {
    if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) return ref;
    if (!documentUrl)
      throw new Error(`relative URL "${ref}" in inline TwiML: there is no document URL to resolve it against`);
    return new URL(ref, documentUrl).toString();
  }

  function hear(log: CallLog, leg: Leg, el: XmlElement) {
    const text = textOf(el);
    const loop = Number(el.attrs.loop ?? '1');
    const times = Number.isInteger(loop) && loop > 1 ? Math.min(loop, 10) : 1;
    for (let n = 0; n < times; n++) {
      leg.said.push(text);
      if (leg.role !== 'party')
        log.spoken.push({ text, voice: el.attrs.voice ?? null, language: el.attrs.language ?? null });
    }
  }

  function trace(log: CallLog, leg: Leg, el: XmlElement, documentUrl: string | null) {
    log.verbs.push({ leg: leg.label, verb: el.name, attributes: { ...el.attrs }, text: textOf(el), documentUrl });
  }

  function fetchRecordingParams(rec: FakeRecording): Record<string, string> {
    return {
      RecordingSid: rec.sid,
      RecordingUrl: `${ctx.baseUrl}/2010-04-01/Accounts/${ctx.accountSid}/Recordings/${rec.sid}`,
      RecordingDuration: String(rec.durationSeconds),
    };
  }

  function createRecording(
    log: CallLog,
    callSid: string,
    seconds: number,
    source: FakeRecording['source'],
  ): FakeRecording {
    const rec: FakeRecording = {
      sid: sid('RE'),
      callSid,
      durationSeconds: seconds,
      deleted: false,
      bytes: fakeMp3(seconds),
      source,
      at: new Date(),
    };
    ctx.recordings.set(rec.sid, rec);
    log.recordings.push(rec.sid);
    return rec;
  }

  async function recordingStatusCallback(
    log: CallLog,
    leg: Leg,
    el: XmlElement,
    documentUrl: string | null,
    rec: FakeRecording,
  ) {
    const cb = el.attrs.recordingStatusCallback;
    if (!cb) return;
    const events = (el.attrs.recordingStatusCallbackEvent ?? 'completed').split(/[\s,]+/);
    if (!events.includes('completed')) return;
    await request(
      log,
      leg.label,
      'recording-status',
      resolveUrl(cb, documentUrl),
      methodOf(el.attrs.recordingStatusCallbackMethod),
      {
        AccountSid: ctx.accountSid,
        CallSid: leg.base.CallSid,
        ...fetchRecordingParams(rec),
        RecordingStatus: 'completed',
        RecordingChannels: rec.source === 'DialVerb' ? '2' : '1',
        RecordingSource: rec.source,
        RecordingStartTime: rec.at.toUTCString().replace('GMT', '+0000'),
      },
    );
  }

  /** Runs one <Dial> for `leg`; returns what to do next. */
  async function dial(log: CallLog, leg: Leg, el: XmlElement, documentUrl: string | null): Promise<Outcome | null> {
    const children = elements(el);
    const targets: Array<{ number: string; url: string | null; method: 'GET' | 'POST' }> = [];
    for (const c of children) {
      if (c.name !== 'Number')
        throw new Error(`<Dial><${c.name}> is not supported by the fake (only <Number> and a bare number)`);
      targets.push({
        number: textOf(c),
        url: c.attrs.url ? resolveUrl(c.attrs.url, documentUrl) : null,
        method: methodOf(c.attrs.method),
      });
    }
    if (children.length === 0 && textOf(el)) targets.push({ number: textOf(el), url: null, method: 'POST' });
    const timeout = el.attrs.timeout !== undefined ? Number(el.attrs.timeout) : null;
    const callerId = el.attrs.callerId ?? null;
    const trace: DialTrace = {
      numbers: targets.map((t) => t.number),
      timeout,
      callerId,
      status: 'no-answer',
      bridged: false,
      dialCallSid: null,
      duration: null,
      outcomes: Object.fromEntries(targets.map((t) => [t.number, 'not-tried' as PartyOutcome])),
      attributes: { ...el.attrs },
    };
    log.dials.push(trace);
    const action = el.attrs.action ? resolveUrl(el.attrs.action, documentUrl) : null;
    const method = methodOf(el.attrs.method);

    if (leg.hangUpAt === 'dial') {
      // The caller hangs up while the parties ring: Twilio cancels the legs and still requests
      // the action URL (the call is over, so the TwiML it answers is not executed).
      for (const t of targets) trace.outcomes[t.number] = 'canceled';
      trace.status = 'canceled';
      if (action)
        await request(log, leg.label, 'voice', action, method, {
          ...leg.base,
          CallStatus: 'completed',
          DialCallStatus: 'canceled',
        });
      return { end: 'caller-hung-up' };
    }

    let winner: { number: string; sid: string; talk: number } | null = null;
    let decliner: string | null = null;
    let busy = 0;
    for (const t of targets) {
      if (winner) break; // the first party to bridge wins; the others stop ringing (not-tried)
      const script = leg.parties[t.number] ?? {};
      log.parties[t.number] ??= { sid: null, rang: false, answered: false, accepted: false, said: [] };
      const party = log.parties[t.number];
      const legSid = sid('CA');
      party.sid = legSid;
      if (script.busy) {
        trace.outcomes[t.number] = 'busy';
        busy++;
        continue;
      }
      party.rang = true;
      if (!script.answers) {
        trace.outcomes[t.number] = 'rang-out';
        continue;
      }
      party.answered = true;
      let accepted = true;
      if (t.url) {
        if (!leg.partyDigits.has(t.number)) leg.partyDigits.set(t.number, [...(script.digits ?? [])]);
        const partyLeg: Leg = {
          label: t.number,
          role: 'party',
          base: {
            CallSid: legSid,
            ParentCallSid: leg.base.CallSid,
            AccountSid: ctx.accountSid,
            From: callerId ?? leg.base.From,
            To: t.number,
            Caller: callerId ?? leg.base.From,
            Called: t.number,
            Direction: 'outbound-dial',
            ApiVersion: '2010-04-01',
          },
          digits: leg.partyDigits.get(t.number) ?? [],
          message: null,
          hangUpAt: null,
          said: party.said,
          started: true,
          parties: {},
          partyDigits: new Map(),
          stopped: () => false,
        };
        const ended = await runLeg(log, partyLeg, { url: t.url, method: t.method, params: {} });
        // A whisper that reaches <Hangup>/<Reject> (or fails) hangs up the callee leg: declined.
        accepted = ended.end === 'completed';
      }
      if (accepted) {
        party.accepted = true;
        trace.outcomes[t.number] = 'bridged';
        winner = { number: t.number, sid: legSid, talk: script.talkSeconds ?? 60 };
      } else {
        trace.outcomes[t.number] = 'declined';
        decliner = legSid;
      }
    }

    const params: Record<string, string> = { ...leg.base, CallStatus: 'in-progress' };
    if (winner) {
      Object.assign(params, {
        DialCallStatus: 'completed',
        DialCallSid: winner.sid,
        DialCallDuration: String(winner.talk),
        DialBridged: 'true',
      });
      Object.assign(trace, { status: 'completed', bridged: true, dialCallSid: winner.sid, duration: winner.talk });
      const record = el.attrs.record;
      if (record && record !== 'do-not-record' && record !== 'false') {
        const rec = createRecording(log, leg.base.CallSid, winner.talk, 'DialVerb');
        Object.assign(params, fetchRecordingParams(rec));
        await recordingStatusCallback(log, leg, el, documentUrl, rec);
      }
    } else if (decliner) {
      // Real Twilio reports a dial whose callee answered and then hung up in its whisper as a
      // *completed* dial (the child leg was answered and completed), not as no-answer: only
      // DialCallDuration 0 and DialBridged false tell the app that nobody was connected.
      Object.assign(params, {
        DialCallStatus: 'completed',
        DialCallSid: decliner,
        DialCallDuration: '0',
        DialBridged: 'false',
      });
      Object.assign(trace, { status: 'completed', dialCallSid: decliner, duration: 0 });
    } else {
      const status = targets.length === 0 ? 'failed' : busy === targets.length ? 'busy' : 'no-answer';
      Object.assign(params, { DialCallStatus: status, DialBridged: 'false' });
      trace.status = status;
    }
    if (!action) return null; // continue with the next verb
    return {
      next: {
        url: action,
        method,
        params: Object.fromEntries(Object.entries(params).filter(([k]) => k !== 'CallStatus')),
      },
    };
  }

  /** Runs one <Record>; returns what to do next (null: continue with the next verb). */
  async function record(log: CallLog, leg: Leg, el: XmlElement, documentUrl: string | null): Promise<Outcome | null> {
    if (leg.hangUpAt === 'record') return { end: 'caller-hung-up' };
    const message = leg.message;
    // No message: the Record times out on silence and Twilio moves on without a recording.
    if (!message || message.seconds <= 0) return null;
    leg.message = null;
    const maxLength = el.attrs.maxLength !== undefined ? Number(el.attrs.maxLength) : 3600;
    const cutOff = message.seconds > maxLength;
    const duration = Math.max(1, Math.round(Math.min(message.seconds, maxLength)));
    const rec = createRecording(log, leg.base.CallSid, duration, 'RecordVerb');
    const action = el.attrs.action ? resolveUrl(el.attrs.action, documentUrl) : documentUrl;
    // A caller who finishes speaking and hangs up: Digits=hangup, the call is over and whatever
    // the action answers is not played. Cut off at maxLength, the caller is still on the line.
    const params: Record<string, string> = {
      ...leg.base,
      CallStatus: cutOff ? 'in-progress' : 'completed',
      ...fetchRecordingParams(rec),
    };
    if (!cutOff) params.Digits = 'hangup';
    let step: CallStep | null = null;
    if (action)
      step = await request(
        log,
        leg.label,
        leg.role === 'party' ? 'whisper' : 'voice',
        action,
        methodOf(el.attrs.method),
        params,
      );
    // The callbacks follow the action request (as at Twilio) and come before anything the action
    // answers is played, so a test sees them all once the call resolves.
    await recordingStatusCallback(log, leg, el, documentUrl, rec);
    const cb = el.attrs.transcribeCallback;
    if (el.attrs.transcribe === 'true' && cb) {
      const trSid = sid('TR');
      log.transcriptions.push(trSid);
      const ok = message.transcript !== null && duration <= MAX_TRANSCRIBED_SECONDS;
      const tr: Record<string, string> = {
        TranscriptionSid: trSid,
        ...(ok ? { TranscriptionText: message.transcript ?? '' } : {}),
        TranscriptionStatus: ok ? 'completed' : 'failed',
        TranscriptionUrl: `${ctx.baseUrl}/2010-04-01/Accounts/${ctx.accountSid}/Transcriptions/${trSid}`,
        TranscriptionType: 'fast',
        RecordingSid: rec.sid,
        RecordingUrl: fetchRecordingParams(rec).RecordingUrl,
        CallSid: leg.base.CallSid,
        AccountSid: ctx.accountSid,
        From: leg.base.From,
        To: leg.base.To,
        CallStatus: 'completed',
        ApiVersion: '2010-04-01',
      };
      await request(log, leg.label, 'transcription', resolveUrl(cb, documentUrl), 'POST', tr);
    }
    if (!cutOff) return { end: 'caller-hung-up' };
    if (!step || !action) return { end: 'error', error: '<Record> in inline TwiML without an action URL' };
    return documentOutcome(log, leg, step, action);
  }

  /** Parses the answer to a document request: the outcome of playing it, or an error end. */
  async function documentOutcome(log: CallLog, leg: Leg, step: CallStep, documentUrl: string): Promise<Outcome> {
    if (step.status < 200 || step.status > 299) return { end: 'error', error: `HTTP ${step.status} from ${step.url}` };
    let doc: XmlElement;
    try {
      doc = parseXml(step.twiml);
    } catch (err) {
      return { end: 'error', error: `unparseable TwiML from ${step.url}: ${(err as Error).message}` };
    }
    return play(log, leg, doc, documentUrl);
  }

  /** Plays one TwiML document on `leg`. */
  async function play(log: CallLog, leg: Leg, doc: XmlElement, documentUrl: string | null): Promise<Outcome> {
    if (doc.name !== 'Response') return { end: 'error', error: `root element is <${doc.name}>, not <Response>` };
    try {
      for (const el of elements(doc)) {
        await leg.beforeVerb?.(el);
        if (leg.stopped()) return { end: 'ended-by-api' };
        trace(log, leg, el, documentUrl);
        switch (el.name) {
          case 'Say':
            hear(log, leg, el);
            break;
          case 'Play':
            if (leg.role !== 'party') log.played.push(textOf(el));
            break;
          case 'Pause':
            break;
          case 'Gather': {
            if (leg.hangUpAt === 'gather') return { end: 'caller-hung-up' };
            for (const inner of elements(el)) {
              trace(log, leg, inner, documentUrl);
              if (inner.name === 'Say') hear(log, leg, inner);
              else if (inner.name === 'Play') {
                if (leg.role !== 'party') log.played.push(textOf(inner));
              } else if (inner.name !== 'Pause') throw new Error(`<Gather> cannot contain <${inner.name}>`);
            }
            let digits = leg.digits.shift() ?? '';
            const finishOnKey = el.attrs.finishOnKey ?? '#';
            if (finishOnKey && digits.includes(finishOnKey)) digits = digits.slice(0, digits.indexOf(finishOnKey));
            const numDigits = el.attrs.numDigits !== undefined ? Number(el.attrs.numDigits) : Infinity;
            if (digits.length > numDigits) digits = digits.slice(0, numDigits);
            if (!digits && el.attrs.actionOnEmptyResult !== 'true') break; // timed out: next verb
            const action = el.attrs.action ? resolveUrl(el.attrs.action, documentUrl) : documentUrl;
            if (!action) throw new Error('<Gather> without action in inline TwiML');
            return { next: { url: action, method: methodOf(el.attrs.method), params: { Digits: digits } } };
          }
          case 'Redirect': {
            const target = textOf(el);
            if (!target) throw new Error('<Redirect> without a URL');
            return { next: { url: resolveUrl(target, documentUrl), method: methodOf(el.attrs.method), params: {} } };
          }
          case 'Hangup':
            return { end: 'hangup' };
          case 'Reject':
            return { end: 'rejected' };
          case 'Dial': {
            if (leg.role === 'party') throw new Error('<Dial> in a whisper document');
            const outcome = await dial(log, leg, el, documentUrl);
            if (outcome) return outcome;
            break;
          }
          case 'Record': {
            const outcome = await record(log, leg, el, documentUrl);
            if (outcome) return outcome;
            break;
          }
          default:
            throw new Error(`<${el.name}> is not a verb the fake supports`);
        }
      }
    } catch (err) {
      return { end: 'error', error: (err as Error).message };
    }
    return { end: 'completed' };
  }

  /** Plays a leg from its first document until it ends. */
  async function runLeg(
    log: CallLog,
    leg: Leg,
    first: Next | { twiml: string },
  ): Promise<{ end: CallEnd; error?: string }> {
    let outcome: Outcome;
    let documents = 0;
    if ('twiml' in first) {
      documents = 1;
      try {
        outcome = await play(log, leg, parseXml(first.twiml), null);
      } catch (err) {
        outcome = { end: 'error', error: `unparseable inline TwiML: ${(err as Error).message}` };
      }
    } else {
      outcome = { next: first };
    }
    while ('next' in outcome) {
      if (leg.stopped()) {
        outcome = { end: 'ended-by-api' };
        break;
      }
      if (++documents > MAX_DOCUMENTS) {
        outcome = { end: 'error', error: `more than ${MAX_DOCUMENTS} documents: a TwiML loop?` };
        break;
      }
      const { url, method, params } = outcome.next;
      const status = leg.role === 'caller' && !leg.started ? 'ringing' : 'in-progress';
      leg.started = true;
      const step = await request(log, leg.label, leg.role === 'party' ? 'whisper' : 'voice', url, method, {
        ...leg.base,
        CallStatus: status,
        ...params,
      });
      outcome = await documentOutcome(log, leg, step, url);
    }
    if (outcome.end === 'error') leg.said.push(APPLICATION_ERROR);
    return outcome;
  }

  return {
    async call(opts) {
      const to = opts.to ?? ctx.phoneNumber();
      if (!to) throw new Error('Fake Twilio: call() needs `to` (or start the fake with `phoneNumber`)');
      const callSid = sid('CA');
      const log = newLog(callSid, opts.from, to, 'inbound');
      const leg: Leg = {
        label: 'caller',
        role: 'caller',
        base: {
          CallSid: callSid,
          AccountSid: ctx.accountSid,
          From: opts.from,
          To: to,
          Caller: opts.from,
          Called: to,
          Direction: 'inbound',
          ApiVersion: '2010-04-01',
        },
        digits: [...(opts.caller?.digits ?? [])],
        message: opts.caller?.message ?? null,
        hangUpAt: opts.caller?.hangUpAt ?? null,
        said: log.said,
        started: false,
        parties: opts.parties ?? {},
        partyDigits: new Map(),
        stopped: () => false,
      };
      const end = await runLeg(log, leg, { url: opts.url, method: opts.method ?? 'POST', params: {} });
      log.ended = end.end;
      log.error = end.error ?? null;
      return log;
    },

    async answerCall(sidOrRecord, opts = {}) {
      const callSid = typeof sidOrRecord === 'string' ? sidOrRecord : sidOrRecord.sid;
      const record = ctx.findCall(callSid);
      if (!record) throw new Error(`Fake Twilio: no call with sid ${callSid}`);
      const log = newLog(record.sid, record.from, record.to, 'outbound-api');
      const p = record.params;
      const finish = async (status: string, extra: Record<string, string>) => {
        if (record.statusCallback) await ctx.sendStatusCallback(record, status, extra);
        else record.status = status;
      };
      if (record.endedByApi) {
        log.ended = 'ended-by-api';
        return log;
      }
      if (opts.busy || opts.noAnswer) {
        log.ended = opts.busy ? 'busy' : 'no-answer';
        await finish(log.ended, { CallDuration: '0' });
        return log;
      }
      const answeredBy = opts.answeredBy ?? 'human';
      log.answeredBy = answeredBy;
      record.answeredBy = answeredBy;
      record.status = 'in-progress';
      const amd = Boolean(p.MachineDetection);
      const asyncAmd = amd && p.AsyncAmd === 'true';
      // Asynchronous AMD: the TwiML starts at once and the verdict comes a few seconds in.
      const detectionMs = opts.machineDetectionMs ?? 2500;
      let verdictDueMs = asyncAmd && p.AsyncAmdStatusCallback ? (opts.amdDelayMs ?? detectionMs) : null;
      let elapsedMs = 0;
      const postVerdict = async () => {
        if (verdictDueMs === null) return;
        verdictDueMs = null;
        await request(log, 'callee', 'amd', p.AsyncAmdStatusCallback, methodOf(p.AsyncAmdStatusCallbackMethod), {
          CallSid: record.sid,
          AccountSid: ctx.accountSid,
          AnsweredBy: answeredBy,
          MachineDetectionDuration: String(opts.machineDetectionMs ?? opts.amdDelayMs ?? detectionMs),
        });
      };
      if (verdictDueMs !== null && verdictDueMs <= 0) await postVerdict();
      const leg: Leg = {
        label: 'callee',
        role: 'callee',
        base: {
          CallSid: record.sid,
          AccountSid: ctx.accountSid,
          From: record.from,
          To: record.to,
          Caller: record.from,
          Called: record.to,
          Direction: 'outbound-api',
          ApiVersion: '2010-04-01',
          // Synchronous AMD reports the answer in the document request itself.
          ...(amd && !asyncAmd ? { AnsweredBy: answeredBy } : {}),
        },
        digits: answeredBy === 'human' ? [...(opts.digits ?? [])] : [],
        message: opts.message ?? null,
        hangUpAt: null,
        said: log.said,
        started: true,
        parties: opts.parties ?? {},
        partyDigits: new Map(),
        stopped: () => record.endedByApi === true,
        beforeVerb: async (el) => {
          if (verdictDueMs !== null && elapsedMs >= verdictDueMs) await postVerdict();
          elapsedMs += verbMs(el);
        },
      };
      const end = await runLeg(
        log,
        leg,
        record.twiml !== undefined
          ? { twiml: record.twiml }
          : { url: record.url ?? '', method: methodOf(p.Method), params: {} },
      );
      await postVerdict();
      log.ended = end.end;
      log.error = end.error ?? null;
      await finish('completed', {
        CallDuration: String(opts.durationSeconds ?? 20),
        ...(amd ? { AnsweredBy: answeredBy } : {}),
      });
      return log;
    },
  };
}
