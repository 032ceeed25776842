/**
 * What callers and officers hear on the press office line: TwiML made with twilio's
 * `VoiceResponse`, one function per moment of the call. Pure: the service decides which.
 * Every action URL is absolute (PUBLIC_BASE_URL), as Twilio signs and posts to it.
 */
import twilio from 'twilio';
import { t } from '../i18n/catalogue.js';
import type { Lang } from '../i18n/languages.js';

type VoiceResponse = InstanceType<typeof twilio.twiml.VoiceResponse>;

const VOICE = { voice: 'alice', language: 'en-GB' } as const;
/**
 * The voice for each language: English keeps the voice the line always had; Welsh is Twilio's
 * one Welsh voice, Amazon Polly's Gwyneth (cy-GB).
 */
const VOICES = {
  en: VOICE,
  cy: { voice: 'Polly.Gwyneth', language: 'cy-GB' },
} as const satisfies Record<Lang, { voice: string; language: string }>;

/** The routes of the phone line, absolute, for one service. */
export interface VoiceUrls {
  gather: string;
  whisper: (callSid: string) => string;
  dialResult: string;
  recording: string;
  transcription: string;
  /** Where the language choice (issue 31) posts the key pressed, or nothing. */
  language: string;
}

/** `url` with `name=value` added to its query. */
export function withQuery(url: string, name: string, value: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${name}=${encodeURIComponent(value)}`;
}

/**
 * The phone line's URLs under `publicBaseUrl`. With `lang` (an office offering more than one
 * language), the caller's steps carry `?lang=` so every later webhook answers in the language
 * they chose; without it the URLs are as they always were. The officer's whisper stays English.
 */
export function voiceUrls(publicBaseUrl: string, lang?: Lang): VoiceUrls {
  const base = `${publicBaseUrl.replace(/\/+$/, '')}/twilio/voice`;
  const tagged = (url: string) => (lang ? withQuery(url, 'lang', lang) : url);
  return {
    gather: tagged(`${base}/gather`),
    whisper: (callSid) => `${base}/whisper?call=${encodeURIComponent(callSid)}`,
    dialResult: tagged(`${base}/dial-result`),
    recording: tagged(`${base}/recording`),
    transcription: `${base}/transcription`,
    language: `${base}/language`,
  };
}

/** A phone number read out digit by digit ("+44 7700…" → "0 7 7 0 0 …" for UK numbers), or "a withheld number". */
export function spokenNumber(e164: string | null): string {
  if (!e164) return 'a withheld number';
  const national = e164.startsWith('+44') ? `0${e164.slice(3)}` : e164.replace(/^\+/, 'plus ');
  return national
    .replace(/\d/g, (d) => ` ${d}`)
    .replace(/\s+/g, ' ')
    .trim();
}

/** A reference read out so it can be written down: "PD-7KQ-2MX" → "P D, 7 K Q, 2 M X". */
export function spokenReference(reference: string): string {
  return reference
    .split('-')
    .map((part) => part.split('').join(' '))
    .join(', ');
}

function say(r: VoiceResponse | ReturnType<VoiceResponse['gather']>, text: string, lang: Lang = 'en') {
  r.say(VOICES[lang], text);
}

/**
 * The first thing a caller hears when the office offers two languages (issue 31): one line in
 * the second language, in its own voice ("Press 9 for English", or "Pwyswch 9 am Gymraeg"), a
 * short wait for the key, then on to the call in the chosen language. No key is the first language.
 */
export function languageChoice(opts: { second: Lang; first: Lang; urls: VoiceUrls }): string {
  const r = new twilio.twiml.VoiceResponse();
  const g = r.gather({ numDigits: 1, timeout: 3, action: opts.urls.language, method: 'POST' });
  say(g, t(opts.second, 'voice.languageChoice'), opts.second);
  r.redirect({ method: 'POST' }, withQuery(opts.urls.language, 'lang', opts.first));
  return r.toString();
}

/** In office hours: ring every desk phone at once, showing the caller's number; the result goes to dial-result. */
export function ringDesk(opts: {
  deskNumbers: string[];
  ringSeconds: number;
  callerId: string | null;
  urls: VoiceUrls;
  lang?: Lang;
}): string {
  const r = new twilio.twiml.VoiceResponse();
  say(r, t(opts.lang ?? 'en', 'voice.puttingThrough'), opts.lang);
  const dial = r.dial({
    timeout: opts.ringSeconds,
    action: opts.urls.dialResult,
    method: 'POST',
    answerOnBridge: true,
    ...(opts.callerId ? { callerId: opts.callerId } : {}),
  });
  for (const n of opts.deskNumbers) dial.number(n);
  return r.toString();
}

/**
 * Out of hours: the truth from the office calendar (`closedText`), then the choice, asked twice;
 * no key at all is taken as 2 (a message for the morning) through a redirect to gather.
 */
export function outOfHoursMenu(opts: { closedText: string; urls: VoiceUrls; again?: boolean; lang?: Lang }): string {
  const lang = opts.lang ?? 'en';
  const r = new twilio.twiml.VoiceResponse();
  const choice = t(lang, 'voice.menuChoice');
  const first = r.gather({ numDigits: 1, timeout: 6, action: opts.urls.gather, method: 'POST' });
  say(first, opts.again ? `${t(lang, 'voice.notAChoice')} ${choice}` : `${opts.closedText} ${choice}`, lang);
  const second = r.gather({ numDigits: 1, timeout: 6, action: opts.urls.gather, method: 'POST' });
  say(second, choice, lang);
  r.redirect({ method: 'POST' }, withQuery(opts.urls.gather, 'default', '2'));
  return r.toString();
}

/**
 * Out of hours, urgent: ring the on-call officer with the press office number as caller ID; the
 * officer first hears the whisper and must press 1, so a personal voicemail never takes the call.
 */
export function connectOnCall(opts: {
  callSid: string;
  officerNumber: string;
  ringSeconds: number;
  pressOfficeNumber: string;
  urls: VoiceUrls;
  lang?: Lang;
}): string {
  const r = new twilio.twiml.VoiceResponse();
  say(r, t(opts.lang ?? 'en', 'voice.connectingOnCall'), opts.lang);
  const dial = r.dial({
    timeout: opts.ringSeconds,
    action: opts.urls.dialResult,
    method: 'POST',
    answerOnBridge: true,
    callerId: opts.pressOfficeNumber,
  });
  dial.number({ url: opts.urls.whisper(opts.callSid), method: 'POST' }, opts.officerNumber);
  return r.toString();
}

/** What the officer hears on answering: who is calling, and press 1 to take it (asked twice); otherwise the leg ends. */
export function whisper(opts: { from: string | null; acceptUrl: string }): string {
  const r = new twilio.twiml.VoiceResponse();
  const text = `Media call for the press office, from ${spokenNumber(opts.from)}. Press 1 to accept.`;
  const g = r.gather({ numDigits: 1, timeout: 8, action: opts.acceptUrl, method: 'POST' });
  say(g, text);
  say(g, text);
  say(r, 'Call not accepted. Goodbye.');
  r.hangup();
  return r.toString();
}

/** The officer pressed 1: an empty document, after which Twilio bridges the two legs. */
export function bridge(): string {
  return new twilio.twiml.VoiceResponse().toString();
}

/** The officer pressed something else, or the call is no longer waiting: end this leg. */
export function declineLeg(text = 'Call not accepted. Goodbye.'): string {
  const r = new twilio.twiml.VoiceResponse();
  say(r, text);
  r.hangup();
  return r.toString();
}

/** Ask for a message after the tone (after `before`, when there is something to explain first). */
export function askForMessage(opts: { before?: string; maxSeconds: number; urls: VoiceUrls; lang?: Lang }): string {
  const lang = opts.lang ?? 'en';
  const r = new twilio.twiml.VoiceResponse();
  say(r, `${opts.before ? `${opts.before} ` : ''}${t(lang, 'voice.leaveMessage')}`, lang);
  r.record({
    action: opts.urls.recording,
    method: 'POST',
    maxLength: opts.maxSeconds,
    timeout: 10,
    playBeep: true,
    finishOnKey: '#',
    transcribe: true,
    transcribeCallback: opts.urls.transcription,
  });
  // Reached only when the caller said nothing at all.
  say(r, t(lang, 'voice.noMessageHeard'), lang);
  r.hangup();
  return r.toString();
}

/** After a message: thanks, the reference (read so it can be written down) and the honest next step. */
export function messageTaken(opts: {
  reference: string;
  nextStep: string;
  smsFollows: boolean;
  joined: boolean;
  lang?: Lang;
}): string {
  const lang = opts.lang ?? 'en';
  const r = new twilio.twiml.VoiceResponse();
  const reference = spokenReference(opts.reference);
  const what = t(lang, opts.joined ? 'voice.messageJoined' : 'voice.messageTaken', { reference });
  const text = `${what} ${opts.nextStep}${opts.smsFollows ? ` ${t(lang, 'voice.smsFollows')}` : ''} ${t(lang, 'voice.goodbye')}`;
  say(r, text, lang);
  r.hangup();
  return r.toString();
}

/** End the call, saying `text` first when given. */
export function goodbye(text?: string, lang?: Lang): string {
  const r = new twilio.twiml.VoiceResponse();
  if (text) say(r, text, lang);
  r.hangup();
  return r.toString();
}
