/** Presence on the enquiry page and the sends made from it (sql/20261209010000_presence.sql, issue 29). */
export interface PresenceTables {
  desk_presence: DeskPresenceTable;
  desk_send: DeskSendTable;
}

declare module '../db/schema.js' {
  interface Database extends PresenceTables {}
}

/** What an officer is writing in on the enquiry page (null: only viewing it). */
export const WRITING_IN = ['response', 'reply', 'note', 'line'] as const;
export type WritingIn = (typeof WRITING_IN)[number];

/** One browser tab with an enquiry open, until `expires_at` (renewed by the page's heartbeat). */
export interface DeskPresenceTable {
  enquiry_id: string;
  user_id: string;
  tab: string;
  writing: WritingIn | null;
  expires_at: Date;
}

/** A send made from the enquiry page, by the key of the form that made it (a second submit sends nothing). */
export interface DeskSendTable {
  enquiry_id: string;
  form_key: string;
  digest: string;
  user_id: string;
  event_id: string | null;
  at: Date;
}
