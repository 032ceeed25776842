import type { EnquiryChannel, EnquiryOutcome, EnquiryStatus } from './enquiry.model.js';

/**
 * How the desk names each status. This map and CHANNEL_LABELS are over the whole unions: a new
 * status or channel does not compile until it has its label here; the queue filters, the status
 * form, the reports and the timeline are built from these.
 */
export const STATUS_LABELS = {
  new: 'New',
  in_progress: 'In progress',
  waiting: 'Waiting on journalist',
  answered: 'Answered',
  closed: 'Closed',
  withdrawn: 'Withdrawn by the journalist',
  erased: 'Closed: personal data erased',
} as const satisfies Record<EnquiryStatus, string>;

/** How the desk names each channel (the queue filter, the enquiry page, the reports). */
export const CHANNEL_LABELS = {
  web: 'Web form',
  api: 'API',
  sms: 'SMS',
  voice: 'Phone',
  email: 'Email',
} as const satisfies Record<EnquiryChannel, string>;

/** Label of a status for people; a value that is not a status (an erased timeline field: '') is shown as it is. */
export function statusLabel(s: EnquiryStatus | string): string {
  return (STATUS_LABELS as Record<string, string>)[s] ?? s;
}

/** Label of a channel for people; a value that is not a channel is shown as it is. */
export function channelLabel(c: EnquiryChannel | string): string {
  return (CHANNEL_LABELS as Record<string, string>)[c] ?? c;
}

/** How the desk names each outcome (issue 28): the close form's choices, the timeline, the enquiry page. */
export const OUTCOME_LABELS = {
  answered: 'Answered',
  answered_with_line: 'Answered with a line to take',
  no_comment: 'No comment',
  referred_foi: 'Referred to FOI',
  referred_other: 'Referred to another organisation',
  not_media: 'Not a media enquiry',
  duplicate: 'Duplicate of another enquiry',
} as const satisfies Record<EnquiryOutcome, string>;

/** Label of an outcome for people; a value that is not an outcome is shown as it is. */
export function outcomeLabel(o: EnquiryOutcome | string): string {
  return (OUTCOME_LABELS as Record<string, string>)[o] ?? o;
}
