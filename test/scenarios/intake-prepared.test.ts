import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createPool } from '../../src/db/database.js';
import { insertEnquiryWithEvent } from '../../src/enquiries/enquiries.repository.js';
import { startHarness, type Harness } from '../support/harness.js';

// Intake's insert is a named prepared statement: each connection parses and plans it once
// (issue 32). These hold what that must not cost: an office upgrading in place, and a pooler.

// Wednesday 2 December 2026, 10:00 in London: the office is open.
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';

const enquiry = (i: number) => ({
  name: 'Ann Reporter',
  outlet: 'Evening Gazette',
  email: 'ann@gazette.example',
  subject: `Road closure on the A38, question ${i}`,
  details: 'Can you confirm why the A38 was closed this morning?',
});

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM, config: { intake: { rateLimit: null } } });
});
afterAll(async () => h?.close());

/** Posts `n` enquiries at once (so several of the pool's connections take one) and returns their references. */
async function postAtOnce(n: number, from: number): Promise<string[]> {
  const answers = await Promise.all(
    Array.from({ length: n }, (_, i) => h.postJson('/api/enquiries', enquiry(from + i))),
  );
  expect(answers.map((a) => a.status)).toEqual(Array(n).fill(201));
  return Promise.all(answers.map(async (a) => ((await a.json()) as { reference: string }).reference));
}

describe('intake with its insert prepared once per connection', () => {
  it('goes on taking enquiries when a newer version adds a column to enquiry while it runs', async () => {
    await postAtOnce(5, 0);
    // What a newer version's migration does while this process still runs (a rolling upgrade).
    await sql`ALTER TABLE enquiry ADD COLUMN added_by_a_newer_version text DEFAULT 'new'`.execute(h.database.db);
    try {
      const after = await postAtOnce(5, 5);
      const rows = await h.database.db
        .selectFrom('enquiry')
        .select(['reference', 'subject'])
        .where('reference', 'in', after)
        .execute();
      expect(rows).toHaveLength(5);
    } finally {
      await sql`ALTER TABLE enquiry DROP COLUMN added_by_a_newer_version`.execute(h.database.db);
    }
  });

  it('is parsed once per connection, and not at all by name behind a transaction pooler', async () => {
    const row = (i: number) => {
      const now = new Date(WEDNESDAY_10AM);
      return {
        reference: `PD-TST-${i}${Date.now() % 1000}`,
        channel: 'api' as const,
        ...enquiry(100 + i),
        phone: null,
        deadline: null,
        urgent: false,
        urgent_reason: null,
        out_of_hours: false,
        needs_on_call: false,
        respond_by: now,
        received_at: now,
        updated_at: now,
        warn_at: null,
      };
    };
    const prepared = async (namedStatements: boolean, from: number) => {
      // One connection, so the statements prepared are those of the connection that ran the inserts.
      const pool = createPool(h.database.url, { max: 1, namedStatements });
      const db = createDb(pool);
      try {
        for (const i of [from, from + 1]) {
          const stored = await insertEnquiryWithEvent(db, row(i), {
            kind: 'received',
            data: {
              channel: 'api',
              outOfHours: false,
              urgent: false,
              urgentReason: null,
              pagedOnCall: false,
              nextStep: 'x',
            },
          });
          expect(stored?.subject).toBe(enquiry(100 + i).subject);
        }
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_prepared_statements
          WHERE statement LIKE '%INSERT INTO enquiry (%'`.execute(db);
        return rows[0].n;
      } finally {
        await db.destroy();
      }
    };
    expect(await prepared(true, 0)).toBe(1);
    expect(await prepared(false, 10)).toBe(0);
  });
});
