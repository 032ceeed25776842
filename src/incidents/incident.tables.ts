import type { ColumnType, Generated, Selectable } from 'kysely';

/** The incident tables (sql/20261129180000_incidents.sql); src/db/schema.ts gathers them into `Database`. */
export interface IncidentTables {
  incident: IncidentTable;
  incident_unlinked: IncidentUnlinkedTable;
  incident_line: IncidentLineTable;
  incident_line_sent: IncidentLineSentTable;
}

declare module '../db/schema.js' {
  interface Database extends IncidentTables {}
}

/** A story the desk works as one; `terms` (websearch syntax) pick out its enquiries. */
export interface IncidentTable {
  id: Generated<string>;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  terms: string;
  declared_at: Date;
  declared_by: string;
  /** On-call has the story: linked urgent enquiries out of hours go into summaries instead of paging. */
  acknowledged_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The last summary to on-call covered enquiries linked up to this instant. */
  summarised_to: ColumnType<Date | null, Date | null | undefined, Date | null>;
  closed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The colleague who signs off what the office says about it (offered first), or null. */
  approver_id: ColumnType<string | null, string | null | undefined, string | null>;
}
export type Incident = Selectable<IncidentTable>;

/** An enquiry an officer took out of an incident: not suggested for it again. */
export interface IncidentUnlinkedTable {
  incident_id: string;
  enquiry_id: string;
  at: Date;
}

/** What the office said about an incident: a holding line or a released press line. */
export interface IncidentLineTable {
  id: Generated<string>;
  incident_id: string;
  kind: IncidentLineKind;
  text: string;
  created_at: Date;
  created_by: string;
}
export type IncidentLine = Selectable<IncidentLineTable>;

/** The kinds of line the office gives about an incident. */
export const INCIDENT_LINE_KINDS = ['holding', 'press'] as const;
export type IncidentLineKind = (typeof INCIDENT_LINE_KINDS)[number];

/** One enquiry sent one line, and the contact it went to (one message per person per line). */
export interface IncidentLineSentTable {
  line_id: string;
  enquiry_id: string;
  contact: string;
  queued_at: Date;
}
