import { Hono, type Context } from 'hono';
import { isRowIdDigits } from '../ids.js';
import { stream } from 'hono/streaming';
import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { deskSession, type DeskEnv } from '../web/session.js';
import { AppError } from '../http/errors.js';
import type { DigestService } from './digest.service.js';
import type { PeriodChoice, ReportsService } from './reports.service.js';
import { ReportsPage } from './reports.views.js';

function choiceOf(c: Context): { choice: PeriodChoice; form: { period: string; from: string; to: string } } {
  const period = c.req.query('period') ?? 'week';
  const from = (c.req.query('from') ?? '').slice(0, 20);
  const to = (c.req.query('to') ?? '').slice(0, 20);
  if (period === 'custom') return { choice: { kind: 'custom', from, to }, form: { period, from, to } };
  return {
    choice: { kind: period === '4weeks' ? '4weeks' : 'week' },
    form: { period: period === '4weeks' ? '4weeks' : 'week', from, to },
  };
}

/**
 * `/desk/reports` (HTML), `/desk/reports.json` and `/desk/reports.csv`. Managers see the whole
 * office (or one officer with `?officer=ID`); officers see the enquiries assigned to them.
 * Also `POST /desk/handover/:id/dismiss` for the morning digest banner (the URL keeps the digest's old name).
 */
export function reportsRoutes(deps: {
  reports: ReportsService;
  digest: DigestService;
  clock: Clock;
  config: Pick<Config, 'office'>;
}) {
  const app = new Hono<DeskEnv>();

  function scope(c: Context<DeskEnv>) {
    const s = deskSession(c);
    const officer = c.req.query('officer');
    if (s.user.role !== 'manager') return { assignedTo: s.user.id, ownOnly: true };
    if (officer && !isRowIdDigits(officer)) throw new AppError('bad_request', 'officer must be a user id');
    return { assignedTo: officer ?? null, ownOnly: false };
  }

  function query(c: Context): string {
    const p = new URLSearchParams();
    for (const k of ['period', 'from', 'to', 'officer']) {
      const v = c.req.query(k);
      if (v) p.set(k, v);
    }
    return p.toString();
  }

  app.get('/reports', async (c) => {
    const { choice, form } = choiceOf(c);
    const { assignedTo, ownOnly } = scope(c);
    let errors: Record<string, string> = {};
    let period: ReturnType<typeof deps.reports.period>;
    try {
      period = deps.reports.period(choice);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation') throw err;
      errors = err.details.fields ?? {};
      period = deps.reports.period({ kind: 'week' });
    }
    const figures = await deps.reports.figures(period.from, period.to, assignedTo);
    if (Object.keys(errors).length) c.status(422);
    return c.html(
      <ReportsPage
        session={deskSession(c)}
        office={deps.config.office}
        now={deps.clock()}
        figures={figures}
        label={period.label}
        query={query(c)}
        choice={form}
        errors={errors}
        ownOnly={ownOnly}
      />,
    );
  });

  app.get('/reports.json', async (c) => {
    const { choice } = choiceOf(c);
    const { assignedTo } = scope(c);
    const period = deps.reports.period(choice);
    return c.json(await deps.reports.figures(period.from, period.to, assignedTo));
  });

  app.get('/reports.csv', async (c) => {
    const { choice } = choiceOf(c);
    const { assignedTo } = scope(c);
    const period = deps.reports.period(choice);
    const day = (d: Date) => DateTime.fromJSDate(d).setZone(deps.config.office.timezone).toISODate();
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header(
      'Content-Disposition',
      `attachment; filename="enquiries-${day(period.from)}-to-${day(new Date(period.to.getTime() - 1))}.csv"`,
    );
    return stream(c, async (s) => {
      for await (const chunk of deps.reports.csv(period.from, period.to, assignedTo)) await s.write(chunk);
    });
  });

  app.post('/handover/:id/dismiss', async (c) => {
    const id = c.req.param('id');
    if (!isRowIdDigits(id)) throw new AppError('not_found', 'No such handover');
    await deps.digest.dismiss(id, deskSession(c).user.id);
    return c.redirect('/desk', 303);
  });

  return app;
}
