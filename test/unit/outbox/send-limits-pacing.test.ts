/**
 * The send limiter over real PostgreSQL (src/outbox/send-limits.ts): a text goes only when the
 * bucket's slot is free, a page goes before texts and notices (in this process by the local
 * queue, between processes by the bucket's `page_waiting_until`), a send that cannot get a slot
 * in time is refused with a retry time, and a failing store lets the message go.
 *
 * The waits and the jitter come through the limiter's test seam (`waits`, `random`), so that the
 * lanes' waits differ enough to see their order. Every test asserts on order and outcome, never
 * on how long something took; the rates are low (spacings of 120 to 1200 ms), so a busy machine
 * has hundreds of milliseconds to spare. Each limiter here is its own process's limiter; a second
 * one on the same sending number is another process.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createPool, type Db } from '../../../src/db/database.js';
import { RunAgainSoon } from '../../../src/jobs/jobs.js';
import { createLogger } from '../../../src/log.js';
import * as repo from '../../../src/outbox/send-limits.repository.js';
import {
  type Lane,
  OTHER_WAIT_MS,
  PAGE_WAIT_MS,
  RateLimited,
  type SendLimitOptions,
  sendLimiter,
  spacingMs,
} from '../../../src/outbox/send-limits.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

let numbers = 0;
/** A sending number of its own for each test, so that no two tests share a bucket. */
function sendingNumber(): string {
  numbers += 1;
  return `+4475000${String(numbers).padStart(5, '0')}`;
}

function limiter(phoneNumber: string, opts: Partial<SendLimitOptions> = {}) {
  return sendLimiter({
    db: t.db,
    log: createLogger('silent'),
    smsPerSecond: 5,
    callsPerSecond: 1,
    phoneNumber,
    accountSid: 'AC00000000000000000000000000000000',
    random: () => 0,
    ...opts,
  });
}

/** What one acquire came to: 'sent' (it took a slot) or the `RateLimited` it threw. */
async function outcome(p: Promise<void>): Promise<'sent' | RateLimited> {
  try {
    await p;
    return 'sent';
  } catch (err) {
    if (err instanceof RateLimited) return err;
    throw err;
  }
}

function refused(o: 'sent' | RateLimited): RateLimited {
  expect(o).toBeInstanceOf(RateLimited);
  return o as RateLimited;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RateLimited', () => {
  it('says which rate was reached and when the job runs again, for the job runner’s log', () => {
    const sms = new RateLimited('sms', 1500);
    expect(sms).toBeInstanceOf(RunAgainSoon);
    expect(sms.name).toBe('RateLimited');
    expect(sms.message).toBe('Twilio SMS rate reached; sending again in 1500 ms');
    expect(sms.retryInMs).toBe(1500);
    expect(new RateLimited('call', 900).message).toBe('Twilio call rate reached; sending again in 900 ms');
  });
});

describe('the bucket’s page mark (send-limits.repository.ts)', () => {
  it('says no page waits for a bucket never used, one never marked, and one whose mark has passed', async () => {
    const bucket = `sms:${sendingNumber()}`;
    expect(await repo.pageWaitingMs(t.db, bucket)).toBe(0);
    await repo.takeSlot(t.db, bucket, 100);
    expect(await repo.pageWaitingMs(t.db, bucket)).toBe(0);
    await repo.markPageWaiting(t.db, bucket, 30);
    await pause(80);
    expect(await repo.pageWaitingMs(t.db, bucket)).toBe(0);
  });

  it('keeps a page’s mark for the time it asked, and a shorter mark never cuts a longer one short', async () => {
    const bucket = `sms:${sendingNumber()}`;
    await repo.takeSlot(t.db, bucket, 100);
    await repo.markPageWaiting(t.db, bucket, 3000);
    const first = await repo.pageWaitingMs(t.db, bucket);
    expect(first).toBeGreaterThan(2000);
    expect(first).toBeLessThanOrEqual(3000);
    await repo.markPageWaiting(t.db, bucket, 500);
    expect(await repo.pageWaitingMs(t.db, bucket)).toBeGreaterThan(2000);
    await repo.markPageWaiting(t.db, bucket, 6000);
    expect(await repo.pageWaitingMs(t.db, bucket)).toBeGreaterThan(5000);
  });
});

