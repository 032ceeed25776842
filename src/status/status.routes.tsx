import { Hono, type Context } from 'hono';
import type pg from 'pg';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { clientIp } from '../http/client-ip.js';
import { AppError } from '../http/errors.js';
import { budget } from '../http/rate-limit.js';
import type { Logger } from '../log.js';
import { STATUS_PREFIX, statusFormToken, statusFormTokenMatches } from '../enquiries/status-link.js';
import type { StatusPages } from './status.service.js';
import {
  isStatusAction,
  STATUS_ACTIONS,
  StatusGonePage,
  StatusPage,
  type StatusAction,
  type StatusPageProps,
} from './status.views.js';

/** What the status page's routes need. */
export interface StatusRouteDeps {
  pages: StatusPages;
  config: Config;
  clock: Clock;
  pool: pg.Pool;
  log: Logger;
}

/** The form field each action reads (and where its validation message is shown). */
const ACTION_FIELD = {
  add: 'information',
  deadline: 'deadline',
  withdraw: 'reason',
  updates: 'on',
} as const satisfies Record<StatusAction, string>;

const CONFIRM_MESSAGE = 'Tick the box to confirm you want to withdraw your enquiry';

/**
 * The journalist's status page: `GET /status/{token}` shows it; `POST /status/{token}/{add|
 * deadline|withdraw|updates}` acts and redirects back (303) with a notice. A problem with what
 * they typed re-shows the page with the message beside the field and their text kept (422); an
 * enquiry no longer open re-shows it with the reason (409). Every link that opens nothing gets
 * the same 404 page. Every request under /status/ spends one point of the client address's
 * budget (`status.rateLimit`), so the page cannot be used to guess tokens at speed.
 */
export function statusRoutes(deps: StatusRouteDeps) {
  const { config, pages } = deps;
  const office = config.office;
  const app = new Hono();
  const spend = budget({ pool: deps.pool, limit: config.status.rateLimit, keyPrefix: 'status', log: deps.log });
  const base = (token: string) => `${STATUS_PREFIX}${token}`;

  const gone = (c: Context) => {
    c.status(404);
    return c.html(<StatusGonePage officeName={office.name} linkDaysAfterClose={config.status.linkDaysAfterClose} />);
  };

  /** The page again after a refused action; the 404 page when the link stopped working meanwhile. */
  const reshow = async (
    c: Context,
    token: string,
    status: 409 | 422,
    extra: Pick<StatusPageProps, 'errors' | 'values' | 'problem'>,
  ) => {
    const view = await pages.view(token);
    if (!view) return gone(c);
    c.status(status);
    return c.html(
      <StatusPage office={office} view={view} base={base(token)} csrf={statusFormToken(token)} {...extra} />,
    );
  };

  app.use(`${STATUS_PREFIX}*`, async (c, next) => {
    const r = await spend(clientIp(c, config.intake.trustProxyHops));
    if (!r.allowed)
      throw new AppError(
        'rate_limited',
        `Too many requests from this address. Try again in ${r.retryAfterSeconds} seconds.`,
        { retryAfterSeconds: r.retryAfterSeconds },
      );
    await next();
  });

  app.get(`${STATUS_PREFIX}:token`, async (c) => {
    const token = c.req.param('token');
    const view = await pages.view(token);
    if (!view) return gone(c);
    const done = c.req.query('done');
    return c.html(
      <StatusPage
        office={office}
        view={view}
        base={base(token)}
        csrf={statusFormToken(token)}
        notice={isStatusAction(done) ? done : undefined}
      />,
    );
  });

  app.post(`${STATUS_PREFIX}:token/:action`, async (c) => {
    const token = c.req.param('token');
    const action = c.req.param('action');
    if (!(STATUS_ACTIONS as readonly string[]).includes(action)) return gone(c);
    const act = action as StatusAction;
    // The browser's word first; the form token below is the check that does not depend on it.
    if (c.req.header('sec-fetch-site') === 'cross-site')
      throw new AppError('csrf', 'This form did not come from the press office’s page. Open your status link again.');
    const body = await c.req.parseBody().catch(() => {
      throw new AppError('bad_request', 'The form could not be read. Go back, reload the page and send it again.');
    });
    if (!statusFormTokenMatches(token, body._csrf))
      throw new AppError(
        'csrf',
        'This form has expired or did not come from the press office’s page. Open your status link again and try once more.',
      );
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    const field = ACTION_FIELD[act];
    const text = str(field);
    try {
      let found: boolean;
      if (act === 'add') found = await pages.addInformation(token, text);
      else if (act === 'deadline') found = await pages.changeDeadline(token, text);
      else if (act === 'withdraw') {
        // A slip of the finger must not withdraw: the box says they mean it.
        if (str('confirm') !== 'yes')
          return await reshow(c, token, 422, { errors: { confirm: CONFIRM_MESSAGE }, values: { reason: text } });
        found = await pages.withdraw(token, text);
      } else {
        if (text !== 'yes' && text !== 'no')
          throw new AppError('bad_request', 'The form could not be read. Go back, reload the page and send it again.');
        found = await pages.setUpdates(token, text === 'yes');
      }
      if (!found) return gone(c);
      return c.redirect(`${base(token)}?done=${act}`, 303);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'conflict') return reshow(c, token, 409, { problem: err.message });
      if (err.code !== 'validation') throw err;
      const fields = err.details.fields ?? {};
      const message = fields[field] ?? Object.values(fields)[0] ?? err.message;
      return reshow(c, token, 422, { errors: { [field]: message }, values: { [field]: text } });
    }
  });

  // Any other path under a link (a stray GET of an action, a deeper path) is the same dead end.
  app.all(`${STATUS_PREFIX}*`, (c) => gone(c));

  return app;
}
