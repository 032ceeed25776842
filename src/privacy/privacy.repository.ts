import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import { pageBudgetKey } from '../enquiries/page-budget.js';
import { ackRecipientKey } from '../enquiries/acknowledgement.js';
import { PERSONAL_FIELDS } from '../enquiries/timeline.js';
import { OPEN_STATUSES, type EnquiryStatus } from '../enquiries/enquiry.model.js';
import { addEvent } from '../enquiries/enquiries.repository.js';
import { stopEscalation } from '../oncall/paging.schedule.js';
import { addJob } from '../jobs/queue.repository.js';
import * as voiceRepo from '../voice/voice.repository.js';
import { eraseEmailsOf, exportEmailsOf } from '../email/email.repository.js';
import { clearOptOut } from '../sms/opt-out.repository.js';

/** What replaces erased personal data. */
export const ERASED = '[erased]';

/**
 * Ids of enquiries past their retention period at `cutoff`, not yet erased (a batch): closed (or
 * withdrawn) before it, or answered and never closed with nothing done to them since before it
 * (no change and no timeline entry). An answered enquiry is finished for the desk, and nobody
 * may be left to close it: without the second rule it, and its status links, would be kept
 * for ever.
 */
export async function dueForErasure(db: Db, cutoff: Date, limit: number): Promise<string[]> {
  const r = await sql<{ id: string }>`
    (SELECT id, closed_at AS due FROM enquiry WHERE erased_at IS NULL AND closed_at < ${cutoff} ORDER BY closed_at LIMIT ${limit})
    UNION ALL
    (SELECT e.id, e.updated_at AS due FROM enquiry e
      WHERE e.erased_at IS NULL AND e.status = 'answered' AND e.closed_at IS NULL AND e.updated_at < ${cutoff}
        AND NOT EXISTS (SELECT 1 FROM enquiry_event ev WHERE ev.enquiry_id = e.id AND ev.at >= ${cutoff})
      ORDER BY e.updated_at LIMIT ${limit})
    ORDER BY due LIMIT ${limit}`.execute(db);
  return r.rows.map((x) => x.id);
}

/** Enquiries from one journalist, found by phone (E.164) and/or email (any case). */
export async function enquiriesOf(db: Db | Tx, who: { phone: string | null; email: string | null }): Promise<string[]> {
  if (!who.phone && !who.email) return [];
  const r = await db
    .selectFrom('enquiry')
    .select('id')
    .where((eb) =>
      eb.or([
        ...(who.phone ? [eb('phone', '=', who.phone)] : []),
        ...(who.email ? [eb(sql<string>`lower(email)`, '=', who.email.toLowerCase())] : []),
      ]),
    )
    .orderBy('received_at')
    .execute();
  return r.map((x) => x.id);
}

/** The open ones among these enquiries (reference, received, status), oldest first: what an erasure will close. */
export async function openAmong(
  db: Db | Tx,
  ids: string[],
): Promise<Array<{ id: string; reference: string; received_at: Date; status: EnquiryStatus; deadline: Date | null }>> {
  if (!ids.length) return [];
  return db
    .selectFrom('enquiry')
    .select(['id', 'reference', 'received_at', 'status', 'deadline'])
    .where('id', 'in', ids)
    .where('status', 'in', OPEN_STATUSES)
    .where('erased_at', 'is', null)
    .orderBy('received_at')
    .execute();
}

/**
 * Closes the open ones among these enquiries as erased, before their data is erased: nobody can
 * answer an enquiry whose contact details and text are gone, so it must not stay on the queue
 * with its clocks running. Each gets status `erased` (not an answer: reports count it apart,
 * src/reports), its close time, a `status_changed` entry, and its escalation stopped in this
 * transaction (`stopEscalation`: queued steps removed, held bundle steps skipped; the page jobs
 * and the deadline warnings check the status again when they run). Returns their references.
 */