describe('the send limiter', () => {
  it('never paces email', async () => {
    const l = limiter(sendingNumber(), { waits: { pageMs: 50, otherMs: 50 } });
    for (const lane of ['journalist', 'journalist', 'notice', 'page', 'journalist'] as Lane[]) {
      await l.acquire('email', lane);
    }
  });

  it('sends a text at once when the slot is free, and refuses the next one within the spacing (nothing sent)', async () => {
    const l = limiter(sendingNumber(), { smsPerSecond: 1, waits: { pageMs: 300, otherMs: 300 } });
    await l.acquire('sms', 'journalist');
    const next = refused(await outcome(l.acquire('sms', 'journalist')));
    // random() is 0 here: run again exactly when the slot is free.
    expect(next.retryInMs).toBeGreaterThan(0);
    expect(next.retryInMs).toBeLessThanOrEqual(spacingMs(1));
    // Calls have their own bucket: the texts do not hold them up.
    await l.acquire('call', 'journalist');
  });

  it('paces calls at the calls rate in a bucket of their own: a second call within the spacing is refused, a text still goes', async () => {
    // Calls are paced per Twilio account: an account of its own, as other tests here place calls.
    const l = limiter(sendingNumber(), {
      callsPerSecond: 1,
      accountSid: 'AC00000000000000000000000000000099',
      waits: { pageMs: 300, otherMs: 300 },
    });
    await l.acquire('call', 'journalist');
    const next = refused(await outcome(l.acquire('call', 'journalist')));
    expect(next.message).toContain('Twilio call rate reached');
    expect(next.retryInMs).toBeGreaterThan(0);
    expect(next.retryInMs).toBeLessThanOrEqual(spacingMs(1));
    await l.acquire('sms', 'journalist');
  });

  it('without the test seam, a text waits up to OTHER_WAIT_MS and a page up to PAGE_WAIT_MS', async () => {
    const number = sendingNumber();
    await repo.takeSlot(t.db, `sms:${number}`, OTHER_WAIT_MS + 300); // another process's send
    const l = sendLimiter({
      db: t.db,
      log: createLogger('silent'),
      smsPerSecond: 10,
      callsPerSecond: 1,
      phoneNumber: number,
      accountSid: 'AC00000000000000000000000000000000',
    });
    const text = refused(await outcome(l.acquire('sms', 'journalist')));
    // The retry: when the slot frees, plus up to one OTHER_WAIT_MS of spread (Math.random).
    expect(text.retryInMs).toBeGreaterThan(0);
    expect(text.retryInMs).toBeLessThan(OTHER_WAIT_MS + 300 + OTHER_WAIT_MS);
    expect(PAGE_WAIT_MS).toBeGreaterThan(OTHER_WAIT_MS + 300);
    expect(await outcome(l.acquire('sms', 'page'))).toBe('sent');
  });

  it('lets a page wait longer for its slot than a text', async () => {
    const number = sendingNumber();
    await repo.takeSlot(t.db, `sms:${number}`, 600); // another process's send: free in 600 ms
    const l = limiter(number, { waits: { pageMs: 2000, otherMs: 300 } });
    refused(await outcome(l.acquire('sms', 'journalist')));
    expect(await outcome(l.acquire('sms', 'page'))).toBe('sent');
  });

  it('makes a text step back while a page in another process waits: the text is refused, the page takes the free slot', async () => {
    const number = sendingNumber();
    const bucket = `sms:${number}`;
    await repo.takeSlot(t.db, bucket, 0); // the bucket exists and its slot is free
    await repo.markPageWaiting(t.db, bucket, 3000); // another process's page waits for it
    const l = limiter(number, { smsPerSecond: 2, waits: { pageMs: 300, otherMs: 300 } });
    const text = refused(await outcome(l.acquire('sms', 'journalist')));
    // It looks again after one spacing (not after the page's whole wait): random() is 0.
    expect(text.retryInMs).toBe(spacingMs(2));
    expect(await outcome(l.acquire('sms', 'page'))).toBe('sent');
  });

  it('a page that has to wait marks the bucket until one spacing after its slot, and goes before another process’s text', async () => {
    const number = sendingNumber();
    const bucket = `sms:${number}`;
    const spacing = spacingMs(2);
    const here = limiter(number, { smsPerSecond: 2, waits: { pageMs: 3000, otherMs: 3000 } });
    const there = limiter(number, { smsPerSecond: 2, waits: { pageMs: 3000, otherMs: 3000 } });
    await here.acquire('sms', 'journalist'); // the slot is taken: the next one is in 600 ms
    const order: string[] = [];
    let settled = false;
    const page = here.acquire('sms', 'page').then(
      () => order.push('page'),
      () => order.push('page refused'),
    );
    void page.then(() => {
      settled = true;
    });
    // Until the page has asked for its slot and been told to wait.
    let marked = 0;
    while (!settled && marked === 0) {
      marked = await repo.pageWaitingMs(t.db, bucket);
      if (marked === 0) await pause(5);
    }
    expect(marked).toBeGreaterThan(0);
    const gap = await sql<{ ms: number }>`
      SELECT ceil(extract(epoch FROM page_waiting_until - next_at) * 1000)::int AS ms FROM send_slot WHERE bucket = ${bucket}`.execute(
      t.db,
    );
    // Marked until one spacing after the slot it waits for (and the few ms its statements took).
    expect(gap.rows[0].ms).toBeGreaterThanOrEqual(spacing - 1);
    expect(gap.rows[0].ms).toBeLessThan(2 * spacing);
    const text = there.acquire('sms', 'journalist').then(
      () => order.push('text'),
      () => order.push('text refused'),
    );
    await Promise.all([page, text]);
    expect(order).toEqual(['page', 'text']);
  });

  it('in one process, a page queued behind texts and notices goes next; each lane keeps its own order', async () => {
    const l = limiter(sendingNumber(), { smsPerSecond: 5, waits: { pageMs: 5000, otherMs: 5000 } });
    await l.acquire('sms', 'journalist'); // the slot is taken: everything below waits its turn
    const order: string[] = [];
    const send = (name: string, lane: Lane) => l.acquire('sms', lane).then(() => order.push(name));
    await Promise.all([
      send('text 1', 'journalist'), // has the turn, waiting for the slot
      send('notice 1', 'notice'),
      send('text 2', 'journalist'),
      send('notice 2', 'notice'),
      send('text 3', 'journalist'),
      send('page', 'page'),
    ]);
    expect(order).toEqual(['text 1', 'page', 'text 2', 'text 3', 'notice 1', 'notice 2']);
  });

  it('refuses a text whose turn does not come within its wait, retry spread over one wait (two for a notice), and the next in line still gets the turn', async () => {
    const number = sendingNumber();
    await repo.takeSlot(t.db, `sms:${number}`, 1500); // another process's send: free in 1.5 s
    // spacing 120 ms; random() just under 1: the retry is as late as it can be.
    const l = limiter(number, { smsPerSecond: 10, waits: { pageMs: 3000, otherMs: 1000 }, random: () => 0.999 });
    const events: string[] = [];
    const page = l.acquire('sms', 'page').then(() => events.push('page sent')); // has the turn for 1.5 s
    const text = outcome(l.acquire('sms', 'journalist'));
    const notice = outcome(l.acquire('sms', 'notice'));
    const [t1, n1] = await Promise.all([text, notice]);
    events.push('text and notice refused');
    expect(refused(t1).retryInMs).toBe(120 + 999);
    expect(refused(n1).retryInMs).toBe(120 + 1998);
    // Queued while the page still has the turn, after the two that gave up.
    const later = outcome(l.acquire('sms', 'notice'));
    await page;
    expect(await later).toBe('sent');
    expect(events).toEqual(['text and notice refused', 'page sent']);
  });

  it('a waiter that got its turn does not, when its wait runs out later, push another out of the queue', async () => {
    const number = sendingNumber();
    await repo.takeSlot(t.db, `sms:${number}`, 300); // another process's send: free in 300 ms
    // spacing 600 ms. A text's turn ends by 900 ms, its wait at 1200 ms; the page after it holds the turn until 1500 ms.
    const l = limiter(number, { smsPerSecond: 2, waits: { pageMs: 4000, otherMs: 1200 } });
    const first = l.acquire('sms', 'journalist');
    const second = l.acquire('sms', 'journalist');
    await first;
    const pages = [outcome(l.acquire('sms', 'page')), outcome(l.acquire('sms', 'page'))];
    await second;
    expect(await Promise.all(pages)).toEqual(['sent', 'sent']);
  });

  it('counts a text’s jitter against its wait; a page has none', async () => {
    const number = sendingNumber();
    await repo.takeSlot(t.db, `sms:${number}`, 1200); // another process's send: free in 1.2 s
    // spacing 1200 ms: a text's jitter is up to 299 ms, here 299 (random() just under 1).
    const l = limiter(number, { smsPerSecond: 1, waits: { pageMs: 1300, otherMs: 1300 }, random: () => 0.999 });
    refused(await outcome(l.acquire('sms', 'journalist')));
    expect(await outcome(l.acquire('sms', 'page'))).toBe('sent');
  });

  it('a text waiting for its slot sleeps (jitter under a quarter of the spacing) rather than asking the database over and over', async () => {
    const number = sendingNumber();
    await repo.takeSlot(t.db, `sms:${number}`, 1200);
    const pool = createPool(t.url, { max: 2 });
    const db: Db = createDb(pool);
    let statements = 0;
    pool.on('acquire', () => statements++);
    try {
      const l = limiter(number, { db, smsPerSecond: 1, waits: { pageMs: 1700, otherMs: 1700 }, random: () => 0.999 });
      expect(await outcome(l.acquire('sms', 'journalist'))).toBe('sent');
      // Before the sleep: the page mark, the slot (and when it frees); after it: the mark, the slot.
      expect(statements).toBeLessThan(10);
    } finally {
      await db.destroy();
    }
  });

  it('lets the message go when the store fails, and logs a warning naming the medium, never a number', async () => {
    const url = new URL(t.url);
    url.pathname = '/pd_no_such_database';
    const db = createDb(createPool(url.toString(), { max: 1 }));
    const lines: string[] = [];
    const number = sendingNumber();
    try {
      const l = limiter(number, {
        db,
        log: createLogger('info', { write: (line: string) => void lines.push(line) }),
        waits: { pageMs: 200, otherMs: 200 },
      });
      await l.acquire('sms', 'journalist');
      await l.acquire('sms', 'page');
      await l.acquire('call', 'notice');
    } finally {
      await db.destroy();
    }
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const medium of ['sms', 'call']) {
      expect(logged).toContainEqual(
        expect.objectContaining({ level: 40, medium, msg: 'send limiter store failed; message sent unpaced' }),
      );
    }
    expect(lines.join('\n')).not.toContain(number.slice(1));
  });
});
