import type pg from 'pg';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import { EnquiryService, type PagingPort } from './enquiries/enquiries.service.js';
import type { Logger } from './log.js';
import { InboundSmsService, type AckHandler } from './sms/inbound.service.js';

/** Everything the web process and the workers share, built once from config and a database. */
export interface Services {
  config: Config;
  db: Db;
  pool: pg.Pool;
  clock: Clock;
  log: Logger;
  enquiries: EnquiryService;
  inboundSms: InboundSmsService;
}

/** Wires the domain services together. No I/O. */
export function buildServices(base: { config: Config; db: Db; pool: pg.Pool; clock: Clock; log: Logger; paging?: PagingPort; acks?: AckHandler }): Services {
  const enquiries = new EnquiryService({ db: base.db, config: base.config, clock: base.clock, paging: base.paging });
  const inboundSms = new InboundSmsService({ db: base.db, clock: base.clock, config: base.config, enquiries, acks: base.acks });
  return { config: base.config, db: base.db, pool: base.pool, clock: base.clock, log: base.log, enquiries, inboundSms };
}
