import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { deskPagesOf, deskRoutes } from './desk.routes.js';

/**
 * The desk: everything under `/desk`; its router mounts its own pages and every feature's
 * `deskPages` (the rota, voice recordings, email attachments, incidents, reports, privacy). Only
 * the login takes a public body; every other desk POST takes the desk's, after the session check.
 */
export const deskFeature: FeatureDescriptor<Services> = {
  name: 'desk',
  routes: [
    {
      area: 'desk',
      mount: '/desk',
      bodies: { public: ['/desk/login', '/desk/login/second-factor/*'], desk: ['/desk', '/desk/*'] },
      json: ['/desk/events', '/desk/presence/*'],
      build: (s, features) => deskRoutes(s, deskPagesOf(features)),
    },
  ],
  // The second factor of staff accounts (issue 30): staff data, kept while they work here (the
  // account is deactivated, not erased; a manager's reset or removing a factor deletes its rows).
  kept: {
    'second_factor_totp.secret': 'staff account security (never logged or audited): kept while they work here',
    'second_factor_passkey.label': 'the name a staff member gave their own passkey: kept while they work here',
  },
};
