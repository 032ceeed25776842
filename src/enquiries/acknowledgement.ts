/**
 * The acknowledgement of an enquiry sent by the web form, or by the API when the request asks
 * (`acknowledge`: see `apiOnlyFieldsSchema`) (issue 23, item 5): like the
 * other channels (an email is answered by email, a text or a phone message by text), the
 * journalist gets their reference, the honest next step and their status link, once, through the
 * outbox: by email when they gave an address and email can be sent to it, else by text when they
 * gave a mobile number Press Desk texts (src/enquiries/phone-numbers.ts: `twilio.allowedCountries`,
 * no landlines, no costly numbers), else not at all (the confirmation page still has it all).
 *
 * A form is open to anyone, and anyone can type someone else's address or number into it: the
 * acknowledgement must not become a way to make Press Desk email or text a stranger at its cost.
 * What bounds it:
 * - one acknowledgement per enquiry (outbox key by enquiry id), and one enquiry per request, whose
 *   rate per client address is `intake.rateLimit`;
 * - per recipient: at most `intake.pageRateLimit.points` acknowledgements to one address or number
 *   per `durationSeconds`, whoever submits (counted under its digest, like the page budget);
 * - per client: at most as many per client address (the form's and API's budget key);
 * - texts only to mobiles in the allowed countries, paced by Twilio's send limits behind pages.
 * Past either count the enquiry is stored as usual, unacknowledged (the received entry says why).
 * The counters are their own (`ack-to:`, `ack-from:`), not the page budget's: a stranger spending
 * them must not stop the journalist's own urgent enquiries paging on-call.
 */
import { createHash } from 'node:crypto';
import type { Config } from '../config.js';
import type { Tx } from '../db/database.js';
import type { Enquiry } from './enquiry.tables.js';
import { translator } from '../i18n/catalogue.js';
import { queueSms } from '../outbox/outbox.service.js';
import { redactedStatusUrl } from './status-link.js';
import { budgetEmail, pageBudgetKey, type PageSender } from './page-budget.js';
import { reachRules, routeToJournalist, type JournalistRoute } from './journalist-route.js';

/** How an enquiry is acknowledged, and to whom. */
export type AckChoice = JournalistRoute;

/** The email side: src/email/email-out.service.ts's `EmailOut`. */
export interface EmailAcknowledger {
  readonly enabled: boolean;
  mayWriteTo(address: string | null | undefined): boolean;
  acknowledge(
    tx: Tx,
    a: {
      enquiry: Enquiry;
      to: string;
      nextStep: string;
      thread: { messageId: string | null; references: string[]; subject: string };
    },
    now: Date,
  ): Promise<boolean>;
}

/** The counter key of a recipient: a digest of the address (as the page budget counts it) or number, never the value itself. */
export function ackRecipientKey(contact: { email: string } | { phone: string }): string {
  const value = 'email' in contact ? `email:${budgetEmail(contact.email)}` : `phone:${contact.phone}`;
  return `ack-to:${createHash('sha256').update(value).digest('hex')}`;
}

/** The counter key of who submitted (the client address of the form or API); null when unknown. */
export function ackClientKey(sender: PageSender | undefined): string | null {
  const key = sender ? pageBudgetKey(sender) : null;
  return key ? `ack-from:${key}` : null;
}

/** Chooses and queues the acknowledgement of a form or API enquiry. */
export class IntakeAcknowledgements {
  constructor(
    private readonly deps: {
      config: Pick<Config, 'office' | 'publicBaseUrl'> & { twilio: Pick<Config['twilio'], 'allowedCountries'> };
      email?: EmailAcknowledger;
    },
  ) {}

  /**
   * How an enquiry with these contact details would be acknowledged: by email when an address
   * was given and email can be sent to it, else by text to a mobile Press Desk texts, else null.
   */
  choose(contact: { email: string | null; phone: string | null }): AckChoice | null {
    return routeToJournalist(contact, reachRules(this.deps.email, this.deps.config.twilio.allowedCountries));
  }

  /**
   * Queues the acknowledgement in `tx` (the enquiry's own transaction), once per enquiry: the
   * reference, `nextStep` (what the journalist was told: office hours or not, on-call alerted)
   * and the status link, filled in only as it is sent. Returns false when nothing was queued.
   */
  async queue(tx: Tx, enquiry: Enquiry, choice: AckChoice, nextStep: string, now: Date): Promise<boolean> {
    if (choice.medium === 'email') {
      // The same message as an emailed enquiry's acknowledgement; no message of theirs to thread to.
      return this.deps.email!.acknowledge(
        tx,
        { enquiry, to: choice.to, nextStep, thread: { messageId: null, references: [], subject: enquiry.subject } },
        now,
      );
    }
    // In the enquiry's language (issue 31), as is `nextStep`.
    const tr = translator(enquiry.language);
    const office = this.deps.config.office.name;
    const body = tr('texts.formAck.sms', { office, reference: enquiry.reference, nextStep });
    // The link goes after the cut (as the phone line's text does), so a long next step never breaks it.
    const link = tr('texts.formAck.smsLink', { link: redactedStatusUrl(this.deps.config.publicBaseUrl) });
    await queueSms(
      tx,
      {
        key: `form-ack:${enquiry.id}`,
        enquiryId: enquiry.id,
        to: choice.to,
        body: body.slice(0, 1400) + link,
        lane: 'journalist',
      },
      now,
    );
    return true;
  }
}
