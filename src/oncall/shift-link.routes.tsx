import { Hono, type Context } from 'hono';
import type pg from 'pg';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { linkBudget, readLinkForm } from '../http/bearer-link.js';
import { formTokenFor } from '../http/bearer-token.js';
import { AppError } from '../http/errors.js';
import type { Logger } from '../log.js';
import { linkResponseHeaders } from './link.routes.js';
import { SHIFT_LINK_PREFIX, type ShiftLinks } from './shift-link.service.js';
import { SHIFT_NOTICES, ShiftGonePage, ShiftPage } from './shift-link.views.js';

const FORM_PURPOSE = 'shift-link';

/**
 * A shift reminder's link: `GET /r/{token}` shows the shift with "Confirm" and "Ask colleagues to
 * cover it"; `POST /r/{token}/confirm` and `/cover` act and redirect back (303). The form token is
 * keyed by the link's token (no desk session is read). Unknown, tampered and expired tokens all
 * get the same 404 page; every request spends a point of the address's link budget.
 */
export function shiftLinkRoutes(deps: {
  clock: Clock;
  config: Pick<Config, 'office' | 'status' | 'intake'>;
  pool: pg.Pool;
  log: Logger;
  links: ShiftLinks;
}) {
  const { config, links } = deps;
  const app = new Hono();
  app.use(
    `${SHIFT_LINK_PREFIX}*`,
    linkResponseHeaders,
    linkBudget({
      pool: deps.pool,
      log: deps.log,
      limit: config.status.rateLimit,
      keyPrefix: 'shift',
      trustProxyHops: config.intake.trustProxyHops,
    }),
  );
  const base = (token: string) => `${SHIFT_LINK_PREFIX}${token}`;
  const gone = (c: Context) => {
    c.status(404);
    return c.html(<ShiftGonePage officeName={config.office.name} />);
  };

  async function show(c: Context, token: string, problem?: string) {
    const shift = await links.view(token);
    if (!shift) return gone(c);
    const done = c.req.query('done');
    const notice = done === 'confirmed' || done === 'asked' ? SHIFT_NOTICES[done] : undefined;
    if (problem) c.status(422);
    return c.html(
      <ShiftPage
        office={config.office}
        now={deps.clock()}
        shift={shift}
        action={base(token)}
        csrf={formTokenFor(token, FORM_PURPOSE)}
        notice={notice}
        problem={problem}
      />,
    );
  }

  app.get(`${SHIFT_LINK_PREFIX}:token`, (c) => show(c, c.req.param('token')));

  app.post(`${SHIFT_LINK_PREFIX}:token/confirm`, async (c) => {
    const token = c.req.param('token');
    await readLinkForm(c, token, FORM_PURPOSE);
    if (!(await links.confirm(token))) return gone(c);
    return c.redirect(`${base(token)}?done=confirmed`, 303);
  });

  app.post(`${SHIFT_LINK_PREFIX}:token/cover`, async (c) => {
    const token = c.req.param('token');
    await readLinkForm(c, token, FORM_PURPOSE);
    try {
      if (!(await links.askCover(token))) return gone(c);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation') throw err;
      const fields = Object.values(err.details.fields ?? {}).filter(Boolean);
      return show(c, token, fields.length ? fields.join('. ') : err.message);
    }
    return c.redirect(`${base(token)}?done=asked`, 303);
  });

  return app;
}
