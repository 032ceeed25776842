/**
 * Twilio's sending rates, kept by us. Above about 10 SMS a second from one UK number, or 1 call a
 * second per account, Twilio does not refuse: it queues, for hours, so a page sent into that
 * queue would arrive long after it mattered. Every send therefore takes a slot first from a
 * bucket shared by every process, in PostgreSQL: one bucket per sending number for SMS, one per
 * account for calls.
 *
 * Pacing, not windows: a bucket gives one slot at a time, and the next only `spacingMs` after it.
 * Fixed windows of N points (rate-limiter-flexible's, as the intake limits use) would let N sends
 * close one second and N more open the next, 2N within one second as Twilio counts it; they also
 * count on each process's own clock. Here the database's clock decides, in one statement. The
 * spacing is (1 s + `JITTER_MS`) / N so that up to 200 ms of jitter between taking the slot and
 * reaching Twilio (a busy worker, a slow connection) cannot put N + 1 sends into one second: at
 * the default 10 SMS/s, 8.3 a second go out.
 *
 * Priority: pages may wait in-process for their slot (up to `PAGE_WAIT_MS`), and while one waits
 * the bucket says so; texts to journalists and notices take a slot only when one is free now and
 * no page is waiting, so a backlog of texts cannot take every freed slot ahead of a page. A send
 * that finds no slot within its wait throws `RateLimited`: nothing was sent, and the job runs
 * again shortly (src/jobs/jobs.ts, `RunAgainSoon`).
 */
import type { Db } from '../db/database.js';
import { RunAgainSoon } from '../jobs/jobs.js';
import type { Logger } from '../log.js';
import * as repo from './send-limits.repository.js';
import type { Medium } from './senders.js';

/** The media Twilio's rates apply to. */
type PacedMedium = Exclude<Medium, 'email'>;

/** Who a message is for, in the order they go: pages, then texts to journalists, then digests and notices. */
export type Lane = 'page' | 'journalist' | 'notice';

/** No slot was free in time: nothing was sent; run the job again in `retryInMs`. */
export class RateLimited extends RunAgainSoon {
  constructor(medium: Medium, retryInMs: number) {
    super(`Twilio ${medium === 'sms' ? 'SMS' : 'call'} rate reached; sending again in ${retryInMs} ms`, retryInMs);
    this.name = 'RateLimited';
  }
}

/** Takes a sending slot for one message, waiting a short while if need be; throws `RateLimited` if none came. */
export interface SendLimiter {
  acquire(medium: Medium, lane: Lane): Promise<void>;
}

/** The rates (config `twilio.smsPerSecond`, `twilio.callsPerSecond`) and whose buckets they are. */
export interface SendLimitOptions {
  db: Db;
  log: Logger;
  smsPerSecond: number;
  callsPerSecond: number;
  /** The SMS bucket: the sending number. */
  phoneNumber: string;
  /** The calls bucket: the account. */
  accountSid: string;
  /**
   * For tests only (production leaves it unset): the in-process waits, `PAGE_WAIT_MS` and
   * `OTHER_WAIT_MS` by default, so a test can make the lanes' waits differ enough to see their order.
   */
  waits?: { pageMs: number; otherMs: number };
  /** For tests only (production leaves it unset): the source of the jitter, `Math.random` by default, so a test can pin it. */
  random?: () => number;
}

/** How long a page waits in-process for a slot before its job is run again instead. */
export const PAGE_WAIT_MS = 10_000;
/** How long any other message waits in-process: short, so worker slots free up for a page soon. */
export const OTHER_WAIT_MS = 1_000;

/** Time between taking a slot and Twilio receiving the request that the pacing allows for. */
export const JITTER_MS = 200;

/** Milliseconds between two sends at `perSecond`: N sends span (1 s + `JITTER_MS`), so no second can hold N + 1. */
export function spacingMs(perSecond: number): number {
  return Math.ceil((1000 + JITTER_MS) / perSecond);
}

// Real timers and a monotonic clock: the service clock (and, in tests, `Date`) is business time.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const elapsed = () => performance.now();

