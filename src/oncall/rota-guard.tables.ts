import type { Generated, Selectable } from 'kysely';

/** The gap check's findings (sql/20261207140000_rota_guard.sql); src/db/schema.ts gathers them into `Database`. */
export interface RotaGuardTables {
  rota_gap: RotaGapTable;
}

declare module '../db/schema.js' {
  interface Database extends RotaGuardTables {}
}

/** Why a stretch of out-of-hours time is a gap: nobody on call, or a primary whose number failed its last page or test, or was never verified. */
export type GapReason = 'nobody' | 'failed_number' | 'unverified_number';

/** A gap as last found: one row per gap, updated while it is found again, closed when it is not. */
export interface RotaGapTable {
  id: Generated<string>;
  starts_at: Date;
  ends_at: Date;
  reason: GapReason;
  person_id: string | null;
  found_at: Date;
  resolved_at: Date | null;
}
export type RotaGap = Selectable<RotaGapTable>;
