import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { findOpenThreadForUpdate } from '../enquiries/enquiries.repository.js';
import { sql } from 'kysely';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { ERASED } from '../db/erased.js';

// SMS intake's own queries: threads of texts, and each inbound text with the reply it got.

/**
 * The newest open SMS enquiry from `phone` received at or after `since`, locked FOR UPDATE so two
 * texts arriving together join the same enquiry one after the other.
 */
export function findOpenSmsThreadForUpdate(tx: Tx, phone: string, since: Date): Promise<Enquiry | undefined> {
  return findOpenThreadForUpdate(tx, phone, ['sms'], since);
}

/** The stored answer to an inbound SMS, by Twilio's MessageSid. */
export async function findInboundSms(db: Db | Tx, messageSid: string) {
  return db.selectFrom('sms_inbound').selectAll().where('message_sid', '=', messageSid).executeTakeFirst();
}

/**
 * Records an inbound SMS and the reply we gave. Returns false if this MessageSid was already
 * recorded (a concurrent Twilio retry won the race): the caller must roll back and reuse that reply.
 */
export async function insertInboundSms(
  tx: Tx,
  row: {
    message_sid: string;
    from_number: string;
    body: string;
    enquiry_id: string | null;
    reply: string;
    received_at: Date;
  },
): Promise<boolean> {
  const r = await tx
    .insertInto('sms_inbound')
    .values(row)
    .onConflict((oc) => oc.column('message_sid').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

/**
 * The on-call officer's texts about these enquiries (`sms_inbound` rows of no enquiry: INFO,
 * NOTE, REPLY, DONE, CALL, ACK) and the replies they got: an INFO reply quotes the journalist's
 * name, number, email, subject and details, REPLY's names the number, and the texts carry what
 * the officer wrote about them. Found by reference: every reply to a command that reached an
 * enquiry names it, whichever way (reference or short code) the officer named it. The officer's
 * number stays.
 */
export async function eraseCommandsNaming(tx: Tx, references: string[]): Promise<void> {
  if (!references.length) return;
  const named = references.join('|');
  await sql`UPDATE sms_inbound SET body = ${ERASED}, reply = ${ERASED}
             WHERE enquiry_id IS NULL AND (body ~ ${named} OR reply ~ ${named})`.execute(tx);
}

/**
 * An erased enquiry's texts (`sms_inbound` rows of it): the sender's number and what they wrote
 * become the marker; the row, its time and its enquiry stay.
 */
export async function eraseTextsOf(tx: Tx, ids: string[]): Promise<void> {
  await sql`UPDATE sms_inbound SET from_number = ${ERASED}, body = ${ERASED} WHERE enquiry_id = ANY(${ids}::bigint[])`.execute(
    tx,
  );
}

/**
 * Texts that joined no enquiry and name this person (an officer's command that found no enquiry,
 * its reply), whoever sent them: the number as stored and as written at home, or the address;
 * and every text of no enquiry that they sent (a bare HELP or ACK), with the reply it got.
 */
export async function eraseOrphanTextsNaming(tx: Tx, phone: string | null, email: string | null): Promise<void> {
  const national = phone ? (parsePhoneNumberFromString(phone)?.formatNational() ?? null) : null;
  const named = [phone, national, national?.replace(/\s+/g, '') ?? null, email?.toLowerCase() ?? null].filter(
    (x): x is string => Boolean(x),
  );
  if (named.length) {
    await sql`UPDATE sms_inbound SET body = ${ERASED}, reply = ${ERASED}
               WHERE enquiry_id IS NULL AND EXISTS (SELECT 1 FROM unnest(${named}::text[]) n WHERE strpos(lower(body || ' ' || reply), n) > 0)`.execute(
      tx,
    );
  }
  if (phone) {
    await sql`UPDATE sms_inbound SET from_number = ${ERASED}, body = ${ERASED}, reply = ${ERASED} WHERE enquiry_id IS NULL AND from_number = ${phone}`.execute(
      tx,
    );
  }
}

/**
 * Retention: texts to the press office number that joined no enquiry (the on-call officer's
 * commands and the replies they got, a journalist's bare HELP or ACK), received before
 * `cutoff`. They were kept only so that a webhook Twilio retries gets the same answer; after
 * the retention period they go. Returns how many.
 */
export async function forgetOrphanTextsBefore(db: Db | Tx, cutoff: Date): Promise<number> {
  const r = await db
    .deleteFrom('sms_inbound')
    .where('enquiry_id', 'is', null)
    .where('received_at', '<', cutoff)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
