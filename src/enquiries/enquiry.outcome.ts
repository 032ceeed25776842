import { z } from 'zod';
import { enquiryStatusSchema } from './enquiry.model.js';

/**
 * What the journalist is told once their enquiry is stored: the body of `POST /api/enquiries`'s
 * 201, and the wording the form's confirmation page shows. The service's `SubmitOutcome` type and
 * the OpenAPI document are both derived from this schema, so neither can drift from the other.
 */
export const submitOutcomeSchema = z
  .object({
    reference: z.string().meta({ examples: ['PD-7KM-4QX'] }),
    status: enquiryStatusSchema,
    urgent: z.boolean(),
    outOfHours: z.boolean(),
    pagedOnCall: z.boolean().describe('The on-call press officer is being alerted now'),
    respondBy: z.string().meta({ format: 'date-time' }).nullable(),
    nextStep: z.string().describe('What happens next, in words for the journalist'),
    callOutOfHoursLine: z
      .string()
      .nullable()
      .describe(
        'E.164 number of the out-of-hours line when the journalist must call it themselves: urgent, out of hours, and nobody is being paged (paging is off, or too many pages came from this address). Otherwise null.',
      ),
    statusUrl: z
      .string()
      .meta({ format: 'uri' })
      .nullable()
      .describe(
        "The journalist's status page for this enquiry (/status/{token}): where it stands, add to it, move the deadline, withdraw it. The link is the only key to the page: give it only to the journalist. Always set in the API's 201.",
      ),
    acknowledgedBy: z
      .enum(['email', 'sms'])
      .nullable()
      .describe(
        'How the journalist is also sent the reference, next step and status link: by email to the address given (when email is connected), else by text to the mobile number given; null when neither could be used or too many acknowledgements went to that address or number, or from this client, recently.',
      ),
  })
  .strict();

/** What the journalist is told once their enquiry is stored (the API's 201 body plus wording). */
export type SubmitOutcome = z.infer<typeof submitOutcomeSchema>;
