import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import type { VoiceCall, VoiceCallTable } from './voice.tables.js';
import type { Insertable, Updateable } from 'kysely';
import { addJob } from '../jobs/queue.repository.js';
import type { Lang } from '../i18n/languages.js';

// The phone line's own queries: one row per call, read and changed under a row lock because
// Twilio's webhooks for one call may be retried or overlap (the whisper leg and the dial result).

/**
 * Records the first webhook of a call, or leaves the row as it is when Twilio retries it; returns
 * the row locked FOR UPDATE for the rest of `tx`.
 */
export async function startCall(tx: Tx, row: Insertable<VoiceCallTable>): Promise<VoiceCall> {
  await tx
    .insertInto('voice_call')
    .values(row)
    .onConflict((oc) => oc.column('call_sid').doNothing())
    .execute();
  return (await lockCall(tx, row.call_sid))!;
}

/** The call, locked FOR UPDATE for the rest of `tx`; undefined for a call this service never answered. */
export async function lockCall(tx: Tx, callSid: string): Promise<VoiceCall | undefined> {
  return tx.selectFrom('voice_call').selectAll().where('call_sid', '=', callSid).forUpdate().executeTakeFirst();
}

/** The call that carried recording `recordingSid`, locked FOR UPDATE; undefined if none. */
export async function lockCallByRecording(tx: Tx, recordingSid: string): Promise<VoiceCall | undefined> {
  return tx
    .selectFrom('voice_call')
    .selectAll()
    .where('recording_sid', '=', recordingSid)
    .forUpdate()
    .executeTakeFirst();
}

/** Changes the call's row. */
export async function updateCall(db: Db | Tx, callSid: string, patch: Updateable<VoiceCallTable>): Promise<void> {
  await db.updateTable('voice_call').set(patch).where('call_sid', '=', callSid).execute();
}

/** The recording `recordingSid` if it belongs to an enquiry whose data has not been erased and was not deleted. */
export async function findPlayableRecording(
  db: Db,
  recordingSid: string,
): Promise<{ recording_sid: string; reference: string } | undefined> {
  return db
    .selectFrom('voice_call')
    .innerJoin('enquiry', 'enquiry.id', 'voice_call.enquiry_id')
    .select(['voice_call.recording_sid as recording_sid', 'enquiry.reference as reference'])
    .where('voice_call.recording_sid', '=', recordingSid)
    .where('voice_call.recording_deleted_at', 'is', null)
    .where('enquiry.erased_at', 'is', null)
    .executeTakeFirst() as Promise<{ recording_sid: string; reference: string } | undefined>;
}

/** Recordings of these enquiries' calls still held at Twilio. */
export async function recordingsOf(
  db: Db | Tx,
  enquiryIds: string[],
): Promise<Array<{ recording_sid: string; enquiry_id: string }>> {
  if (!enquiryIds.length) return [];
  const rows = await db
    .selectFrom('voice_call')
    .select(['recording_sid', 'enquiry_id'])
    .where('enquiry_id', 'in', enquiryIds)
    .where('recording_sid', 'is not', null)
    .where('recording_deleted_at', 'is', null)
    .execute();
  return rows as Array<{ recording_sid: string; enquiry_id: string }>;
}

/**
 * Erasure: the caller's number and the transcription of every call of these enquiries, and the
 * number on calls from `senderPhone` that became no enquiry (an erasure request). The recordings
 * themselves are deleted at Twilio by a job (`delete_recording`).
 */
export async function eraseCallsOf(tx: Tx, enquiryIds: string[], senderPhone: string | null): Promise<void> {
  if (enquiryIds.length) {
    await tx
      .updateTable('voice_call')
      .set({ from_number: null, transcription: null, dialled_number: null })
      .where('enquiry_id', 'in', enquiryIds)
      .execute();
  }
  // Calls from the number that became no enquiry (the caller hung up first).
  if (senderPhone)
    await tx
      .updateTable('voice_call')
      .set({ from_number: null })
      .where('enquiry_id', 'is', null)
      .where('from_number', '=', senderPhone)
      .execute();
}

/** Retention: forgets the numbers of calls that became no enquiry and started before `cutoff`; returns how many. */
export async function forgetOrphanCallsBefore(db: Db | Tx, cutoff: Date): Promise<number> {
  const r = await db
    .updateTable('voice_call')
    .set({ from_number: null })
    .where('enquiry_id', 'is', null)
    .where('from_number', 'is not', null)
    .where('started_at', '<', cutoff)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Marks a recording deleted at Twilio; returns the enquiry it belonged to (null if none), or undefined when it was already marked. */
export async function markRecordingDeleted(
  db: Db | Tx,
  recordingSid: string,
  at: Date,
): Promise<{ enquiry_id: string | null } | undefined> {
  return db
    .updateTable('voice_call')
    .set({ recording_deleted_at: at })
    .where('recording_sid', '=', recordingSid)
    .where('recording_deleted_at', 'is', null)
    .returning(['enquiry_id'])
    .executeTakeFirst();
}

/** Calls that started in [from, to), oldest first, with the reference of the enquiry each became (for the digest). */
export async function callsBetween(db: Db, from: Date, to: Date) {
  return db
    .selectFrom('voice_call')
    .leftJoin('enquiry', 'enquiry.id', 'voice_call.enquiry_id')
    .select([
      'voice_call.call_sid',
      'voice_call.started_at',
      'voice_call.from_number',
      'voice_call.urgent',
      'voice_call.outcome',
      'voice_call.out_of_hours',
      'voice_call.connected_seconds',
      'voice_call.dialled_name',
      'enquiry.reference',
      'enquiry.erased_at',
    ])
    .where('voice_call.started_at', '>=', from)
    .where('voice_call.started_at', '<', to)
    .orderBy('voice_call.started_at')
    .execute();
}

/** The enquiry, locked FOR UPDATE, unless its personal data has been erased. */
export async function lockLiveEnquiry(tx: Tx, enquiryId: string): Promise<Enquiry | undefined> {
  return tx
    .selectFrom('enquiry')
    .selectAll()
    .where('id', '=', enquiryId)
    .where('erased_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
}

/** Replaces a phone enquiry's subject and details (the transcription arrived). */
export async function updateEnquiryTexts(
  tx: Tx,
  enquiryId: string,
  patch: { subject: string; details: string; updated_at: Date },
): Promise<void> {
  await tx.updateTable('enquiry').set(patch).where('id', '=', enquiryId).execute();
}

/**
 * Calls to the phone line that became these enquiries: the caller's number and the
 * transcription here, and the recording at Twilio, deleted by a job that retries until Twilio
 * agrees (queued in this transaction, so an erasure that commits always deletes it).
 */
export async function eraseCallsOfEnquiries(tx: Tx, ids: string[], at: Date): Promise<void> {
  const recordings = await recordingsOf(tx, ids);
  await eraseCallsOf(tx, ids, null);
  for (const r of recordings) {
    await addJob(
      tx,
      'delete_recording',
      { recordingSid: r.recording_sid },
      { runAt: at, jobKey: `delete-recording:${r.recording_sid}` },
    );
  }
}

/** Remembers the language a caller chose on the enquiry their call made (issue 31): every later message uses it. */
export async function setEnquiryLanguage(tx: Tx, enquiryId: string, language: Lang): Promise<void> {
  await tx.updateTable('enquiry').set({ language }).where('id', '=', enquiryId).execute();
}