export async function closeAsErased(
  tx: Tx,
  ids: string[],
  at: Date,
  workingSecondsSince: (receivedAt: Date) => number,
): Promise<string[]> {
  if (!ids.length) return [];
  const open = await tx
    .selectFrom('enquiry')
    .select(['id', 'reference', 'status', 'received_at'])
    .where('id', 'in', ids)
    .where('status', 'in', OPEN_STATUSES)
    .where('erased_at', 'is', null)
    .orderBy('received_at')
    .forUpdate()
    .execute();
  for (const e of open) {
    await tx
      .updateTable('enquiry')
      .set({
        status: 'erased',
        closed_at: at,
        close_working_s: workingSecondsSince(e.received_at),
        resolved_at: sql`coalesce(resolved_at, ${at})`,
        updated_at: at,
        journalist_added_at: null,
      })
      .where('id', '=', e.id)
      .execute();
    await addEvent(tx, { enquiryId: e.id, at, kind: 'status_changed', data: { from: e.status, to: 'erased' } });
    await stopEscalation(tx, e.id, 'erased', at);
  }
  return open.map((e) => e.reference);
}

/** Everything stored about these enquiries, for a subject access request. */
export async function exportEnquiries(db: Db, ids: string[]) {
  if (!ids.length) return [];
  const enquiries = await db
    .selectFrom('enquiry')
    .select([
      'id',
      'reference',
      'channel',
      'status',
      'name',
      'outlet',
      'email',
      'phone',
      'subject',
      'details',
      'deadline',
      'urgent',
      'received_at',
      'first_response_at',
      'closed_at',
      'response_given',
      'erased_at',
    ])
    .where('id', 'in', ids)
    .orderBy('received_at')
    .execute();
  const events = await db
    .selectFrom('enquiry_event')
    .select(['enquiry_id', 'at', 'kind', 'data'])
    .where('enquiry_id', 'in', ids)
    .orderBy('at')
    .orderBy('id')
    .execute();
  const inbound = await db
    .selectFrom('sms_inbound')
    .select(['enquiry_id', 'received_at', 'from_number', 'body', 'reply'])
    .where('enquiry_id', 'in', ids)
    .orderBy('received_at')
    .execute();
  // Texts to the journalist (page texts go to the on-call phone and are not theirs to receive).
  const outbound = await db
    .selectFrom('outbound_message')
    .select(['enquiry_id', 'created_at', 'to_number', 'content as body', 'state', 'provider_status'])
    .where('enquiry_id', 'in', ids)
    .where('owner_kind', '=', 'message')
    // A callback's call goes to the officer's phone: not a text the journalist received.
    .where('medium', '=', 'sms')
    .orderBy('created_at')
    .execute();
  // Calls to the phone line: the number they rang from, how the call went, and what Twilio transcribed.
  const calls = await db
    .selectFrom('voice_call')
    .select([
      'enquiry_id',
      'started_at',
      'from_number',
      'outcome',
      'recording_seconds',
      'transcription',
      'recording_deleted_at',
    ])
    .where('enquiry_id', 'in', ids)
    .orderBy('started_at')
    .execute();
  // Emails received and sent: the people they name, the text, and what was attached (described, not the files).
  const emails = await exportEmailsOf(db, ids);
  return enquiries.map((e) => ({
    ...e,
    emails: emails.filter((x) => x.enquiry_id === e.id).map(({ enquiry_id: _e, ...rest }) => rest),
    phoneCalls: calls.filter((x) => x.enquiry_id === e.id).map(({ enquiry_id: _e, ...rest }) => rest),
    timeline: events.filter((x) => x.enquiry_id === e.id).map(({ enquiry_id: _e, ...rest }) => rest),
    smsReceived: inbound.filter((x) => x.enquiry_id === e.id).map(({ enquiry_id: _e, ...rest }) => rest),
    smsSent: outbound.filter((x) => x.enquiry_id === e.id).map(({ enquiry_id: _e, ...rest }) => rest),
  }));
}

