import { Hono } from 'hono';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { RotaService } from '../oncall/rota.service.js';
import { auditRoutes } from './audit.routes.js';
import type { DeskEnv } from '../web/session.js';
import { rotaRoutes } from '../oncall/rota.routes.js';
import type { UserService } from './users.service.js';
import { usersRoutes } from './users.routes.js';

// Tests and callers that knew these from the one module before the split still find them here.
export { AUDIT_PAGE_SIZE } from './audit.routes.js';
export { ROTA_DAYS } from '../oncall/rota.routes.js';

/** What the manager pages need (the desk's dependencies extend it). */
export interface ManagerRouteDeps {
  db: Db;
  clock: Clock;
  config: Config;
  users: UserService;
  rota: RotaService;
}

/**
 * Manager-only pages (mounted behind requireManager): the rota, users and the audit log, each in
 * its own module; every change they make is audited by its service.
 */
export function managerRoutes(deps: ManagerRouteDeps) {
  const app = new Hono<DeskEnv>();
  app.route('/', rotaRoutes(deps));
  app.route('/', usersRoutes(deps));
  app.route('/', auditRoutes(deps));
  return app;
}
