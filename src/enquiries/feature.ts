import type { Context } from 'hono';
import type { FeatureDescriptor } from '../feature.js';
import { clientIp } from '../http/client-ip.js';
import type { Services } from '../services.js';
import { enquiryApiRoutes, enquiryFormRoutes, refuseCrossSiteForms, submitEnquiryRoute } from './enquiries.routes.js';
import { eraseEnquiryRows } from './enquiries.repository.js';
import { eraseSaidOf } from './said.repository.js';

/**
 * A lower budget for pages than for enquiries, per address: a flood of "urgent" submissions from
 * one place is stored, but stops ringing the on-call phone (issue 12, finding 6). The budget is
 * the one every channel spends from (src/enquiries/page-budget.ts).
 */
function enquiryDeps(s: Services) {
  const pageSender = (c: Context) => ({ ip: clientIp(c, s.config.intake.trustProxyHops) });
  return { service: s.enquiries, config: s.config, clock: s.clock, pageSender };
}

/** Enquiries: the public form and the intake API, and the enquiry and its timeline tables. */
export const enquiriesFeature: FeatureDescriptor<Services> = {
  name: 'enquiries',
  routes: [
    {
      area: 'public',
      mount: '/',
      bodies: { public: ['/enquiries'] },
      // Refused from another site before it is counted; every new enquiry counts against the address.
      guards: (s, k) => [['/enquiries', refuseCrossSiteForms(s.config.publicBaseUrl), k.intakeRateLimit]],
      build: (s) => enquiryFormRoutes(enquiryDeps(s)),
    },
    {
      area: 'api',
      mount: '/api',
      bodies: { public: ['/api/enquiries'] },
      json: ['/api', '/api/*'],
      api: [submitEnquiryRoute],
      guards: (_s, k) => [['/api/enquiries', k.intakeRateLimit]],
      build: (s) => enquiryApiRoutes(enquiryDeps(s)),
    },
  ],
  kept: {
    'enquiry.assigned_to': 'the staff user the enquiry is assigned to (an id)',
    'enquiry.outcome_org': 'the organisation a referral went to (an organisation, not a person)',
    'said.actor': 'who on the staff said it',
  },
  personal: {
    enquiry: {
      columns: ['name', 'email', 'phone', 'subject', 'details'],
      erasedBy: [eraseEnquiryRows],
    },
    enquiry_event: {
      columns: ['data'],
      // By the kinds' PERSONAL_FIELDS (timeline.ts).
      erasedBy: [eraseEnquiryRows],
    },
    said: { columns: ['text'], erasedBy: [eraseSaidOf] },
  },
};
