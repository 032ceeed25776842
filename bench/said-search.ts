/**
 * "Search in responses" (issue 28, item 5): what the office said, beside the seeded enquiries, so
 * that the queue's "What we said" search (`/desk?in=said&q=…`) is measured against a record the
 * size of the enquiries'. Made inside PostgreSQL (INSERT … SELECT over the enquiries, one
 * statement), as `npm run seed` makes the enquiries: one response to every answered or closed
 * enquiry, 90 minutes after it arrived, in everyday words (no two neighbours alike), and one
 * response a year ago that carries SAID_PHRASE, the words the bench searches for. Then VACUUM
 * ANALYZE, as autovacuum leaves a table in service.
 */
import pg from 'pg';

/** The words said a year ago that the search must find (none of the everyday words share a lexeme with them). */
export const SAID_PHRASE = 'the bridge inspection found no structural fault';
/** The bench's search: two of the phrase's words, as an officer would type them. */
export const SAID_QUERY = '"bridge inspection"';
/** The page measured. */
export const SAID_PATH = `/desk?in=said&q=${encodeURIComponent(SAID_QUERY)}`;

/** What the office says day to day (one per seeded response, by the enquiry's id). */
const EVERYDAY = [
  'Officers are at the scene and enquiries are ongoing. We will update when we can.',
  'We are aware of the flooding and are working with partners to keep people safe.',
  'We do not name people who have been arrested until they are charged.',
  'Please make a Freedom of Information request for those figures.',
  'We cannot comment on a live investigation, but we can confirm a man has been arrested.',
  'The road remains closed while collision investigators work at the scene.',
  'A referral has been made to the Independent Office for Police Conduct, as is standard.',
  'Response times for 999 calls are published every month on our website.',
];

export interface SaidFigures {
  /** Said rows in all, and the enquiry the phrase was said to (a year before the seed). */
  rows: number;
  phraseReference: string;
  phraseSaidAt: string;
  seconds: number;
}

/**
 * Seeds the record of what was said for the enquiries in the database at `databaseUrl` (seeded
 * first): a response to each answered or closed one, and SAID_PHRASE to the enquiry received
 * nearest a year ago, at that time.
 */
export async function seedSaid(databaseUrl: string): Promise<SaidFigures> {
  const started = performance.now();
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query(
      `INSERT INTO said (enquiry_id, at, kind, text, actor)
       SELECT id, received_at + interval '90 minutes', 'response', ($1::text[])[1 + (id % $2)] || ' (' || reference || ')',
              'officer' || (id % 4 + 1) || '@press.example'
         FROM enquiry WHERE status IN ('answered', 'closed')`,
      [EVERYDAY, EVERYDAY.length],
    );
    const old = await c.query<{ id: string; reference: string; at: Date }>(
      `SELECT id, reference, received_at + interval '2 hours' AS at FROM enquiry
        WHERE received_at <= now() - interval '1 year' ORDER BY received_at DESC LIMIT 1`,
    );
    // A run smaller than a year's worth of seed (--days): the oldest enquiry instead.
    const target =
      old.rows[0] ??
      (
        await c.query<{ id: string; reference: string; at: Date }>(
          `SELECT id, reference, received_at + interval '2 hours' AS at FROM enquiry ORDER BY received_at LIMIT 1`,
        )
      ).rows[0];
    if (!target) throw new Error('seedSaid: no enquiries to say anything to (seed them first)');
    await c.query(`INSERT INTO said (enquiry_id, at, kind, text, actor) VALUES ($1, $2, 'response', $3, $4)`, [
      target.id,
      target.at,
      `Thank you for waiting. The council tells us ${SAID_PHRASE}, so the road reopens at six.`,
      'officer1@press.example',
    ]);
    await c.query('VACUUM (ANALYZE) said');
    const n = await c.query<{ n: string }>('SELECT count(*) AS n FROM said');
    return {
      rows: Number(n.rows[0].n),
      phraseReference: target.reference,
      phraseSaidAt: target.at.toISOString(),
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    await c.end();
  }
}

/**
 * Whether PostgreSQL plans the search's match through the said_search GIN index (the page's
 * query finds its rows as this does); the run fails when it does not.
 */
export async function saidSearchUsesIndex(databaseUrl: string): Promise<{ uses: boolean; plan: string }> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const r = await c.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT s.id, s.enquiry_id, s.at FROM said s
        WHERE s.search @@ websearch_to_tsquery('english', $1) AND s.erased_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM said newer
                           WHERE newer.enquiry_id = s.enquiry_id AND (newer.at, newer.id) > (s.at, s.id)
                             AND newer.erased_at IS NULL AND newer.search @@ websearch_to_tsquery('english', $1))
        ORDER BY s.at DESC, s.id DESC LIMIT 51`,
      [SAID_QUERY],
    );
    const plan = r.rows.map((x) => x['QUERY PLAN']).join('\n');
    return { uses: plan.includes('said_search'), plan };
  } finally {
    await c.end();
  }
}
