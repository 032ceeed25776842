/**
 * What callers and officers hear on the press office line: TwiML made with twilio's
 * `VoiceResponse`, one function per moment of the call. Pure: the service decides which.
 * Every action URL is absolute (PUBLIC_BASE_URL), as Twilio signs and posts to it.
 */
import twilio from 'twilio';

type VoiceResponse = InstanceType<typeof twilio.twiml.VoiceResponse>;

const VOICE = { voice: 'alice', language: 'en-GB' } as const;

/** The routes of the phone line, absolute, for one service. */
export interface VoiceUrls {
  gather: string;
  whisper: (callSid: string) => string;
  dialResult: string;
  recording: string;
  transcription: string;
}

/** The phone line's URLs under `publicBaseUrl`. */
export function voiceUrls(publicBaseUrl: string): VoiceUrls {
  const base = `${publicBaseUrl.replace(/\/+$/, '')}/twilio/voice`;
  return {
    gather: `${base}/gather`,
    whisper: (callSid) => `${base}/whisper?call=${encodeURIComponent(callSid)}`,
    dialResult: `${base}/dial-result`,
    recording: `${base}/recording`,
    transcription: `${base}/transcription`,
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

function say(r: VoiceResponse | ReturnType<VoiceResponse['gather']>, text: string) {
  r.say(VOICE, text);
}

/** In office hours: ring every desk phone at once, showing the caller's number; the result goes to dial-result. */
export function ringDesk(opts: {
  deskNumbers: string[];
  ringSeconds: number;
  callerId: string | null;
  urls: VoiceUrls;
}): string {
  const r = new twilio.twiml.VoiceResponse();
  say(r, 'Press office. Putting you through.');
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
export function outOfHoursMenu(opts: { closedText: string; urls: VoiceUrls; again?: boolean }): string {
  const r = new twilio.twiml.VoiceResponse();
  const choice = 'If your enquiry is urgent and cannot wait, press 1. To leave a message for the morning, press 2.';
  const first = r.gather({ numDigits: 1, timeout: 6, action: opts.urls.gather, method: 'POST' });
  say(first, opts.again ? `Sorry, that is not one of the choices. ${choice}` : `${opts.closedText} ${choice}`);
  const second = r.gather({ numDigits: 1, timeout: 6, action: opts.urls.gather, method: 'POST' });
  say(second, choice);
  r.redirect({ method: 'POST' }, `${opts.urls.gather}?default=2`);
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
}): string {
  const r = new twilio.twiml.VoiceResponse();
  say(r, 'Putting you through to the on-call press officer. Please hold.');
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
export function askForMessage(opts: { before?: string; maxSeconds: number; urls: VoiceUrls }): string {
  const r = new twilio.twiml.VoiceResponse();
  say(
    r,
    `${opts.before ? `${opts.before} ` : ''}Please leave your name, your publication, your deadline and your enquiry after the tone. Press the hash key or hang up when you have finished.`,
  );
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
  say(r, 'We did not hear a message. Goodbye.');
  r.hangup();
  return r.toString();
}

/** After a message: thanks, the reference (read so it can be written down) and the honest next step. */
export function messageTaken(opts: {
  reference: string;
  nextStep: string;
  smsFollows: boolean;
  joined: boolean;
}): string {
  const r = new twilio.twiml.VoiceResponse();
  const what = opts.joined
    ? `Thank you, we have added this to your enquiry ${spokenReference(opts.reference)}.`
    : `Thank you. Your message has been passed to the press office. Your reference is ${spokenReference(opts.reference)}.`;
  const text = `${what} ${opts.nextStep}${opts.smsFollows ? ' We will also send the reference to you by text message.' : ''} Goodbye.`;
  say(r, text);
  r.hangup();
  return r.toString();
}

/** End the call, saying `text` first when given. */
export function goodbye(text?: string): string {
  const r = new twilio.twiml.VoiceResponse();
  if (text) say(r, text);
  r.hangup();
  return r.toString();
}
