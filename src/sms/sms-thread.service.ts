import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { addEvent } from '../enquiries/enquiries.repository.js';
import type { EnquiryService, SubmitOutcome } from '../enquiries/enquiries.service.js';
import { isChase } from '../status/chase.js';
import { markJournalistAdded } from '../status/status.repository.js';
import { findOpenSmsThreadForUpdate } from './sms-intake.repository.js';

/**
 * SMS threading: a journalist's texts within `intake.smsThreadHours` of their open SMS enquiry
 * join it rather than start a new one. This is the SMS channel's own intake rule; the enquiry
 * service it calls knows nothing of texts.
 */

/** What the timeline says when a follow-up text upgrades its enquiry to urgent. */
const URGENT_BY_FOLLOW_UP = 'Follow-up SMS said URGENT';

/**
 * The sender's open SMS enquiry received within `intake.smsThreadHours` before `now`, locked for
 * the rest of `tx` (two texts arriving together join it one after the other); undefined if none.
 */
export async function openThreadFor(
  tx: Tx,
  from: string,
  now: Date,
  config: Pick<Config, 'intake'>,
): Promise<Enquiry | undefined> {
  const since = new Date(now.getTime() - config.intake.smsThreadHours * 3_600_000);
  return findOpenSmsThreadForUpdate(tx, from, since);
}

/**
 * Adds a journalist's text to their open SMS enquiry `thread` (found by `openThreadFor` in the
 * same `tx`): the text on the timeline, then the enquiry service's follow-up rule (a text that
 * says urgent upgrades a non-urgent enquiry and pages out of hours). Returns the enquiry as it now
 * is and what to tell the journalist.
 */
export async function addToThread(
  tx: Tx,
  deps: { enquiries: EnquiryService; clock: Clock },
  thread: Enquiry,
  message: { body: string; saysUrgent: boolean; messageSid: string },
): Promise<{ enquiry: Enquiry; outcome: SubmitOutcome }> {
  const now = deps.clock();
  await addEvent(tx, {
    enquiryId: thread.id,
    at: now,
    kind: 'sms_in',
    data: { body: message.body, messageSid: message.messageSid, chase: isChase(message.body) },
  });
  await markJournalistAdded(tx, thread.id, now);
  // The thread was found by the sender's number: it is theirs that spends the page budget.
  return deps.enquiries.followUpInTx(tx, thread, {
    saysUrgent: message.saysUrgent,
    urgentReason: URGENT_BY_FOLLOW_UP,
    sender: { phone: thread.phone },
  });
}
