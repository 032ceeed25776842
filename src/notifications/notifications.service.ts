import type { Actor } from '../audit/audit.repository.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import { cannotTakeTexts } from '../enquiries/phone-numbers.js';
import { formatDeadline } from '../hours/format.js';
import { AppError } from '../http/errors.js';
import { isLongRowId } from '../ids.js';
import { queueSms } from '../outbox/outbox.service.js';
import { foldToGsm } from '../telephony/sms-encoding.js';
import { findMentions, type Mentions } from './mentions.js';
import * as repo from './notifications.repository.js';
import type { NotificationListed, StaffMember } from './notifications.repository.js';
import type { NotificationKind } from './notifications.tables.js';

/** The most notifications the page lists (newest first): older ones are long dealt with. */
export const LIST_LIMIT = 100;

/** The enquiry an assignment or a note is on: what a notification and the assignee's text need of it. */
export interface NotifiedEnquiry {
  id: string;
  reference: string;
  urgent: boolean;
  deadline: Date | null;
}

/**
 * How a notification reaches the recipient's open live queue at once (the desk's `LiveFeed`): said
 * in the caller's transaction, so it arrives only if the notification is committed.
 */
export interface NotifiedPort {
  notifyUsers(tx: Tx, userIds: readonly string[]): Promise<void>;
}

/** What each kind says to its recipient (a map over the whole union: a new kind needs its words). */
const WORDS: Record<NotificationKind, (by: string, reference: string) => string> = {
  assigned: (by, reference) => `${by} assigned you ${reference}`,
  mentioned: (by, reference) => `${by} mentioned you in a note on ${reference}`,
};

/** A notification worded for its recipient, with where it leads. */
export interface NotificationView extends NotificationListed {
  text: string;
  /** The enquiry page (at the note, for a mention). */
  href: string;
}

/** Where a notification leads: the enquiry, at the note for a mention. */
export function notificationHref(n: Pick<NotificationListed, 'kind' | 'reference' | 'event_id'>): string {
  const page = `/desk/enquiries/${encodeURIComponent(n.reference)}`;
  return n.kind === 'mentioned' && n.event_id ? `${page}#event-${n.event_id}` : page;
}

function view(n: NotificationListed): NotificationView {
  return { ...n, text: WORDS[n.kind](n.by_name, n.reference), href: notificationHref(n) };
}

