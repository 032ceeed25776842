import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addJob } from '../../../src/jobs/queue.repository.js';
import { startJobRunner, type JobRunner } from '../../../src/jobs/runner.js';
import { createLogger } from '../../../src/log.js';
import { PAGING_RETRY_CAP } from '../../../src/oncall/paging.tasks.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

let t: TestDatabase;
let runner: JobRunner;
beforeAll(async () => {
  t = await createTestDatabase();
  // This runner knows none of the jobs below, so it never takes them: only its sweep acts on them.
  runner = await startJobRunner({
    pool: t.pool,
    db: t.db,
    log: createLogger('silent'),
    taskList: { unrelated: async () => {} },
    heartbeatMs: 3_600_000,
    retryCap: { ...PAGING_RETRY_CAP, seconds: 30 },
  });
});
afterAll(async () => {
  await runner.stop();
  await t.drop();
});

/** Queues a job, then makes it look as graphile-worker leaves one after `attempts` failures: next try in an hour. */
async function failedJob(task: string, key: string, attempts: number, maxAttempts = 25): Promise<void> {
  await addJob(t.db, task as 'page_step', { pageId: '1', step: 0 }, { runAt: new Date(), jobKey: key, maxAttempts });
  await sql`SELECT graphile_worker.reschedule_jobs(ARRAY(SELECT id FROM graphile_worker.jobs WHERE key = ${key}),
              run_at => now() + interval '1 hour', attempts => ${attempts})`.execute(t.db);
}

async function job(key: string) {
  const r = await sql<{ wait_s: number; attempts: number; max_attempts: number }>`
    SELECT extract(epoch FROM run_at - now())::float8 AS wait_s, attempts, max_attempts FROM graphile_worker.jobs WHERE key = ${key}`.execute(
    t.db,
  );
  return r.rows[0];
}

describe('retries of pages after a long Twilio outage', () => {
  it('a page that failed many times is tried again within 30 s, not after graphile-worker’s hour-long backoff', async () => {
    await failedJob('page_step', 'page:1:step:0', 8);
    await runner.sweep();
    const j = await job('page:1:step:0');
    expect(j.wait_s).toBeGreaterThan(25);
    expect(j.wait_s).toBeLessThanOrEqual(30);
    // Swept again, it stays where it is: a retry is brought forward once, not pushed ever earlier.
    await runner.sweep();
    expect((await job('page:1:step:0')).wait_s).toBeGreaterThan(20);
  });

  it('does not let a page run out of attempts during the outage', async () => {
    await failedJob('page_step', 'page:2:step:0', 24);
    await runner.sweep();
    expect(await job('page:2:step:0')).toMatchObject({ attempts: 24, max_attempts: 26 });
  });

  it('leaves alone other tasks, and escalation steps that are simply scheduled for later', async () => {
    await failedJob('weekly_report', 'report:1', 8);
    await addJob(
      t.db,
      'page_step',
      { pageId: '3', step: 1 },
      { runAt: new Date(Date.now() + 600_000), jobKey: 'page:3:step:1' },
    );
    await runner.sweep();
    expect((await job('report:1')).wait_s).toBeGreaterThan(3000);
    expect((await job('page:3:step:1')).wait_s).toBeGreaterThan(590);
  });
});
