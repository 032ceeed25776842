import type { ColumnType, Generated, Selectable } from 'kysely';

/** Tables of statements and their record (sql/20261207110000_release_decisions.sql); src/db/schema.ts gathers them. */
export interface StatementTables {
  release_decision: ReleaseDecisionTable;
}

declare module '../db/schema.js' {
  interface Database extends StatementTables {}
}

type Optional<T> = ColumnType<T, T | undefined, T>;

/** One response's release decision: what was released, what was withheld and why, who decided. */
export interface ReleaseDecisionTable {
  id: Generated<string>;
  enquiry_id: string;
  recorded_at: Date;
  recorded_by: string;
  decided_by: string;
  released: string;
  released_to_page: boolean;
  withheld: Optional<string | null>;
  reasons: Optional<string[]>;
  erased_at: Optional<Date | null>;
}
export type ReleaseDecision = Selectable<ReleaseDecisionTable>;
