import { Hono, type Context } from 'hono';
import { actorOf, rowId } from '../web/handlers.js';
import { deskSession, type DeskEnv } from '../web/session.js';
import { type IssuedFeed, RotaFeeds, type RotaFeedsDeps } from './feed.service.js';
import { FEEDS_PATH, FeedsPage } from './feed.views.js';

// Confirmations after a redirect are chosen by a fixed key, never by text from the query string.
const FEED_NOTICES: Partial<Record<string, string>> = {
  revoked: 'The feed has been revoked: its address no longer works.',
  none: 'There was no feed to revoke.',
};

/**
 * The rota's calendar feeds on the desk (`/desk/rota/feeds…`, manager only, under the rota's
 * area): the page, and making (or replacing) and revoking a person's feed or the manager's own
 * whole-rota feed. A new feed's address is shown in the answer to the POST itself (not stored,
 * not in a redirect's URL), with `no-store` so no cache keeps it.
 */
export function feedDeskRoutes(deps: RotaFeedsDeps) {
  const feeds = new RotaFeeds(deps);
  const app = new Hono<DeskEnv>();
  // The desk is mounted at /desk: these paths are relative to it.
  const path = FEEDS_PATH.slice('/desk'.length);

  async function render(c: Context<DeskEnv>, extra: { issued?: IssuedFeed; notice?: string }) {
    const session = deskSession(c);
    const overview = await feeds.overview(session.user.id);
    if (extra.issued) c.header('Cache-Control', 'no-store');
    return c.html(
      <FeedsPage session={session} office={deps.config.office} now={deps.clock()} overview={overview} {...extra} />,
    );
  }

  app.get(path, (c) => render(c, { notice: FEED_NOTICES[c.req.query('done') ?? ''] }));

  app.post(`${path}/people/:id`, async (c) => {
    const issued = await feeds.issueForPerson(rowId(c, 'person'), actorOf(c));
    return render(c, { issued });
  });

  app.post(`${path}/people/:id/revoke`, async (c) => {
    const revoked = await feeds.revokeForPerson(rowId(c, 'person'), actorOf(c));
    return c.redirect(`${FEEDS_PATH}?done=${revoked ? 'revoked' : 'none'}`, 303);
  });

  app.post(`${path}/rota`, async (c) => render(c, { issued: await feeds.issueWholeRota(actorOf(c)) }));

  app.post(`${path}/rota/revoke`, async (c) => {
    const revoked = await feeds.revokeWholeRota(actorOf(c));
    return c.redirect(`${FEEDS_PATH}?done=${revoked ? 'revoked' : 'none'}`, 303);
  });

  return app;
}
