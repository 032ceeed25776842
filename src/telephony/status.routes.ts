import { Hono } from 'hono';
import { AppError } from '../http/errors.js';
import type { DeliveryStatusService } from '../outbox/delivery-status.js';
import { twilioParams, verifyTwilioSignature, type TwilioWebhookEnv } from './signature.js';

/**
 * Twilio's delivery callbacks, mounted under `/twilio` and signed like every webhook:
 * `POST /status` (message or call status). The outbox routes each to the owner of what was sent
 * (a failed page escalates at once; a journalist's text gets a timeline entry).
 */
export function deliveryStatusRoutes(deps: { deliveryStatus: DeliveryStatusService; authToken: string; publicBaseUrl: string }) {
  const app = new Hono<TwilioWebhookEnv>();
  const verify = verifyTwilioSignature({ authToken: deps.authToken, publicBaseUrl: deps.publicBaseUrl });

  app.post('/status', verify, async (c) => {
    const p = twilioParams(c);
    if (p.CallSid && p.CallStatus) {
      await deps.deliveryStatus.handle({ sid: p.CallSid, status: p.CallStatus, medium: 'call', errorCode: p.ErrorCode });
    } else if ((p.MessageSid || p.SmsSid) && (p.MessageStatus || p.SmsStatus)) {
      await deps.deliveryStatus.handle({ sid: p.MessageSid || p.SmsSid, status: p.MessageStatus || p.SmsStatus, medium: 'sms', errorCode: p.ErrorCode });
    } else {
      throw new AppError('bad_request', 'Expected MessageSid and MessageStatus, or CallSid and CallStatus');
    }
    return c.body(null, 204);
  });

  return app;
}
