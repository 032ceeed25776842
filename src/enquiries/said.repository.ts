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

/** Records words that went (or were recorded as the response) to an enquiry's journalist, in the caller's transaction. */
export async function recordSaid(db: Db | Tx, s: SaidInput): Promise<void> {
  await db
    .insertInto('said')
    .values({
      enquiry_id: s.enquiryId,
      at: s.at,
      kind: s.kind,
      text: s.text,
      line_id: s.lineId ?? null,
      actor: s.actor ?? null,
    })
    .execute();
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
