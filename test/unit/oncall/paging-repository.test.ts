/**
 * Paging's SQL (src/oncall/paging.repository.ts) on PostgreSQL, where what the escalation relies on
 * is a single statement's answer: a page is marked exhausted once (the timeline says so once);
 * steps held for a bundle leave it when the escalation stops, and only those; which pages a claim
 * still wants; a legacy "never" in the phone's bundling window; and an empty list asked about
 * answers empty rather than sending PostgreSQL `IN ()`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Tx } from '../../../src/db/database.js';
import * as repo from '../../../src/oncall/paging.repository.js';
import { apiEnquiry } from '../../support/enquiry.js';
import { startHarness, type Harness } from '../../support/harness.js';
import { nightRota } from '../../support/rota.js';

// Christmas Eve 2026, 18:00: the office is closed.
const NOW = new Date('2026-12-24T18:00:00Z');
const ON_CALL = '+447911200001';

let h: Harness;
afterEach(async () => h?.close());

/** A closed office with a rota and `n` urgent enquiries paged (their first steps queued, not run); their page ids. */
async function pages(n: number): Promise<Array<{ pageId: string; enquiryId: string }>> {
  h = await startHarness({ now: NOW.toISOString(), config: { onCall: { bundleSeconds: 0 } } });
  await nightRota(h, { primary: ON_CALL, backup: '+447911200002' });
  for (let i = 0; i < n; i++) await apiEnquiry(h, { phone: `+4479111234${10 + i}`, urgent: true });
  const rows = await h.database.db.selectFrom('page').select(['id', 'enquiry_id']).orderBy('id').execute();
  return rows.map((r) => ({ pageId: r.id, enquiryId: r.enquiry_id }));
}

const tx = <T>(work: (t: Tx) => Promise<T>): Promise<T> => h.database.db.transaction().execute(work);

describe('a page marked exhausted', () => {
  it('changes once: a second mark, or a page acknowledged meanwhile, answers false', async () => {
    const [a, b] = await pages(2);
    expect(await tx((t) => repo.markPageExhausted(t, a.pageId))).toBe(true);
    expect(await tx((t) => repo.markPageExhausted(t, a.pageId))).toBe(false);
    await tx((t) => repo.acknowledgePages(t, [b.pageId], { at: NOW, by: ON_CALL, via: 'sms' }));
    expect(await tx((t) => repo.markPageExhausted(t, b.pageId))).toBe(false);
    const statuses = await h.database.db.selectFrom('page').select('status').orderBy('id').execute();
    expect(statuses.map((p) => p.status)).toEqual(['exhausted', 'acknowledged']);
  });
});

describe('steps held for a bundle', () => {
  it('leave it when the escalation stops: only the held ones of that page, not one a bundle already claimed', async () => {
    const [a, b] = await pages(2);
    const step = (pageId: string, index: number, state: 'waiting_bundle' | 'sent') =>
      tx((t) =>
        repo.getOrCreateStep(t, {
          page_id: pageId,
          step_index: index,
          action: 'sms',
          to_number: ON_CALL,
          person_id: null,
          created_at: NOW,
          state,
        }),
      );
    const held = await step(a.pageId, 0, 'waiting_bundle');
    const claimed = await step(a.pageId, 1, 'waiting_bundle');
    const sent = await step(a.pageId, 2, 'sent');
    const other = await step(b.pageId, 0, 'waiting_bundle');
    const outbound = await h.database.db
      .insertInto('outbound_message')
      .values({
        owner_kind: 'page_step',
        medium: 'sms',
        idempotency_key: 'bundle-test',
        to_number: ON_CALL,
        content: 'x',
        state: 'sending',
        created_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx((t) => repo.linkSteps(t, [claimed.id], outbound.id));

    expect(await tx((t) => repo.skipHeldSteps(t, a.pageId))).toBe(1);
    const states = await h.database.db.selectFrom('page_step').select(['id', 'state']).orderBy('id').execute();
    expect(Object.fromEntries(states.map((s) => [s.id, s.state]))).toEqual({
      [held.id]: 'skipped',
      [claimed.id]: 'waiting_bundle',
      [sent.id]: 'sent',
      [other.id]: 'waiting_bundle',
    });
    expect(await repo.latestStepIndex(h.database.db, a.pageId)).toBe(2);
  });

  it('a page with no step yet is at step -1', async () => {
    const [a] = await pages(1);
    expect(await repo.latestStepIndex(h.database.db, a.pageId)).toBe(-1);
  });
});

describe('what a claim still wants', () => {
  it('pages still active whose enquiry is still open', async () => {
    const [active, acked, answered] = await pages(3);
    await tx((t) => repo.acknowledgePages(t, [acked.pageId], { at: NOW, by: ON_CALL, via: 'sms' }));
    await h.database.db
      .updateTable('enquiry')
      .set({ status: 'answered' })
      .where('id', '=', answered.enquiryId)
      .execute();
    const wanted = await tx((t) => repo.pagesStillWanted(t, [active.pageId, acked.pageId, answered.pageId]));
    expect([...wanted]).toEqual([active.pageId]);
  });
});

describe('the bundling window of a phone', () => {
  it('reads "never" for a new phone and for the epoch rows written before calls were bundled', async () => {
    await pages(0);
    expect(await tx((t) => repo.lockPhoneWindow(t, ON_CALL, 'sms'))).toBeNull();
    await h.database.db
      .updateTable('page_phone_window')
      .set({ last_sent_at: new Date(0), last_call_at: new Date(0) })
      .where('phone', '=', ON_CALL)
      .execute();
    expect(await tx((t) => repo.lockPhoneWindow(t, ON_CALL, 'sms'))).toBeNull();
    expect(await tx((t) => repo.lockPhoneWindow(t, ON_CALL, 'call'))).toBeNull();
    await tx((t) => repo.setPhoneWindow(t, ON_CALL, NOW, 'call'));
    expect(await tx((t) => repo.lockPhoneWindow(t, ON_CALL, 'call'))).toEqual(NOW);
    expect(await tx((t) => repo.lockPhoneWindow(t, ON_CALL, 'sms'))).toBeNull();
  });
});

describe('asked about nothing', () => {
  it('answers empty, and a page id not on record is no page', async () => {
    await pages(1);
    const db = h.database.db;
    expect(await tx((t) => repo.firstFreeShortCode(t, []))).toBeNull();
    expect(await tx((t) => repo.acknowledgePages(t, [], { at: NOW, by: ON_CALL, via: 'sms' }))).toEqual([]);
    expect(await repo.pagesByIds(db, [])).toEqual([]);
    expect(await repo.enquiriesByIds(db, [])).toEqual([]);
    expect(await tx((t) => repo.pagesStillWanted(t, []))).toEqual(new Set());
    await repo.setStepState(db, [], 'sent');
    await tx((t) => repo.linkSteps(t, [], '1'));
    expect(await repo.findPageWithEnquiry(db, '987654321')).toBeUndefined();
  });
});
