import type { Hono } from 'hono';
import type { Area, RouteGroup } from '../feature.js';
import type { Services } from '../services.js';

/** What every Twilio webhook checks a request's signature with. */
export interface TwilioAuth {
  authToken: string;
  publicBaseUrl: string;
}

/**
 * A route group of Twilio webhooks, mounted under `/twilio`: every POST there takes the public
 * body limit (Twilio signs it, it is not signed in) and every error is JSON (Twilio is no person).
 */
export function twilioWebhooks(
  // biome-ignore lint/suspicious/noExplicitAny: each group has its own Env (DeskEnv, the link's); Hono's route() takes any.
  build: (s: Services, auth: TwilioAuth) => Hono<any>,
  area: Area = 'webhook',
): RouteGroup<Services> {
  return {
    area,
    mount: '/twilio',
    bodies: { public: ['/twilio/*'] },
    json: ['/twilio/*'],
    build: (s) => build(s, { authToken: s.config.twilio.authToken, publicBaseUrl: s.config.publicBaseUrl }),
  };
}
