import { Hono } from 'hono';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { auditRoutes } from './audit.routes.js';
import type { DeskEnv } from '../web/session.js';
import type { UserService } from './users.service.js';
import { usersRoutes } from './users.routes.js';

// Tests and callers that knew these from the one module before the split still find them here.
export { AUDIT_PAGE_SIZE } from './audit.routes.js';

/** What the manager pages need (the desk's dependencies extend it). */
export interface ManagerRouteDeps {
  db: Db;
  clock: Clock;
  config: Config;
  users: UserService;
}

/**
 * The desk's manager-only pages (mounted behind requireManager): staff accounts and the audit log,
 * each in its own module; every change they make is audited by its service. The rota's pages are
 * the on-call feature's (src/oncall/feature.ts).
 */
export function managerRoutes(deps: ManagerRouteDeps) {
  const app = new Hono<DeskEnv>();
  app.route('/', usersRoutes(deps));
  app.route('/', auditRoutes(deps));
  return app;
}
