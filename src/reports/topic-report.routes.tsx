import { Hono, type Context } from 'hono';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { AppError } from '../http/errors.js';
import { isRowIdDigits } from '../ids.js';
import { deskSession, type DeskEnv } from '../web/session.js';
import { DEFAULT_MONTHS, type TopicReportService } from './topic-report.service.js';
import { TopicReportPage } from './topic-report.views.js';

/**
 * Whose enquiries the report covers, by the rule of /desk/reports: a manager the whole office (or
 * one officer's with `?officer=ID`), an officer their own.
 */
function scope(c: Context<DeskEnv>): { assignedTo: string | null; ownOnly: boolean } {
  const s = deskSession(c);
  const officer = c.req.query('officer');
  if (s.user.role !== 'manager') return { assignedTo: s.user.id, ownOnly: true };
  if (officer && !isRowIdDigits(officer)) throw new AppError('bad_request', 'officer must be a user id');
  return { assignedTo: officer ?? null, ownOnly: false };
}

/** The query string the page's links repeat (months, officer). */
function query(c: Context): string {
  const p = new URLSearchParams();
  for (const k of ['months', 'officer']) {
    const v = c.req.query(k);
    if (v) p.set(k, v.slice(0, 40));
  }
  return p.toString();
}

/**
 * `/desk/reports/topics` (the page), `/desk/reports/topics.json` and `/desk/reports/topics.csv`:
 * the report by topic and outlet for the last `?months=N` months (1 to 24, default 6). A bad
 * `months` is a 422 naming it (JSON on the `.json` path, the page with the message beside the field).
 */
export function topicReportRoutes(deps: { report: TopicReportService; clock: Clock; config: Pick<Config, 'office'> }) {
  const app = new Hono<DeskEnv>();

  app.get('/reports/topics', async (c) => {
    const { assignedTo, ownOnly } = scope(c);
    const typed = (c.req.query('months') ?? '').slice(0, 20);
    let errors: Record<string, string> = {};
    let months = DEFAULT_MONTHS;
    try {
      months = deps.report.months(typed);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation') throw err;
      errors = err.details.fields ?? {};
    }
    const report = await deps.report.report(months, assignedTo);
    if (Object.keys(errors).length) c.status(422);
    return c.html(
      <TopicReportPage
        session={deskSession(c)}
        office={deps.config.office}
        now={deps.clock()}
        report={report}
        typed={typed}
        query={query(c)}
        errors={errors}
        ownOnly={ownOnly}
      />,
    );
  });

  app.get('/reports/topics.json', async (c) => {
    const { assignedTo } = scope(c);
    return c.json(await deps.report.report(deps.report.months(c.req.query('months')), assignedTo));
  });

  app.get('/reports/topics.csv', async (c) => {
    const { assignedTo } = scope(c);
    const report = await deps.report.report(deps.report.months(c.req.query('months')), assignedTo);
    const first = report.months[0].month;
    const last = report.months[report.months.length - 1].month;
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="topics-and-outlets-${first}-to-${last}.csv"`);
    return c.body(deps.report.csv(report));
  });

  return app;
}
