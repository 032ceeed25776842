import type { MiddlewareHandler } from 'hono';
import type pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from '../log.js';
import { clientIp } from './client-ip.js';
import { AppError } from './errors.js';

/**
 * Per-IP rate limit for the public intake (form and API), counted in PostgreSQL so every web
 * process shares one budget. Over the limit: 429 with Retry-After. If the counter store itself
 * fails, the request goes on (logged): refusing a journalist because a counter is unavailable
 * would be worse than letting one extra request through, and the insert will fail on its own if
 * the database is really down.
 */
export function intakeRateLimit(opts: {
  pool: pg.Pool;
  limit: { points: number; durationSeconds: number } | null;
  trustProxyHops: number;
  log: Logger;
  keyPrefix?: string;
}): MiddlewareHandler {
  if (!opts.limit) return async (_c, next) => next();
  const limiter = new RateLimiterPostgres({
    storeClient: opts.pool,
    storeType: 'pool',
    tableName: 'rate_limit',
    tableCreated: true,
    clearExpiredByTimeout: false,
    keyPrefix: opts.keyPrefix ?? 'intake',
    points: opts.limit.points,
    duration: opts.limit.durationSeconds,
  });
  return async (c, next) => {
    const ip = clientIp(c, opts.trustProxyHops);
    try {
      await limiter.consume(ip, 1);
    } catch (res) {
      if (res instanceof RateLimiterRes) {
        const retryAfterSeconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
        throw new AppError('rate_limited', `Too many enquiries from this address. Try again in ${retryAfterSeconds} seconds.`, {
          retryAfterSeconds,
        });
      }
      opts.log.warn({ err: res }, 'rate limit store failed; request allowed');
    }
    await next();
  };
}
