import { Hono, type Context } from 'hono';
import { AppError } from '../http/errors.js';
import { isE164 } from '../ids.js';
import { normalisePhone } from '../enquiries/enquiry.input.js';
import { twilioParams, verifyTwilioSignature, type TwilioWebhookEnv } from '../telephony/signature.js';
import { TWIML_HEADERS } from '../telephony/twiml.js';
import type { CallRef, VoiceService } from './voice.service.js';

/**
 * What carriers put in `From` when the caller withholds their number: Twilio passes "anonymous",
 * "restricted", "unknown" and the like, or one of a few placeholder numbers.
 */
const WITHHELD =
  /^(anonymous|restricted|unknown|unavailable|private|withheld|\+?266696687|\+?7378742833|\+?2562533|\+?86282452253)$/i;

/** The caller's number as stored: E.164, or null when withheld or unreadable. */
export function callerNumber(raw: string | undefined): string | null {
  const from = (raw ?? '').trim();
  if (!from || WITHHELD.test(from)) return null;
  if (isE164(from)) return from;
  return normalisePhone(from);
}

const CALL_SID = /^CA[0-9a-fA-F]{32}$/;
const RECORDING_SID = /^RE[0-9a-fA-F]{32}$/;

function callRef(c: Context<TwilioWebhookEnv>): CallRef {
  const p = twilioParams(c);
  if (!p.CallSid || !CALL_SID.test(p.CallSid)) throw new AppError('bad_request', 'CallSid is required');
  const lang = c.req.query('lang');
  return { callSid: p.CallSid, from: callerNumber(p.From ?? p.Caller), ...(lang ? { lang } : {}) };
}

/** Seconds Twilio reported (a whole number), or null when absent or not a number. */
function seconds(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,6}$/.test(value)) return null;
  return Number(value);
}

/**
 * The press office's phone line, mounted under `/twilio` and signed like every webhook (403 and
 * nothing stored otherwise): `POST /voice` (a call to the office number), `/voice/language` (the
 * choice of language, when the office offers two), `/voice/gather` (the out-of-hours choice), `/voice/whisper` (the on-call officer's leg), `/voice/dial-result`,
 * `/voice/recording` (the message left) and `/voice/transcription` (204). Each answers TwiML.
 */
export function voiceRoutes(deps: { voice: VoiceService; authToken: string; publicBaseUrl: string }) {
  const app = new Hono<TwilioWebhookEnv>();
  const verify = verifyTwilioSignature({ authToken: deps.authToken, publicBaseUrl: deps.publicBaseUrl });
  const twimlOf = (c: Context<TwilioWebhookEnv>, body: string) => c.body(body, 200, TWIML_HEADERS);

  app.post('/voice', verify, async (c) => twimlOf(c, await deps.voice.incoming(callRef(c))));

  // The language choice (issue 31): the key pressed, or the redirect after none (`?lang=` the first).
  app.post('/voice/language', verify, async (c) =>
    twimlOf(c, await deps.voice.chooseLanguage(callRef(c), twilioParams(c).Digits ?? '')),
  );

  app.post('/voice/gather', verify, async (c) => {
    const digits = twilioParams(c).Digits ?? '';
    // The menu's redirect after two unanswered prompts says ?default=2.
    const key = digits || (c.req.query('default') === '2' ? '2' : '');
    return twimlOf(c, await deps.voice.gather(callRef(c), key));
  });

  app.post('/voice/whisper', verify, async (c) => {
    const parent = c.req.query('call') ?? '';
    if (!CALL_SID.test(parent)) throw new AppError('bad_request', 'call must be the CallSid of the caller');
    return twimlOf(c, await deps.voice.whisper(parent, twilioParams(c).Digits));
  });

  app.post('/voice/dial-result', verify, async (c) => {
    const p = twilioParams(c);
    if (!p.DialCallStatus) throw new AppError('bad_request', 'DialCallStatus is required');
    return twimlOf(
      c,
      await deps.voice.dialResult(callRef(c), { status: p.DialCallStatus, seconds: seconds(p.DialCallDuration) }),
    );
  });

  app.post('/voice/recording', verify, async (c) => {
    const p = twilioParams(c);
    if (p.RecordingSid && !RECORDING_SID.test(p.RecordingSid))
      throw new AppError('bad_request', 'RecordingSid is not a recording');
    return twimlOf(
      c,
      await deps.voice.recording(callRef(c), {
        recordingSid: p.RecordingSid || null,
        seconds: seconds(p.RecordingDuration) ?? 0,
      }),
    );
  });

  app.post('/voice/transcription', verify, async (c) => {
    const p = twilioParams(c);
    if (!p.RecordingSid || !RECORDING_SID.test(p.RecordingSid))
      throw new AppError('bad_request', 'RecordingSid is required');
    const text = p.TranscriptionStatus === 'completed' ? (p.TranscriptionText ?? '') : null;
    await deps.voice.transcription({ recordingSid: p.RecordingSid, text });
    return c.body(null, 204);
  });

  return app;
}
