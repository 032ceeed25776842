import { Hono } from 'hono';
import type { Db } from '../db/database.js';
import type { DeskEnv } from '../web/session.js';
import { AppError } from '../http/errors.js';
import { SANDBOX_CSP } from '../http/sandbox.js';
import type { Logger } from '../log.js';
import { TwilioSendError, type TwilioGateway } from '../telephony/twilio.client.js';
import { findPlayableRecording } from './voice.repository.js';

/**
 * The type a recording is served as: Twilio's when it is `audio/<subtype>`, otherwise
 * `audio/mpeg` (what was asked for). Whatever the upstream claimed (a proxy's HTML error page, a
 * hostile answer), the desk's origin never serves it as something a browser would run.
 */
export function audioType(upstream: string | null | undefined): string {
  const m = /^audio\/([a-z0-9!#$&^_.+-]+)\s*(;.*)?$/i.exec(upstream ?? '');
  return m ? `audio/${m[1].toLowerCase()}` : 'audio/mpeg';
}

/**
 * `GET /desk/recordings/:sid` (mounted under the desk, so staff only): a caller's message,
 * fetched from Twilio with the account's credentials on each request and never linked publicly.
 * Not found for an unknown recording, one deleted at Twilio, or one of an erased enquiry.
 */
export function recordingRoutes(deps: { db: Db; log: Logger; gateway: Pick<TwilioGateway, 'fetchRecording'> }) {
  const app = new Hono<DeskEnv>();
  app.get('/recordings/:sid', async (c) => {
    const sid = c.req.param('sid');
    if (!/^RE[0-9a-fA-F]{32}$/.test(sid)) throw new AppError('not_found', 'No such recording');
    const known = await findPlayableRecording(deps.db, sid);
    if (!known) throw new AppError('not_found', 'No such recording');
    const media = await deps.gateway.fetchRecording(sid).catch((err: unknown) => {
      // Twilio unreachable or refusing: the desk can try again; the cause goes to the log.
      if (err instanceof TwilioSendError) {
        deps.log.warn(
          { recordingSid: sid, status: err.status, twilioCode: err.twilioCode },
          'could not fetch a recording from Twilio',
        );
        throw new AppError('unavailable', 'Twilio did not send the recording just now; try again in a minute');
      }
      throw err;
    });
    if (!media) throw new AppError('not_found', 'The recording is no longer held by Twilio');
    return c.body(media.body as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': audioType(media.contentType),
      'Content-Disposition': `inline; filename="${known.reference}-message.mp3"`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': SANDBOX_CSP,
    });
  });
  return app;
}
