/**
 * How long the coverage-gap check (src/oncall/rota-guard.service.ts, issue 27) takes on a big
 * rota: 50 people, a year of nightly and weekend shifts with backups and overrides either side of
 * now, a page or test to every number (some failed), and the check's window of
 * `onCall.lookAheadDays` (14, and 90 at most). The check runs on every rota change and every
 * morning, inside one transaction that holds the gap lock, so it must stay well under a second.
 *
 *   npm run bench:gaps            (DATABASE_URL: a fresh database on that server; else embedded)
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { createDb, createPool } from '../src/db/database.js';
import { migrate } from '../src/db/migrations.js';
import { RotaGuard } from '../src/oncall/rota-guard.service.js';
import { RotaService } from '../src/oncall/rota.service.js';
import { provideDatabase, runIfMain, summary, type Summary } from './lib.js';

const DAY = 86_400_000;

/** Figures of one window length. */
export interface GapFigures {
  lookAheadDays: number;
  entries: number;
  people: number;
  gapsFound: number;
  ms: Summary;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
  const runs = Number(values.runs);
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const where = await provideDatabase(cleanups);
    const pool = createPool(where.url);
    cleanups.push(() => pool.end());
    const db = createDb(pool);
    await migrate(db, pool);

    const now = new Date('2026-12-07T10:00:00Z');
    // Half a year back, half a year ahead: the check reads only its window, the table holds the year.
    const first = new Date(now.getTime() - 182 * DAY);
    await sql`
      INSERT INTO person (name, phone)
      SELECT 'Officer ' || i, '+4479112' || lpad(i::text, 5, '0') FROM generate_series(1, 50) i
    `.execute(db);
    // Every night 17:00-09:00 (UTC stands in for office time: the check does the calendar),
    // primary and backup, people in turn; an override on every seventh night.
    await sql`
      INSERT INTO rota_entry (person_id, role, starts_at, ends_at, is_override, created_by)
      SELECT p.id, r.role, d + interval '17 hours', d + interval '33 hours', false, 'bench'
      FROM generate_series(${first}::timestamptz, ${first}::timestamptz + interval '364 days', interval '1 day') WITH ORDINALITY AS g(d, n)
      CROSS JOIN (VALUES ('primary', 0), ('backup', 1)) AS r(role, k)
      JOIN person p ON p.id = (SELECT min(id) FROM person) + ((n + r.k * 7) % 50)
    `.execute(db);
    await sql`
      INSERT INTO rota_entry (person_id, role, starts_at, ends_at, is_override, created_by)
      SELECT (SELECT min(id) FROM person) + (n % 50), 'primary', d + interval '20 hours', d + interval '26 hours', true, 'bench'
      FROM generate_series(${first}::timestamptz, ${first}::timestamptz + interval '364 days', interval '7 days') WITH ORDINALITY AS g(d, n)
    `.execute(db);
    // A test page to every number, one in ten failed; ten pages a night for the past half year.
    await sql`
      INSERT INTO outbound_message (owner_kind, medium, idempotency_key, to_number, content, state, provider_status, created_at)
      SELECT 'message', 'sms', 'test-page:' || p.id, p.phone, 'test', 'sent',
             CASE WHEN p.id % 10 = 0 THEN 'undelivered' ELSE 'delivered' END, ${now}::timestamptz - interval '1 day'
      FROM person p
    `.execute(db);
    await sql`
      INSERT INTO outbound_message (owner_kind, medium, idempotency_key, to_number, content, state, created_at)
      SELECT 'page_step', 'sms', 'bench-page:' || g, p.phone, 'page', 'sent', ${first}::timestamptz + (g * interval '26 minutes')
      FROM generate_series(1, 1820) g
      JOIN person p ON p.id = (SELECT min(id) FROM person) + (g % 50)
    `.execute(db);
    await sql`ANALYZE`.execute(db);
    const entries = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM rota_entry`.execute(db)).rows[0]!.n);

    const figures: GapFigures[] = [];
    for (const lookAheadDays of [14, 90]) {
      const config = loadConfig(
        { ...process.env, DATABASE_URL: where.url },
        { onCall: { lookAheadDays }, desk: { escalationNumbers: [] } },
      );
      const clock = () => now;
      const rota = new RotaService({ db, config, clock });
      const guard = new RotaGuard({ db, clock, config, rota });
      let gapsFound = 0;
      const times: number[] = [];
      for (let i = 0; i < runs + 2; i++) {
        const t0 = performance.now();
        gapsFound = (await guard.checkGaps()).length;
        // The first two warm the caches and the JIT, as a running worker has.
        if (i >= 2) times.push(performance.now() - t0);
      }
      figures.push({ lookAheadDays, entries, people: 50, gapsFound, ms: summary(times) });
    }
    console.log(`Gap check on ${where.where}: ${entries} rota entries, 50 people, ${runs} runs each`);
    for (const f of figures)
      console.log(
        `  ${f.lookAheadDays} days ahead: p50 ${f.ms.p50.toFixed(1)} ms, p95 ${f.ms.p95.toFixed(1)} ms, max ${f.ms.max.toFixed(1)} ms (${f.gapsFound} gaps open)`,
      );
  } finally {
    for (const c of cleanups.reverse()) await c();
  }
}

runIfMain(import.meta.url, main);
