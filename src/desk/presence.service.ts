import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../db/database.js';
import { findByReference } from '../enquiries/enquiries.repository.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { AppError } from '../http/errors.js';
import type { Logger } from '../log.js';
import * as repo from './presence.repository.js';
import { WRITING_IN, type WritingIn } from './presence.tables.js';

/** How often an open enquiry page renews its presence (seconds); presence.js reads it from the page. */
export const HEARTBEAT_SECONDS = 12;
/** How long presence lasts without a heartbeat: three missed beats, then the officer drops off. */
export const PRESENCE_SECONDS = 40;
/** How long a form's send is remembered against a second submit. */
const SEND_MEMORY_MS = 24 * 60 * 60 * 1000;
/** Housekeeping at most this often per process. */
const SWEEP_EVERY_MS = 60_000;

/** The hidden fields of a send form: the newest timeline entry the page saw, and the form's own key. */
export const GUARD_FIELDS = { seen: '_seen', key: '_send' } as const;

/** Whether `v` names a box an officer writes in. */
export function isWritingIn(v: unknown): v is WritingIn {
  return typeof v === 'string' && (WRITING_IN as readonly string[]).includes(v);
}

/** A send refused because someone else acted on the enquiry after the page was loaded (409). */
export class StaleSend extends AppError {
  constructor(
    /** What changed, oldest first. */
    readonly changes: repo.OtherAction[],
    /** The newest timeline entry now: "Send anyway" posts it as what the officer has now seen. */
    readonly newest: string,
    /** When this same form already sent different words (a page re-posted from the history). */
    readonly resentAt: Date | null,
  ) {
    super('conflict', 'Someone else acted on this enquiry after you opened it. Nothing was sent.');
  }
}

/** A form submitted a second time: nothing is sent again; `eventId` is what the first submit did. */
export class AlreadySent extends AppError {
  constructor(readonly eventId: string | null) {
    super('conflict', 'This was already sent.');
  }
}

/**
 * The check a send from the enquiry page makes (issue 29), run by the casework service inside the
 * send's transaction once the enquiry row is locked: a second send of the same form sends nothing,
 * and a send from a page loaded before someone else acted is stopped. The row lock orders two
 * near-simultaneous sends: the second sees the first's timeline entry and is stopped.
 */
export interface SendGuard {
  /** Before the send: throws AlreadySent or StaleSend. */
  check(tx: Tx, enquiry: Enquiry): Promise<void>;
  /** After the send, in its transaction: remembers the form's key (nothing when it had none). */
  record(tx: Tx, enquiry: Enquiry, eventId: string | null, now: Date): Promise<void>;
}

/** The send guard's input, from the form's hidden fields (absent: a script or an older page; no check). */
export interface GuardInput {
  /** The newest timeline entry the page saw ('0': none); null when the form did not say. */
  seen: string | null;
  /** The form's key; null when the form had none. */
  key: string | null;
  /** The form's fields, to tell a second submit of the same words from different words. */
  fields: Record<string, string | readonly string[]>;
  user: { id: string; email: string };
}

/** Reads the guard's hidden fields from a posted body; a malformed value counts as "saw nothing". */
export function guardInput(body: Record<string, unknown>, user: { id: string; email: string }): GuardInput {
  const seenRaw = body[GUARD_FIELDS.seen];
  const keyRaw = body[GUARD_FIELDS.key];
  const seen = typeof seenRaw === 'string' ? (/^\d{1,19}$/.test(seenRaw) ? seenRaw : '0') : null;
  const key = typeof keyRaw === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(keyRaw) ? keyRaw : null;
  const fields: Record<string, string | readonly string[]> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === '_csrf' || k === GUARD_FIELDS.seen || k === GUARD_FIELDS.key) continue;
    if (typeof v === 'string') fields[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) fields[k] = v as string[];
  }
  return { seen, key, fields, user };
}

