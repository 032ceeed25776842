/**
 * What the outbox writes on an enquiry's timeline, and the port it writes through. The outbox sits
 * below the enquiries feature: it declares its entries here, src/enquiries/timeline.ts makes them
 * part of its one list of kinds (`EventData extends OutboxEventData`, so each field must still be
 * classified personal or kept there), and src/enquiries/outbox-timeline.ts writes them.
 */
import type { Db, Tx } from '../db/database.js';

/** The outbox's timeline entries, by kind, with the shape of their `data`. */
export interface OutboxEventData {
  /** A text to the journalist went out. */
  sms_out: { to: string; body: string; sid: string | null; key: string };
  /** Twilio's delivery status of a text to the journalist. */
  sms_out_status: { sid: string; status: string; errorCode: string | null };
  /** A text to the journalist failed for good. */
  sms_out_failed: { to: string; error: string };
  /** A call about this enquiry was placed (the on-call officer's callback: rung first, then the journalist). */
  call_out: { to: string; sid: string; key: string };
  /** A call about this enquiry could not be placed. */
  call_out_failed: { to: string; error: string };
  /**
   * Who answered the officer's leg of a callback (Twilio's answering-machine detection): a voicemail
   * box or fax is hung up and the journalist never rung.
   */
  callback_answered: { key: string; sid: string; answeredBy: string };
  /** An email to the journalist went to the SMTP server (`messageId` threads the replies). */
  email_out: { to: string; messageId: string; key: string };
  /** An email to the journalist was refused for good by the SMTP server. */
  email_out_failed: { to: string; error: string };
}

/** One of the outbox's timeline entries: its kind and data. */
export type OutboxEvent = {
  [K in keyof OutboxEventData]: { kind: K; data: OutboxEventData[K] };
}[keyof OutboxEventData];

/** Where the outbox writes on an enquiry's timeline (src/enquiries/outbox-timeline.ts). */
export interface OutboxTimeline {
  /** Adds `event` to enquiry `enquiryId`'s timeline at `at`, in `db` (the caller's transaction when it has one). */
  add(db: Db | Tx, enquiryId: string, at: Date, event: OutboxEvent): Promise<void>;
  /** Whether the enquiry's timeline already says who answered the callback call `key` (a repeated verdict adds nothing). */
  hasAnswer(tx: Tx, enquiryId: string, key: string): Promise<boolean>;
}
