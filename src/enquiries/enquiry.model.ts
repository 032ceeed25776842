import type { Lang } from '../i18n/languages.js';
import { z } from 'zod';

/**
 * The one list of the ways an enquiry arrives and of the states it moves through. Everything that
 * lists them (labels, filters, reports, the API description) is built from these or declared
 * `satisfies Record<EnquiryChannel | EnquiryStatus, …>`, so adding a member makes
 * `npm run typecheck` name every place to complete. The SQL CHECK constraints in `sql/` list
 * them too and change by migration.
 */
export const ENQUIRY_CHANNELS = ['web', 'api', 'sms', 'voice', 'email'] as const;
/** How an enquiry arrived. */
export type EnquiryChannel = (typeof ENQUIRY_CHANNELS)[number];

/** The language an enquiry's journalist is answered in (issue 31; the list is src/i18n's). */
export type EnquiryLanguage = Lang;

/** Every status, in the order a desk lists them. */
export const ENQUIRY_STATUSES = ['new', 'in_progress', 'waiting', 'answered', 'closed', 'withdrawn', 'erased'] as const;
/**
 * Where an enquiry is in its life. `erased`: closed by an erasure request while still open (its
 * journalist's data is gone, so nobody can answer it); set only by src/privacy, never chosen.
 */
export type EnquiryStatus = (typeof ENQUIRY_STATUSES)[number];

/** Whether the office still owes the journalist something in each status: the one definition of "open". */
const IS_OPEN = {
  new: true,
  in_progress: true,
  waiting: true,
  answered: false,
  closed: false,
  withdrawn: false,
  erased: false,
} as const satisfies Record<EnquiryStatus, boolean>;

/** Statuses in which the office still owes the journalist something (SQL takes it as a parameter). */
export const OPEN_STATUSES = ENQUIRY_STATUSES.filter((s) => IS_OPEN[s]) as readonly OpenStatus[];
/** A status in which the office still owes an answer. */
export type OpenStatus = { [S in EnquiryStatus]: (typeof IS_OPEN)[S] extends true ? S : never }[EnquiryStatus];

/** Whether the office still owes an answer in status `s`. */
export function isOpenStatus(s: EnquiryStatus): s is OpenStatus {
  return IS_OPEN[s];
}

/** Why an enquiry was urgent on arrival: the journalist said so, or their deadline is before the office opens. */
export type UrgentReason = 'journalist' | 'deadline';

// The on-call vocabulary the timeline records lives here, below both src/oncall (which owns pages)
// and the timeline, so that src/enquiries never imports src/oncall.

/** How a page was acknowledged: an ACK text, a keypress, the desk, or work through the page's link. */
export type AckVia = 'sms' | 'voice' | 'desk' | 'link';

/** What a page step does: text or ring the contact. */
export type PageAction = 'sms' | 'call';

/** zod enum of the channels, for schemas that describe enquiries (e.g. the OpenAPI document). */
export const enquiryChannelSchema = z.enum(ENQUIRY_CHANNELS);
/** zod enum of the statuses. */
export const enquiryStatusSchema = z.enum(ENQUIRY_STATUSES);

/** How a call to the press office line ended for the caller. */
export type CallOutcome = 'desk_answered' | 'connected_on_call' | 'not_accepted' | 'voicemail' | 'hung_up';

/**
 * How an enquiry ended (issue 28, item 4), recorded when it is answered or closed. Referrals and
 * "not a media enquiry" are not failures to answer: reports count them apart from missed deadlines.
 */
export const ENQUIRY_OUTCOMES = [
  'answered',
  'answered_with_line',
  'no_comment',
  'referred_foi',
  'referred_other',
  'not_media',
  'duplicate',
] as const;
/** How an enquiry ended. */
export type EnquiryOutcome = (typeof ENQUIRY_OUTCOMES)[number];
/** zod enum of the outcomes. */
export const enquiryOutcomeSchema = z.enum(ENQUIRY_OUTCOMES);
