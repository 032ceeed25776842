import { Hono } from 'hono';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { isPageLoad } from './link.routes.js';
import { LinkGonePage } from './link.views.js';
import { LIST_LINK_PREFIX, OnCallListLinks } from './list-link.service.js';
import { ListLinkPage } from './list-link.views.js';

/** What the list link's route needs: the database, the clock, and the settings for wording and expiry. */
export interface ListLinkRouteDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'office' | 'onCall'> & { twilio: Pick<Config['twilio'], 'phoneNumber'> };
}

/**
 * `GET /m/list/{token}`: the list of every enquiry of one bundled page text (see
 * src/oncall/list-link.service.ts). Unknown, tampered and expired tokens get the same 410 page as
 * the page link. Mounted under /m/, so it has the page link's headers (no referrer, no store,
 * noindex); no desk session is read or made.
 */
export function onCallListLinkRoutes(deps: ListLinkRouteDeps) {
  const { config, clock } = deps;
  const lists = new OnCallListLinks({ db: deps.db, clock });
  const app = new Hono();
  app.get(`${LIST_LINK_PREFIX}:token`, async (c) => {
    const view = await lists.view(c.req.param('token'), { record: isPageLoad(c.req) });
    if (!view) {
      c.status(410);
      return c.html(
        <LinkGonePage
          office={config.office}
          pressOfficeNumber={config.twilio.phoneNumber}
          linkHours={config.onCall.linkHours}
        />,
      );
    }
    return c.html(<ListLinkPage office={config.office} now={clock()} view={view} />);
  });
  return app;
}
