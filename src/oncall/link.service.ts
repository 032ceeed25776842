/**
 * The link in the page (issue 15, item 2): `{PUBLIC_BASE_URL}/m/{token}` in the page SMS opens a
 * mobile view of that one enquiry, with the same actions as the on-call SMS commands.
 *
 * The token is the whole credential (there is no desk session behind it, and it opens nothing
 * under /desk): 128 random bits, kept in the database only as its SHA-256, valid for
 * `onCall.linkHours` from the page. It acts as the officer the page went to. Unknown, tampered
 * and expired tokens get one and the same answer, so the answer says nothing about which.
 */
import type { Clock } from '../clock.js';
import type { OptOut } from '../sms/opt-out.js';
import { findOptOut, staffReach, type StaffReach } from '../sms/opt-out.repository.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { knownNames } from '../enquiries/people.repository.js';
import type { TimelineEvent } from '../enquiries/timeline.js';
import {
  formTokenFor,
  formTokenMatches,
  hashBearerToken,
  looksLikeBearerToken,
  newBearerToken,
} from '../http/bearer-token.js';
import { AppError } from '../http/errors.js';
import * as repo from './link.repository.js';
import { revokePersonListLinks } from './list-link.repository.js';
import { escalationState, type EscalationState } from './paging.schedule.js';
import type { EnquiryLine, HoldingLines, LineOutcome } from '../incidents/holding-line.service.js';
import type { OnCallActions } from './oncall-actions.service.js';
import { onCallActor, type OnCallOfficer } from './oncall.model.js';

/** Where the link's path starts; the token follows. */
export const LINK_PREFIX = '/m/';
/** How many of the latest timeline entries the view shows: enough to see what happened overnight. */
export const VIEW_EVENTS = 6;
/**
 * A reload (or the redirect after each action) within this long of the last recorded opening
 * is not recorded again: the timeline would otherwise fill with "looked at" lines.
 */
const VIEW_RECORD_GAP_MS = 15 * 60_000;

/**
 * What the view offers: "I have it" (acknowledge the page), the four actions of the SMS commands,
 * and, for an enquiry in an incident with a line, sending that line to this journalist (`line`).
 */
export const LINK_ACTIONS = ['ack', 'call', 'reply', 'note', 'done', 'line'] as const;
export type LinkAction = (typeof LINK_ACTIONS)[number];

/** SHA-256 (hex) of a link token: what `oncall_link.token_hash` holds. */
export function hashLinkToken(token: string): string {
  return hashBearerToken(token);
}

/** True when `s` has a token's shape (checked before any database lookup). */
export function looksLikeLinkToken(s: string): boolean {
  return looksLikeBearerToken(s);
}

