import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import type { EmailAttachment, EmailMessage, MailAddress, NewEmailMessage } from './email.tables.js';
import type { ParsedAttachment } from './email-parse.js';
import { ERASED } from '../db/erased.js';

// The shared mailbox's queries. SQL about email lives here only.

/** Where a received message was read: the mailbox, its UIDVALIDITY (as a decimal string) and the UID. */
export interface MailboxLocation {
  mailbox: string;
  uidValidity: string;
  uid: number;
}

/** The UIDs among `uids` already recorded for this mailbox and UIDVALIDITY (their messages need only flagging). */
export async function recordedUids(db: Db, mailbox: string, uidValidity: string, uids: number[]): Promise<Set<number>> {
  if (!uids.length) return new Set();
  const rows = await db
    .selectFrom('email_message')
    .select('uid')
    .where('mailbox', '=', mailbox)
    .where('uid_validity', '=', uidValidity)
    .where('uid', '=', sql<string>`ANY(${uids.map(String)}::bigint[])`)
    .execute();
  return new Set(rows.map((r) => Number(r.uid)));
}

/** The message recorded at `at`, if any. */
export async function findAtLocation(db: Db | Tx, at: MailboxLocation): Promise<EmailMessage | undefined> {
  return db
    .selectFrom('email_message')
    .selectAll()
    .where('mailbox', '=', at.mailbox)
    .where('uid_validity', '=', at.uidValidity)
    .where('uid', '=', String(at.uid))
    .executeTakeFirst();
}

