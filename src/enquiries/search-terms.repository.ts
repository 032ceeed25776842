import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';

// Search terms in the queue's syntax (websearch_to_tsquery, English) as rules: incidents and topics
// pick out enquiries with them, and check them the same way before they are saved.

/**
 * What `terms` make as a search: `searchable` when they can match something (not only stop words
 * or punctuation); `positive` when a match needs at least one word to be present (PostgreSQL's
 * `querytree` is 'T' for a query of exclusions only, such as `-weather` or `fire OR -weather`,
 * which matches almost every enquiry).
 */
export async function termsShape(db: Db | Tx, terms: string): Promise<{ searchable: boolean; positive: boolean }> {
  const r = await sql<{ searchable: boolean; positive: boolean }>`
    SELECT q::text <> '' AS searchable, querytree(q) <> 'T' AS positive
      FROM websearch_to_tsquery('english', ${terms}) AS q`.execute(db);
  return r.rows[0] ?? { searchable: false, positive: false };
}

/** How many enquiries (not erased) were received in [from, to), and how many of them `terms` match (the queue's search). */
export async function termsMatchCount(
  db: Db | Tx,
  terms: string,
  from: Date,
  to: Date,
): Promise<{ total: number; matched: number }> {
  const r = await sql<{ total: number; matched: number }>`
    SELECT count(*)::int AS total,
           count(*) FILTER (WHERE search @@ websearch_to_tsquery('english', ${terms}))::int AS matched
      FROM enquiry
     WHERE received_at >= ${from} AND received_at < ${to} AND erased_at IS NULL`.execute(db);
  return r.rows[0] ?? { total: 0, matched: 0 };
}
