import type { Selectable } from 'kysely';
import type { Channel, ErrorClass } from './health.model.js';

/** Measured health of the outside services (sql/20261207160000_service_health.sql): one row per channel. */
export interface ServiceHealthTables {
  service_health: ServiceHealthTable;
}

declare module '../db/schema.js' {
  interface Database extends ServiceHealthTables {}
}

/** A channel's last measured state; no row: not measured yet. */
export interface ServiceHealthTable {
  channel: Channel;
  state: 'ok' | 'failing';
  /** Set exactly when failing. */
  error_class: ErrorClass | null;
  /** The provider's number (Twilio's error code, the SMTP reply code), when it gave one. */
  error_code: number | null;
  /** Since when the channel has been in this state and class. */
  since: Date;
  /** When a change or a check last wrote the row. */
  checked_at: Date;
}
export type ServiceHealthRow = Selectable<ServiceHealthTable>;
