import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Config } from '../config.js';
import { normaliseReference } from '../enquiries/reference.js';
import { findByReference } from '../enquiries/enquiries.repository.js';
import type { Db } from '../db/database.js';
import { AppError } from '../http/errors.js';
import { deskSession, type DeskEnv } from '../web/session.js';
import type { AuthService } from './auth.service.js';
import type { LiveFeed } from './live-feed.js';
import { HEARTBEAT_SECONDS, isWritingIn, type PresenceService } from './presence.service.js';
import { presentLine, presenceText } from './presence.views.js';

/** A tab's id, as presence.js makes it (a UUID); anything else is refused, naming the field. */
const TAB = /^[A-Za-z0-9-]{8,64}$/;

/**
 * Presence on the enquiry page (issue 29): the page's heartbeat (`POST /desk/presence/:reference`,
 * fields `tab` and `writing`), its leaving (`POST …/leave`, sent by sendBeacon as the page is
 * hidden) and the enquiry's own live stream (`GET …/events`: who else has it open, pushed when it
 * changes in any process and re-read every heartbeat so an expired officer drops off). JSON
 * errors (the desk feature lists `/desk/presence/*`). The stream ends with its session, as the
 * queue's does.
 */
export function presenceRoutes(deps: {
  db: Db;
  config: Pick<Config, 'desk'>;
  auth: Pick<AuthService, 'stillLive'>;
  presence: PresenceService;
  /** Ended sessions (issue 30, item 3): a stream of one closes at once, not at its next check. */
  live?: Pick<LiveFeed, 'subscribeSessionEnds'>;
}) {
  const app = new Hono<DeskEnv>();
  /** Presence streams open in this process, per session (token hash). */
  const openStreams = new Map<string, number>();

  function referenceOf(raw: string | undefined): string {
    const ref = normaliseReference(raw ?? '');
    if (!ref) throw new AppError('not_found', 'That is not an enquiry reference.');
    return ref;
  }

  async function tabOf(c: { req: { parseBody(): Promise<Record<string, unknown>> } }) {
    const body = await c.req.parseBody();
    const tab = typeof body.tab === 'string' ? body.tab : '';
    if (!TAB.test(tab))
      throw new AppError('validation', 'Say which page this is', { fields: { tab: 'Send the page’s tab id' } });
    const writing = body.writing;
    if (writing !== undefined && writing !== '' && !isWritingIn(writing))
      throw new AppError('validation', 'Say what is being written', {
        fields: { writing: 'Send response, reply, note, line, or nothing' },
      });
    return { tab, writing: isWritingIn(writing) ? writing : null };
  }

  app.post('/presence/:reference', async (c) => {
    const reference = referenceOf(c.req.param('reference'));
    const { tab, writing } = await tabOf(c);
    await deps.presence.beat(reference, deskSession(c).user, tab, writing);
    return c.body(null, 204);
  });

  app.post('/presence/:reference/leave', async (c) => {
    const reference = referenceOf(c.req.param('reference'));
    const { tab } = await tabOf(c);
    await deps.presence.leave(reference, deskSession(c).user, tab);
    return c.body(null, 204);
  });

  app.get('/presence/:reference/events', async (c) => {
    const reference = referenceOf(c.req.param('reference'));
    const e = await findByReference(deps.db, reference);
    if (!e) throw new AppError('not_found', `There is no enquiry ${reference}.`);
    const session = deskSession(c);
    const key = session.session.token_hash;
    const { sessionCheckSeconds, maxStreamsPerSession } = deps.config.desk.liveQueue;
    const open = openStreams.get(key) ?? 0;
    if (open >= maxStreamsPerSession) {
      // An error status (not a stream that ends) stops a browser's EventSource from retrying.
      throw new AppError(
        'rate_limited',
        `This sign-in already has ${open} enquiry pages open live. Close a tab, or reload it.`,
        { retryAfterSeconds: sessionCheckSeconds },
      );
    }
    openStreams.set(key, open + 1);
    c.header('Cache-Control', 'no-store');
    return streamSSE(c, async (stream) => {
      let pending = true;
      let wake: (() => void) | null = null;
      const unsubscribe = deps.presence.subscribe((ref) => {
        if (ref !== reference) return;
        pending = true;
        wake?.();
      });
      // This user's sessions were ended in some process: check this one at the next turn of the loop.
      let checkNow = false;
      const unended =
        deps.live?.subscribeSessionEnds((userId) => {
          if (userId !== session.user.id) return;
          checkNow = true;
          wake?.();
        }) ?? (() => undefined);
      stream.onAbort(() => {
        unsubscribe();
        unended();
        wake?.();
      });
      const sessionEnded = async () => !(await deps.auth.stillLive(session).catch(() => true));
      let last = '';
      let lastSessionCheck = Date.now();
      try {
        await deps.presence.ready();
        await stream.writeSSE({ event: 'ready', data: '{}' });
        while (!stream.aborted) {
          if (pending) {
            pending = false;
            const people = await deps.presence.others(e.id, session.user.id);
            const data = JSON.stringify({
              text: presenceText(people),
              people: people.map((p) => ({ name: p.name, writing: p.writing, line: presentLine(p) })),
            });
            // Only a change is sent: the live region speaks once per change, not every heartbeat.
            if (data !== last) {
              last = data;
              await stream.writeSSE({ event: 'presence', data });
            } else await stream.write(': keep-alive\n\n');
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            if (pending || checkNow) resolve();
            // Re-read every heartbeat: an officer whose page died without a goodbye expires.
            setTimeout(resolve, Math.min(HEARTBEAT_SECONDS, sessionCheckSeconds) * 1000).unref();
          });
          wake = null;
          if (stream.aborted) break;
          if (checkNow || Date.now() - lastSessionCheck >= sessionCheckSeconds * 1000) {
            checkNow = false;
            lastSessionCheck = Date.now();
            if (await sessionEnded()) break;
          }
          if (!pending) pending = true;
        }
      } finally {
        unsubscribe();
        unended();
        const left = (openStreams.get(key) ?? 1) - 1;
        if (left > 0) openStreams.set(key, left);
        else openStreams.delete(key);
      }
    });
  });

  return app;
}
