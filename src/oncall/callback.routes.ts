import { Hono } from 'hono';
import { AppError } from '../http/errors.js';
import { twilioParams, verifyTwilioSignature, type TwilioWebhookEnv } from '../telephony/signature.js';
import { TWIML_HEADERS } from '../telephony/twiml.js';
import type { OnCallActions } from './oncall-actions.service.js';
import twilio from 'twilio';

/** The idempotency key of an on-call officer's callback, as the URLs of its steps carry it. */
const CALLBACK_KEY = /^callback:[\w:.-]{1,190}$/;

/**
 * The steps of an on-call officer's callback to a journalist, mounted under `/twilio` and signed
 * like every webhook: `POST /voice/callback-connect?key=…` (after the greeting) rings the
 * journalist once a person answered the officer's phone; `POST /voice/callback-result?key=…`
 * (the `<Dial>` action) records how the journalist's leg ended and for how long on the
 * enquiry's timeline, then ends the officer's call.
 */
export function callbackRoutes(deps: { onCallActions: OnCallActions; authToken: string; publicBaseUrl: string }) {
  const app = new Hono<TwilioWebhookEnv>();
  const verify = verifyTwilioSignature({ authToken: deps.authToken, publicBaseUrl: deps.publicBaseUrl });

  // The greeting's <Redirect>: ring the journalist once a person (not a voicemail box) answered.
  app.post('/voice/callback-connect', verify, async (c) => {
    const key = c.req.query('key') ?? '';
    if (!CALLBACK_KEY.test(key)) throw new AppError('bad_request', 'key must name a callback');
    const waitText = c.req.query('wait') ?? '0';
    if (!/^\d{1,2}$/.test(waitText)) throw new AppError('bad_request', 'wait must be a small whole number');
    const answer = await deps.onCallActions.connect(key, Number(waitText));
    if (answer === null) throw new AppError('not_found', 'No such callback');
    return c.body(answer, 200, TWIML_HEADERS);
  });

  app.post('/voice/callback-result', verify, async (c) => {
    const key = c.req.query('key') ?? '';
    const p = twilioParams(c);
    if (!CALLBACK_KEY.test(key)) throw new AppError('bad_request', 'key must name a callback');
    if (!p.DialCallStatus) throw new AppError('bad_request', 'DialCallStatus is required');
    const seconds = p.DialCallDuration && /^\d{1,6}$/.test(p.DialCallDuration) ? Number(p.DialCallDuration) : null;
    const known = await deps.onCallActions.callbackEnded(key, { status: p.DialCallStatus, seconds });
    if (!known) throw new AppError('not_found', 'No such callback');
    const r = new twilio.twiml.VoiceResponse();
    if (p.DialCallStatus !== 'completed')
      r.say({ voice: 'alice', language: 'en-GB' }, 'The journalist did not answer. Goodbye.');
    r.hangup();
    return c.body(r.toString(), 200, TWIML_HEADERS);
  });

  return app;
}