/** References of these enquiries not yet erased, oldest first: how copies made elsewhere (digests, their SMS, jobs) name them. */
export async function referencesOf(tx: Tx, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await tx
    .selectFrom('enquiry')
    .select('reference')
    .where('id', 'in', ids)
    .where('erased_at', 'is', null)
    .orderBy('received_at')
    .execute();
  return rows.map((r) => r.reference);
}

/**
 * Replaces the journalist's personal data on these enquiries with the marker: name, contact
 * details, subject, details and the press line; the timeline's personal fields as each kind
 * declares them (`PERSONAL_FIELDS`: message texts, numbers, delivery errors that name the
 * number), inbound and outbound SMS, the on-call officer's command texts about them and the
 * replies they got (`eraseFromCommands`: INFO quotes everything), and the page texts and calls
 * sent about them (see `eraseFromPages`), and their emails (the people named in
 * From/To/Cc/Reply-To, subjects, texts, attachments; `eraseEmailsOf`). Keeps the outlet, times,
 * status and outcome (the figures). Then the copies made elsewhere: subjects in the morning
 * digests and their SMS, and queued or failed jobs that carry the journalist's number or text
 * (see `dropJobsNaming`). `senderPhone` and `senderEmail` (an erasure request, where every
 * enquiry of theirs is in `ids`, if they have any): what they sent that joined no enquiry goes
 * too (`eraseOrphansFrom`). Idempotent.
 */
export async function eraseEnquiries(
  tx: Tx,
  ids: string[],
  at: Date,
  senderPhone: string | null = null,
  senderEmail: string | null = null,
): Promise<number> {
  await eraseOrphansFrom(tx, at, senderPhone, senderEmail);
  if (!ids.length) return 0;
  const references = await referencesOf(tx, ids);
  const r = await tx
    .updateTable('enquiry')
    .set({
      name: ERASED,
      email: null,
      phone: null,
      subject: ERASED,
      details: ERASED,
      response_given: null,
      response_released_at: null,
      erased_at: at,
    })
    .where('id', 'in', ids)
    .where('erased_at', 'is', null)
    .executeTakeFirst();
  // Each kind's own declaration of its personal fields; an entry that holds none is left as it is.
  await sql`UPDATE enquiry_event ev SET data = (ev.data - p.fields) || '{"erased": true}'::jsonb
              FROM (SELECT key AS kind, ARRAY(SELECT jsonb_array_elements_text(value)) AS fields FROM jsonb_each(${JSON.stringify(PERSONAL_FIELDS)}::jsonb)) p
             WHERE ev.enquiry_id = ANY(${ids}::bigint[]) AND ev.kind = p.kind AND ev.data ?| p.fields`.execute(tx);
  await sql`UPDATE sms_inbound SET from_number = ${ERASED}, body = ${ERASED} WHERE enquiry_id = ANY(${ids}::bigint[])`.execute(
    tx,
  );
  await eraseFromCommands(tx, references);
  await sql`UPDATE outbound_message SET to_number = ${ERASED}, content = ${ERASED}, last_error = CASE WHEN last_error IS NULL THEN NULL ELSE ${ERASED} END
             WHERE enquiry_id = ANY(${ids}::bigint[])`.execute(tx);
  // The journalist's status links stop working (the page would show what is left): gone with their hashes.
  await tx.deleteFrom('status_link').where('enquiry_id', 'in', ids).execute();
  // Who an incident's line went to is their number or address; that it went stays, for the incident's report.
  await tx.updateTable('incident_line_sent').set({ contact: ERASED }).where('enquiry_id', 'in', ids).execute();
  await eraseFromPages(tx, ids);
  await eraseFromCalls(tx, ids, at);
  await eraseEmailsOf(tx, ids, at);
  await eraseFromDigests(tx, references, null);
  await dropJobsNaming(tx, ids, references);
  await forgetAddressesInKeys(tx, ids);
  return Number(r.numUpdatedRows);
}

