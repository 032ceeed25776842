/**
 * Bugs the fault script found, pinned down as fast tests in the normal suite.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool } from '../../src/db/database.js';
import { startJobRunner } from '../../src/jobs/runner.js';
import { createLogger } from '../../src/log.js';
import { createTwilioGateway } from '../../src/telephony/twilio.client.js';
import { createTestDatabase } from '../support/db.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio.js';
import { startHarness } from '../support/harness.js';

let fake: FakeTwilio;
beforeAll(async () => {
  fake = await startFakeTwilio();
});
afterAll(async () => fake?.close());

describe('finding a page SMS again after an attempt with an unknown outcome', () => {
  // kill -9 during a storm (test/faults/kill9.ts): a dead worker's page SMS reached Twilio, its
  // job was released 20 s later, and by then the on-call phone had received more than 50 newer
  // pages. The look-up read only the newest 50 messages, missed it, and sent the page again.
  it('finds the message even when the phone has received more than 50 messages since', async () => {
    const gateway = createTwilioGateway({
      accountSid: fake.accountSid,
      authToken: fake.authToken,
      phoneNumber: '+443001234567',
      apiBaseUrl: fake.baseUrl,
      configured: true,
    });
    const to = '+447911123456';
    const since = new Date(Date.now() - 1_000);
    const first = await gateway.sendSms({
      to,
      body: 'URGENT media enquiry PD-AAA-AAA (the one whose answer was lost)',
    });
    for (let i = 0; i < 60; i++)
      await gateway.sendSms({ to, body: `URGENT media enquiry PD-BBB-${String(i).padStart(3, '0')}` });
    expect(await gateway.findSentSms({ to, since, marker: 'PD-AAA-AAA' })).toBe(first.sid);
    expect(await gateway.findSentSms({ to, since, marker: 'PD-ZZZ-ZZZ' })).toBeNull();
  });
});

describe('the public sign-in form and big bodies', () => {
  // Slow clients and big bodies (test/faults/slow-clients.ts): POST /desk/login had no body
  // limit, so a 5 MB (or 5 GB) body was read into memory before the CSRF check refused it.
  it('answers a body over the limit with 413 before reading it all', async () => {
    const h = await startHarness({ now: '2026-12-02T10:00:00Z' });
    try {
      const body = `email=a%40b.example&password=${'x'.repeat(h.config.intake.maxBodyBytes)}`;
      const res = await h.app.request('/desk/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
      });
      expect(res.status).toBe(413);
      expect(await res.text()).toContain('Too much data');
    } finally {
      await h.close();
    }
  });
});

/** Runs `statement` on the server's maintenance connection (superuser). */
async function admin(statement: string, params: unknown[] = []): Promise<void> {
  const c = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await c.connect();
  try {
    await c.query(statement, params);
  } finally {
    await c.end();
  }
}

const until = async (check: () => boolean | Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
};

describe('a database restart while work is in progress', () => {
  // PostgreSQL restarts under load (test/faults/pg-restart.ts): a pooled client checked out
  // between two statements had no 'error' listener; when its connection was cut the process
  // died of an unhandled 'error' event.
  it('a checked-out client whose connection is cut does not crash the process', async () => {
    const database = await createTestDatabase();
    const errors: Error[] = [];
    const pool = createPool(database.url, { max: 2, onError: (err) => errors.push(err) });
    try {
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      expect(await until(() => errors.length > 0, 5_000)).toBe(true);
      await expect(client.query('SELECT 1')).rejects.toThrow();
      client.release(true);
      expect((await pool.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    } finally {
      await pool.end();
      await database.drop();
    }
  });

  // The same scenario: a graphile-worker runner that could not record a job's outcome (the
  // database went away mid-job) died and was never replaced, and the heartbeat kept vouching for
  // it, so the page job it held stayed locked for graphile-worker's 4 hours.
  it('a job runner that dies because the database went away is replaced and its job runs again', {
    timeout: 30_000,
  }, async () => {
    const database = await createTestDatabase();
    const dbName = new URL(database.url).pathname.slice(1);
    const runs: number[] = [];
    const runner = await startJobRunner({
      pool: database.pool,
      db: database.db,
      log: createLogger('silent'),
      concurrency: 1,
      pollInterval: 100,
      heartbeatMs: 60_000,
      taskList: {
        flaky: async (_payload, helpers) => {
          runs.push(helpers.job.attempts);
          if (runs.length > 1) return;
          // The database goes away while this job runs: it cannot be marked complete.
          await admin(`ALTER DATABASE ${pg.escapeIdentifier(dbName)} ALLOW_CONNECTIONS false`);
          await admin(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
            [dbName],
          );
          setTimeout(() => void admin(`ALTER DATABASE ${pg.escapeIdentifier(dbName)} ALLOW_CONNECTIONS true`), 1_500);
        },
      },
    });
    try {
      await sql`SELECT graphile_worker.add_job('flaky', '{}'::json)`.execute(database.db);
      expect(await until(() => runs.length >= 2, 20_000), `the job ran ${runs.length} time(s)`).toBe(true);
      const left = await until(async () => {
        const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM graphile_worker.jobs`
          .execute(database.db)
          .catch(() => null);
        return r?.rows[0].n === 0;
      }, 10_000);
      expect(left, 'the job is done').toBe(true);
    } finally {
      await admin(`ALTER DATABASE ${pg.escapeIdentifier(dbName)} ALLOW_CONNECTIONS true`);
      await runner.stop();
      await database.drop();
    }
  });
});
