import { z } from 'zod';
import { CASEWORK_LIMITS } from '../enquiries/casework.limits.js';
import { staffText } from '../enquiries/staff-text.js';
import { defineForm, type FieldErrors, type FieldId } from '../http/form-schema.js';

/** An internal note (`POST …/note`; on call: NOTE). */
export const noteForm = defineForm(z.object({ note: staffText(CASEWORK_LIMITS.note, 'a note') }));

/** The press line given (`POST …/response`; on call: DONE); `release` is the checkbox's "yes". */
export const responseForm = defineForm(
  z.object({
    response: staffText(CASEWORK_LIMITS.response, 'the response given'),
    release: z
      .string()
      .optional()
      .transform((v) => v === 'yes'),
  }),
);

/** An SMS reply to the journalist (`POST …/reply`; on call: REPLY). */
export const smsReplyForm = defineForm(
  z.object({
    reply: staffText(CASEWORK_LIMITS.reply, 'a reply'),
    // A manager's reason to send words that need sign-off without it (src/statements).
    replyOverride: z.string().optional(),
  }),
);

/** An email reply to the journalist (`POST …/email`). */
export const emailReplyForm = defineForm(
  z.object({
    email: staffText(CASEWORK_LIMITS.email, 'a reply'),
    // A manager's reason to send words that need sign-off without it (src/statements).
    emailOverride: z.string().optional(),
  }),
);

/** Marking urgent or not (`POST …/urgency`): the hidden `urgent` ("true" to upgrade) and a reason. */
export const urgencyForm = defineForm(
  z.object({
    urgent: z
      .string()
      .optional()
      .transform((v) => v === 'true'),
    reason: staffText(CASEWORK_LIMITS.reason, 'a reason'),
  }),
);

/** The longest organisation name a referral records, and the longest standard message (as outcomes.messages). */
export const OUTCOME_LIMITS = { organisation: 200, message: 1600 } as const;

/**
 * The status change (`POST …/status`) with how the enquiry ended (issue 28) when it is answered or
 * closed: the outcome, the organisation a referral went to, the enquiry it duplicates, and the
 * standard message of each referral outcome (one box each; only the chosen outcome's is sent, and
 * only when `sendMessage` is ticked). The rules between the fields are the service's.
 */
export const statusForm = defineForm(
  z.object({
    status: z.string().optional(),
    outcome: z.string().optional(),
    outcomeOrg: staffText(OUTCOME_LIMITS.organisation, 'the organisation', true, true),
    duplicateOf: z.string().max(40, 'Enter a reference, like PD-7KM-4QX').optional(),
    sendMessage: z
      .string()
      .optional()
      .transform((v) => v === 'yes'),
    message_referred_foi: staffText(OUTCOME_LIMITS.message, 'the message', true),
    message_referred_other: staffText(OUTCOME_LIMITS.message, 'the message', true),
    message_not_media: staffText(OUTCOME_LIMITS.message, 'the message', true),
  }),
);

/**
 * Every field an enquiry page's error map can name: the forms' fields, and those the service
 * reports on its own (`page`, `assignee`, `status`, `release`).
 */
export type CaseworkField =
  | FieldId<typeof noteForm.schema>
  | FieldId<typeof responseForm.schema>
  | FieldId<typeof smsReplyForm.schema>
  | FieldId<typeof emailReplyForm.schema>
  | FieldId<typeof urgencyForm.schema>
  | FieldId<typeof statusForm.schema>
  // The standard message of a referral outcome could not be sent (issue 28).
  | 'outcomeMessage'
  | 'page'
  | 'assignee'
  | 'status'
  // The release decision's (src/statements/decision.ts): its reasons, what was withheld, who decided.
  | 'reasons'
  | 'withheld'
  | 'decidedBy'
  // A manager's reason to release without the sign-off it needs (src/statements/signoff.service.ts).
  | 'override';

/** The enquiry page's per-field messages. */
export type CaseworkErrors = FieldErrors<CaseworkField>;
