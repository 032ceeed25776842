/**
 * Issue 25, item 2: a table with personal columns has its erasure. After the migrations, every
 * column of the public schema whose name looks personal (`looksPersonal()` in src/feature.ts: a
 * word of its name such as name, email, phone, number, from, to, body, text, details, subject,
 * content, summary, data…) must be declared by exactly one feature of src/features.ts, either in
 * its `personal` tables (with the erasure that clears it) or in its `kept` list (with the reason it
 * is not erased); the kernel's tables are in KERNEL_KEPT. A declaration of a column that no longer
 * exists fails too, so the list cannot drift from the schema.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { looksPersonal } from '../../src/feature.js';
import { FEATURES, KERNEL_KEPT } from '../../src/features.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let t: TestDatabase;
let columns: string[];

beforeAll(async () => {
  t = await createTestDatabase();
  const r = await sql<{ t: string; c: string }>`
    SELECT table_name AS t, column_name AS c FROM information_schema.columns
     WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`.execute(t.db);
  columns = r.rows.map((x) => `${x.t}.${x.c}`);
});
afterAll(async () => t?.drop());

/** Every declared column (`table.column`) with who declares it and how. */
function declarations(): Array<{ column: string; by: string }> {
  const out: Array<{ column: string; by: string }> = [];
  for (const f of FEATURES) {
    for (const [table, p] of Object.entries(f.personal ?? {}))
      for (const c of p.columns)
        out.push({ column: `${table}.${c}`, by: `${f.name} (erased: ${p.erasedBy.map((e) => e.name).join(', ')})` });
    for (const column of Object.keys(f.kept ?? {})) out.push({ column, by: `${f.name} (kept)` });
  }
  for (const column of Object.keys(KERNEL_KEPT)) out.push({ column, by: 'kernel (kept)' });
  return out;
}

describe('personal data and erasure', () => {
  test('every column that looks personal is erased by a feature or kept with a reason', () => {
    const declared = new Set(declarations().map((d) => d.column));
    const undeclared = columns.filter((c) => looksPersonal(c.split('.')[1]) && !declared.has(c));
    expect(undeclared, 'personal-looking columns with no erasure and no reason to keep them').toEqual([]);
  });

  test('no column is declared twice, and every declared column exists', () => {
    const all = declarations();
    const twice = all.filter((d, i) => all.findIndex((e) => e.column === d.column) !== i).map((d) => d.column);
    expect(twice, 'columns declared twice').toEqual([]);
    const existing = new Set(columns);
    expect(
      all.filter((d) => !existing.has(d.column)).map((d) => `${d.column} by ${d.by}`),
      'declared columns that do not exist',
    ).toEqual([]);
  });

  test('every table with a personal column names its erasure', () => {
    const tables = FEATURES.flatMap((f) => Object.entries(f.personal ?? {}));
    expect(tables.filter(([, p]) => p.columns.length === 0 || p.erasedBy.length === 0).map(([name]) => name)).toEqual(
      [],
    );
  });
});
