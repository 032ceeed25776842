import type { ColumnType, Generated, Selectable } from 'kysely';

/**
 * Tables of the outbox (sql/20261127070000_paging.sql). `outbound_sms` holds every message that
 * is not a page step (journalists' texts, the morning digest, test pages); page steps keep their
 * send record on `page_step` (src/oncall/paging.tables.ts).
 */
export interface OutboxTables {
  outbound_sms: OutboundSmsTable;
}

/** Where an outbound message is: being sent (maybe already at Twilio), sent, or refused for good. */
export type MessageState = 'sending' | 'sent' | 'failed';

/** One outbound text, sent once per `idempotency_key`; `enquiry_id` null for the digest and test pages. */
export interface OutboundSmsTable {
  id: Generated<string>;
  idempotency_key: string;
  enquiry_id: string | null;
  to_number: string;
  body: string;
  state: MessageState;
  outcome_unknown: ColumnType<boolean, boolean | undefined, boolean>;
  provider_sid: ColumnType<string | null, string | null | undefined, string | null>;
  provider_status: ColumnType<string | null, string | null | undefined, string | null>;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Date;
  sent_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}
export type OutboundSms = Selectable<OutboundSmsTable>;
