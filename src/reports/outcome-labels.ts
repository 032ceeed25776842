import type { OutcomeBucket } from './reports.repository.js';

/**
 * How the reports name each way an enquiry received in a period stands (its outcome, or why it has
 * none). The reports' own words (a column header reads "Referred to FOI"), over the whole union.
 */
export const OUTCOME_BUCKET_LABELS = {
  answered: 'Answered',
  answered_with_line: 'Answered with a line to take',
  no_comment: 'No comment',
  referred_foi: 'Referred to FOI',
  referred_other: 'Referred to another organisation',
  not_media: 'Not a media enquiry',
  duplicate: 'Duplicate of another enquiry',
  not_recorded: 'Not recorded (closed before outcomes were kept)',
  withdrawn: 'Withdrawn by the journalist',
  erased: 'Closed by an erasure request',
  open: 'Still open',
} as const satisfies Record<OutcomeBucket, string>;
