/**
 * What the sending-rate tests measure at the fake Twilio: the most requests it received within
 * any one second (a sliding window, as Twilio counts), and where the page came among the texts.
 */
import type { Tx } from '../../src/db/database.js';
import { queueSms } from '../../src/outbox/outbox.service.js';
import type { FakeTwilioRecord } from './fake-twilio.js';

/** The most records whose times fall within any one second (from each record's time, 1000 ms on, exclusive). */
export function maxPerSecond(records: Array<{ at: Date }>): number {
  const times = records.map((r) => r.at.getTime()).sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[j] < times[i] - 999) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

/** The `i`-th journalist's phone of a backlog (live UK mobile range, one per text). */
export function journalistPhone(i: number): string {
  return `+4479112${String(i).padStart(5, '0')}`;
}

/** Queues `n` desk replies (lane `journalist`) in one transaction, due now; returns their bodies. */
export async function queueJournalistTexts(tx: Tx, n: number, now: Date): Promise<string[]> {
  const bodies: string[] = [];
  for (let i = 0; i < n; i++) {
    const body = `Reply ${i} from the press office`;
    bodies.push(body);
    await queueSms(tx, { key: `backlog:${i}`, enquiryId: null, to: journalistPhone(i), body, lane: 'journalist' }, now);
  }
  return bodies;
}

/** Where the page came at the fake Twilio: its index among the messages, and how many texts came after it. */
export function pagePosition(messages: FakeTwilioRecord[], pagePhone: string): { index: number; textsAfter: number } {
  const index = messages.findIndex((m) => m.to === pagePhone);
  return { index, textsAfter: messages.slice(index + 1).filter((m) => m.to !== pagePhone).length };
}

/** Resolves once `check()` holds; rejects after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
