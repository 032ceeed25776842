import { Hono } from 'hono';
import { DateTime } from 'luxon';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { csvText, officeIso } from '../http/csv.js';
import { AppError } from '../http/errors.js';
import { isRowIdDigits } from '../ids.js';
import type { DeskEnv } from '../web/session.js';
import { decisionsIn, type DecisionRow, type DecisionScope } from './decisions.repository.js';

/** The export's columns, in order (times in office time; the header names the zone). */
const COLUMNS = [
  'reference',
  'recorded_at',
  'outlet',
  'incident_id',
  'released',
  'released_to_status_page',
  'withheld_reasons',
  'withheld',
  'decided_by',
  'recorded_by',
] as const;

/** One decision as the export gives it, in JSON (and, in COLUMNS order, in CSV). */
function exported(d: DecisionRow, zone: string) {
  return {
    reference: d.reference,
    recorded_at: officeIso(d.recorded_at, zone),
    outlet: d.outlet,
    incident_id: d.incident_id,
    released: d.released,
    released_to_status_page: d.released_to_page,
    withheld_reasons: d.reasons,
    withheld: d.withheld,
    decided_by: d.decided_by,
    recorded_by: d.recorded_by,
  } satisfies Record<(typeof COLUMNS)[number], unknown>;
}

/**
 * The decisions export (issue 26, item 4): every response's release decision, for an inspection
 * or a complaint review. `GET /desk/decisions.csv` and `.json`, with `from` and `to` (office
 * dates, `YYYY-MM-DD`, both included; default the last 28 days) or `incident` (every decision about
 * that incident's enquiries). A bad date or id is a 400 naming it.
 */
export function decisionsRoutes(deps: { db: Db; config: Pick<Config, 'office'>; clock: () => Date }) {
  const app = new Hono<DeskEnv>();
  const zone = deps.config.office.timezone;

  function scopeOf(q: (k: string) => string | undefined): { scope: DecisionScope; name: string } {
    const incident = q('incident');
    if (incident !== undefined) {
      if (!isRowIdDigits(incident)) throw new AppError('bad_request', 'incident must be an incident number');
      return { scope: { incidentId: incident }, name: `incident-${incident}` };
    }
    const day = (k: 'from' | 'to', fallback: DateTime) => {
      const v = q(k);
      if (v === undefined || v === '') return fallback;
      const d = DateTime.fromISO(v, { zone });
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || !d.isValid)
        throw new AppError('bad_request', `${k} must be a date, YYYY-MM-DD`);
      return d.startOf('day');
    };
    const today = DateTime.fromJSDate(deps.clock()).setZone(zone).startOf('day');
    const from = day('from', today.minus({ days: 27 }));
    const to = day('to', today);
    if (to < from) throw new AppError('bad_request', 'to must not be before from');
    return {
      scope: { from: from.toJSDate(), to: to.plus({ days: 1 }).toJSDate() },
      name: `${from.toISODate()}-to-${to.toISODate()}`,
    };
  }

  app.get('/decisions.json', async (c) => {
    const { scope } = scopeOf((k) => c.req.query(k));
    const rows = await decisionsIn(deps.db, scope);
    return c.json({ timezone: zone, decisions: rows.map((d) => exported(d, zone)) });
  });

  app.get('/decisions.csv', async (c) => {
    const { scope, name } = scopeOf((k) => c.req.query(k));
    const rows = await decisionsIn(deps.db, scope);
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="decisions-${name}.csv"`);
    const header = COLUMNS.map((col) => (col === 'recorded_at' ? `${col} (${zone})` : col));
    return c.body(
      csvText(
        header,
        rows.map((d) => {
          const e = exported(d, zone);
          return COLUMNS.map((col) => (col === 'withheld_reasons' ? e.withheld_reasons.join('; ') : e[col]));
        }),
      ),
    );
  });

  return app;
}
