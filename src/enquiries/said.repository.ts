import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import { ERASED } from '../db/erased.js';
import type { SaidKind } from './said.tables.js';

// SQL of the record of what the office said to journalists (issue 28, item 5): written in the
// transaction that queues or records the words, searched by the desk, counted by reports.

/** What one `recordSaid` call records. `lineId`: the library line the words are, unchanged. */
export interface SaidInput {
  enquiryId: string;
  at: Date;
  kind: SaidKind;
  text: string;
  lineId?: string | null;
  actor?: string | null;
}

/**
 * Records words that went (or were recorded as the response) to an enquiry's journalist, in the
 * caller's transaction. Unless `lineId` says which it is, the words are matched to the library:
 * a current line to take whose text they are exactly (trimmed) is recorded as used, so "lines
 * used" counts, "answered with a line" and a withdrawn line's list of where it went hold however
 * the words were written (inserted, pasted, texted with LINE n).
 */
export async function recordSaid(db: Db | Tx, s: SaidInput): Promise<void> {
  const text = s.text;
  const lineId =
    s.lineId !== undefined
      ? sql<string | null>`${s.lineId}::bigint`
      : sql<
          string | null
        >`(SELECT id FROM line_to_take WHERE state = 'current' AND btrim(text) = btrim(${text}) ORDER BY id DESC LIMIT 1)`;
  await sql`
    INSERT INTO said (enquiry_id, at, kind, text, line_id, actor)
    VALUES (${s.enquiryId}, ${s.at}, ${s.kind}, ${text}, ${lineId}, ${s.actor ?? null})`.execute(db);
}

/** Blanks what was said to these enquiries' journalists (the words may name them); rows stay for the counts. Idempotent. */
export async function eraseSaidOf(tx: Tx, ids: readonly string[], at: Date): Promise<void> {
  if (!ids.length) return;
  await tx
    .updateTable('said')
    .set({ text: ERASED, erased_at: at })
    .where('enquiry_id', 'in', [...ids])
    .where('erased_at', 'is', null)
    .execute();
}

/** Whether anything said to this enquiry's journalist was a library line, unchanged (the "answered with a line" default). */
export async function usedLine(db: Db | Tx, enquiryId: string): Promise<boolean> {
  const row = await db
    .selectFrom('said')
    .select('id')
    .where('enquiry_id', '=', enquiryId)
    .where('line_id', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
