/**
 * When paging's jobs run (src/oncall/paging.schedule.ts), on PostgreSQL with graphile-worker's own
 * queue: a phone's held texts and held calls are two bundles, never one overwriting the other;
 * a bundle job queued by an earlier version still matches; a step a delivery failure brought
 * forward is not pushed back; what the officer's link reads of a page's escalation (next steps,
 * acknowledged, exhausted) and the reason a stopped escalation gives on the desk timeline.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config.js';
import { removeJob } from '../../../src/jobs/queue.repository.js';
import {
  bundleJobKey,
  escalationState,
  queueBundle,
  queueStep,
  scheduleNext,
  stepJobKey,
  stopEscalation,
} from '../../../src/oncall/paging.schedule.js';
import { apiEnquiry } from '../../support/enquiry.js';
import { startHarness, type Harness } from '../../support/harness.js';
import { nightRota } from '../../support/rota.js';

// Christmas Eve 2026, 18:00: the office is closed.
const NOW = new Date('2026-12-24T18:00:00Z');
const ON_CALL = '+447911200001';
const MINUTE = 60_000;

let h: Harness;
afterEach(async () => h?.close());

/** A closed office with a rota and one urgent enquiry paged (its first step queued, not run). */
async function pagedEnquiry(): Promise<{ enquiryId: string; pageId: string }> {
  h = await startHarness({ now: NOW.toISOString(), config: { onCall: { bundleSeconds: 0 } } });
  await nightRota(h, { primary: ON_CALL, backup: '+447911200002' });
  await apiEnquiry(h, { phone: '+447911123401', subject: 'Fire at the depot', urgent: true });
  const page = await h.database.db.selectFrom('page').select(['id', 'enquiry_id']).executeTakeFirstOrThrow();
  return { enquiryId: page.enquiry_id, pageId: page.id };
}

async function jobs(keyLike: string) {
  // The payload is only in graphile-worker's own table (its `jobs` view leaves it out).
  const r = await sql<{ key: string; task_identifier: string; payload: Record<string, unknown>; run_at: Date }>`
    SELECT j.key, t.identifier AS task_identifier, j.payload, j.run_at
      FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
     WHERE j.key LIKE ${keyLike} ORDER BY j.key`.execute(h.database.db);
  return r.rows;
}

/** Takes every queued step of a page off the queue. */
async function unqueueSteps(pageId: string): Promise<void> {
  for (const job of await jobs(`page:${pageId}:step:%`)) await removeJob(h.database.db, job.key);
}

const at = (minutes: number) => new Date(NOW.getTime() + minutes * MINUTE);

describe('bundle jobs: one per phone and kind', () => {
  it('keeps a phone’s held texts and held calls as two jobs, each with its own kind and time', async () => {
    h = await startHarness({ now: NOW.toISOString() });
    await h.database.db.transaction().execute(async (tx) => {
      await queueBundle(tx, ON_CALL, 'sms', at(1));
      await queueBundle(tx, ON_CALL, 'call', at(2));
    });
    expect(await jobs(`%${ON_CALL}`)).toEqual([
      {
        key: `bundle-call:${ON_CALL}`,
        task_identifier: 'page_bundle',
        payload: { phone: ON_CALL, action: 'call' },
        run_at: at(2),
      },
      {
        key: `bundle:${ON_CALL}`,
        task_identifier: 'page_bundle',
        payload: { phone: ON_CALL, action: 'sms' },
        run_at: at(1),
      },
    ]);
  });

  it('an earlier time wins: a later page joins the bundle already due, it does not push it back', async () => {
    h = await startHarness({ now: NOW.toISOString() });
    await h.database.db.transaction().execute(async (tx) => {
      await queueBundle(tx, ON_CALL, 'sms', at(1));
      await queueBundle(tx, ON_CALL, 'sms', at(5));
    });
    expect((await jobs(`bundle:${ON_CALL}`)).map((j) => j.run_at)).toEqual([at(1)]);
  });

  it('texts keep the key earlier versions queued them under, so a bundle queued before an upgrade is still the one', async () => {
    h = await startHarness({ now: NOW.toISOString() });
    expect(bundleJobKey(ON_CALL, 'sms')).toBe(`bundle:${ON_CALL}`);
    expect(bundleJobKey(ON_CALL, 'call')).toBe(`bundle-call:${ON_CALL}`);
    // As the version before call bundles queued it.
    await sql`SELECT graphile_worker.add_job('page_bundle', ${JSON.stringify({ phone: ON_CALL })}::json, run_at := ${at(1)}, job_key := ${`bundle:${ON_CALL}`})`.execute(
      h.database.db,
    );
    await h.database.db.transaction().execute((tx) => queueBundle(tx, ON_CALL, 'sms', at(3)));
    expect(await jobs(`%${ON_CALL}`)).toEqual([
      {
        key: `bundle:${ON_CALL}`,
        task_identifier: 'page_bundle',
        payload: { phone: ON_CALL, action: 'sms' },
        run_at: at(1),
      },
    ]);
  });
});