/**
 * What a journalist sent that joined no enquiry, found by their number or address alone: texts
 * (a bare HELP or ACK, a command from a number not on call) with the replies they got, calls
 * hung up before they became an enquiry (here and in the morning digests' lists of calls),
 * emails ignored as automatic (theirs, or quoting their address), and rate-limit counters keyed
 * by them. Nothing when neither is given.
 */
async function eraseOrphansFrom(tx: Tx, at: Date, phone: string | null, email: string | null): Promise<void> {
  // Budgets keyed by who sent (a number, an address) name them in the key; the counters go (they
  // expire within the hour anyway).
  for (const who of [phone, email])
    if (who) await sql`DELETE FROM rate_limit WHERE strpos(lower(key), ${who.toLowerCase()}) > 0`.execute(tx);
  // The page budget keys a number or an address by its digest: the same person, pseudonymised.
  // So do the counts of acknowledgements sent to them from the form and the API (src/enquiries/acknowledgement.ts).
  const budgetKeys = [
    phone ? pageBudgetKey({ phone }) : null,
    email ? pageBudgetKey({ email }) : null,
    phone ? ackRecipientKey({ phone }) : null,
    email ? ackRecipientKey({ email }) : null,
  ].filter((k): k is string => k !== null);
  for (const key of budgetKeys) await sql`DELETE FROM rate_limit WHERE key = ${key}`.execute(tx);
  // Texts that joined no enquiry and name them (an officer's command that found no enquiry, its
  // reply), whoever sent them: the number as stored and as written at home, or the address.
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
    // Their STOP is forgotten too: it is their number and a fact about them, and erasure leaves
    // Press Desk nothing to text them about. It is not their protection: Twilio keeps its own
    // block on the number until they text START, so a text tried after this is still refused
    // (21610, recorded again then, as anyone's would be).
    await clearOptOut(tx, phone);
    await voiceRepo.eraseCallsOf(tx, [], phone);
    await eraseFromDigests(tx, [], phone);
  }
  if (email) await eraseEmailsOf(tx, [], at, email);
}

/**
 * The on-call officer's texts about these enquiries (`sms_inbound` rows of no enquiry: INFO,
 * NOTE, REPLY, DONE, CALL, ACK) and the replies they got: an INFO reply quotes the journalist's
 * name, number, email, subject and details, REPLY's names the number, and the texts carry what
 * the officer wrote about them. Found by reference: every reply to a command that reached an
 * enquiry names it, whichever way (reference or short code) the officer named it. The officer's
 * number stays.
 */
async function eraseFromCommands(tx: Tx, references: string[]): Promise<void> {
  if (!references.length) return;
  const named = references.join('|');
  await sql`UPDATE sms_inbound SET body = ${ERASED}, reply = ${ERASED}
             WHERE enquiry_id IS NULL AND (body ~ ${named} OR reply ~ ${named})`.execute(tx);
}

/**
 * Outbox keys once held the journalist's address (`email-ack:<enquiry>:<address>`, before issue
 * 22): such a key becomes `email-ack:<enquiry>` (one acknowledgement per enquiry). A key still
 * named by a job (waiting, running or failed) stays until that job is gone, since the job finds
 * its row by the key and would otherwise send the message again; the daily retention sweep
 * takes the rest (`ids` null: every such row).
 */
