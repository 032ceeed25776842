import { eraseQuestionsOf } from '../colleagues/questions.repository.js';
import { eraseDecisionsOf } from '../statements/decisions.repository.js';
import { eraseDraftsOf } from '../statements/signoff.repository.js';
import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import { pageBudgetKey } from '../enquiries/page-budget.js';
import { ackRecipientKey } from '../enquiries/acknowledgement.js';
import { OPEN_STATUSES, type EnquiryStatus } from '../enquiries/enquiry.model.js';
import { addEvent } from '../enquiries/enquiries.repository.js';
import { stopEscalation } from '../oncall/paging.schedule.js';
import { dropJobsNaming } from '../jobs/queue.repository.js';
import { eraseCallsOf, eraseCallsOfEnquiries } from '../voice/voice.repository.js';
import { eraseEmailsOf, exportEmailsOf } from '../email/email.repository.js';
import { clearOptOut } from '../sms/opt-out.repository.js';
import { eraseCommandsNaming, eraseOrphanTextsNaming, eraseTextsOf } from '../sms/sms-intake.repository.js';
import { eraseMessagesOf, forgetAddressesInKeys } from '../outbox/outbox.repository.js';
import { erasePagesOf } from '../oncall/paging.repository.js';
import { eraseFromDigests } from '../reports/digest.repository.js';
import { deleteStatusLinksOf } from '../enquiries/status-link.repository.js';
import { eraseLineRecipientsOf } from '../incidents/holding-line.repository.js';
import { eraseEnquiryRows } from '../enquiries/enquiries.repository.js';
import { eraseSaidOf } from '../enquiries/said.repository.js';

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
 * Erases these enquiries' personal data, replacing it with the marker (src/db/erased.ts). Each
 * feature erases its own copies with a function next to its tables; this is where they run, in
 * an order that matters (references are read before the enquiries are marked erased, because
 * the copies elsewhere are found by them):
 * - enquiries: name, contact details, subject, details and the press line, and the timeline's
 *   fields each kind declares personal (`eraseEnquiryRows`); status links (`deleteStatusLinksOf`);
 *   the words of what the office said to them (`eraseSaidOf`: topics, outcomes and counts stay);
 * - sms: texts received about them, and the on-call officer's commands naming them with the
 *   replies they got (`eraseTextsOf`, `eraseCommandsNaming`: INFO quotes everything);
 * - outbox: messages sent to them (`eraseMessagesOf`), and addresses once kept in keys
 *   (`forgetAddressesInKeys`);
 * - incidents: who a line went to (`eraseLineRecipientsOf`);
 * - oncall: page texts and calls about them (`erasePagesOf`);
 * - voice: their calls, transcriptions and recordings (`eraseCallsOfEnquiries`);
 * - email: the people named, subjects, texts, attachments (`eraseEmailsOf`);
 * - reports: subjects in the morning digests and their texts (`eraseFromDigests`);
 * - colleagues: the desk's questions about them and the answers (`eraseQuestionsOf`);
 * - statements: the words of each release decision, the reasons kept (`eraseDecisionsOf`), and
 *   the drafts and where they went for sign-off (`eraseDraftsOf`);
 * - jobs: queued or failed jobs carrying their number or text (`dropJobsNaming`).
 * Keeps the outlet, times, status and outcome (the figures). `senderPhone` and `senderEmail` (an
 * erasure request, where every enquiry of theirs is in `ids`, if they have any): what they sent
 * that joined no enquiry goes too (`eraseOrphansFrom`). Idempotent. Returns how many enquiries
 * it erased now.
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
  const erased = await eraseEnquiryRows(tx, ids, at);
  await eraseSaidOf(tx, ids, at);
  await eraseTextsOf(tx, ids);
  await eraseCommandsNaming(tx, references);
  await eraseMessagesOf(tx, ids);
  // The journalist's status links stop working (the page would show what is left): gone with their hashes.
  await deleteStatusLinksOf(tx, ids);
  await eraseLineRecipientsOf(tx, ids);
  await eraseQuestionsOf(tx, ids, at);
  await eraseDecisionsOf(tx, ids, at);
  await eraseDraftsOf(tx, ids, at);
  await erasePagesOf(tx, ids);
  await eraseCallsOfEnquiries(tx, ids, at);
  await eraseEmailsOf(tx, ids, at);
  await eraseFromDigests(tx, references, null);
  await dropJobsNaming(tx, ids, references);
  await forgetAddressesInKeys(tx, ids);
  return erased;
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
  await eraseOrphanTextsNaming(tx, phone, email);
  if (phone) {
    // Their STOP is forgotten too: it is their number and a fact about them, and erasure leaves
    // Press Desk nothing to text them about. It is not their protection: Twilio keeps its own
    // block on the number until they text START, so a text tried after this is still refused
    // (21610, recorded again then, as anyone's would be).
    await clearOptOut(tx, phone);
    await eraseCallsOf(tx, [], phone);
    await eraseFromDigests(tx, [], phone);
  }
  if (email) await eraseEmailsOf(tx, [], at, email);
}
