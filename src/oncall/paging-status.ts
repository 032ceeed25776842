import type { Config } from '../config.js';

/** Whether Press Desk can page the on-call officer, and if not, what is missing. */
export type PagingStatus = { on: true } | { on: false; missing: string[] };

/**
 * Paging needs Twilio's account SID, auth token and the press office's number, all from the
 * environment. Without any one of them nothing can be sent, so the service must say so (start-up
 * log, a banner on every desk page, `/readyz`) instead of quietly never paging.
 */
export function pagingStatus(config: Pick<Config, 'twilio'>): PagingStatus {
  if (config.twilio.configured) return { on: true };
  const missing = [
    ['TWILIO_ACCOUNT_SID', config.twilio.accountSid],
    ['TWILIO_AUTH_TOKEN', config.twilio.authToken],
    ['TWILIO_PHONE_NUMBER', config.twilio.phoneNumber],
  ]
    .filter(([, value]) => !value)
    .map(([name]) => name!);
  return { on: false, missing };
}
