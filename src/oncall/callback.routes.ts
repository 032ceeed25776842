import { Hono } from 'hono';
import { AppError } from '../http/errors.js';
import { twilioParams, verifyTwilioSignature, type TwilioWebhookEnv } from '../telephony/signature.js';
import { TWIML_HEADERS } from '../telephony/twiml.js';
import type { OnCallActions } from './oncall-actions.service.js';
import twilio from 'twilio';

/**
 * Twilio's `<Dial>` action of an on-call officer's callback to a journalist, mounted under
 * `/twilio` and signed like every webhook: `POST /voice/callback-result?key=…` records how the
 * journalist's leg ended and for how long on the enquiry's timeline, then ends the officer's call.
 */
export function callbackRoutes(deps: { onCallActions: OnCallActions; authToken: string; publicBaseUrl: string }) {
  const app = new Hono<TwilioWebhookEnv>();
  const verify = verifyTwilioSignature({ authToken: deps.authToken, publicBaseUrl: deps.publicBaseUrl });

  app.post('/voice/callback-result', verify, async (c) => {
    const key = c.req.query('key') ?? '';
    const p = twilioParams(c);
    if (!/^callback:[\w:.-]{1,190}$/.test(key)) throw new AppError('bad_request', 'key must name a callback');
    if (!p.DialCallStatus) throw new AppError('bad_request', 'DialCallStatus is required');
    const seconds = p.DialCallDuration && /^\d{1,6}$/.test(p.DialCallDuration) ? Number(p.DialCallDuration) : null;
    const known = await deps.onCallActions.callbackEnded(key, { status: p.DialCallStatus, seconds });
    if (!known) throw new AppError('not_found', 'No such callback');
    const r = new twilio.twiml.VoiceResponse();
    if (p.DialCallStatus !== 'completed') r.say({ voice: 'alice', language: 'en-GB' }, 'The journalist did not answer. Goodbye.');
    r.hangup();
    return c.body(r.toString(), 200, TWIML_HEADERS);
  });

  return app;
}
