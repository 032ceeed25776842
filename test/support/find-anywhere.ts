import { sql, type Kysely } from 'kysely';

/** Tables every search must have covered: a search that misses one of them proves nothing. */
const MUST_COVER = [
  'public.enquiry',
  'public.sms_inbound',
  'public.outbound_message',
  'public.handover_digest',
  'public.email_message',
  'public.email_attachment',
  'graphile_worker._private_jobs',
];

/**
 * Every text-like column (text, varchar, char, json, jsonb, tsvector, arrays, citext, bytea) of
 * every table outside PostgreSQL's own schemas (graphile-worker's included), found through
 * information_schema, searched case-insensitively for each of `needles`. Returns one line per
 * row that holds any: "schema.table.column: value". Throws if a table of MUST_COVER was not
 * searched (then the schema changed under the test, not the erasure).
 */
// biome-ignore lint/suspicious/noExplicitAny: it searches every table, whatever the schema's type says.
export async function findAnywhere(db: Kysely<any>, needles: string[]): Promise<string[]> {
  const columns = await sql<{ table_schema: string; table_name: string; column_name: string; data_type: string }>`
    SELECT c.table_schema, c.table_name, c.column_name, c.data_type
      FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
     WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema') AND c.table_schema NOT LIKE 'pg_toast%'
       AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'tsvector', 'ARRAY', 'bytea') OR c.udt_name = 'citext')`.execute(
    db,
  );
  const searched = new Set(columns.rows.map((c) => `${c.table_schema}.${c.table_name}`));
  const missing = MUST_COVER.filter((t) => !searched.has(t));
  if (missing.length) throw new Error(`not searched: ${missing.join(', ')}`);
  const found: string[] = [];
  const patterns = needles.map((n) => `%${n}%`);
  for (const c of columns.rows) {
    const ident = sql.id(c.table_schema, c.table_name);
    // bytea as its escaped text: printable ASCII stays as it is, so a needle written in it matches.
    const value =
      c.data_type === 'bytea' ? sql`encode(${sql.ref(c.column_name)}, 'escape')` : sql`${sql.ref(c.column_name)}::text`;
    const r = await sql<{
      v: string;
    }>`SELECT ${value} AS v FROM ${ident} WHERE ${value} ILIKE ANY(${patterns}::text[])`.execute(db);
    for (const row of r.rows) found.push(`${c.table_schema}.${c.table_name}.${c.column_name}: ${row.v.slice(0, 300)}`);
  }
  return found;
}
