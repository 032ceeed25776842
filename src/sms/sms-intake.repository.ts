import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { findOpenThreadForUpdate } from '../enquiries/enquiries.repository.js';

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
