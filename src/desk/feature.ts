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
      bodies: { public: ['/desk/login'], desk: ['/desk', '/desk/*'] },
      json: ['/desk/events', '/desk/presence/*'],
      build: (s, features) => deskRoutes(s, deskPagesOf(features)),
    },
  ],
};
