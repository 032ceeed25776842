import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { Channel, Outcome } from './health.model.js';
import type { ServiceHealthRow } from './service-health.tables.js';

/**
 * Records `outcome` as the channel's state at `at`, in one statement (two processes may write at
 * once). The row is written only when the state, class or code differ from what it says, or when
 * `checked` (a start-up or periodic check, whose time is worth keeping); `since` moves only on a
 * change. Returns true when the row changed state, class or code.
 */
export async function recordOutcome(
  db: Db,
  channel: Channel,
  outcome: Outcome,
  at: Date,
  checked: boolean,
): Promise<boolean> {
  const state = outcome.ok ? 'ok' : 'failing';
  const errorClass = outcome.ok ? null : outcome.errorClass;
  const code = outcome.ok ? null : outcome.code;
  // `changed` compares with the row as it was before this statement (the CTE's snapshot), so
  // the caller learns whether this write turned the channel, and logs only then.
  const r = await sql<{ changed: boolean }>`
    WITH old AS (SELECT state, error_class, error_code FROM service_health WHERE channel = ${channel})
    INSERT INTO service_health AS h (channel, state, error_class, error_code, since, checked_at)
    VALUES (${channel}, ${state}, ${errorClass}, ${code}::int, ${at}, ${at})
    ON CONFLICT (channel) DO UPDATE SET
      state = excluded.state,
      error_class = excluded.error_class,
      error_code = excluded.error_code,
      since = CASE WHEN (h.state, h.error_class, h.error_code) IS DISTINCT FROM
                        (excluded.state, excluded.error_class, excluded.error_code)
                   THEN excluded.since ELSE h.since END,
      checked_at = excluded.checked_at
    WHERE ${checked}
       OR (h.state, h.error_class, h.error_code) IS DISTINCT FROM (excluded.state, excluded.error_class, excluded.error_code)
    RETURNING COALESCE(
      (SELECT (o.state, o.error_class, o.error_code) IS DISTINCT FROM (${state}::text, ${errorClass}::text, ${code}::int) FROM old o),
      true) AS changed`.execute(db);
  return r.rows[0]?.changed ?? false;
}

/** Every channel's row (at most one each): the one query of `/readyz` and the desk's banner. */
export async function readHealth(db: Db): Promise<ServiceHealthRow[]> {
  return db.selectFrom('service_health').selectAll().execute();
}
