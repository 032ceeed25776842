/**
 * The feature list: the one place a feature is registered (issue 25, item 2). Its order is the
 * order routes are mounted within each area (src/feature.ts `AREAS`) and crontab lines are
 * written; a new feature is one folder with a `feature.ts` and one line here.
 */
import { colleaguesFeature } from './colleagues/feature.js';
import { deadlinesFeature } from './deadlines/feature.js';
import { deskPagesOf, managerAreas } from './desk/desk.routes.js';
import { deskFeature } from './desk/feature.js';
import { emailFeature } from './email/feature.js';
import { enquiriesFeature } from './enquiries/feature.js';
import { healthFeature } from './health/feature.js';
import type { DeskPages, FeatureDescriptor } from './feature.js';
import { officeHoursRoute } from './http/hours.routes.js';
import type { ApiRouteSpec } from './http/api-route.js';
import { linesFeature } from './lines/feature.js';
import { mergingFeature } from './merging/feature.js';
import { notificationsFeature } from './notifications/feature.js';
import { topicsFeature } from './topics/feature.js';
import { journalistsFeature } from './journalists/feature.js';
import { incidentsFeature } from './incidents/feature.js';
import { oncallFeature } from './oncall/feature.js';
import { outboxFeature } from './outbox/feature.js';
import { privacyFeature } from './privacy/feature.js';
import { reportsFeature } from './reports/feature.js';
import type { Services } from './services.js';
import { smsFeature } from './sms/feature.js';
import { statementsFeature } from './statements/feature.js';
import { statusFeature } from './status/feature.js';
import { telephonyFeature } from './telephony/feature.js';
import { voiceFeature } from './voice/feature.js';

/** Every feature, in mounting order (Twilio's webhooks: SMS, delivery status, paging, the phone line). */
export const FEATURES: readonly FeatureDescriptor<Services>[] = [
  enquiriesFeature,
  smsFeature,
  telephonyFeature,
  outboxFeature,
  healthFeature,
  oncallFeature,
  voiceFeature,
  statusFeature,
  emailFeature,
  topicsFeature,
  linesFeature,
  journalistsFeature,
  colleaguesFeature,
  statementsFeature,
  incidentsFeature,
  reportsFeature,
  privacyFeature,
  deadlinesFeature,
  mergingFeature,
  notificationsFeature,
  deskFeature,
];

/**
 * Every public `/api/*` route's declaration, in the order the OpenAPI document lists them: each
 * feature's (its route groups' `api`), in feature-list order, then the kernel's office hours.
 */
export const API_ROUTES: readonly ApiRouteSpec[] = [
  ...FEATURES.flatMap((f) => (f.routes ?? []).flatMap((g) => g.api ?? [])),
  officeHoursRoute,
];

/** Every feature's pages on the desk, in the order the desk mounts them. */
export const DESK_PAGES: readonly DeskPages<Services>[] = deskPagesOf(FEATURES);

/** Every path under /desk only managers may reach (the desk's own, and each feature's `managerOnly`). */
export const MANAGER_AREAS: readonly `/${string}`[] = managerAreas(DESK_PAGES);

/**
 * Personal-looking columns of the kernel's own tables (src/web, src/audit, the migrations'
 * bookkeeping), kept with the reason, as a feature's `kept`.
 */
export const KERNEL_KEPT: Readonly<Record<string, string>> = {
  'app_user.name': 'staff accounts: kept while they work here (deactivated, not erased)',
  'app_user.email': 'staff accounts: kept while they work here (deactivated, not erased)',
  'app_user.mobile': 'staff accounts: kept while they work here (deactivated, not erased)',
  'user_session.client_address':
    "the coarse network (IPv4 /24, IPv6 /64) a staff session signed in from, for the account page's list; a staff member's own, deleted with the session row",
  'audit_log.user_email': 'who on the staff acted; the audit log is append-only',
  'audit_log.detail':
    'what a staff action changed (ids, settings, staff names and numbers); the audit log is append-only',
  'kysely_migration.name': "a migration's file name",
};