/** A stable hash of a form's fields (names sorted). */
function digestOf(fields: GuardInput['fields']): string {
  const sorted = Object.keys(fields)
    .sort()
    .map((k) => [k, fields[k]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/** The port presence needs of the live feed: NOTIFY between web processes. */
export interface PresenceFeed {
  announcePresence(reference: string): void;
  subscribePresence(fn: (reference: string) => void): () => void;
  ready(): Promise<void>;
}

/**
 * Who has an enquiry open on the desk and who is writing on it (issue 29), kept in PostgreSQL with
 * an expiry so every web process shows the same; changes go to every process's open enquiry pages
 * through the live feed's NOTIFY. And the send guard that stops a send made on a stale page.
 */
export class PresenceService {
  private lastSweep = 0;

  constructor(private readonly deps: { db: Db; clock: Clock; live: PresenceFeed; log: Logger }) {}

  /** A new key for a send form (one per form per page load). */
  newFormKey(): string {
    return randomUUID();
  }

  /**
   * A heartbeat of an open enquiry page: `tab` of `user` has `reference` open, writing in `writing`
   * (null: only viewing), for PRESENCE_SECONDS more. Announced to every process when that changes
   * what others see. Unknown enquiry: 404.
   */
  async beat(reference: string, user: { id: string }, tab: string, writing: WritingIn | null): Promise<void> {
    const e = await this.enquiry(reference);
    const now = this.deps.clock();
    const changed = await repo.upsertPresence(this.deps.db, {
      enquiryId: e.id,
      userId: user.id,
      tab,
      writing,
      expiresAt: new Date(now.getTime() + PRESENCE_SECONDS * 1000),
      now,
    });
    if (changed) this.deps.live.announcePresence(reference);
    await this.sweepNowAndThen(now);
  }

  /** The page was closed (or hidden): `tab` of `user` leaves `reference` at once, not when it expires. */
  async leave(reference: string, user: { id: string }, tab: string): Promise<void> {
    const e = await this.enquiry(reference);
    if (await repo.removePresence(this.deps.db, e.id, user.id, tab)) this.deps.live.announcePresence(reference);
  }

  /** Who else (not `userId`) has the enquiry open now. */
  others(enquiryId: string, userId: string): Promise<repo.Present[]> {
    return repo.presentOn(this.deps.db, enquiryId, userId, this.deps.clock());
  }

  /** Who else (not `userId`) has each of `enquiryIds` open now: one query for a queue page. */
  othersOnMany(enquiryIds: readonly string[], userId: string): Promise<Map<string, repo.Present[]>> {
    return repo.presentOnMany(this.deps.db, enquiryIds, userId, this.deps.clock());
  }

  /** The newest timeline entry of the enquiry: the page's "what I saw" marker. */
  newestEvent(enquiryId: string): Promise<string> {
    return repo.newestEventId(this.deps.db, enquiryId);
  }

  /** Presence changes on any enquiry, from every process (the enquiry page's stream filters its own). */
  subscribe(fn: (reference: string) => void): () => void {
    return this.deps.live.subscribePresence(fn);
  }

  /** Resolves once presence changes from other processes can arrive. */
  ready(): Promise<void> {
    return this.deps.live.ready();
  }

  /** The send guard for one posted form (see `SendGuard`); null when the form carried neither field. */
  guard(input: GuardInput): SendGuard | null {
    if (input.seen === null && input.key === null) return null;
    const digest = digestOf(input.fields);
    let resentAt: Date | null = null;
    return {
      check: async (tx, e) => {
        if (input.key) {
          const sent = await repo.findSend(tx, e.id, input.key);
          if (sent && sent.digest === digest) throw new AlreadySent(sent.event_id);
          // The same form with other words: sent from a page already used (the browser's history).
          if (sent) resentAt = sent.at;
        }
        if (input.seen === null && !resentAt) return;
        const changes = input.seen === null ? [] : await repo.actionsSince(tx, e.id, input.seen, input.user.email);
        if (changes.length || resentAt) throw new StaleSend(changes, await repo.newestEventId(tx, e.id), resentAt);
      },
      record: async (tx, e, eventId, now) => {
        if (!input.key) return;
        await repo.recordSend(tx, {
          enquiryId: e.id,
          formKey: input.key,
          digest,
          userId: input.user.id,
          eventId,
          at: now,
        });
      },
    };
  }

  private async enquiry(reference: string): Promise<Enquiry> {
    const e = await findByReference(this.deps.db, reference);
    if (!e) throw new AppError('not_found', `There is no enquiry ${reference}.`);
    return e;
  }

  /** Drops expired presence and day-old send records, at most once a minute per process. */
  private async sweepNowAndThen(now: Date): Promise<void> {
    if (now.getTime() - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now.getTime();
    await repo.sweep(this.deps.db, now, new Date(now.getTime() - SEND_MEMORY_MS));
  }
}