describe('escalation steps', () => {
  it('a step brought forward by a failed delivery keeps its time when the previous step schedules it', async () => {
    const { pageId } = await pagedEnquiry();
    // The page text failed at 18:01: step 1 (the call) was brought forward to then.
    await queueStep(h.database.db, pageId, 1, at(1));
    // The text's send then schedules step 1 for ackTimeoutSeconds after it went out.
    await scheduleNext(h.database.db, h.config.onCall, pageId, 0, NOW);
    expect((await jobs(stepJobKey(pageId, 1))).map((j) => j.run_at)).toEqual([at(1)]);
  });

  it('queueStep replaces the time unless told to preserve it', async () => {
    const { pageId } = await pagedEnquiry();
    await queueStep(h.database.db, pageId, 2, at(1));
    await queueStep(h.database.db, pageId, 2, at(7));
    expect(await jobs(stepJobKey(pageId, 2))).toEqual([
      { key: `page:${pageId}:step:2`, task_identifier: 'page_step', payload: { pageId, step: 2 }, run_at: at(7) },
    ]);
  });

  it('the next step runs its configured delay after the previous one went out, or ackTimeoutSeconds without one', async () => {
    const { pageId } = await pagedEnquiry();
    const onCall: Config['onCall'] = {
      ...h.config.onCall,
      ackTimeoutSeconds: 600,
      escalation: [
        { action: 'sms', to: 'oncall', afterSeconds: 0 },
        { action: 'call', to: 'oncall', afterSeconds: 120 },
        { action: 'call', to: 'next' },
      ],
    };
    await scheduleNext(h.database.db, onCall, pageId, 0, NOW);
    await scheduleNext(h.database.db, onCall, pageId, 1, at(30));
    expect((await jobs(`page:${pageId}:step:%`)).map((j) => [j.key, j.run_at])).toEqual([
      [`page:${pageId}:step:0`, NOW],
      [`page:${pageId}:step:1`, at(2)],
      [`page:${pageId}:step:2`, at(40)],
    ]);
  });
});

describe('stopEscalation: an enquiry no longer open', () => {
  it('removes its queued steps and tells the desk timeline why', async () => {
    const { enquiryId, pageId } = await pagedEnquiry();
    await h.database.db.transaction().execute((tx) => stopEscalation(tx, enquiryId, 'answered', at(3)));
    expect(await jobs(`page:${pageId}:step:%`)).toEqual([]);
    const events = await h.database.db
      .selectFrom('enquiry_event')
      .select(['kind', 'at', 'data'])
      .where('enquiry_id', '=', enquiryId)
      .where('kind', '=', 'escalation_stopped')
      .execute();
    expect(events).toEqual([
      { kind: 'escalation_stopped', at: at(3), data: { pageId, reason: 'the enquiry was answered' } },
    ]);
  });
});

describe('escalationState: what the officer’s link says of a page', () => {
  it('running: the queued step and the one after it, each at its time', async () => {
    const { pageId } = await pagedEnquiry();
    const state = await escalationState(h.database.db, h.config.onCall, pageId, 'new');
    const steps = h.config.onCall.escalation;
    expect(state).toEqual({
      kind: 'running',
      next: [
        { at: NOW, step: steps[0] },
        { at: new Date(NOW.getTime() + h.config.onCall.ackTimeoutSeconds * 1000), step: steps[1] },
      ],
    });
  });

  it('at the last step: only that step, nothing invented after it', async () => {
    const { pageId } = await pagedEnquiry();
    const last = h.config.onCall.escalation.length - 1;
    await unqueueSteps(pageId);
    await queueStep(h.database.db, pageId, last, at(30));
    expect(await escalationState(h.database.db, h.config.onCall, pageId, 'new')).toEqual({
      kind: 'running',
      next: [{ at: at(30), step: h.config.onCall.escalation[last] }],
    });
  });

  it('reads a step index of two digits whole (a long escalation)', async () => {
    const { pageId } = await pagedEnquiry();
    const escalation = Array.from({ length: 13 }, (_, i) => ({
      action: 'call' as const,
      to: i % 2 ? ('next' as const) : ('oncall' as const),
      afterSeconds: 60 * (i + 1),
    }));
    const onCall: Config['onCall'] = { ...h.config.onCall, escalation };
    await unqueueSteps(pageId);
    await queueStep(h.database.db, pageId, 11, at(30));
    expect(await escalationState(h.database.db, onCall, pageId, 'new')).toEqual({
      kind: 'running',
      next: [
        { at: at(30), step: escalation[11] },
        { at: at(30 + 13), step: escalation[12] },
      ],
    });
  });

  it('running with nothing queued (its step held for a bundle): no next step', async () => {
    const { pageId } = await pagedEnquiry();
    await unqueueSteps(pageId);
    expect(await escalationState(h.database.db, h.config.onCall, pageId, 'new')).toEqual({ kind: 'running', next: [] });
  });

  it('acknowledged: when and by whom, even once the enquiry is closed', async () => {
    const { pageId } = await pagedEnquiry();
    await h.database.db
      .updateTable('page')
      .set({ status: 'acknowledged', acknowledged_at: at(4), acknowledged_by: ON_CALL, ack_via: 'sms' })
      .where('id', '=', pageId)
      .execute();
    const acknowledged = { kind: 'acknowledged', at: at(4), by: ON_CALL };
    expect(await escalationState(h.database.db, h.config.onCall, pageId, 'new')).toEqual(acknowledged);
    expect(await escalationState(h.database.db, h.config.onCall, pageId, 'closed')).toEqual(acknowledged);
  });

  it('stopped by the enquiry’s status; exhausted once every step went out; a page id not on record reads exhausted, not an error', async () => {
    const { pageId } = await pagedEnquiry();
    expect(await escalationState(h.database.db, h.config.onCall, pageId, 'answered')).toEqual({
      kind: 'stopped',
      status: 'answered',
    });
    await h.database.db.updateTable('page').set({ status: 'exhausted' }).where('id', '=', pageId).execute();
    expect(await escalationState(h.database.db, h.config.onCall, pageId, 'new')).toEqual({ kind: 'exhausted' });
    expect(await escalationState(h.database.db, h.config.onCall, '987654321', 'new')).toEqual({ kind: 'exhausted' });
  });
});
