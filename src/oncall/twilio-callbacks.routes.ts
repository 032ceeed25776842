import { Hono } from 'hono';
import twilio from 'twilio';
import { AppError } from '../http/errors.js';
import { twilioParams, verifyTwilioSignature, type TwilioWebhookEnv } from '../sms/signature.js';
import type { PagingService } from './paging.service.js';

function voiceSay(text: string): string {
  const r = new twilio.twiml.VoiceResponse();
  r.say({ voice: 'alice', language: 'en-GB' }, text);
  return r.toString();
}

/**
 * Twilio's callbacks about what we sent, mounted under `/twilio` and signed like every webhook:
 * `POST /status` (message and call status: recorded, and a failure escalates at once) and
 * `POST /voice?page=ID` (the keypress gathered on a page call: 1 acknowledges).
 */
export function twilioCallbackRoutes(deps: { paging: PagingService; authToken: string; publicBaseUrl: string }) {
  const app = new Hono<TwilioWebhookEnv>();
  const verify = verifyTwilioSignature({ authToken: deps.authToken, publicBaseUrl: deps.publicBaseUrl });

  app.post('/status', verify, async (c) => {
    const p = twilioParams(c);
    if (p.CallSid && p.CallStatus) {
      await deps.paging.handleStatus({ sid: p.CallSid, status: p.CallStatus, kind: 'call', errorCode: p.ErrorCode });
    } else if ((p.MessageSid || p.SmsSid) && (p.MessageStatus || p.SmsStatus)) {
      await deps.paging.handleStatus({ sid: p.MessageSid || p.SmsSid, status: p.MessageStatus || p.SmsStatus, kind: 'sms', errorCode: p.ErrorCode });
    } else {
      throw new AppError('bad_request', 'Expected MessageSid and MessageStatus, or CallSid and CallStatus');
    }
    return c.body(null, 204);
  });

  app.post('/voice', verify, async (c) => {
    const p = twilioParams(c);
    // One `page` per enquiry read out: several when the call was a bundle.
    const pageIds = c.req.queries('page') ?? [];
    if (!pageIds.length || pageIds.length > 1000 || !pageIds.every((id) => /^\d{1,18}$/.test(id))) throw new AppError('bad_request', 'page must be a page id');
    const xml = { 'Content-Type': 'text/xml; charset=utf-8' };
    if (p.Digits !== '1') return c.body(voiceSay('No acknowledgement recorded. The enquiry will be escalated. Goodbye.'), 200, xml);
    const acked = await deps.paging.acknowledgeByVoice(pageIds, p.To || p.Called || 'voice');
    const done = pageIds.length > 1 ? `Acknowledged ${acked} of ${pageIds.length}.` : 'Acknowledged.';
    return c.body(voiceSay(acked ? `${done} Escalation stopped. Please contact the journalist. Goodbye.` : 'This page was already acknowledged. Goodbye.'), 200, xml);
  });

  return app;
}
