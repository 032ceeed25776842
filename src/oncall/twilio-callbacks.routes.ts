import { Hono } from 'hono';
import { isRowIdDigits } from '../ids.js';
import { AppError } from '../http/errors.js';
import { twilioParams, verifyTwilioSignature, type TwilioWebhookEnv } from '../telephony/signature.js';
import { TWIML_HEADERS, voiceSay } from '../telephony/twiml.js';
import type { PagingService } from './paging.service.js';

/**
 * Twilio's callback on a page call, mounted under `/twilio` and signed like every webhook:
 * `POST /voice?page=ID` (the keypress gathered on a page's call: 1 acknowledges it) and
 * `POST /voice?bundle=ID` (on a bundled call, ID its outbound row: 1 acknowledges every page it was for).
 * Delivery status of pages comes through the outbox (src/telephony/status.routes.ts).
 */
export function twilioCallbackRoutes(deps: { paging: PagingService; authToken: string; publicBaseUrl: string }) {
  const app = new Hono<TwilioWebhookEnv>();
  const verify = verifyTwilioSignature({ authToken: deps.authToken, publicBaseUrl: deps.publicBaseUrl });

  app.post('/voice', verify, async (c, next) => {
    // A call to the office number (no `page`, no `bundle`) is the phone line's (src/voice/voice.routes.ts).
    const bundle = c.req.query('bundle');
    if (c.req.query('page') === undefined && bundle === undefined) return next();
    const p = twilioParams(c);
    if (bundle !== undefined) {
      // A bundled call: `bundle` is its outbound row, which names every page the call was for.
      if (!isRowIdDigits(bundle)) throw new AppError('bad_request', 'bundle must be a call id');
      if (p.Digits !== '1')
        return c.body(voiceSay('No acknowledgement recorded. They will be escalated. Goodbye.'), 200, TWIML_HEADERS);
      const { acked, of } = await deps.paging.acknowledgeBundleByVoice(bundle, p.To || p.Called || 'voice');
      return c.body(
        voiceSay(
          acked
            ? `Acknowledged ${acked} of ${of}. Escalation stopped. Please contact the journalists. Goodbye.`
            : 'These pages were already acknowledged. Goodbye.',
        ),
        200,
        TWIML_HEADERS,
      );
    }
    // One `page` per enquiry read out: several when the call was a bundle.
    const pageIds = c.req.queries('page') ?? [];
    if (!pageIds.length || pageIds.length > 1000 || !pageIds.every((id) => isRowIdDigits(id)))
      throw new AppError('bad_request', 'page must be a page id');
    if (p.Digits !== '1')
      return c.body(
        voiceSay('No acknowledgement recorded. The enquiry will be escalated. Goodbye.'),
        200,
        TWIML_HEADERS,
      );
    const acked = await deps.paging.acknowledgeByVoice(pageIds, p.To || p.Called || 'voice');
    const done = pageIds.length > 1 ? `Acknowledged ${acked} of ${pageIds.length}.` : 'Acknowledged.';
    return c.body(
      voiceSay(
        acked
          ? `${done} Escalation stopped. Please contact the journalist. Goodbye.`
          : 'This page was already acknowledged. Goodbye.',
      ),
      200,
      TWIML_HEADERS,
    );
  });

  return app;
}
