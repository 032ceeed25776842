import { z } from 'zod';
import { staffText } from '../enquiries/staff-text.js';
import { defineForm } from '../http/form-schema.js';

/** The most a journalist may write in each of their status page's text fields. */
export const STATUS_LIMITS = { information: 5000, reason: 500 } as const;

/** "Add to your enquiry" (`POST /status/:token/add`). */
export const addInformationForm = defineForm(
  z.object({ information: staffText(STATUS_LIMITS.information, 'what you want to add') }),
);

/** "Withdraw your enquiry" (`POST /status/:token/withdraw`): the reason is optional (blank: null). */
export const withdrawForm = defineForm(z.object({ reason: staffText(STATUS_LIMITS.reason, 'a reason', true) }));