/** "Kim Lee", "Kim Lee and Sam Patel", "Kim Lee, Sam Patel and Ann Other" (or "… or …"). */
function names(list: readonly string[], joiner: 'and' | 'or' = 'and'): string {
  return list.length <= 1 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} ${joiner} ${list[list.length - 1]}`;
}

/**
 * Desk notifications (issue 29, item 4): assigning an enquiry to a colleague tells them, and so
 * does mentioning them in a note ("@Kim Lee"). Each is written in the transaction of the
 * assignment or note it tells of (the desk's casework calls `assigned` and `noted`), never for
 * oneself. An urgent enquiry assigned to someone who is not signed in is also texted to their
 * mobile, through the outbox, once.
 */
export class NotificationService {
  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      config: Pick<Config, 'office' | 'desk' | 'publicBaseUrl'>;
      live?: NotifiedPort;
    },
  ) {}

  /** Who did it, as the notification names them: their staff name, else how the timeline names the actor. */
  private async byName(tx: Tx, actor: Actor): Promise<string> {
    const account = actor.userId ? await repo.staffAccount(tx, actor.userId) : undefined;
    return account?.name ?? actor.email;
  }

  /**
   * In the assignment's transaction: the enquiry `enquiry`, assigned to `before`, is now `to`'s
   * (timeline entry `eventId`). Tells `to`, unless nobody was assigned, it is the actor themselves,
   * or it was theirs already. When the enquiry is urgent and they are not signed in, also texts
   * their mobile (if they have one that takes texts) with the reference, the deadline, who
   * assigned it and the link: never more than once per enquiry and person (the outbox key).
   */
  async assigned(
    tx: Tx,
    a: { enquiry: NotifiedEnquiry; before: string | null; to: string | null; actor: Actor; eventId: string },
  ): Promise<void> {
    const { enquiry: e, to, actor } = a;
    if (!to || to === actor.userId || to === a.before) return;
    const now = this.deps.clock();
    const by = await this.byName(tx, actor);
    await repo.insertNotification(tx, {
      userId: to,
      kind: 'assigned',
      enquiryId: e.id,
      eventId: a.eventId,
      byUserId: actor.userId,
      byName: by,
      at: now,
    });
    await this.deps.live?.notifyUsers(tx, [to]);
    if (!e.urgent) return;
    const account = await repo.staffAccount(tx, to);
    if (!account?.mobile || cannotTakeTexts(account.mobile)) return;
    const idleSince = new Date(now.getTime() - this.deps.config.desk.sessionIdleMinutes * 60_000);
    if (await repo.signedIn(tx, to, now, idleSince)) return;
    const { office, publicBaseUrl } = this.deps.config;
    const deadline = e.deadline ? `Deadline ${formatDeadline(e.deadline, office, now)}.` : 'No deadline given.';
    // Staff facts only (reference, deadline, a colleague's name): nothing of the journalist.
    const body = foldToGsm(
      `${office.name}: ${by} assigned you urgent enquiry ${e.reference}. ${deadline}\nOpen: ${publicBaseUrl}/desk/enquiries/${e.reference}`,
    );
    await queueSms(
      tx,
      { key: `assigned-text:${e.id}:${to}`, enquiryId: null, to: account.mobile, body, lane: 'notice' },
      now,
    );
  }

  /**
   * In the note's transaction: tells each active colleague the note `text` (timeline entry
   * `eventId`) mentions ("@Kim Lee", "@kim"), except its writer. Returns what the mentions came to
   * (the writer is shown those that named nobody, or several people).
   */
  async noted(
    tx: Tx,
    n: { enquiry: NotifiedEnquiry; text: string; actor: Actor; eventId: string },
  ): Promise<Mentions<StaffMember>> {
    if (!n.text.includes('@')) return { named: [], unknown: [], ambiguous: [] };
    const found = findMentions(n.text, await repo.activeStaff(tx));
    const told = found.named.filter((p) => p.id !== n.actor.userId);
    if (!told.length) return found;
    const now = this.deps.clock();
    const by = await this.byName(tx, n.actor);
    for (const p of told)
      await repo.insertNotification(tx, {
        userId: p.id,
        kind: 'mentioned',
        enquiryId: n.enquiry.id,
        eventId: n.eventId,
        byUserId: n.actor.userId,
        byName: by,
        at: now,
      });
    await this.deps.live?.notifyUsers(
      tx,
      told.map((p) => p.id),
    );
    return found;
  }

  /** How many of `userId`'s notifications are unread (every desk page's header). */
  unread(userId: string): Promise<number> {
    return repo.unreadCount(this.deps.db, userId);
  }

  /** `userId`'s notifications, newest first (at most `LIST_LIMIT`), worded for them. */
  async list(userId: string): Promise<NotificationView[]> {
    return (await repo.listFor(this.deps.db, userId, LIST_LIMIT)).map(view);
  }

  /** The unread count and the newest unread notification's words (the live queue's announcement). */
  async latest(userId: string): Promise<{ unread: number; newest: NotificationView | null }> {
    const [unread, newest] = await Promise.all([
      repo.unreadCount(this.deps.db, userId),
      repo.listFor(this.deps.db, userId, 1),
    ]);
    const n = newest[0];
    return { unread, newest: n && !n.read_at ? view(n) : null };
  }

  /** Opens one of `userId`'s notifications: marks it read, returns where it leads; 404 when it is not theirs. */
  async open(userId: string, id: string): Promise<string> {
    const n = isLongRowId(id) ? await repo.markRead(this.deps.db, userId, id, this.deps.clock()) : undefined;
    if (!n) throw new AppError('not_found', 'There is no such notification.');
    return notificationHref(n);
  }

  /** Marks all of `userId`'s notifications read; returns how many were unread. */
  readAll(userId: string): Promise<number> {
    return repo.markAllRead(this.deps.db, userId, this.deps.clock());
  }
}

/**
 * What the enquiry page adds to "Note added" for its writer: whom the note (timeline entry
 * `eventId`, text `text`) told, and each mention that told nobody because it names nobody on the
 * desk or several people. Read from the notifications written and the staff as they are now.
 */
export async function mentionNotice(db: Db | Tx, eventId: string, text: string, writerId: string): Promise<string> {
  if (!text.includes('@')) return '';
  const [told, staff] = await Promise.all([repo.mentionedBy(db, eventId), repo.activeStaff(db)]);
  const found = findMentions(text, staff);
  const toldIds = new Set(told.map((p) => p.id));
  const parts: string[] = [];
  if (told.length) parts.push(`${names(told.map((p) => p.name))} ${told.length === 1 ? 'was' : 'were'} told.`);
  // Someone named now who was not told then (their account was turned on since): say nothing untrue.
  const missed = found.named.filter((p) => p.id !== writerId && !toldIds.has(p.id));
  const unknown = [...found.unknown, ...missed.map((p) => `@${p.name}`)];
  if (unknown.length)
    parts.push(
      `Nobody was told of ${names(unknown)}: ${unknown.length === 1 ? 'it matches' : 'they match'} no one on the desk.`,
    );
  for (const a of found.ambiguous)
    parts.push(
      `Nobody was told of ${a.written}: it could be ${names(
        a.could.map((p) => p.name),
        'or',
      )}. Write the full name, as @${a.could[0]!.name}.`,
    );
  return parts.join(' ');
}
