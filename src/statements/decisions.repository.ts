import type { Db, Tx } from '../db/database.js';
import { ERASED } from '../db/erased.js';
import type { ReleaseDecision } from './statements.tables.js';

// SQL of release decisions (src/statements/decisions.ts): recorded with each response, listed for
// the decisions export and the incident report, erased with the journalist.

/** A decision to record, in the response's transaction. */
export interface NewDecision {
  enquiry_id: string;
  recorded_at: Date;
  recorded_by: string;
  decided_by: string;
  released: string;
  released_to_page: boolean;
  withheld: string | null;
  reasons: string[];
}

/** Records a decision; returns its id. */
export async function insertDecision(tx: Tx, d: NewDecision): Promise<string> {
  const row = await tx.insertInto('release_decision').values(d).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** A decision as the export and the report list it: with its enquiry's reference, outlet and incident (id). */
export type DecisionRow = ReleaseDecision & {
  reference: string;
  outlet: string;
  incident_id: string | null;
};

/** Which decisions: recorded in [from, to), or about the enquiries of one incident (any time). */
export type DecisionScope = { from: Date; to: Date } | { incidentId: string };

/** The decisions in `scope`, oldest first. */
export async function decisionsIn(db: Db | Tx, scope: DecisionScope): Promise<DecisionRow[]> {
  let q = db
    .selectFrom('release_decision as d')
    .innerJoin('enquiry as e', 'e.id', 'd.enquiry_id')
    .selectAll('d')
    .select(['e.reference', 'e.outlet', 'e.incident_id']);
  q =
    'incidentId' in scope
      ? q.where('e.incident_id', '=', scope.incidentId)
      : q.where('d.recorded_at', '>=', scope.from).where('d.recorded_at', '<', scope.to);
  return q.orderBy('d.recorded_at').orderBy('d.id').execute();
}

/**
 * Erases the words of the decisions about enquiries `ids` (what was released and withheld: they
 * quote the enquiry), keeping the reasons, who decided (staff) and when, so the figures stay
 * countable. Idempotent.
 */
export async function eraseDecisionsOf(tx: Tx, ids: readonly string[], at: Date): Promise<void> {
  if (!ids.length) return;
  await tx
    .updateTable('release_decision')
    .set((eb) => ({
      released: ERASED,
      withheld: eb.case().when('withheld', 'is not', null).then(ERASED).else(null).end(),
      erased_at: at,
    }))
    .where('enquiry_id', 'in', [...ids])
    .where('erased_at', 'is', null)
    .execute();
}