export async function forgetAddressesInKeys(db: Db | Tx, ids: string[] | null): Promise<void> {
  await sql`
    UPDATE outbound_message m SET idempotency_key = 'email-ack:' || split_part(m.idempotency_key, ':', 2)
     WHERE m.idempotency_key LIKE 'email-ack:%:%'
       AND (${ids}::bigint[] IS NULL OR m.enquiry_id = ANY(${ids}::bigint[]))
       AND NOT EXISTS (SELECT 1 FROM graphile_worker._private_jobs j WHERE j.key = m.idempotency_key OR j.payload->>'key' = m.idempotency_key)
       AND NOT EXISTS (SELECT 1 FROM outbound_message o WHERE o.idempotency_key = 'email-ack:' || split_part(m.idempotency_key, ':', 2))`.execute(
    db,
  );
}

/**
 * Page texts and calls (`outbound_message` rows of owner `page_step`, found through the steps
 * they carried) name the journalist, their outlet, number and subject. A bundled text covers
 * several enquiries, one line each starting with its reference: only these enquiries' lines lose
 * everything after the reference. Any other page row of theirs (a single page's text, a call's
 * TwiML, a bundle of theirs alone) is blanked to the marker. The on-call number it went to and
 * its delivery record stay. Idempotent.
 */
async function eraseFromPages(tx: Tx, ids: string[]): Promise<void> {
  await sql`WITH mine AS (
              SELECT DISTINCT st.outbound_id AS id FROM page_step st JOIN page p ON p.id = st.page_id
               WHERE p.enquiry_id = ANY(${ids}::bigint[]) AND st.outbound_id IS NOT NULL
            ), refs AS (
              SELECT '^(' || string_agg(reference, '|') || ')[^\\n]*$' AS line FROM enquiry WHERE id = ANY(${ids}::bigint[])
            )
            UPDATE outbound_message m
               SET content = CASE
                     WHEN m.medium = 'sms' AND EXISTS (
                       SELECT 1 FROM page_step st JOIN page p ON p.id = st.page_id
                        WHERE st.outbound_id = m.id AND p.enquiry_id <> ALL(${ids}::bigint[]))
                     THEN regexp_replace(m.content, refs.line, ${`\\1: ${ERASED}`}, 'gn')
                     ELSE ${ERASED} END
              FROM mine, refs
             WHERE m.id = mine.id AND m.owner_kind = 'page_step' AND m.content IS NOT NULL`.execute(tx);
}

/**
 * Calls to the phone line that became these enquiries: the caller's number and the
 * transcription here, and the recording at Twilio, deleted by a job that retries until Twilio
 * agrees (queued in this transaction, so an erasure that commits always deletes it).
 */
async function eraseFromCalls(tx: Tx, ids: string[], at: Date): Promise<void> {
  const recordings = await voiceRepo.recordingsOf(tx, ids);
  await voiceRepo.eraseCallsOf(tx, ids, null);
  for (const r of recordings) {
    await addJob(
      tx,
      'delete_recording',
      { recordingSid: r.recording_sid },
      { runAt: at, jobKey: `delete-recording:${r.recording_sid}` },
    );
  }
}

/**
 * The morning digest copies each enquiry's subject (`handover_digest.summary`) and texts the
 * first few to `handover.smsNumbers` (`outbound_message` texts of no enquiry): the subject becomes the
 * marker in the one, the enquiry's line in the other. The counts stay.
 */
