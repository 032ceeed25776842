// Every query of desk notifications, and what they read of staff accounts and sessions (the web
// shell's tables): who can be mentioned, who is signed in, how to text an assignee.
import type { Db, Tx } from '../db/database.js';
import type { NotificationKind } from './notifications.tables.js';

/** A notification as its recipient's page lists it. */
export interface NotificationListed {
  id: string;
  kind: NotificationKind;
  reference: string;
  event_id: string | null;
  by_name: string;
  created_at: Date;
  read_at: Date | null;
}

/** A member of staff who can be mentioned or assigned (an active account). */
export interface StaffMember {
  id: string;
  name: string;
  email: string;
}

/** Stores one notification (in the caller's transaction, with the assignment or note it tells of). */
export async function insertNotification(
  tx: Tx,
  row: {
    userId: string;
    kind: NotificationKind;
    enquiryId: string;
    eventId: string | null;
    byUserId: string | null;
    byName: string;
    at: Date;
  },
): Promise<string> {
  const r = await tx
    .insertInto('desk_notification')
    .values({
      user_id: row.userId,
      kind: row.kind,
      enquiry_id: row.enquiryId,
      event_id: row.eventId,
      by_user_id: row.byUserId,
      by_name: row.byName,
      created_at: row.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** How many of `userId`'s notifications are unread (the header's count: one index scan). */
export async function unreadCount(db: Db | Tx, userId: string): Promise<number> {
  const r = await db
    .selectFrom('desk_notification')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** `userId`'s notifications, newest first, at most `limit`. */
export async function listFor(db: Db | Tx, userId: string, limit: number): Promise<NotificationListed[]> {
  return db
    .selectFrom('desk_notification as n')
    .innerJoin('enquiry as e', 'e.id', 'n.enquiry_id')
    .select(['n.id', 'n.kind', 'e.reference', 'n.event_id', 'n.by_name', 'n.created_at', 'n.read_at'])
    .where('n.user_id', '=', userId)
    .orderBy('n.created_at', 'desc')
    .orderBy('n.id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Marks one of `userId`'s notifications read (if unread) and returns it; undefined when it is not
 * theirs or does not exist, so nobody can read or mark another's.
 */
export async function markRead(
  db: Db | Tx,
  userId: string,
  id: string,
  now: Date,
): Promise<NotificationListed | undefined> {
  await db
    .updateTable('desk_notification')
    .set({ read_at: now })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .execute();
  return db
    .selectFrom('desk_notification as n')
    .innerJoin('enquiry as e', 'e.id', 'n.enquiry_id')
    .select(['n.id', 'n.kind', 'e.reference', 'n.event_id', 'n.by_name', 'n.created_at', 'n.read_at'])
    .where('n.id', '=', id)
    .where('n.user_id', '=', userId)
    .executeTakeFirst();
}

/** Marks every unread notification of `userId` read; returns how many. */
export async function markAllRead(db: Db | Tx, userId: string, now: Date): Promise<number> {
  const r = await db
    .updateTable('desk_notification')
    .set({ read_at: now })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Every active member of staff (whom a note can mention), by name. */
export async function activeStaff(db: Db | Tx): Promise<StaffMember[]> {
  return db
    .selectFrom('app_user')
    .select(['id', 'name', 'email'])
    .where('active', '=', true)
    .orderBy('name')
    .orderBy('id')
    .execute();
}

/** A staff account's name, mobile and whether it is active; undefined when there is none. */
export async function staffAccount(
  db: Db | Tx,
  userId: string,
): Promise<{ name: string; mobile: string | null; active: boolean } | undefined> {
  return db.selectFrom('app_user').select(['name', 'mobile', 'active']).where('id', '=', userId).executeTakeFirst();
}

/**
 * Whether `userId` is signed in: a session neither expired nor idle since `idleSince` (the
 * sign-in service's rule: an idle session no longer opens the desk).
 */
export async function signedIn(db: Db | Tx, userId: string, now: Date, idleSince: Date): Promise<boolean> {
  const r = await db
    .selectFrom('user_session')
    .select('token_hash')
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .where('last_seen_at', '>=', idleSince)
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

/** The names of those a note (timeline entry `eventId`) told by mentioning them, in name order. */
export async function mentionedBy(db: Db | Tx, eventId: string): Promise<Array<{ id: string; name: string }>> {
  return db
    .selectFrom('desk_notification as n')
    .innerJoin('app_user as u', 'u.id', 'n.user_id')
    .select(['u.id', 'u.name'])
    .where('n.event_id', '=', eventId)
    .where('n.kind', '=', 'mentioned')
    .orderBy('u.name')
    .execute();
}
