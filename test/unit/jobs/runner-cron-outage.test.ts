/**
 * The job runner outlives a database outage at a cron minute's tick. graphile-worker 0.16 stops
 * its whole runner when its cron cannot reach the database at the tick, and leaves a rejection of
 * its own unhandled, which ended the process (seen in CI's PostgreSQL-restart fault run, since the
 * deadline sweep made every minute a cron minute). Here the pool refuses every connection from
 * just before a minute turns until after it; the process must still be here afterwards, with a
 * runner that takes jobs again.
 *
 * Real time: it waits for the next minute boundary (up to a minute).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../../src/db/database.js';
import { addJob } from '../../../src/jobs/queue.repository.js';
import { startJobRunner, type JobRunner } from '../../../src/jobs/runner.js';
import { createLogger } from '../../../src/log.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

/** A pool that refuses every connection and query while `down` is set, as when PostgreSQL is stopped. */
class OutagePool extends pg.Pool {
  down = false;
  private refusal(): Error {
    return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1 (simulated outage)'), { code: 'ECONNREFUSED' });
  }
  override connect(...args: unknown[]): never {
    if (this.down) {
      const cb = args[0];
      if (typeof cb === 'function') {
        setImmediate(() => (cb as (err: Error) => void)(this.refusal()));
        return undefined as never;
      }
      return Promise.reject(this.refusal()) as never;
    }
    return (super.connect as (...a: unknown[]) => never)(...args);
  }
  override query(...args: unknown[]): never {
    if (this.down) return Promise.reject(this.refusal()) as never;
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}

let t: TestDatabase;
let pool: OutagePool;
let runner: JobRunner | undefined;
const ran: string[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  t = await createTestDatabase();
  pool = new OutagePool({ connectionString: t.url, max: 20 });
  pool.on('error', () => undefined);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await runner?.stop().catch(() => undefined);
  await pool?.end();
  await t?.drop();
});

describe('the job runner and a database outage at a cron tick', () => {
  it('replaces its stopped runner and takes jobs again once the database is back', async () => {
    const db = createDb(pool);
    runner = await startJobRunner({
      pool,
      db,
      log: createLogger('silent'),
      taskList: { tick: async () => void ran.push('tick'), work: async () => void ran.push('work') },
      crontab: '* * * * * tick',
      pollInterval: 200,
    });
    process.on('unhandledRejection', onUnhandled);
    // Down from 1.5 s before the next minute until 3.5 s after it: the cron's tick fails.
    const untilMinute = 60_000 - (Date.now() % 60_000);
    await new Promise((r) => setTimeout(r, Math.max(0, untilMinute - 1500)));
    pool.down = true;
    await new Promise((r) => setTimeout(r, 5000));
    pool.down = false;

    // The process is still here (a crash would end the test run), and a runner takes new work.
    await addJob(db, 'work' as 'page_step', { pageId: '1', step: 0 }, { runAt: new Date() });
    const deadline = Date.now() + 30_000;
    while (!ran.includes('work') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(ran).toContain('work');
    // graphile-worker's own stray rejection was taken care of by the runner's guard, not left to Node.
    expect(unhandled.filter((u) => !(u instanceof Error && /simulated outage/.test(u.message)))).toEqual([]);
  }, 120_000);
});