async function eraseFromDigests(tx: Tx, references: string[], senderPhone: string | null): Promise<void> {
  // The digest's list of phone calls names the caller's number: by enquiry, or (a call that
  // became none) by the number itself.
  await sql`UPDATE handover_digest d
               SET summary = jsonb_set(d.summary, '{calls}', (
                 SELECT coalesce(jsonb_agg(CASE WHEN it->>'reference' = ANY(${references}::text[]) OR it->>'from' = ${senderPhone}::text THEN it || '{"from": null}'::jsonb ELSE it END ORDER BY n), '[]'::jsonb)
                   FROM jsonb_array_elements(d.summary->'calls') WITH ORDINALITY AS x(it, n)))
             WHERE jsonb_typeof(d.summary->'calls') = 'array'
               AND EXISTS (SELECT 1 FROM jsonb_array_elements(d.summary->'calls') it
                            WHERE it->>'reference' = ANY(${references}::text[]) OR it->>'from' = ${senderPhone}::text)`.execute(
    tx,
  );
  if (!references.length) return;
  await sql`UPDATE handover_digest d
               SET summary = jsonb_set(d.summary, '{items}', (
                 SELECT coalesce(jsonb_agg(CASE WHEN it->>'reference' = ANY(${references}::text[]) THEN it || jsonb_build_object('subject', ${ERASED}::text) ELSE it END ORDER BY n), '[]'::jsonb)
                   FROM jsonb_array_elements(d.summary->'items') WITH ORDINALITY AS x(it, n)))
             WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(d.summary->'items') it WHERE it->>'reference' = ANY(${references}::text[]))`.execute(
    tx,
  );
  // A digest line is "PD-XXX-XXX[ URGENT][ by <deadline>]: <subject>"; references are [A-Z0-9-] only.
  const line = `^(${references.join('|')})[^\\n]*$`;
  await sql`UPDATE outbound_message SET content = regexp_replace(content, ${line}, ${`\\1: ${ERASED}`}, 'gn')
             WHERE owner_kind = 'message' AND enquiry_id IS NULL AND content ~ ${references.join('|')}`.execute(tx);
}

/**
 * Drops the jobs, waiting, failed or failed for good, that carry these enquiries' personal data:
 * an SMS to the journalist (its payload holds the number and text; its last error names the
 * number), or a digest SMS that names one of them. A reply to someone whose data was erased is
 * not to be sent any more. A job running at this moment cannot be dropped (graphile-worker's
 * rule); it finishes as it would have.
 */
async function dropJobsNaming(tx: Tx, ids: string[], references: string[]): Promise<void> {
  // The public `jobs` view leaves out the payload, so the match reads graphile-worker's table;
  // the removal goes through its own function, which skips running jobs.
  const named = references.length ? references.join('|') : null;
  await sql`SELECT count(*) FROM graphile_worker.complete_jobs(ARRAY(
              SELECT id FROM graphile_worker._private_jobs
               WHERE payload->>'enquiryId' = ANY(${ids}::text[])
                  OR payload::text ~ ${named} OR last_error ~ ${named}))`.execute(tx);
}

/**
 * Opt-outs older than `cutoff` of numbers Press Desk no longer holds anywhere else (no enquiry
 * keeps the number, nobody on the staff list has it): a journalist's STOP goes with the last of
 * their enquiries. An officer's stays while they are on the staff list, however old.
 */
export async function forgetOrphanOptOutsBefore(db: Db | Tx, cutoff: Date): Promise<void> {
  await sql`DELETE FROM sms_opt_out o WHERE o.opted_out_at < ${cutoff}
                        AND NOT EXISTS (SELECT 1 FROM enquiry e WHERE e.phone = o.phone)
                        AND NOT EXISTS (SELECT 1 FROM person p WHERE p.phone = o.phone)`.execute(db);
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

/**
 * Retention: the callers' numbers in the lists of calls of morning digests made before
 * `cutoff` (a call that became no enquiry is named there by its number alone). The counts stay.
 */
export async function forgetDigestCallersBefore(db: Db | Tx, cutoff: Date): Promise<void> {
  await sql`UPDATE handover_digest d
               SET summary = jsonb_set(d.summary, '{calls}', (
                 SELECT coalesce(jsonb_agg(it || '{"from": null}'::jsonb ORDER BY n), '[]'::jsonb)
                   FROM jsonb_array_elements(d.summary->'calls') WITH ORDINALITY AS x(it, n)))
             WHERE d.created_at < ${cutoff} AND jsonb_typeof(d.summary->'calls') = 'array'
               AND EXISTS (SELECT 1 FROM jsonb_array_elements(d.summary->'calls') it WHERE it->>'from' IS NOT NULL)`.execute(
    db,
  );
}