/** The first received message with this Message-ID (the same message read again, under another UID or UIDVALIDITY). */
export async function findReceivedByMessageId(db: Db | Tx, messageId: string): Promise<EmailMessage | undefined> {
  return db
    .selectFrom('email_message')
    .selectAll()
    .where('message_id', '=', messageId)
    .where('direction', '=', 'in')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

/**
 * The enquiry of the first of `messageIds` (in the order given) that names a message we received
 * or sent and that belongs to an enquiry; `direction` limits it to one way (a bounce returns a
 * message we sent).
 */
export async function enquiryOfMessages(
  db: Db | Tx,
  messageIds: string[],
  direction?: 'in' | 'out',
): Promise<string | null> {
  if (!messageIds.length) return null;
  let q = db
    .selectFrom('email_message')
    .select(['message_id', 'enquiry_id'])
    .where('message_id', 'in', messageIds)
    .where('enquiry_id', 'is not', null);
  if (direction) q = q.where('direction', '=', direction);
  const rows = await q.execute();
  for (const id of messageIds) {
    const hit = rows.find((r) => r.message_id === id);
    if (hit?.enquiry_id) return hit.enquiry_id;
  }
  return null;
}

/** The enquiry by id or reference, locked FOR UPDATE for the rest of `tx`, unless its personal data was erased. */
export async function lockEnquiry(tx: Tx, by: { id: string } | { reference: string }): Promise<Enquiry | undefined> {
  let q = tx.selectFrom('enquiry').selectAll().where('erased_at', 'is', null);
  q = 'id' in by ? q.where('id', '=', by.id) : q.where('reference', '=', by.reference);
  return q.forUpdate().executeTakeFirst();
}

/** A received message's row as intake writes it. */
export type ReceivedRow = Omit<NewEmailMessage, 'direction' | 'to_addresses' | 'cc_addresses'> & {
  to: MailAddress[];
  cc: MailAddress[];
};

/**
 * Records a received message; returns its id, or null when its mailbox location is already
 * recorded (another process took it first: the caller rolls back).
 */
export async function insertReceived(tx: Tx, row: ReceivedRow): Promise<string | null> {
  const { to, cc, ...rest } = row;
  const r = await tx
    .insertInto('email_message')
    .values({ ...rest, direction: 'in', to_addresses: JSON.stringify(to), cc_addresses: JSON.stringify(cc) })
    .onConflict((oc) => oc.constraint('email_message_where_read').doNothing())
    .returning('id')
    .executeTakeFirst();
  return r?.id ?? null;
}

/**
 * Records a message Press Desk sent (issue 16, item 2), so replies to it (In-Reply-To /
 * References) and bounces of it find `enquiryId`. `messageId` with angle brackets, as sent.
 */
export async function recordSent(
  tx: Tx | Db,
  row: {
    messageId: string;
    enquiryId: string | null;
    to: MailAddress[];
    cc?: MailAddress[];
    subject: string;
    body: string;
    inReplyTo: string | null;
    references: string[];
    at: Date;
  },
): Promise<string> {
  const r = await tx
    .insertInto('email_message')
    .values({
      direction: 'out',
      message_id: row.messageId,
      enquiry_id: row.enquiryId,
      to_addresses: JSON.stringify(row.to),
      cc_addresses: JSON.stringify(row.cc ?? []),
      subject: row.subject,
      body_text: row.body,
      in_reply_to: row.inReplyTo,
      refs: row.references,
      recorded_at: row.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** An attachment to store with its message: as parsed (content null when only listed). */
export type NewAttachment = ParsedAttachment;

/** Stores a message's attachments; returns their ids in the same order. */
export async function insertAttachments(tx: Tx, emailId: string, list: NewAttachment[]): Promise<string[]> {
  const ids: string[] = [];
  // One row per statement: a row may carry megabytes, and one statement of them all could not.
  for (const a of list) {
    const r = await tx
      .insertInto('email_attachment')
      .values({
        email_id: emailId,
        filename: a.filename,
        content_type: a.contentType,
        size_bytes: a.size,
        inline: a.inline,
        content: a.content,
        not_stored: a.notStored,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(r.id);
  }
  return ids;
}

/**
 * An attachment staff may download: stored, of a message that belongs to an enquiry whose
 * personal data has not been erased. Undefined otherwise.
 */
export async function findDownloadableAttachment(
  db: Db,
  id: string,
): Promise<
  (Pick<EmailAttachment, 'id' | 'filename' | 'content_type' | 'content'> & { reference: string }) | undefined
> {
  const row = await db
    .selectFrom('email_attachment as a')
    .innerJoin('email_message as m', 'm.id', 'a.email_id')
    .innerJoin('enquiry as e', 'e.id', 'm.enquiry_id')
    .select(['a.id', 'a.filename', 'a.content_type', 'a.content', 'e.reference'])
    .where('a.id', '=', id)
    .where('a.content', 'is not', null)
    .where('m.erased_at', 'is', null)
    .where('e.erased_at', 'is', null)
    .executeTakeFirst();
  return row;
}

/** Messages of these enquiries with their attachments' descriptions, oldest first (subject access). */
export async function exportEmailsOf(db: Db | Tx, enquiryIds: string[]) {
  if (!enquiryIds.length) return [];
  const e = db;
  const messages = await e
    .selectFrom('email_message')
    .select([
      'id',
      'enquiry_id',
      'direction',
      'recorded_at',
      'sent_at',
      'message_id',
      'from_address',
      'from_name',
      'reply_to',
      'to_addresses',
      'cc_addresses',
      'subject',
      'body_text',
      'is_auto',
      'is_bounce',
      'outcome',
    ])
    .where('enquiry_id', 'in', enquiryIds)
    .orderBy('recorded_at')
    .orderBy('id')
    .execute();
  const attachments = messages.length
    ? await e
        .selectFrom('email_attachment')
        .select(['email_id', 'filename', 'content_type', 'size_bytes', 'not_stored'])
        .where(
          'email_id',
          'in',
          messages.map((m) => m.id),
        )
        .orderBy('id')
        .execute()
    : [];
  return messages.map((m) => ({
    ...m,
    attachments: attachments.filter((a) => a.email_id === m.id).map(({ email_id: _e, ...rest }) => rest),
  }));
}

/**
 * Erasure: the people named in these enquiries' emails (From, Reply-To, To, Cc), subjects and
 * texts, and their attachments (content and file name). With `senderEmail` (an erasure request)
 * also the emails that joined no enquiry (ignored auto-replies and bounces) and name that
 * address anywhere: sent from it, or quoting it.
 * Message-IDs stay: they name no one, and a late reply must still find its (erased) enquiry
 * rather than start a new one with the quoted text. Idempotent.
 */
export async function eraseEmailsOf(
  tx: Tx,
  enquiryIds: string[],
  at: Date,
  senderEmail: string | null = null,
): Promise<void> {
  const e = tx;
  const which = e
    .selectFrom('email_message')
    .select('id')
    .where('erased_at', 'is', null)
    .where((w) =>
      w.or([
        ...(enquiryIds.length ? [w('enquiry_id', 'in', enquiryIds)] : []),
        // Mail that joined no enquiry and names the address anywhere: theirs (an out-of-office),
        // or a bounce or a forward that quotes it.
        ...(senderEmail
          ? [
              w.and([
                w('enquiry_id', 'is', null),
                sql<boolean>`strpos(lower(concat_ws(' ', from_address, reply_to, to_addresses::text, cc_addresses::text, subject, body_text)), ${senderEmail.toLowerCase()}) > 0`,
              ]),
            ]
          : []),
      ]),
    );
  if (!enquiryIds.length && !senderEmail) return;
  const ids = (await which.execute()).map((r) => r.id);
  await eraseRows(e, ids, at);
}

/** Blanks the personal data of these email rows and their attachments (idempotent). */
async function eraseRows(tx: Tx, ids: string[], at: Date): Promise<void> {
  if (!ids.length) return;
  await tx
    .updateTable('email_message')
    .set({
      from_address: null,
      from_name: null,
      reply_to: null,
      to_addresses: '[]',
      cc_addresses: '[]',
      subject: ERASED,
      body_text: ERASED,
      erased_at: at,
    })
    .where('id', 'in', ids)
    .execute();
  await tx
    .updateTable('email_attachment')
    .set({ content: null, filename: null, not_stored: 'erased' })
    .where('email_id', 'in', ids)
    .execute();
}

/** Retention: erases emails that joined no enquiry and were recorded before `cutoff`; returns how many. */
export async function forgetOrphanEmailsBefore(db: Db, cutoff: Date, at: Date): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const ids = (
      await tx
        .selectFrom('email_message')
        .select('id')
        .where('enquiry_id', 'is', null)
        .where('erased_at', 'is', null)
        .where('recorded_at', '<', cutoff)
        .execute()
    ).map((r) => r.id);
    await eraseRows(tx, ids, at);
    return ids.length;
  });
}

/** The email rows of an enquiry, oldest first (for the desk and tests). */
export async function messagesOf(db: Db, enquiryId: string): Promise<EmailMessage[]> {
  return db.selectFrom('email_message').selectAll().where('enquiry_id', '=', enquiryId).orderBy('id').execute();
}

/** Attachment descriptions of a message (content left out). */
export async function attachmentsOf(db: Db, emailId: string) {
  return db
    .selectFrom('email_attachment')
    .select(['id', 'filename', 'content_type', 'size_bytes', 'inline', 'not_stored'])
    .where('email_id', '=', emailId)
    .orderBy('id')
    .execute();
}

/** The newest message of an enquiry, received or sent (what a reply from the desk answers). */
export async function latestMessageOf(tx: Tx, enquiryId: string): Promise<EmailMessage | undefined> {
  return (
    tx
      .selectFrom('email_message')
      .selectAll()
      .where('enquiry_id', '=', enquiryId)
      .where('message_id', 'is not', null)
      // A colleague's answer to the desk's question is on the enquiry but not in the journalist's thread.
      .where((eb) => eb.or([eb('outcome', 'is', null), eb('outcome', '!=', 'colleague_answer')]))
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst()
  );
}
