import { Hono } from 'hono';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { pagingStatus } from '../oncall/paging-status.js';
import { deskSession, requireManager, requireSession, type DeskEnv } from '../web/session.js';
import { authRoutes } from './auth.routes.js';
import type { DeskNotice } from '../web/layout.js';
import type { AuthService } from './auth.service.js';
import { caseworkRoutes } from './casework.routes.js';
import type { CaseworkService } from './casework.service.js';
import type { LiveFeed } from './live-feed.js';
import { managerRoutes, type ManagerRouteDeps } from './manager.routes.js';
import { queueRoutes } from './queue.routes.js';
import { accountRoutes } from './users.routes.js';
import type { DigestService } from '../reports/digest.service.js';
import { reportsRoutes } from '../reports/reports.routes.js';
import { privacyRoutes } from '../privacy/privacy.routes.js';
import type { PrivacyService } from '../privacy/privacy.service.js';
import type { ReportsService } from '../reports/reports.service.js';
import type { TwilioGateway } from '../telephony/twilio.client.js';
import type { Logger } from '../log.js';
import { recordingRoutes } from '../voice/recording.routes.js';
import { attachmentRoutes } from '../email/attachments.routes.js';
import type { HoldingLines } from '../incidents/holding-line.service.js';
import { incidentRoutes } from '../incidents/incident.routes.js';
import { incidentReportRoutes } from '../incidents/incident-report.routes.js';
import type { IncidentService } from '../incidents/incident.service.js';

/** Paths (under /desk) only managers may reach. */
export const MANAGER_AREAS = ['/rota', '/users', '/audit', '/privacy'] as const;

export interface DeskDeps extends ManagerRouteDeps {
  db: Db;
  clock: Clock;
  config: Config;
  auth: AuthService;
  casework: CaseworkService;
  live: LiveFeed;
  reports: ReportsService;
  digest: DigestService;
  privacy: PrivacyService;
  gateway: TwilioGateway;
  log: Logger;
  incidents: IncidentService;
  holdingLines: HoldingLines;
}

/**
 * Everything under `/desk`. Only the login page is public; every other route needs a session
 * (and a CSRF token to change anything), and the manager area needs the manager role.
 */
export function deskRoutes(deps: DeskDeps) {
  const app = new Hono<DeskEnv>();
  app.route('/', authRoutes({ auth: deps.auth, users: deps.users, config: deps.config }));
  app.use('*', requireSession(deps.auth));
  const notices = deskNotices(deps.config);
  if (notices.length) {
    app.use('*', async (c, next) => {
      c.set('desk', { ...deskSession(c), notices });
      await next();
    });
  }
  app.route('/', queueRoutes(deps));
  app.route('/', caseworkRoutes(deps));
  app.route('/', incidentRoutes(deps));
  app.route('/', incidentReportRoutes(deps));
  app.route('/', reportsRoutes(deps));
  app.route('/', recordingRoutes(deps));
  app.route('/', attachmentRoutes(deps));
  for (const area of MANAGER_AREAS) {
    app.use(area, requireManager);
    app.use(`${area}/*`, requireManager);
  }
  app.route('/', accountRoutes(deps));
  app.route('/', managerRoutes(deps));
  app.route('/', privacyRoutes(deps));
  return app;
}

/** What staff must see on every desk page, from the configuration the service started with. */
export function deskNotices(config: Config): DeskNotice[] {
  const notices: DeskNotice[] = [];
  const paging = pagingStatus(config);
  if (!config.email.configured) {
    const missing = [
      config.email.imap ? null : 'IMAP_URL (or IMAP_HOST and IMAP_USER) with IMAP_PASSWORD or IMAP_ACCESS_TOKEN',
      config.email.smtpUrl ? null : 'SMTP_URL',
      config.email.from ? null : 'PRESSDESK_EMAIL_FROM',
    ].filter(Boolean);
    notices.push({
      title: 'Email is not connected: enquiries sent to the press office mailbox are not in this queue.',
      text: `Press Desk reads the shared mailbox and answers by email only when it has ${missing.join(', ')}. Until then, check the mailbox as well. Set the missing settings and restart.`,
    });
  }
  if (paging.on) return notices;
  return [
    ...notices,
    {
      title: 'Paging is off: urgent enquiries out of hours reach nobody’s phone.',
      text:
        `Press Desk has no Twilio credentials (${paging.missing.join(', ')} not set), so it cannot send SMS or make calls. ` +
        `Journalists with urgent enquiries are told to ring the out-of-hours line (${config.onCall.fallbackNumber}) instead. ` +
        'Set the missing variables and restart to turn paging on.',
    },
  ];
}
