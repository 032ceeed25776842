import { Hono } from 'hono';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { deskSession, type DeskEnv } from '../web/session.js';
import { rowId } from '../web/handlers.js';
import { AppError } from '../http/errors.js';
import { IncidentReports } from './incident-report.service.js';
import { IncidentReportPage } from './incident-report.views.js';

/**
 * The per-incident report, for any signed-in member of staff (mounted under /desk, behind the
 * session check): `GET /incidents/:id/report` (HTML) and `GET /incidents/:id/report.json`.
 */
export function incidentReportRoutes(deps: { db: Db; clock: Clock; config: Pick<Config, 'office'> }) {
  const reports = new IncidentReports(deps);
  const app = new Hono<DeskEnv>();

  async function reportOf(id: string) {
    const report = await reports.report(id);
    if (!report) throw new AppError('not_found', 'There is no such incident.');
    return report;
  }

  app.get('/incidents/:id/report', async (c) => {
    const report = await reportOf(rowId(c, 'incident'));
    return c.html(
      <IncidentReportPage session={deskSession(c)} office={deps.config.office} now={deps.clock()} report={report} />,
    );
  });

  app.get('/incidents/:id/report.json', async (c) => c.json(await reportOf(rowId(c, 'incident'))));

  return app;
}
