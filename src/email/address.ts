/**
 * Which addresses Press Desk writes to by itself (issue 22 item 5). An acknowledgement or a
 * status-change message goes out because someone else's message arrived: whoever wrote `From`
 * (which anyone can forge) chooses the recipient. So they go only to one plain mailbox, never to
 * the office itself (a loop through its own mailbox) and never to a role address that answers
 * nobody or bounces (a loop with a robot, or backscatter).
 */
import { isSingleMailbox } from '../enquiries/enquiry.input.js';

/** Local parts of addresses nobody reads, whose mail bounces or answers automatically (a `+tag` or `-suffix` after them counts too). */
const ROLE_LOCAL_PART =
  /^(postmaster|hostmaster|abuse|mailer-?daemon|no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?|nobody|root|listserv|majordomo|auto[-_.]?reply|autoresponder)([-+_.].*)?$/i;

/** The address inside "Name <address>" (the form PRESSDESK_EMAIL_FROM takes), lower case; null when none. */
export function bareAddress(from: string | null): string | null {
  if (!from) return null;
  const m = /<([^<>]+)>/.exec(from);
  return (m ? m[1] : from).trim().toLowerCase() || null;
}

/** The lower-case domain of an address, or '' when it has none. */
function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase();
}

/**
 * `address` as the one mailbox it names (trimmed, as given), or null when it is not exactly one
 * plain mailbox: several addresses, parameters (`?cc=`), a display name or comment, a route.
 */
export function singleMailbox(address: string | null | undefined): string | null {
  const a = address?.trim() ?? '';
  return a && isSingleMailbox(a) ? a : null;
}

/** True for a role address such as postmaster@, mailer-daemon@ or no-reply@ (any domain). */
export function isRoleAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  return ROLE_LOCAL_PART.test(at < 0 ? address : address.slice(0, at));
}

/**
 * Whether Press Desk may send an automatic message (acknowledgement, status change, holding line)
 * to `address`: one plain mailbox, not a role address, and not the office's own (the domain of
 * PRESSDESK_EMAIL_FROM or below it, and the shared mailbox's own address `mailbox` when it is one).
 */
export function mayWriteAutomatically(
  address: string | null | undefined,
  office: { from: string | null; mailbox?: string | null },
): boolean {
  const a = singleMailbox(address)?.toLowerCase();
  if (!a || isRoleAddress(a)) return false;
  const own = bareAddress(office.from);
  const ownDomain = own ? domainOf(own) : '';
  const domain = domainOf(a);
  if (ownDomain && (domain === ownDomain || domain.endsWith(`.${ownDomain}`))) return false;
  return a !== own && a !== office.mailbox?.trim().toLowerCase();
}

/**
 * A `mailto:` link to `address` with `subject`, or null when `address` is not one plain mailbox
 * (rows stored before addresses were checked may hold `a@x?cc=b@y` or `a@x, b@y`: as a raw link
 * that would add recipients). The parts are percent-encoded as RFC 6068 asks, the `@` kept.
 */
export function mailtoHref(address: string | null | undefined, subject: string): string | null {
  const a = singleMailbox(address);
  if (!a) return null;
  const at = a.lastIndexOf('@');
  return `mailto:${encodeURIComponent(a.slice(0, at))}@${encodeURIComponent(a.slice(at + 1))}?subject=${encodeURIComponent(subject)}`;
}
