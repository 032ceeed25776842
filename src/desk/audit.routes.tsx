import { Hono } from 'hono';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { AppError } from '../http/errors.js';
import { listAudit } from './audit.repository.js';
import { AuditPage } from './audit.views.js';
import { deskSession, type DeskEnv } from './auth.middleware.js';
import { ROW_ID } from './manager.handlers.js';

/** Audit entries per page. */
export const AUDIT_PAGE_SIZE = 50;

/** The audit log (`/desk/audit`, manager only). Read-only: there is deliberately no route that changes an entry. */
export function auditRoutes(deps: { db: Db; clock: Clock; config: Pick<Config, 'office'> }) {
  const app = new Hono<DeskEnv>();
  app.get('/audit', async (c) => {
    const before = c.req.query('before');
    if (before !== undefined && !ROW_ID.test(before)) throw new AppError('bad_request', 'That is not a place in the audit log.');
    // One more than a page tells whether an older page exists without counting the log.
    const rows = await listAudit(deps.db, { beforeId: before, limit: AUDIT_PAGE_SIZE + 1 });
    const entries = rows.slice(0, AUDIT_PAGE_SIZE);
    const olderBefore = rows.length > AUDIT_PAGE_SIZE ? entries[entries.length - 1].id : null;
    return c.html(<AuditPage session={deskSession(c)} office={deps.config.office} now={deps.clock()} entries={entries} olderBefore={olderBefore} paged={before !== undefined} />);
  });
  return app;
}
