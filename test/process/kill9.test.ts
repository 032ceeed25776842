/**
 * kill -9: the real service in a child process, killed with SIGKILL right after it accepted an
 * urgent enquiry (or while the page's request to Twilio is in flight), then restarted. The
 * 201 promises the page; the restarted service (its sweeper releases the job the dead runner
 * held once its heartbeat is 20 s stale) must deliver it exactly once.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import type { TestDatabase } from '../support/db.js';
import type { FakeTwilio } from '../support/fake-twilio.js';
import { openProcessFixture, type ProcessFixture } from '../support/process-fixture.js';
import { describeOutputs, FALLBACK_NUMBER, waitUntil, type ServiceProcess } from '../support/service-process.js';

const JOURNALIST = '+447911123401';
/** Restart (~3 s) + the dead runner's heartbeat going stale (20 s) + one sweep interval (5 s), with room. */
const RECOVERY_MS = 45_000;
/** After recovery, how long we keep watching for a second copy. */
const QUIET_MS = 5_000;

/** A fresh database and fake Twilio for each test: the checks count every job, page and SMS there. */
let fixture: ProcessFixture;
let database: TestDatabase;
let fake: FakeTwilio;

beforeEach(async () => {
  fixture = await openProcessFixture();
  ({ database, fake } = fixture);
});

afterEach(async () => {
  await fixture?.close();
});

const start = (name: string): Promise<ServiceProcess> => fixture.start({ mode: 'all', name });

function watchOutputOnFailure() {
  onTestFailed(() => {
    console.error(
      `fake Twilio requests:\n${fake.requests.map((r) => `  ${r.at.toISOString()} ${r.method} ${r.path} -> ${r.responseStatus}`).join('\n')}`,
    );
    console.error(describeOutputs(fixture.services));
  });
}

