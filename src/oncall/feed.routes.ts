import { Hono } from 'hono';
import type pg from 'pg';
import type { Config } from '../config.js';
import { linkBudget } from '../http/bearer-link.js';
import type { Logger } from '../log.js';
import { FEED_PREFIX, RotaFeeds, type RotaFeedsDeps } from './feed.service.js';

/** What the feed's route needs: what the feeds are read from, and the pool and settings of the per-address budget. */
export interface FeedRouteDeps extends Omit<RotaFeedsDeps, 'config'> {
  config: RotaFeedsDeps['config'] & Pick<Config, 'status' | 'intake'>;
  pool: pg.Pool;
  log: Logger;
}

/**
 * `GET /rota/feed/{token}.ics`: a rota calendar feed (src/oncall/feed.service.ts) as
 * `text/calendar`. Unknown, tampered, revoked and replaced tokens all get the same plain 404 (a
 * calendar app shows its own error; a page would be noise). No desk session is read. Every
 * request spends a point of the client address's budget (`status.rateLimit`, like the other
 * bearer links), so tokens cannot be guessed at speed; a calendar refreshes about hourly.
 */
export function feedRoutes(deps: FeedRouteDeps) {
  const feeds = new RotaFeeds(deps);
  const app = new Hono();
  app.use(
    `${FEED_PREFIX}*`,
    linkBudget({
      pool: deps.pool,
      log: deps.log,
      limit: deps.config.status.rateLimit,
      keyPrefix: 'rota-feed',
      trustProxyHops: deps.config.intake.trustProxyHops,
    }),
    async (c, next) => {
      await next();
      // The token is in the path: keep it out of every Referer, cache and search engine.
      c.res.headers.set('Referrer-Policy', 'no-referrer');
      c.res.headers.set('Cache-Control', 'no-store');
      c.res.headers.set('X-Robots-Tag', 'noindex, nofollow');
    },
  );
  app.get(`${FEED_PREFIX}:file`, async (c) => {
    const text = await feeds.calendar(c.req.param('file'));
    if (text === null) return c.text('Not found', 404);
    return c.body(text, 200, { 'Content-Type': 'text/calendar; charset=utf-8' });
  });
  return app;
}
