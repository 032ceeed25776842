import { Hono, type Context } from 'hono';
import type pg from 'pg';
import type { Config } from '../config.js';
import { linkBudget, readLinkForm } from '../http/bearer-link.js';
import { formTokenFor } from '../http/bearer-token.js';
import { AppError } from '../http/errors.js';
import type { Logger } from '../log.js';
import { COVER_PREFIX, type CoverDeps, CoverService, type OfferView } from './cover.service.js';
import { OfferGonePage, OfferPage } from './cover.views.js';
import { linkResponseHeaders } from './link.routes.js';

const FORM_PURPOSE = 'cover-accept';

/** What the accept link's routes need: the cover service's, and the pool and settings of the per-address budget. */
export interface CoverLinkDeps extends CoverDeps {
  config: CoverDeps['config'] & Pick<Config, 'status' | 'intake'>;
  pool: pg.Pool;
  log: Logger;
  cover?: CoverService;
}

/**
 * A colleague's accept link: `GET /cover/{token}` shows the request (who, when, which role; never
 * an enquiry) and, while it is open, an Accept button; `POST /cover/{token}/accept` takes the
 * period (the form token is keyed by the link's token: the token is the credential, no desk
 * session is read) and redirects back (303). Unknown, tampered and expired tokens all get the
 * same 404 page. Every request spends a point of the client address's budget (`status.rateLimit`,
 * like the other bearer links); the answers carry no-referrer, no-store and noindex.
 */
export function coverLinkRoutes(deps: CoverLinkDeps) {
  const cover = deps.cover ?? new CoverService(deps);
  const { config } = deps;
  const app = new Hono();
  app.use(
    `${COVER_PREFIX}*`,
    linkResponseHeaders,
    linkBudget({
      pool: deps.pool,
      log: deps.log,
      limit: config.status.rateLimit,
      keyPrefix: 'cover',
      trustProxyHops: config.intake.trustProxyHops,
    }),
  );
  const base = (token: string) => `${COVER_PREFIX}${token}`;
  const gone = (c: Context) => {
    c.status(404);
    return c.html(<OfferGonePage officeName={config.office.name} />);
  };
  const show = (c: Context, token: string, view: OfferView, problem?: string) =>
    c.html(
      <OfferPage
        office={config.office}
        now={deps.clock()}
        view={view}
        action={base(token)}
        csrf={formTokenFor(token, FORM_PURPOSE)}
        problem={problem}
      />,
    );

  app.get(`${COVER_PREFIX}:token`, async (c) => {
    const token = c.req.param('token');
    const view = await cover.offerView(token);
    return view ? show(c, token, view) : gone(c);
  });

  app.post(`${COVER_PREFIX}:token/accept`, async (c) => {
    const token = c.req.param('token');
    await readLinkForm(c, token, FORM_PURPOSE);
    try {
      const view = await cover.accept(token);
      if (!view) return gone(c);
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'conflict' && err.code !== 'validation')) throw err;
      const view = await cover.offerView(token);
      if (!view) return gone(c);
      c.status(409);
      return show(c, token, view, 'The rota could not take your cover just now: reload the page and try again.');
    }
    return c.redirect(base(token), 303);
  });

  return app;
}