const RANK: Record<Lane, number> = { page: 0, journalist: 1, notice: 2 };

/**
 * One sender at a time per bucket in this process, the others queued by lane (a page to the
 * front): a backlog then asks the database with one connection per process, not one per worker
 * slot (which would fill every process's pool), and a page fetched behind waiting texts is next.
 */
class LocalTurn {
  private busy = false;
  private readonly queue: Array<{ rank: number; go: () => void }> = [];

  /** Resolves true with the turn, or false if `timeoutMs` passed first. */
  enter(lane: Lane, timeoutMs: number): Promise<boolean> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const me = {
        rank: RANK[lane],
        go: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.queue.splice(this.queue.indexOf(me), 1);
        resolve(false);
      }, timeoutMs);
      const at = this.queue.findIndex((w) => w.rank > me.rank);
      this.queue.splice(at < 0 ? this.queue.length : at, 0, me);
    });
  }

  leave(): void {
    const next = this.queue.shift();
    if (next) next.go();
    else this.busy = false;
  }
}

/** The limiter over PostgreSQL shared by every process (see the file comment). */
export function sendLimiter(opts: SendLimitOptions): SendLimiter {
  const { db, log } = opts;
  const { pageMs, otherMs } = opts.waits ?? { pageMs: PAGE_WAIT_MS, otherMs: OTHER_WAIT_MS };
  const random = opts.random ?? Math.random;
  // Email is not paced here: SMTP servers refuse with a 4xx when busy, and the outbox retries.
  const buckets: Record<PacedMedium, { key: string; spacing: number }> = {
    sms: { key: `sms:${opts.phoneNumber}`, spacing: spacingMs(opts.smsPerSecond) },
    call: { key: `call:${opts.accountSid}`, spacing: spacingMs(opts.callsPerSecond) },
  };
  // A failing store lets the send go (logged), as the intake's `budget` does: the send's own
  // database writes fail soon enough if the database is really away.
  const guarded = async (medium: PacedMedium, what: () => Promise<number>): Promise<number> => {
    try {
      return await what();
    } catch (err) {
      log.warn({ err, medium }, 'send limiter store failed; message sent unpaced');
      return 0;
    }
  };

  const turns: Record<PacedMedium, LocalTurn> = { sms: new LocalTurn(), call: new LocalTurn() };
  // The run again spread over one other-lane wait (two for notices, which are the least urgent).
  const retryIn = (lane: Lane, wait: number) =>
    wait + Math.floor(random() * (lane === 'notice' ? 2 * otherMs : otherMs));

  return {
    async acquire(medium, lane) {
      if (medium === 'email') return;
      const { spacing } = buckets[medium];
      const deadline = elapsed() + (lane === 'page' ? pageMs : otherMs);
      if (!(await turns[medium].enter(lane, deadline - elapsed())))
        throw new RateLimited(medium, retryIn(lane, spacing));
      try {
        await takeInTurn(medium, lane, deadline);
      } finally {
        turns[medium].leave();
      }
    },
  };

  async function takeInTurn(medium: PacedMedium, lane: Lane, deadline: number): Promise<void> {
    const { key, spacing } = buckets[medium];
    for (;;) {
      // Others step back while a page waits: the next free slot is the page's.
      const yieldFor = lane === 'page' ? 0 : await guarded(medium, () => repo.pageWaitingMs(db, key));
      const wait = yieldFor
        ? Math.min(yieldFor, spacing)
        : await guarded(medium, () => repo.takeSlot(db, key, spacing));
      if (wait === 0) return;
      if (lane === 'page')
        await guarded(medium, async () => {
          await repo.markPageWaiting(db, key, wait + spacing);
          return 0;
        });
      // A little spread between the processes' turns, so they do not all hit the bucket's row in the same millisecond.
      const jitter = lane === 'page' ? 0 : Math.floor(random() * (spacing / 4));
      if (elapsed() + wait + jitter > deadline) throw new RateLimited(medium, retryIn(lane, wait));
      await sleep(wait + jitter);
    }
  }
}
