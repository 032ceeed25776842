import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { EnquiryChannel, EnquiryLanguage, EnquiryOutcome, EnquiryStatus, UrgentReason } from './enquiry.model.js';
import type { EventKind } from './timeline.js';

/** The enquiry tables (sql/), with their row types; registered in the Database below. */
export interface EnquiryTables {
  enquiry: EnquiryTable;
  enquiry_event: EnquiryEventTable;
  sms_inbound: SmsInboundTable;
}

declare module '../db/schema.js' {
  interface Database extends EnquiryTables {}
}

// Defined with the enquiry model (one list each); re-exported for the table types' users.
export type { EnquiryChannel, EnquiryStatus };

export interface EnquiryTable {
  id: Generated<string>;
  reference: string;
  channel: EnquiryChannel;
  status: ColumnType<EnquiryStatus, EnquiryStatus | undefined, EnquiryStatus>;
  /** The language the journalist is answered in (issue 31): every later message to them uses it. */
  language: ColumnType<EnquiryLanguage, EnquiryLanguage | undefined, EnquiryLanguage>;
  name: string;
  outlet: string;
  email: string | null;
  phone: string | null;
  subject: string;
  details: string;
  deadline: Date | null;
  urgent: boolean;
  urgent_reason: UrgentReason | 'staff' | null;
  out_of_hours: boolean;
  needs_on_call: boolean;
  respond_by: Date | null;
  received_at: Date;
  updated_at: Date;
  first_response_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  assigned_to: ColumnType<string | null, string | null | undefined, string | null>;
  response_given: ColumnType<string | null, string | null | undefined, string | null>;
  /** Generated full-text search vector; read only in SQL. */
  search: ColumnType<string, never, never>;
  closed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** When the office stopped owing an answer (answered or closed); null while open. */
  resolved_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Opening-hours seconds from receipt to first response / to close, stored when they happen (for reports). */
  first_response_working_s: ColumnType<number | null, number | null | undefined, number | null>;
  close_working_s: ColumnType<number | null, number | null | undefined, number | null>;
  /** When the journalist's personal data was erased (retention or request). */
  erased_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** When an officer released `response_given` to the journalist's status page (null: not shown there). */
  response_released_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The journalist turned off messages about changes to the enquiry (from the status page). */
  updates_off: ColumnType<boolean, boolean | undefined, boolean>;
  /** When the journalist last added something the desk has not opened yet (the queue marks it). */
  journalist_added_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The incident this enquiry is about (src/incidents), and when it was linked. */
  incident_id: ColumnType<string | null, string | null | undefined, string | null>;
  incident_linked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** When the desk is warned that respond_by is near (desk.warnBeforeMinutes), and when the warning and the breach were announced. */
  warn_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  warned_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  breached_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** How it ended (issue 28): set when answered or closed; null while open and for enquiries closed before outcomes were kept. */
  outcome: ColumnType<EnquiryOutcome | null, EnquiryOutcome | null | undefined, EnquiryOutcome | null>;
  /** The organisation a `referred_other` outcome sent the journalist to. */
  outcome_org: ColumnType<string | null, string | null | undefined, string | null>;
  /** The enquiry a `duplicate` outcome duplicated. */
  duplicate_of: ColumnType<string | null, string | null | undefined, string | null>;
  /** The enquiry this one was merged into (src/merging): it carries its messages and timeline now. */
  merged_into: ColumnType<string | null, string | null | undefined, string | null>;
}
export type Enquiry = Selectable<EnquiryTable>;
export type NewEnquiry = Insertable<EnquiryTable>;
export type EnquiryUpdate = Updateable<EnquiryTable>;

export interface EnquiryEventTable {
  id: Generated<string>;
  enquiry_id: string;
  at: Date;
  /** Written only through the typed `NewEvent` (src/enquiries/timeline.ts). */
  kind: EventKind;
  actor: string | null;
  data: ColumnType<Record<string, unknown>, string | undefined, string>;
}
export type EnquiryEvent = Selectable<EnquiryEventTable>;

export interface SmsInboundTable {
  message_sid: string;
  from_number: string;
  body: string;
  enquiry_id: string | null;
  reply: string;
  received_at: Date;
}
