/**
 * The release decision (issue 26, item 4): with each response the desk records what was withheld
 * and why (reasons from the office's list, `statements.withholdReasons`, and words) and who
 * decided. Checked here, recorded in the response's own transaction.
 */
import type { Tx } from '../db/database.js';
import { normaliseText } from '../enquiries/enquiry.input.js';
import { AppError } from '../http/errors.js';
import { insertDecision } from './decisions.repository.js';

/** Longest "what was withheld" and "decided by". */
export const DECISION_LIMITS = { withheld: 2_000, decidedBy: 120 } as const;

/** A checked decision: the office's reasons (in its list's order), the words, and who decided (null: whoever recorded it). */
export interface Decision {
  reasons: string[];
  withheld: string | null;
  decidedBy: string | null;
}

/** No decision given: nothing withheld, decided by whoever records the response. */
export const NOTHING_WITHHELD: Decision = { reasons: [], withheld: null, decidedBy: null };

/**
 * Checks what a form (or a caller) gave against the office's reasons: every field's problem at
 * once, as a 422 naming `reasons`, `withheld` or `decidedBy`.
 */
export function checkDecision(
  input: { reasons?: readonly unknown[]; withheld?: unknown; decidedBy?: unknown },
  allowed: readonly string[],
): Decision {
  const fields: Record<string, string> = {};
  const chosen = (input.reasons ?? []).filter((r): r is string => typeof r === 'string' && r !== '');
  if (chosen.some((r) => !allowed.includes(r))) fields.reasons = 'Choose reasons from the list';
  const withheld = typeof input.withheld === 'string' ? normaliseText(input.withheld, true) : '';
  const decidedBy = typeof input.decidedBy === 'string' ? normaliseText(input.decidedBy, false) : '';
  if (withheld.length > DECISION_LIMITS.withheld)
    fields.withheld = `Keep it to ${DECISION_LIMITS.withheld.toLocaleString('en-GB')} characters or fewer`;
  if (withheld && !chosen.length) fields.reasons = 'Say why it was withheld: choose at least one reason';
  if (decidedBy.length > DECISION_LIMITS.decidedBy)
    fields.decidedBy = `Keep it to ${DECISION_LIMITS.decidedBy} characters or fewer`;
  if (Object.keys(fields).length) throw new AppError('validation', 'The release decision is incomplete', { fields });
  return {
    reasons: allowed.filter((r) => chosen.includes(r)),
    withheld: withheld || null,
    decidedBy: decidedBy || null,
  };
}

/** Records the decision of a response in its transaction; returns who decided, as recorded. */
export async function recordDecision(
  tx: Tx,
  r: { enquiryId: string; at: Date; recordedBy: string; released: string; toPage: boolean; decision: Decision },
): Promise<string> {
  const decidedBy = r.decision.decidedBy ?? r.recordedBy;
  await insertDecision(tx, {
    enquiry_id: r.enquiryId,
    recorded_at: r.at,
    recorded_by: r.recordedBy,
    decided_by: decidedBy,
    released: r.released,
    released_to_page: r.toPage,
    withheld: r.decision.withheld,
    reasons: r.decision.reasons,
  });
  return decidedBy;
}
