import { Hono } from 'hono';
import twilio from 'twilio';
import { AppError } from '../http/errors.js';
import { normalisePhone } from '../enquiries/enquiry.input.js';
import type { InboundSmsService } from './inbound.service.js';
import { twilioParams, verifyTwilioSignature, type TwilioWebhookEnv } from './signature.js';

/** TwiML that sends `text` back to the sender of the inbound message. */
export function messagingTwiml(text: string): string {
  const response = new twilio.twiml.MessagingResponse();
  response.message(text);
  return response.toString();
}

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
    const from = p.From ? normalisePhone(p.From) : null;
    if (!from) throw new AppError('bad_request', 'From must be a phone number');
    const reply = await deps.inbound.receive({ messageSid, from, body: p.Body ?? '' });
    return c.body(messagingTwiml(reply), 200, { 'Content-Type': 'text/xml; charset=utf-8' });
  });

  return app;
}
