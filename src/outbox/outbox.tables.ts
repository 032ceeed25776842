import type { ColumnType, Generated, Selectable } from 'kysely';

/** The media a message can leave by. */
export type Medium = 'sms' | 'call' | 'email';

/**
 * The outbox's table (sql/20261129110000_outbound_message.sql): one row per physical message
 * that leaves Press Desk (a page text or call, a bundle of pages, a text to a journalist, the
 * morning digest, a test page). Page steps point at the row that carried them
 * (`page_step.outbound_id`, src/oncall/paging.tables.ts).
 */
export interface OutboxTables {
  outbound_message: OutboundMessageTable;
}

declare module '../db/schema.js' {
  interface Database extends OutboxTables {}
}

/** Where an outbound message is: being sent (maybe already at the provider), sent, or refused for good. */
export type MessageState = 'sending' | 'sent' | 'failed';

/** Who is told about a row's delivery callbacks: the page steps it carried, or the outbox (plain texts). */
export type OwnerKind = 'page_step' | 'message';

/** One outbound message, sent once per `idempotency_key`; `enquiry_id` set for plain texts about an enquiry. */
export interface OutboundMessageTable {
  id: Generated<string>;
  owner_kind: OwnerKind;
  medium: Medium;
  idempotency_key: string;
  enquiry_id: ColumnType<string | null, string | null | undefined, string | null>;
  to_number: string;
  /** The SMS text or the call's TwiML as last handed over; null for page sends recorded before the table existed. */
  content: string | null;
  state: MessageState;
  outcome_unknown: ColumnType<boolean, boolean | undefined, boolean>;
  provider_sid: ColumnType<string | null, string | null | undefined, string | null>;
  provider_status: ColumnType<string | null, string | null | undefined, string | null>;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Date;
  sent_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}
export type OutboundMessage = Selectable<OutboundMessageTable>;
