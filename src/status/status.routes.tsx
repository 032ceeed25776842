import { Hono, type Context } from 'hono';
import { DateTime } from 'luxon';
import type pg from 'pg';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { parseDeadline } from '../enquiries/enquiry.input.js';
import { clientIp } from '../http/client-ip.js';
import { pageLanguage } from '../http/language-switch.js';
import { t } from '../i18n/catalogue.js';
import type { Lang } from '../i18n/languages.js';
import { AppError } from '../http/errors.js';
import { budget } from '../http/rate-limit.js';
import type { Logger } from '../log.js';
import { STATUS_PREFIX, statusFormToken, statusFormTokenMatches } from '../enquiries/status-link.js';
import { STATUS_LIMITS } from './status.forms.js';
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

/**
 * A refused field's message in the page's language: the service's English as it is, else worded
 * from the catalogue by what is wrong (issue 31).
 */
function statusFieldError(
  lang: Lang,
  field: string,
  text: string,
  english: string,
  ctx: { now: Date; timezone: string },
): string {
  if (lang === 'en') return english;
  if (field === 'information')
    return text.trim() === ''
      ? t(lang, 'web.error.information')
      : t(lang, 'web.error.tooMuch', { max: STATUS_LIMITS.information.toLocaleString('en-GB') });
  if (field === 'reason')
    return t(lang, 'web.error.tooLong', {
      label: t(lang, 'web.status.withdraw.reason'),
      max: STATUS_LIMITS.reason.toLocaleString('en-GB'),
    });
  if (field === 'deadline') {
    const d = parseDeadline(text, { now: DateTime.fromJSDate(ctx.now), timezone: ctx.timezone });
    if (!d.ok) return t(lang, `web.error.${d.code}`);
  }
  return english;
}

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

  const offered = office.languages;
  /** The page's language: the switch's choice, else the enquiry's (`language`), else the browser's. */
  const langOf = (c: Context, language?: Lang) => pageLanguage(c, offered, c.req.query('lang') ?? language);

  const gone = (c: Context) => {
    c.status(404);
    const lang = langOf(c);
    return c.html(
      <StatusGonePage
        officeName={office.name}
        linkDaysAfterClose={config.status.linkDaysAfterClose}
        lang={lang}
        offered={offered}
      />,
    );
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
    const lang = langOf(c, view.language);
    const errors = Object.fromEntries(
      Object.entries(extra.errors ?? {}).map(([field, message]) => [
        field,
        field === 'confirm' && lang !== 'en'
          ? t(lang, 'web.error.confirmWithdraw')
          : statusFieldError(lang, field, extra.values?.[field as 'information'] ?? '', message ?? '', {
              now: deps.clock(),
              timezone: office.timezone,
            }),
      ]),
    );
    return c.html(
      <StatusPage
        office={office}
        view={view}
        base={base(token)}
        csrf={statusFormToken(token)}
        {...extra}
        errors={errors}
        lang={lang}
        offered={offered}
      />,
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
    const lang = langOf(c, view.language);
    return c.html(
      <StatusPage
        lang={lang}
        offered={offered}
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
          return await reshow(c, token, 422, {
            errors: { confirm: t('en', 'web.error.confirmWithdraw') },
            values: { reason: text },
          });
        found = await pages.withdraw(token, text);
      } else {
        if (text !== 'yes' && text !== 'no')
          throw new AppError('bad_request', 'The form could not be read. Go back, reload the page and send it again.');
        found = await pages.setUpdates(token, text === 'yes');
      }
      if (!found) return gone(c);
      const lang = c.req.query('lang');
      const keep = offered.length > 1 && lang ? `&lang=${encodeURIComponent(lang)}` : '';
      return c.redirect(`${base(token)}?done=${act}${keep}`, 303);
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
