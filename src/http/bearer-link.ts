/**
 * What every page behind a bearer link shares (a colleague's answer link, an approver's sign-off
 * link): a budget of requests per client address, so tokens cannot be guessed at speed, and the
 * reading of a posted form that must come from the page the token opened.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type pg from 'pg';
import type { Logger } from '../log.js';
import { formTokenMatches } from './bearer-token.js';
import { clientIp } from './client-ip.js';
import { AppError } from './errors.js';
import { budget } from './rate-limit.js';

/** Spends one point of the client address's budget per request; 429 (naming the wait) when it is spent. */
export function linkBudget(deps: {
  pool: pg.Pool;
  log: Logger;
  limit: { points: number; durationSeconds: number } | null;
  keyPrefix: string;
  trustProxyHops: number;
}): MiddlewareHandler {
  const spend = budget({ pool: deps.pool, limit: deps.limit, keyPrefix: deps.keyPrefix, log: deps.log });
  return async (c, next) => {
    const r = await spend(clientIp(c, deps.trustProxyHops));
    if (!r.allowed)
      throw new AppError(
        'rate_limited',
        `Too many requests from this address. Try again in ${r.retryAfterSeconds} seconds.`,
        {
          retryAfterSeconds: r.retryAfterSeconds,
        },
      );
    await next();
  };
}

/**
 * The posted form of a page opened by `token`, once it is known to come from that page (same
 * site, and the form token keyed by `token` and `purpose`): a reader of its text fields. 403
 * otherwise, with a message that says to open the link again.
 */
export async function readLinkForm(c: Context, token: string, purpose: string): Promise<(key: string) => string> {
  if (c.req.header('sec-fetch-site') === 'cross-site')
    throw new AppError('csrf', 'This form did not come from the press office’s page. Open your link again.');
  const body = await c.req.parseBody().catch(() => {
    throw new AppError('bad_request', 'The form could not be read. Go back, reload the page and send it again.');
  });
  if (!formTokenMatches(token, purpose, body._csrf))
    throw new AppError(
      'csrf',
      'This form has expired or did not come from the press office’s page. Open your link again.',
    );
  return (key) => (typeof body[key] === 'string' ? (body[key] as string) : '');
}
