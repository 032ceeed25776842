/**
 * The opt-out table (sql/20261207010000_sms_opt_out.sql): numbers that texted STOP to the press
 * office number (or that Twilio refused as unsubscribed), until they text START.
 */
export interface OptOutTables {
  sms_opt_out: SmsOptOutTable;
}

declare module '../db/schema.js' {
  interface Database extends OptOutTables {}
}

/** One opted-out number: since when, and the keyword that did it ('21610' when Twilio's refusal told us). */
export interface SmsOptOutTable {
  phone: string;
  opted_out_at: Date;
  keyword: string;
}
