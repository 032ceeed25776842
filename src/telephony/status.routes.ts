import { Hono } from 'hono';
import { AppError } from '../http/errors.js';
import type { DeliveryStatusService } from '../outbox/delivery-status.js';
import { twilioParams, verifyTwilioSignature, type TwilioWebhookEnv } from './signature.js';

/** Twilio's `AnsweredBy` values are short snake_case words; anything else is not its callback. */
const ANSWERED_BY = /^[a-z_]{1,40}$/;

/**
 * Twilio's delivery callbacks, mounted under `/twilio` and signed like every webhook:
 * `POST /status` (message or call status, or the answering-machine verdict on a call: `CallSid`
 * and `AnsweredBy` without `CallStatus`). The outbox routes each to the owner of what was sent
 * (a failed page escalates at once, as does a page call a machine answered; a journalist's text
 * gets a timeline entry). An unknown SID is logged and answered 204 all the same.
 */
export function deliveryStatusRoutes(deps: {
  deliveryStatus: DeliveryStatusService;
  authToken: string;
  publicBaseUrl: string;
}) {
  const app = new Hono<TwilioWebhookEnv>();
  const verify = verifyTwilioSignature({ authToken: deps.authToken, publicBaseUrl: deps.publicBaseUrl });

  app.post('/status', verify, async (c) => {
    const p = twilioParams(c);
    if (p.CallSid && !p.CallStatus && p.AnsweredBy) {
      if (!ANSWERED_BY.test(p.AnsweredBy))
        throw new AppError('bad_request', "AnsweredBy is not one of Twilio's values");
      await deps.deliveryStatus.handleAnswer({ sid: p.CallSid, answeredBy: p.AnsweredBy });
    } else if (p.CallSid && p.CallStatus) {
      await deps.deliveryStatus.handle({
        sid: p.CallSid,
        status: p.CallStatus,
        medium: 'call',
        errorCode: p.ErrorCode,
      });
    } else if ((p.MessageSid || p.SmsSid) && (p.MessageStatus || p.SmsStatus)) {
      await deps.deliveryStatus.handle({
        sid: p.MessageSid || p.SmsSid,
        status: p.MessageStatus || p.SmsStatus,
        medium: 'sms',
        errorCode: p.ErrorCode,
      });
    } else {
      throw new AppError(
        'bad_request',
        'Expected MessageSid and MessageStatus, or CallSid and CallStatus or AnsweredBy',
      );
    }
    return c.body(null, 204);
  });

  return app;
}
