import type { ColumnType, Generated, Selectable } from 'kysely';
import type { RotaRole } from './rota.tables.js';

/** Tables of repeating rotas (sql/20261207180000_rotations.sql); src/db/schema.ts gathers them into `Database`. */
export interface RotationTables {
  rotation: RotationTable;
  rotation_member: RotationMemberTable;
}

declare module '../db/schema.js' {
  interface Database extends RotationTables {}
}

/**
 * A repeating rotation: its people take turns of `length_days` holding `role`, handing over on
 * `handover_weekday` (ISO, 1 = Monday) at `handover_time` ("17:00"), both office time; turn 1
 * begins at the first handover weekday on or after `start_date`.
 */
export interface RotationTable {
  id: Generated<string>;
  name: string;
  role: RotaRole;
  handover_weekday: number;
  handover_time: string;
  length_days: number;
  /**
   * "YYYY-MM-DD". A SQL `date`, which the pg driver would turn into a Date at the process's own
   * midnight: read it only through rotation.repository.ts, which selects it as text.
   */
  start_date: string;
  generated_until: Date | null;
  created_at: ColumnType<Date, Date, never>;
  created_by: string;
  updated_at: Date;
  deleted_at: Date | null;
}
export type Rotation = Selectable<RotationTable>;

/** One person's place in a rotation's turn order (1 goes first). */
export interface RotationMemberTable {
  rotation_id: string;
  position: number;
  person_id: string;
}
