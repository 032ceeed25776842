import type { ColumnType, Generated } from 'kysely';
import type { DigestSummary } from './digest.model.js';

/** Tables of reports and the morning digest, whose tables keep the old name `handover_*` (sql/20261127090000_reports.sql). */
export interface ReportsTables {
  office_period: { starts_at: Date; ends_at: Date };
  handover_digest: {
    id: Generated<string>;
    opened_at: Date;
    since: Date;
    created_at: Date;
    summary: ColumnType<DigestSummary, string, string>;
  };
  handover_dismissal: { digest_id: string; user_id: string; at: Date };
}

declare module '../db/schema.js' {
  interface Database extends ReportsTables {}
}
