import type { ColumnType, Generated, Selectable } from 'kysely';

/** The audit log (sql/20261127080000_desk.sql): append-only, written through `audit()`. */
export interface AuditTables {
  audit_log: AuditLogTable;
}

declare module '../db/schema.js' {
  interface Database extends AuditTables {}
}

/** One entry; `action` is read as text (written only as an `AuditAction`, see audit.actions.ts). */
export interface AuditLogTable {
  id: Generated<string>;
  at: Date;
  user_id: string | null;
  user_email: string | null;
  action: string;
  enquiry_id: string | null;
  detail: ColumnType<Record<string, unknown>, string | undefined, never>;
}
export type AuditEntry = Selectable<AuditLogTable>;
