import type { MiddlewareHandler } from 'hono';
import type pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { unnamedStatements } from '../db/database.js';
import type { Logger } from '../log.js';
import { clientIp } from './client-ip.js';
import { AppError } from './errors.js';

/** A budget of `points` per `durationSeconds` for each key; `null` is no limit. */
export type LimitConfig = { points: number; durationSeconds: number } | null;

/** Spends one point of a key's budget: allowed, or refused with the seconds until one is free. */
export type SpendResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * A per-key budget counted in PostgreSQL, so every web process shares it. If the counter store
 * itself fails, the spend is allowed (logged): refusing a journalist because a counter is
 * unavailable would be worse than letting one extra request through, and the insert will fail
 * on its own if the database is really down.
 */
export function budget(opts: {
  pool: pg.Pool;
  limit: LimitConfig;
  keyPrefix: string;
  log: Logger;
}): (key: string) => Promise<SpendResult> {
  const { limit, log } = opts;
  if (!limit) return async () => ({ allowed: true });
  const limiter = new RateLimiterPostgres({
    storeClient: unnamedStatements(opts.pool),
    storeType: 'pool',
    tableName: 'rate_limit',
    tableCreated: true,
    clearExpiredByTimeout: false,
    keyPrefix: opts.keyPrefix,
    points: limit.points,
    duration: limit.durationSeconds,
  });
  return async (key) => {
    try {
      await limiter.consume(key, 1);
      return { allowed: true };
    } catch (res) {
      if (res instanceof RateLimiterRes)
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
      log.warn({ err: res, limit: opts.keyPrefix }, 'rate limit store failed; request allowed');
      return { allowed: true };
    }
  };
}

/**
 * Per-address rate limit for the public intake (form and API): over the limit, 429 with
 * Retry-After. The address is the client's as `clientIp` counts it (an IPv6 client per /64).
 */
export function intakeRateLimit(opts: {
  pool: pg.Pool;
  limit: LimitConfig;
  trustProxyHops: number;
  log: Logger;
  keyPrefix?: string;
}): MiddlewareHandler {
  if (!opts.limit) return async (_c, next) => next();
  const spend = budget({ ...opts, keyPrefix: opts.keyPrefix ?? 'intake' });
  return async (c, next) => {
    const r = await spend(clientIp(c, opts.trustProxyHops));
    if (!r.allowed) {
      throw new AppError(
        'rate_limited',
        `Too many enquiries from this address. Try again in ${r.retryAfterSeconds} seconds.`,
        { retryAfterSeconds: r.retryAfterSeconds },
      );
    }
    await next();
  };
}
