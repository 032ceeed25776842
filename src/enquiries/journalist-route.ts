import type { EnquiryChannel } from './enquiry.tables.js';
import { takesTexts } from './phone-numbers.js';

/**
 * How Press Desk reaches a journalist by itself (an acknowledgement, a change of status, an
 * incident's line): one rule, used by every message that goes to them unasked.
 */

/** A message to a journalist: by email to an address, or by text to a number. */
export type JournalistRoute = { medium: 'email'; to: string } | { medium: 'sms'; to: string };

/** What decides whether each way is open: email connected and allowed to this address, texts to this number's country. */
export interface ReachRules {
  /** Email is connected and Press Desk may write to this address by itself (not the office's own, not a role address). */
  mayEmail(address: string): boolean;
  /** Countries Press Desk texts (`twilio.allowedCountries`). */
  allowedCountries: readonly string[];
}

/** The medium to try first for an enquiry that came by each channel: the one the journalist used. */
export const CHANNEL_MEDIUM = {
  email: 'email',
  web: 'email',
  api: 'email',
  sms: 'sms',
  voice: 'sms',
} as const satisfies Record<EnquiryChannel, JournalistRoute['medium']>;

/**
 * The rules of an office: email when the mailbox is connected (`email?.enabled`) and may write
 * to the address by itself (not the office's own, not a role address); texts to `allowedCountries`.
 */
export function reachRules(
  email: { readonly enabled: boolean; mayWriteTo(address: string): boolean } | undefined,
  allowedCountries: readonly string[],
): ReachRules {
  return { mayEmail: (address) => (email?.enabled ?? false) && email!.mayWriteTo(address), allowedCountries };
}

/**
 * How to reach a journalist with these contact details: `first` when it is open, else the other
 * way; null when neither is open. The second way is checked only when the first is closed
 * (parsing a number is the costlier check, and intake asks this of every enquiry).
 */
export function routeToJournalist(
  contact: { email: string | null; phone: string | null },
  rules: ReachRules,
  first: JournalistRoute['medium'] = 'email',
): JournalistRoute | null {
  const byEmail = (): JournalistRoute | null =>
    contact.email && rules.mayEmail(contact.email) ? { medium: 'email', to: contact.email } : null;
  const bySms = (): JournalistRoute | null =>
    takesTexts(contact.phone, rules.allowedCountries) ? { medium: 'sms', to: contact.phone } : null;
  return first === 'sms' ? (bySms() ?? byEmail()) : (byEmail() ?? bySms());
}
