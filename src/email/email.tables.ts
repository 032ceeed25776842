import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** The shared mailbox's tables (sql/20261129150000_email.sql). */
export type EmailTables = {
  email_message: EmailMessageTable;
  email_attachment: EmailAttachmentTable;
};

declare module '../db/schema.js' {
  interface Database extends EmailTables {}
}

/** Which way a message went: read from the shared mailbox, or sent by Press Desk. */
export type EmailDirection = 'in' | 'out';

/** What intake did with a received message. */
export type EmailOutcome =
  | 'new_enquiry'
  | 'joined'
  | 'bounce'
  | 'ignored_auto'
  | 'ignored_bounce'
  | 'duplicate'
  | 'no_sender'
  | 'own_address'
  | 'unreadable'
  /** A colleague's answer to the desk's question (src/colleagues/): on the enquiry, not the journalist's. */
  | 'colleague_answer';

/** Why a message was taken as automatic (the first sign seen). */
export type AutoReason =
  | 'auto-submitted'
  | 'precedence'
  | 'list'
  | 'x-autoreply'
  | 'empty-return-path'
  | 'delivery-status'
  | 'mailer-daemon';

/** Why an attachment's content was not kept. */
export type NotStored = 'too_large' | 'message_too_large' | 'erased';

/** A name and address from a header (name '' when none was given). */
export interface MailAddress {
  name: string;
  address: string;
}

type Optional<T> = ColumnType<T, T | undefined, T>;

/**
 * One email received or sent. Inbound rows carry mailbox + uid_validity + uid (unique) and an
 * outcome; outbound rows (issue 16, item 2) leave those null and carry the Message-ID they were
 * sent with, so replies and bounces find their enquiry.
 */
export interface EmailMessageTable {
  id: Generated<string>;
  direction: EmailDirection;
  mailbox: Optional<string | null>;
  /** bigint in PostgreSQL; pg returns it as a string. */
  uid_validity: ColumnType<string | null, string | null | undefined, string | null>;
  uid: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  message_id: string;
  in_reply_to: Optional<string | null>;
  refs: Optional<string[]>;
  enquiry_id: Optional<string | null>;
  from_address: Optional<string | null>;
  from_name: Optional<string | null>;
  reply_to: Optional<string | null>;
  to_addresses: ColumnType<MailAddress[], string | undefined, string>;
  cc_addresses: ColumnType<MailAddress[], string | undefined, string>;
  subject: Optional<string | null>;
  body_text: Optional<string | null>;
  is_auto: Optional<boolean>;
  auto_reason: Optional<AutoReason | null>;
  is_bounce: Optional<boolean>;
  outcome: Optional<EmailOutcome | null>;
  size_bytes: ColumnType<string | null, number | null | undefined, number | null>;
  sent_at: Optional<Date | null>;
  recorded_at: Date;
  erased_at: Optional<Date | null>;
}
/** An email as stored. */
export type EmailMessage = Selectable<EmailMessageTable>;
/** An email row to insert. */
export type NewEmailMessage = Insertable<EmailMessageTable>;

/** An attachment of a received message; `content` null when it was listed but not kept. */
export interface EmailAttachmentTable {
  id: Generated<string>;
  email_id: string;
  filename: string | null;
  content_type: string;
  size_bytes: ColumnType<string, number, number>;
  inline: Optional<boolean>;
  content: Buffer | null;
  not_stored: NotStored | null;
}
/** An attachment as stored. */
export type EmailAttachment = Selectable<EmailAttachmentTable>;
