import { Hono, type Context } from 'hono';
import type pg from 'pg';
import type { Config } from '../config.js';
import { formTokenFor } from '../http/bearer-token.js';
import { linkBudget, readLinkForm } from '../http/bearer-link.js';
import { AppError, validationFields } from '../http/errors.js';
import type { Logger } from '../log.js';
import { AnswerGonePage, AnswerPage } from './answer-link.views.js';
import { ANSWER_LINK_PREFIX, type QuestionService } from './questions.service.js';

/** The purpose the answer page's form token is keyed by. */
const FORM_PURPOSE = 'question-answer';

/**
 * A colleague's answer link: `GET /q/{token}` shows the question, `POST /q/{token}` records their
 * answer and redirects back (303) with thanks; an empty or over-long answer re-shows the page with
 * the message beside the box (422, text kept); a withdrawn question says so (409). Every link that
 * opens nothing gets the same 404 page. No desk session is read or made here; every request
 * spends a point of the client address's budget (`status.rateLimit`), so tokens cannot be guessed
 * at speed.
 */
export function answerLinkRoutes(deps: { questions: QuestionService; config: Config; pool: pg.Pool; log: Logger }) {
  const { config, questions } = deps;
  const app = new Hono();
  const path = (token: string) => `${ANSWER_LINK_PREFIX}${token}`;

  const gone = (c: Context) => {
    c.status(404);
    return c.html(<AnswerGonePage officeName={config.office.name} />);
  };

  app.use(
    `${ANSWER_LINK_PREFIX}*`,
    linkBudget({
      pool: deps.pool,
      log: deps.log,
      limit: config.status.rateLimit,
      keyPrefix: 'question',
      trustProxyHops: config.intake.trustProxyHops,
    }),
  );

  const show = async (
    c: Context,
    token: string,
    status: 200 | 409 | 422,
    extra: { error?: string; value?: string; problem?: string; thanked?: boolean } = {},
  ) => {
    const view = await questions.linkView(token);
    if (!view) return gone(c);
    c.status(status);
    return c.html(
      <AnswerPage
        office={config.office}
        view={view}
        action={path(token)}
        csrf={formTokenFor(token, FORM_PURPOSE)}
        {...extra}
      />,
    );
  };

  app.get(`${ANSWER_LINK_PREFIX}:token`, (c) =>
    show(c, c.req.param('token'), 200, { thanked: c.req.query('done') === 'answered' }),
  );

  app.post(`${ANSWER_LINK_PREFIX}:token`, async (c) => {
    const token = c.req.param('token');
    const field = await readLinkForm(c, token, FORM_PURPOSE);
    const text = field('answer');
    try {
      if (!(await questions.answerByLink(token, text))) return gone(c);
    } catch (err) {
      if (err instanceof AppError && err.code === 'conflict') return show(c, token, 409, { problem: err.message });
      const fields = validationFields(err);
      if (!fields) throw err;
      return show(c, token, 422, { error: fields.answer, value: text });
    }
    return c.redirect(`${path(token)}?done=answered`, 303);
  });

  return app;
}
