import type { ColumnType, Generated, Selectable } from 'kysely';

/** Desk notifications (sql/20261209040000_notifications.sql); src/db/schema.ts gathers them. */
export interface NotificationTables {
  desk_notification: DeskNotificationTable;
}

declare module '../db/schema.js' {
  interface Database extends NotificationTables {}
}

/** What a notification tells: a colleague assigned you an enquiry, or mentioned you in a note. */
export const NOTIFICATION_KINDS = ['assigned', 'mentioned'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * One notification to one member of staff. No journalist's data: the enquiry and its timeline
 * entry by id, who did it by staff name (copied, so it still reads right after their account goes).
 */
export interface DeskNotificationTable {
  id: Generated<string>;
  user_id: string;
  kind: NotificationKind;
  enquiry_id: string;
  event_id: string | null;
  by_user_id: string | null;
  by_name: string;
  created_at: Date;
  read_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}
export type DeskNotification = Selectable<DeskNotificationTable>;
