/**
 * `npm run seed -- --count N [--days D]`: fills the database with N realistic enquiries spread
 * over the last D days (default 365), for benchmarks and for trying the desk with a full queue.
 * Rows are generated inside PostgreSQL (INSERT … SELECT over generate_series, in batches), so a
 * million takes minutes, not hours. They arrive in time order, oldest first, as real ones would. References start with "PS-" so seeded rows never clash with
 * real ones.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { systemClock } from '../clock.js';
import { ReportsService } from '../reports/reports.service.js';
import { loadConfigOrReport, runCli, UsageError, withDatabase } from './cli-support.js';

const USAGE = 'Usage: npm run seed -- --count N [--days D]';

async function main(argv: string[]): Promise<number> {
  let count: number;
  let days: number;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { count: { type: 'string' }, days: { type: 'string', default: '365' } },
      strict: true,
    });
    count = Number(values.count);
    days = Number(values.days);
    if (!Number.isInteger(count) || count < 1 || count > 10_000_000)
      throw new UsageError('--count must be a whole number from 1 to 10,000,000');
    if (!Number.isInteger(days) || days < 1 || days > 3650)
      throw new UsageError('--days must be a whole number from 1 to 3650');
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const config = loadConfigOrReport();
  if (!config) return 1;
  await withDatabase(config, async (db) => {
    const started = performance.now();
    // Working-time figures are stored per row from the office calendar: make sure it is there.
    await new ReportsService({ db, clock: systemClock, config }).syncCalendar();
    const { rows } = await sql<{
      n: string;
    }>`SELECT coalesce(max(substring(reference from 4)::bigint), 0) AS n FROM enquiry WHERE reference LIKE 'PS-%'`.execute(
      db,
    );
    let offset = Number(rows[0].n);
    const batch = 50_000;
    for (let done = 0; done < count; done += batch) {
      const n = Math.min(batch, count - done);
      // Mostly closed history, a realistic open tail; a fifth out of hours; some urgent; deadlines on a third.
      await sql`
        INSERT INTO enquiry (reference, channel, status, name, outlet, email, phone, subject, details, deadline, urgent, urgent_reason,
                             out_of_hours, needs_on_call, respond_by, received_at, updated_at, first_response_at, closed_at, resolved_at,
                             first_response_working_s, close_working_s)
        SELECT 'PS-' || lpad((${offset} + g)::text, 9, '0'),
               (ARRAY['web','api','sms'])[1 + (g % 3)],
               CASE WHEN g % 50 = 0 THEN 'new' WHEN g % 50 = 1 THEN 'in_progress' WHEN g % 50 = 2 THEN 'waiting' WHEN g % 5 = 0 THEN 'answered' ELSE 'closed' END,
               (ARRAY['Ann Reporter','Sam Okafor','Lee Chan','Priya Shah','Tom Fraser','Hannah Price'])[1 + (g % 6)],
               (ARRAY['Evening Gazette','Daily Courier','Radio Northside','Metro','BBC Radio Midlands','Freelance'])[1 + (g % 6)],
               'journalist' || (g % 5000) || '@news.example',
               '+447911' || lpad((g % 1000000)::text, 6, '0'),
               (ARRAY['Road closure on the A38','Missing person appeal','Knife crime figures','Drone use at public events','Response times for 999 calls','Firearms officers at retail park','Flooding response','Custody deaths statistics'])[1 + (g % 8)] || ' #' || g,
               'Could you tell me more about this, and give us a line for tonight''s bulletin? Reference ' || g,
               CASE WHEN g % 3 = 0 THEN t + interval '6 hours' END,
               g % 7 = 0, CASE WHEN g % 7 = 0 THEN 'journalist' END,
               g % 5 = 0, g % 35 = 0,
               t + interval '4 hours', t, t,
               CASE WHEN g % 50 > 2 THEN t + interval '90 minutes' END,
               CASE WHEN g % 50 > 2 AND g % 5 <> 0 THEN t + interval '1 day' END,
               CASE WHEN g % 50 > 2 THEN t + interval '90 minutes' END,
               CASE WHEN g % 50 > 2 THEN office_working_seconds(t, t + interval '90 minutes') END,
               CASE WHEN g % 50 > 2 AND g % 5 <> 0 THEN office_working_seconds(t, t + interval '1 day') END
          FROM (SELECT g, now() - ((${count} - (${done} + g)) * ${days} / ${count}::float8 + random() / 1000) * interval '1 day' AS t
                  FROM generate_series(1, ${n}) AS g) s`.execute(db);
      offset += n;
      process.stdout.write(
        `\r${Math.min(done + n, count).toLocaleString('en-GB')} of ${count.toLocaleString('en-GB')} enquiries`,
      );
    }
    await sql`VACUUM ANALYZE enquiry`.execute(db);
    process.stdout.write(
      `\nSeeded ${count.toLocaleString('en-GB')} enquiries in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
  });
  return 0;
}

runCli(main);