function postUrgent(baseUrl: string): Promise<Response> {
  return fetch(`${baseUrl}/api/enquiries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Ann Reporter',
      outlet: 'Evening Gazette',
      phone: JOURNALIST,
      subject: 'Fire at the depot',
      details: 'Need a line tonight',
      urgent: true,
    }),
  });
}

interface Receipt {
  reference: string;
  urgent: boolean;
  outOfHours: boolean;
  pagedOnCall: boolean;
}

/** The 201's body; should the kill have cut it off, the reference of the only enquiry in the database. */
async function readReceipt(res: Response): Promise<Receipt> {
  try {
    return (await res.json()) as Receipt;
  } catch {
    const row = await database.db.selectFrom('enquiry').select('reference').executeTakeFirstOrThrow();
    return { reference: row.reference, urgent: true, outOfHours: true, pagedOnCall: true };
  }
}

/** The enquiry, its page and the page's first SMS step (undefined until they exist). */
async function pageState(reference: string) {
  const enquiry = await database.db
    .selectFrom('enquiry')
    .selectAll()
    .where('reference', '=', reference)
    .executeTakeFirst();
  if (!enquiry) return { enquiry, page: undefined, step: undefined };
  const page = await database.db.selectFrom('page').selectAll().where('enquiry_id', '=', enquiry.id).executeTakeFirst();
  const step = page
    ? await database.db
        .selectFrom('page_step')
        .leftJoin('outbound_message', 'outbound_message.id', 'page_step.outbound_id')
        .select([
          'page_step.state',
          'page_step.to_number',
          'outbound_message.outcome_unknown',
          'outbound_message.provider_sid',
          'outbound_message.provider_status',
        ])
        .where('page_step.page_id', '=', page.id)
        .where('page_step.step_index', '=', 0)
        .where('page_step.action', '=', 'sms')
        .executeTakeFirst()
    : undefined;
  return { enquiry, page, step };
}

async function eventCount(reference: string, kind: string): Promise<number> {
  const r = await sql<{ n: string }>`
    SELECT count(*) AS n FROM enquiry_event e JOIN enquiry q ON q.id = e.enquiry_id
     WHERE q.reference = ${reference} AND e.kind = ${kind}`.execute(database.db);
  return Number(r.rows[0].n);
}

/** Jobs locked by some runner right now. */
/**
 * How many of the page's jobs (its step, or the text the step queued) a runner holds. Only those:
 * a scheduled job (a sweep, a check) that happened to be running when the process died is held
 * too, and on a slow machine that is not rare (CI saw 2 for 1 once).
 */
async function lockedJobs(): Promise<number> {
  const r = await sql<{
    n: string;
  }>`SELECT count(*) AS n FROM graphile_worker.jobs
     WHERE locked_by IS NOT NULL AND task_identifier IN ('page_step', 'send_sms')`.execute(database.db);
  return Number(r.rows[0].n);
}

/** Whether this process's sweeper released jobs of a runner that stopped beating. */
const released = (p: ServiceProcess) => p.logs().some((l) => l.msg === 'released jobs held by runners that stopped');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const messagesFor = (reference: string) => fake.messages.filter((m) => m.body?.includes(reference));
const messagePosts = () => fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json'));
const messageLookups = () => fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/Messages.json'));

/** Waits until the restarted service has recorded the page SMS as sent, then a little longer. */
async function waitForRecovery(reference: string) {
  await waitUntil(
    'the restarted service to record the page SMS as sent',
    async () => (await pageState(reference)).step?.state === 'sent',
    RECOVERY_MS,
    250,
  );
  await sleep(QUIET_MS);
  return pageState(reference);
}

describe('the service killed with SIGKILL', () => {
  it('right after answering 201 to an urgent enquiry: after a restart the fallback line gets exactly one page', {
    timeout: 90_000,
  }, async () => {
    watchOutputOnFailure();
    const first = await start('first run');
    const res = await postUrgent(first.baseUrl!);
    first.kill('SIGKILL'); // the moment the answer's head arrives
    expect(res.status).toBe(201);
    const receipt = await readReceipt(res);
    expect(receipt).toMatchObject({ urgent: true, outOfHours: true, pagedOnCall: true });
    expect(await first.waitForExit()).toEqual({ code: null, signal: 'SIGKILL' });
    // Where the kill caught the page job: still queued, or locked by the runner that just died.
    const lockedByTheDead = (await lockedJobs()) > 0;

    const second = await start('after restart');
    const { enquiry, page, step } = await waitForRecovery(receipt.reference);

    expect(messagesFor(receipt.reference)).toHaveLength(1);
    expect(fake.messages).toHaveLength(1);
    const [sms] = fake.messages;
    expect(sms.to).toBe(FALLBACK_NUMBER);
    expect(sms.body).toContain('Evening Gazette');
    if (lockedByTheDead) expect(released(second)).toBe(true);
    expect(enquiry).toBeDefined();
    expect(page?.status).toBe('active');
    expect(step).toMatchObject({
      state: 'sent',
      provider_sid: sms.sid,
      to_number: FALLBACK_NUMBER,
      outcome_unknown: false,
    });
    expect(await eventCount(receipt.reference, 'page_sms_sent')).toBe(1);
    // Only the first escalation step is due (the call waits for onCall.ackTimeoutSeconds).
    expect(fake.calls).toHaveLength(0);
  });

  it('while the page SMS request is in flight: after a restart it finds the message at Twilio instead of sending it again', {
    timeout: 90_000,
  }, async () => {
    watchOutputOnFailure();
    // Twilio takes the message but answers only after 3 s; the sender dies before hearing back.
    fake.delayNext(1, 3_000);
    const first = await start('first run');
    const res = await postUrgent(first.baseUrl!);
    expect(res.status).toBe(201);
    const receipt = (await res.json()) as Receipt;
    expect(receipt.pagedOnCall).toBe(true);

    await waitUntil('the page SMS request to reach the fake Twilio', () => messagePosts().length > 0, 15_000, 5);
    first.kill('SIGKILL');
    expect(await first.waitForExit()).toEqual({ code: null, signal: 'SIGKILL' });

    // The fake accepts the message after its delay though nobody is listening any more.
    await fake.waitForMessages(1, 10_000);
    const before = await pageState(receipt.reference);
    expect(before.step).toMatchObject({ state: 'sending', outcome_unknown: true, provider_sid: null });

    expect(await lockedJobs()).toBe(1);

    const second = await start('after restart');
    const { enquiry, page, step } = await waitForRecovery(receipt.reference);

    expect(released(second)).toBe(true);
    expect(messagesFor(receipt.reference)).toHaveLength(1);
    expect(fake.messages).toHaveLength(1);
    expect(messagePosts()).toHaveLength(1);
    expect(messageLookups().length).toBeGreaterThanOrEqual(1);
    const [sms] = fake.messages;
    expect(sms.to).toBe(FALLBACK_NUMBER);
    expect(enquiry).toBeDefined();
    expect(page?.status).toBe('active');
    expect(step).toMatchObject({
      state: 'sent',
      provider_sid: sms.sid,
      provider_status: 'recovered',
      outcome_unknown: false,
    });
    expect(await eventCount(receipt.reference, 'page_sms_sent')).toBe(1);
  });
});
