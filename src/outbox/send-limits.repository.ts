import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/**
 * Takes the bucket's slot if it is free now (the next one is then `spacingMs` later): 0, or the
 * milliseconds until it is free. One statement, so two processes can never both take a slot.
 */
export async function takeSlot(db: Db, bucket: string, spacingMs: number): Promise<number> {
  const taken = await sql<{ bucket: string }>`
    INSERT INTO send_slot (bucket, next_at) VALUES (${bucket}, clock_timestamp() + make_interval(secs => ${spacingMs / 1000}))
    ON CONFLICT (bucket) DO UPDATE SET next_at = clock_timestamp() + make_interval(secs => ${spacingMs / 1000})
     WHERE send_slot.next_at <= clock_timestamp()
    RETURNING bucket`.execute(db);
  if (taken.rows.length) return 0;
  // Freed between the two statements: still not taken, so try again at once (never 0 here).
  return Math.max(1, await msUntil(db, bucket, 'next_at'));
}

/** Milliseconds until a page that is waiting for the bucket's slot stops counting as waiting (0: none waits). */
export async function pageWaitingMs(db: Db, bucket: string): Promise<number> {
  return msUntil(db, bucket, 'page_waiting_until');
}

/** Says that a page waits for the bucket's slot, for `forMs` from now. */
export async function markPageWaiting(db: Db, bucket: string, forMs: number): Promise<void> {
  await sql`UPDATE send_slot SET page_waiting_until = greatest(page_waiting_until, clock_timestamp() + make_interval(secs => ${forMs / 1000}))
             WHERE bucket = ${bucket}`.execute(db);
}

async function msUntil(db: Db, bucket: string, column: 'next_at' | 'page_waiting_until'): Promise<number> {
  const r = await sql<{ ms: number | null }>`
    SELECT ceil(extract(epoch FROM (${sql.ref(column)} - clock_timestamp())) * 1000)::int AS ms FROM send_slot WHERE bucket = ${bucket}`.execute(
    db,
  );
  return Math.max(0, r.rows[0]?.ms ?? 0);
}
