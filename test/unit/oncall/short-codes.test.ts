import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstFreeShortCode } from '../../../src/oncall/paging.repository.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

/** An enquiry with a page holding `code`, in `status`. */
async function pageWith(code: string, status: 'active' | 'acknowledged' | 'exhausted', n: number): Promise<void> {
  const now = new Date();
  const e = await t.db
    .insertInto('enquiry')
    .values({
      reference: `PD-TST-${n}`,
      channel: 'api',
      name: 'A',
      outlet: 'B',
      email: 'a@b.example',
      phone: null,
      subject: 's',
      details: 'd',
      deadline: null,
      urgent: true,
      urgent_reason: 'journalist',
      out_of_hours: true,
      needs_on_call: true,
      respond_by: null,
      received_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.db.insertInto('page').values({ enquiry_id: e.id, short_code: code, status, created_at: now }).execute();
}

describe('short codes for new pages (what the on-call officer texts back)', () => {
  it('picks the first candidate no active page uses; codes of finished pages are free again', async () => {
    await pageWith('1111', 'active', 1);
    await pageWith('2222', 'active', 2);
    await pageWith('3333', 'acknowledged', 3);
    await pageWith('4444', 'exhausted', 4);
    const free = (candidates: string[]) => t.db.transaction().execute((tx) => firstFreeShortCode(tx, candidates));
    expect(await free(['1111', '2222', '5555'])).toBe('5555');
    expect(await free(['3333', '1111'])).toBe('3333');
    expect(await free(['2222', '4444'])).toBe('4444');
    expect(await free(['1111', '2222'])).toBeNull();
  });
});
