import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { AppError } from '../http/errors.js';
import { deskSession, type DeskEnv } from '../web/session.js';
import type { OnCallHoursService, ReportMonth } from './oncall-hours.service.js';
import { OnCallHoursPage } from './oncall-hours.views.js';

/** The report's query: `?month=YYYY-MM` (blank or absent: the previous month). */
const querySchema = z.object({ month: z.string().max(20).optional() });

/** The month text of the query; an over-long value is refused as a bad month. */
function monthText(c: Context): string {
  const q = querySchema.safeParse({ month: c.req.query('month') });
  if (!q.success)
    throw new AppError('validation', 'Check the month', { fields: { month: 'Enter a month like 2026-11' } });
  return q.data.month ?? '';
}

/**
 * `/desk/reports/oncall` (the page) and `/desk/reports/oncall.csv` (the download): on-call hours
 * per person for `?month=YYYY-MM`. Managers only (the feature declares both paths `managerOnly`).
 */
export function onCallHoursRoutes(deps: { hours: OnCallHoursService; clock: Clock; config: Pick<Config, 'office'> }) {
  const app = new Hono<DeskEnv>();

  app.get('/reports/oncall', async (c) => {
    let typed = '';
    let errors: Record<string, string> = {};
    let month: ReportMonth;
    try {
      typed = monthText(c);
      month = deps.hours.month(typed);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation') throw err;
      errors = err.details.fields ?? {};
      typed = (c.req.query('month') ?? '').slice(0, 20);
      month = deps.hours.month();
    }
    const report = await deps.hours.report(month);
    if (Object.keys(errors).length) c.status(422);
    return c.html(
      <OnCallHoursPage
        session={deskSession(c)}
        office={deps.config.office}
        now={deps.clock()}
        report={report}
        typed={typed}
        errors={errors}
      />,
    );
  });

  app.get('/reports/oncall.csv', async (c) => {
    const month = deps.hours.month(monthText(c));
    const body = await deps.hours.csv(month);
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="oncall-hours-${month.month}.csv"`);
    return c.body(body);
  });

  return app;
}
