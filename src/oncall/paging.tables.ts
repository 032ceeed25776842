import type { ColumnType, Generated, Selectable } from 'kysely';
import type { AckVia, PageAction } from '../enquiries/enquiry.model.js';

export type { AckVia, PageAction };

/** Tables of out-of-hours paging (sql/20261127070000_paging.sql). */
export interface PagingTables {
  page: PageTable;
  page_step: PageStepTable;
  /** When each phone last got a page SMS (`last_sent_at`) and a page call (`last_call_at`): the bundling windows. */
  page_phone_window: { phone: string; last_sent_at: Date | null; last_call_at: Date | null };
  worker_heartbeat: { worker_id: string; process: string; last_seen: ColumnType<Date, Date | undefined, Date> };
}

declare module '../db/schema.js' {
  interface Database extends PagingTables {}
}

export type PageStatus = 'active' | 'acknowledged' | 'exhausted';

export interface PageTable {
  id: Generated<string>;
  enquiry_id: string;
  short_code: string;
  status: ColumnType<PageStatus, PageStatus | undefined, PageStatus>;
  created_at: Date;
  acknowledged_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  acknowledged_by: ColumnType<string | null, string | null | undefined, string | null>;
  ack_via: ColumnType<AckVia | null, AckVia | null | undefined, AckVia | null>;
}
export type Page = Selectable<PageTable>;

export type StepState = 'sending' | 'waiting_bundle' | 'sent' | 'failed' | 'skipped';

/**
 * One action of one escalation step: the escalation record (which step, what, whom, and whether
 * it was sent, held for a bundle, refused or skipped). The message that carried it is the
 * outbox's row `outbound_id` (src/outbox/outbox.tables.ts): claimed, looked up and recorded there;
 * the steps of one bundle share one row.
 */
export interface PageStepTable {
  id: Generated<string>;
  page_id: string;
  step_index: number;
  action: PageAction;
  to_number: string;
  person_id: string | null;
  state: StepState;
  outbound_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Date;
}
export type PageStep = Selectable<PageStepTable>;
