import { Hono, type Context } from 'hono';
import type pg from 'pg';
import type { Config } from '../config.js';
import { formTokenFor } from '../http/bearer-token.js';
import { linkBudget, readLinkForm } from '../http/bearer-link.js';
import { AppError, validationFields } from '../http/errors.js';
import type { Logger } from '../log.js';
import { SIGNOFF_LINK_PREFIX, type LinkDecision, type SignOffService } from './signoff.service.js';
import { ApproverGonePage, ApproverPage } from './signoff.views.js';

const FORM_PURPOSE = 'signoff-decision';
const ACTIONS = ['approve', 'edit', 'return'] as const;
type Action = (typeof ACTIONS)[number];

/**
 * An approver's link: `GET /s/{token}` shows the enquiry in brief and the words; `POST
 * /s/{token}/{approve|edit|return}` records the decision and redirects back (303) with thanks; an
 * empty edit or comment re-shows the page with the message beside its box (422); words changed
 * since the link was sent, or a decision already made, re-shows it saying so (409). Every link
 * that opens nothing gets the same 404 page; every request spends a point of the client address's
 * budget (`status.rateLimit`). No desk session is read or made here.
 */
export function approverRoutes(deps: { signOff: SignOffService; config: Config; pool: pg.Pool; log: Logger }) {
  const { config, signOff } = deps;
  const app = new Hono();
  const path = (token: string) => `${SIGNOFF_LINK_PREFIX}${token}`;
  const gone = (c: Context) => {
    c.status(404);
    return c.html(<ApproverGonePage officeName={config.office.name} />);
  };

  app.use(
    `${SIGNOFF_LINK_PREFIX}*`,
    linkBudget({
      pool: deps.pool,
      log: deps.log,
      limit: config.status.rateLimit,
      keyPrefix: 'signoff',
      trustProxyHops: config.intake.trustProxyHops,
    }),
  );

  const show = async (
    c: Context,
    token: string,
    status: 200 | 409 | 422,
    extra: Omit<Parameters<typeof ApproverPage>[0], 'office' | 'view' | 'action' | 'csrf'> = {},
  ) => {
    const view = await signOff.linkView(token);
    if (!view) return gone(c);
    c.status(status);
    return c.html(
      <ApproverPage
        office={config.office}
        view={view}
        action={path(token)}
        csrf={formTokenFor(token, FORM_PURPOSE)}
        {...extra}
      />,
    );
  };

  app.get(`${SIGNOFF_LINK_PREFIX}:token`, (c) => {
    const done = c.req.query('done');
    return show(c, c.req.param('token'), 200, {
      done: (ACTIONS as readonly string[]).includes(done ?? '') ? (done as Action) : undefined,
    });
  });

  app.post(`${SIGNOFF_LINK_PREFIX}:token/:action`, async (c) => {
    const token = c.req.param('token');
    const action = c.req.param('action');
    if (!(ACTIONS as readonly string[]).includes(action)) return gone(c);
    const str = await readLinkForm(c, token, FORM_PURPOSE);
    const decision: LinkDecision =
      action === 'edit'
        ? { action: 'edit', text: str('text') }
        : action === 'return'
          ? { action: 'return', comment: str('comment') }
          : { action: 'approve' };
    try {
      if (!(await signOff.decideByLink(token, decision))) return gone(c);
    } catch (err) {
      if (err instanceof AppError && err.code === 'conflict') return show(c, token, 409, { problem: err.message });
      const fields = validationFields(err);
      if (!fields) throw err;
      return show(c, token, 422, { errors: fields, values: { text: str('text'), comment: str('comment') } });
    }
    return c.redirect(`${path(token)}?done=${action}`, 303);
  });

  return app;
}