/** The link's absolute URL (what the officer's phone opens). */
export function linkUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${LINK_PREFIX}${token}`;
}

/** What stands in for the token wherever the page text is stored (the outbox row): the link, redacted. */
export function redactedLinkUrl(publicBaseUrl: string): string {
  return linkUrl(publicBaseUrl, '[link]');
}

/** The form token of a link's view (see `formTokenFor`): a forged post needs it as well as the link. */
export function linkCsrf(token: string): string {
  return formTokenFor(token, 'oncall-link-form');
}

/** Constant-time check of a posted form token against the link's. */
export function linkCsrfMatches(token: string, posted: unknown): boolean {
  return formTokenMatches(token, 'oncall-link-form', posted);
}

/** A fresh link token: 128 random bits as 22 characters of base64url (all GSM characters). */
export function newLinkToken(): string {
  return newBearerToken();
}

/**
 * Stores the link of one page SMS, in the transaction that claims the send: only the token's
 * hash, valid `hours` from `now`. A retried send issues another token; earlier ones stay valid
 * until they expire, since an attempt whose outcome was unknown may have reached the phone.
 */
export async function saveLink(
  tx: Tx,
  token: string,
  input: { enquiryId: string; pageId: string; phone: string; personId: string | null; now: Date; hours: number },
): Promise<void> {
  await repo.insertLink(tx, {
    token_hash: hashLinkToken(token),
    enquiry_id: input.enquiryId,
    page_id: input.pageId,
    phone: input.phone,
    person_id: input.personId,
    created_at: input.now,
    expires_at: new Date(input.now.getTime() + input.hours * 3_600_000),
  });
}

/**
 * Revokes the links sent to the person `personId`, page links and bundle lists (in the caller's
 * transaction): called when they are taken off the staff list or their number changes, since a
 * page link acts as them and a list shows journalists' names to whoever holds it.
 */
export async function revokeLinksOf(tx: Tx, personId: string, at: Date): Promise<void> {
  await repo.revokePersonLinks(tx, personId, at);
  await revokePersonListLinks(tx, personId, at);
}

/** What the view shows: the enquiry, who is acting, the latest entries, and until when. */
export interface LinkView {
  enquiry: Enquiry;
  officer: OnCallOfficer;
  events: TimelineEvent[];
  expiresAt: Date;
  /** Whether the page still escalates (and what comes next), or who stopped it. */
  escalation: EscalationState;
  /** The current line of the enquiry's incident, when it is in one that has a line. */
  line: EnquiryLine | null;
  /** Names of the staff by email and rota number (`knownNames`): who acted is shown by name. */
  names: Map<string, string>;
  /** The journalist texted STOP (sms_opt_out): no SMS reply is offered. */
  optOut: OptOut | null;
  /** How incident summaries reach the officer's phone: a call where no text can (`staffReach`). */
  officerReach: StaffReach['by'];
}

/** How an action through the link ended (a user problem throws AppError('validation', …) instead). */
export type LinkActionResult =
  | { kind: 'done'; action: LinkAction; acknowledged: boolean; line?: LineOutcome }
  | { kind: 'gone' }
  | { kind: 'not_found' };

/** The values an action's form posts (already read from the body). */
export interface LinkActionInput {
  reference: string;
  /** The text of reply, note or done; for `line`, the id of the line the officer read. */
  text: string;
  /** The form's one-off key: a resubmitted call form places one call, not two. */
  key: string;
}

const KEY_SHAPE = /^[A-Za-z0-9_-]{8,64}$/;

/** The link's view and actions, over `OnCallActions` (the same actions as the SMS commands). */
export class OnCallLinks {
  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      config: Pick<Config, 'onCall'>;
      actions: OnCallActions;
      lines: Pick<HoldingLines, 'lineForEnquiry' | 'sendToEnquiry'>;
    },
  ) {}

  /**
   * The link and its enquiry (locked for `tx`) while the token is valid; null when unknown,
   * expired, revoked, or its enquiry erased. A link to a rota person also needs that person still
   * on the staff list with the phone it went to: revocation is recorded when either changes
   * (`revokeLinksOf`), and this check covers a change made some other way.
   */
  private async resolve(
    tx: Tx,
    token: string,
    now: Date,
  ): Promise<{ link: repo.FoundLink; enquiry: Enquiry; officer: OnCallOfficer } | null> {
    if (!looksLikeLinkToken(token)) return null;
    const link = await repo.linkByHash(tx, hashLinkToken(token));
    if (!link || link.expires_at.getTime() <= now.getTime() || link.revoked_at) return null;
    if (link.person_id !== null && !(link.person_active && link.person_phone === link.phone)) return null;
    const enquiry = await this.deps.actions.findEnquiry(tx, link.reference);
    if (!enquiry) return null;
    return { link, enquiry, officer: { phone: link.phone, name: link.person_name } };
  }

  /**
   * The view behind `token`, or null (unknown, tampered, expired, enquiry erased: one answer).
   * `record`: the officer opened it (not a re-show after an action), so it goes on the timeline
   * and in the audit log, once per quarter of an hour.
   */
  async view(token: string, opts: { record: boolean }): Promise<LinkView | null> {
    const now = this.deps.clock();
    return this.deps.db.transaction().execute(async (tx) => {
      const r = await this.resolve(tx, token, now);
      if (!r) return null;
      if (opts.record && (!r.link.viewed_at || now.getTime() - r.link.viewed_at.getTime() >= VIEW_RECORD_GAP_MS)) {
        await this.deps.actions.viewed(tx, r.enquiry, r.officer, 'link', now);
        await repo.markViewed(tx, r.link.id, now);
      }
      const events = await repo.latestEvents(tx, r.enquiry.id, VIEW_EVENTS);
      const escalation = await escalationState(tx, this.deps.config.onCall, r.link.page_id, r.enquiry.status);
      const line = await this.deps.lines.lineForEnquiry(tx, r.enquiry);
      const names = await knownNames(tx);
      const optOut = r.enquiry.phone ? ((await findOptOut(tx, r.enquiry.phone)) ?? null) : null;
      const officerReach = (await staffReach(tx, r.officer.phone)).by;
      return {
        enquiry: r.enquiry,
        officer: r.officer,
        events,
        expiresAt: r.link.expires_at,
        escalation,
        line,
        names,
        optOut,
        officerReach,
      };
    });
  }

  /**
   * The enquiry behind `token`, or null (unknown, tampered, expired, erased: one answer): what the
   * link's line search fills templates from. Records nothing.
   */
  async enquiryOf(token: string): Promise<Enquiry | null> {
    const now = this.deps.clock();
    return this.deps.db.transaction().execute(async (tx) => (await this.resolve(tx, token, now))?.enquiry ?? null);
  }

  /**
   * Runs one action through the link, in one transaction: `gone` for a token that opens nothing,
   * `not_found` when the form names another enquiry than the link's (a link opens only its own).
   * A user problem (empty text, no phone number) throws AppError('validation', …) and changes nothing.
   */
  async act(token: string, action: LinkAction, input: LinkActionInput): Promise<LinkActionResult> {
    const now = this.deps.clock();
    return this.deps.db.transaction().execute(async (tx): Promise<LinkActionResult> => {
      const r = await this.resolve(tx, token, now);
      if (!r) return { kind: 'gone' };
      if (input.reference.trim().toUpperCase() !== r.enquiry.reference) return { kind: 'not_found' };
      const { actions } = this.deps;
      // Any work through the link is the officer having it: the page is acknowledged first, in
      // this transaction, so a refused action (which rolls it back) acknowledges nothing.
      const acknowledged = await actions.acknowledge(tx, r.enquiry, r.officer, 'link');
      let line: LineOutcome | undefined;
      switch (action) {
        case 'ack':
          break;
        case 'call':
          if (!KEY_SHAPE.test(input.key))
            throw new AppError('bad_request', 'The form could not be read. Reload the page and try again.');
          await actions.call(tx, r.enquiry, r.officer, `link:${r.link.id}:${input.key}`, now, 'link');
          break;
        case 'reply':
          await actions.reply(tx, r.enquiry, r.officer, input.text);
          break;
        case 'note':
          await actions.note(tx, r.enquiry, r.officer, input.text);
          break;
        case 'done':
          await actions.done(tx, r.enquiry, r.officer, input.text);
          break;
        case 'line':
          // The same send as the desk's, to this one journalist, as the officer.
          line = await this.deps.lines.sendToEnquiry(tx, r.enquiry, input.text.trim(), onCallActor(r.officer), now);
          break;
      }
      return { kind: 'done', action, acknowledged, ...(line ? { line } : {}) };
    });
  }
}
