import { Hono } from 'hono';
import { AppError } from '../http/errors.js';
import { isE164 } from '../ids.js';
import { normalisePhone } from '../enquiries/enquiry.input.js';
import type { InboundSmsService } from './inbound.service.js';
import { twilioParams, verifyTwilioSignature, type TwilioWebhookEnv } from '../telephony/signature.js';
import { messagingTwiml, TWIML_HEADERS } from '../telephony/twiml.js';

/**
 * Twilio's inbound-SMS webhook, mounted under `/twilio`: signature checked against
 * PUBLIC_BASE_URL + path (403 and nothing stored otherwise), then the message is handled and
 * answered with TwiML.
 */
export function smsWebhookRoutes(deps: { inbound: InboundSmsService; authToken: string; publicBaseUrl: string }) {
  const app = new Hono<TwilioWebhookEnv>();
  const verify = verifyTwilioSignature({ authToken: deps.authToken, publicBaseUrl: deps.publicBaseUrl });

  app.post('/sms', verify, async (c) => {
    const p = twilioParams(c);
    const messageSid = p.MessageSid ?? p.SmsSid;
    if (!messageSid) throw new AppError('bad_request', 'MessageSid is required');
    // Twilio sends From in E.164. Take any such number as it is (a journalist's text must not be
    // lost because a number range is newer than our phone metadata); normalise anything else.
    const raw = (p.From ?? '').trim();
    const from = isE164(raw) ? raw : raw ? normalisePhone(raw) : null;
    if (!from) throw new AppError('bad_request', 'From must be a phone number');
    const reply = await deps.inbound.receive({
      messageSid,
      from,
      body: p.Body ?? '',
      optOutType: p.OptOutType ?? null,
    });
    return c.body(messagingTwiml(reply), 200, TWIML_HEADERS);
  });

  return app;
}
