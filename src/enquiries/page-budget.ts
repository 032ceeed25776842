/**
 * The page budget (`intake.pageRateLimit`, issue 22 item 4): how many times one sender may make
 * the on-call phone ring, whatever channel they use. Each channel says who the sender is by what
 * identifies them there; this module turns that into the one budget key, so an urgent email, a
 * text, a call, a deadline moved on the status page and the form all spend from the same place.
 */
import { createHash } from 'node:crypto';
import type { Enquiry } from './enquiry.tables.js';

/**
 * Who is asking to page: the client address of the form or API (already per /64 for IPv6), an
 * email sender, a caller or texter (E.164; null when withheld), or the journalist of an enquiry
 * (the status page: its link identifies the enquiry, and so its journalist).
 */
export type PageSender =
  | { ip: string }
  | { email: string }
  | { phone: string | null }
  | { journalist: Pick<Enquiry, 'id' | 'email' | 'phone'> };

/** An email address as the budget counts it: lower case, `+tag` dropped (one mailbox, one budget). */
export function budgetEmail(address: string): string {
  const a = address.trim().toLowerCase();
  const at = a.lastIndexOf('@');
  if (at < 0) return a;
  return `${a.slice(0, at).replace(/\+.*$/, '')}${a.slice(at)}`;
}

/** A digest instead of the address or number itself: the counter table keeps no personal data. */
function digest(kind: string, value: string): string {
  return `page:${kind}:${createHash('sha256').update(value).digest('hex')}`;
}

/**
 * The budget key of a sender (`page:<ip>`, as the form has always counted; email and phone keys
 * are SHA-256 digests), or null when the sender cannot be identified (a withheld number): such a
 * sender never pages, since no budget could hold them back. A journalist is counted by their
 * email address when they gave one, else their phone, so the same person is one budget across
 * the email channel, SMS, the phone line and the status page.
 */
export function pageBudgetKey(sender: PageSender): string | null {
  if ('ip' in sender) return `page:${sender.ip}`;
  if ('email' in sender) return digest('email', budgetEmail(sender.email));
  if ('phone' in sender) return sender.phone ? digest('phone', sender.phone) : null;
  const j = sender.journalist;
  if (j.email) return digest('email', budgetEmail(j.email));
  if (j.phone) return digest('phone', j.phone);
  return digest('enquiry', j.id);
}
