/**
 * The link in a bundled page text (issue 22, item 1): when a storm's enquiries do not all fit one
 * text, the text ends "and N more: {PUBLIC_BASE_URL}/m/list/{token}", which opens a list of every
 * enquiry of that bundle (reference, short code, journalist and outlet, deadline, subject) for the
 * officer it went to. It shows, and changes nothing: acknowledging is the one ACK by text, acting
 * on one enquiry its SMS commands (or the link in its own page text).
 *
 * The same kind of credential as the page link (src/oncall/link.service.ts, src/http/bearer-token.ts):
 * 128 random bits, stored only as SHA-256, valid for `onCall.linkHours`, scoped to exactly the
 * enquiries of that text. Unknown, tampered and expired tokens get one and the same answer.
 */
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../db/database.js';
import { audit } from '../audit/audit.repository.js';
import { hashBearerToken, looksLikeBearerToken } from '../http/bearer-token.js';
import * as repo from './list-link.repository.js';
import { onCallActor } from './oncall.model.js';

/** Where the list link's path starts; the token follows. */
export const LIST_LINK_PREFIX = '/m/list/';

/** Reloads within this long of the last recorded opening are not recorded again. */
const VIEW_RECORD_GAP_MS = 15 * 60_000;

/** The list link's absolute URL (what the officer's phone opens). */
export function listLinkUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${LIST_LINK_PREFIX}${token}`;
}

/** What stands in for the token wherever the bundle text is stored (the outbox row). */
export function redactedListLinkUrl(publicBaseUrl: string): string {
  return listLinkUrl(publicBaseUrl, '[link]');
}

/**
 * Stores the list link of one bundle text, in the transaction that claims the send: the token's
 * hash, the phone (and rota person) it goes to, valid `hours` from `now`, and its enquiries. A
 * retried send issues another token; earlier ones stay valid until they expire.
 */
export async function saveListLink(
  tx: Tx,
  token: string,
  input: {
    phone: string;
    personId: string | null;
    items: Array<{ enquiryId: string; pageId: string }>;
    now: Date;
    hours: number;
  },
): Promise<void> {
  await repo.insertListLink(
    tx,
    {
      token_hash: hashBearerToken(token),
      phone: input.phone,
      person_id: input.personId,
      created_at: input.now,
      expires_at: new Date(input.now.getTime() + input.hours * 3_600_000),
    },
    input.items.map((it) => ({ enquiry_id: it.enquiryId, page_id: it.pageId })),
  );
}

/** What the list shows: its enquiries as they are now, and until when the link works. */
export interface ListView {
  enquiries: repo.ListedEnquiry[];
  expiresAt: Date;
}

/** The bundle list behind a link. */
export class OnCallListLinks {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  /**
   * The list behind `token`, or null (unknown, tampered or expired: one answer). `record`: a real
   * opening by the officer (not a HEAD or a link preview's prefetch), which goes in the audit log,
   * once per quarter of an hour: the list shows journalists' names.
   */
  async view(token: string, opts: { record: boolean }): Promise<ListView | null> {
    if (!looksLikeBearerToken(token)) return null;
    const now = this.deps.clock();
    return this.deps.db.transaction().execute(async (tx) => {
      const link = await repo.listLinkByHash(tx, hashBearerToken(token));
      if (!link || link.expires_at.getTime() <= now.getTime() || link.revoked_at) return null;
      // As the page link: a person taken off the staff list, or whose number changed, loses it.
      if (link.person_id !== null && !(link.person_active && link.person_phone === link.phone)) return null;
      const enquiries = await repo.listedEnquiries(tx, link.id);
      if (opts.record && (!link.viewed_at || now.getTime() - link.viewed_at.getTime() >= VIEW_RECORD_GAP_MS)) {
        await audit(tx, {
          at: now,
          actor: onCallActor({ phone: link.phone, name: link.person_name }),
          action: 'oncall.list_viewed',
          detail: { via: 'link', enquiries: enquiries.length },
        });
        await repo.markListViewed(tx, link.id, now);
      }
      return { enquiries, expiresAt: link.expires_at };
    });
  }
}
