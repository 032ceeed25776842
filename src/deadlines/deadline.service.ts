/**
 * Deadline warnings and breaches (issue 18, item 4). Every enquiry carries `warn_at`, set at
 * intake by `warnAt` (src/enquiries/urgency.ts): `desk.warnBeforeMinutes` of real time before a
 * journalist's deadline, of opening time before the office's own target. A sweep every minute
 * announces what has come due, each once: the warning (timeline, the live queue re-reads the
 * row, which marks it, and a reminder to each approver of a response awaiting sign-off) and, at respond-by with still no response, the breach (timeline, the live
 * queue, and a text to each of `desk.escalationNumbers`).
 *
 * A sweep that falls behind (a worker outage) catches up in order, oldest first, a batch at a
 * time; an enquiry whose warning and breach both came due while nobody swept gets both, so the
 * report's count of warnings stays the count of enquiries that were near their time unanswered.
 */
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { ArrivalsPort } from '../enquiries/enquiries.service.js';
import { formatDeadline } from '../hours/format.js';
import { queueSms } from '../outbox/outbox.service.js';
import type { SignOffService } from '../statements/signoff.service.js';
import * as repo from './deadline.repository.js';

/** Most enquiries of each kind (warnings, breaches) one sweep announces; the rest wait a minute. */
export const SWEEP_BATCH = 500;

/** Longest subject an escalation text repeats (an SMS, read on a phone). */
const SUBJECT_IN_TEXT = 100;

/** Whether respond-by is the journalist's deadline or the office's own target. */
function byOf(row: repo.WarnedRow): 'deadline' | 'target' {
  return row.deadline && row.deadline.getTime() === row.respond_by.getTime() ? 'deadline' : 'target';
}

/**
 * The escalation text for a breach: the reference, the time, who has it and the subject, and
 * nothing about the journalist (no name, no number, no address): it goes to staff phones.
 */
export function breachText(
  row: Pick<repo.BreachedRow, 'reference' | 'respond_by' | 'subject' | 'assigned_name'>,
  office: Config['office'],
  now: Date,
): string {
  const subject = row.subject.replace(/\s+/g, ' ').trim();
  const short = subject.length > SUBJECT_IN_TEXT ? `${subject.slice(0, SUBJECT_IN_TEXT - 1)}…` : subject;
  const when = formatDeadline(row.respond_by, office, now);
  return `${row.reference} passed its respond-by time (${when}) without a response. Assigned: ${row.assigned_name ?? 'nobody'}. ${short}`;
}

/** Warns the desk before respond-by times and tells the officer and managers when one passes. */
export class DeadlineWatch {
  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      config: Pick<Config, 'office' | 'desk'>;
      arrivals?: ArrivalsPort;
      /** Approvers of responses still awaiting sign-off hear of the warning too (src/statements). */
      approvers?: Pick<SignOffService, 'remindApprovers'>;
      batch?: number;
    },
  ) {}

  /**
   * One sweep: announces due warnings and breaches (each once, oldest first, at most a batch of
   * each); returns how many of each. Safe to run in several workers at once.
   */
  async sweep(): Promise<{ warned: number; breached: number }> {
    const now = this.deps.clock();
    const limit = this.deps.batch ?? SWEEP_BATCH;
    const warned = await this.deps.db.transaction().execute(async (tx) => {
      const rows = await repo.claimDueWarnings(tx, now, limit);
      await repo.addDeadlineEvents(
        tx,
        rows.map((r) => ({
          enquiryId: r.id,
          at: now,
          kind: 'deadline_warning',
          data: { respondBy: r.respond_by.toISOString(), by: byOf(r) },
        })),
      );
      await this.deps.approvers?.remindApprovers(
        tx,
        rows.map((r) => r.id),
        now,
      );
      return rows;
    });
    const numbers = this.deps.config.desk.escalationNumbers;
    const breached = await this.deps.db.transaction().execute(async (tx) => {
      const rows = await repo.claimDueBreaches(tx, now, limit);
      await repo.addDeadlineEvents(
        tx,
        rows.map((r) => ({
          enquiryId: r.id,
          at: now,
          kind: 'deadline_breached',
          data: { respondBy: r.respond_by.toISOString(), by: byOf(r) },
        })),
      );
      // In the same transaction as the mark: the texts go if and only if the breach is recorded,
      // and the key makes a second queueing (a retried job) the same message.
      for (const r of rows) {
        const body = breachText(r, this.deps.config.office, now);
        for (const to of numbers)
          await queueSms(tx, { key: `breach:${r.id}:${to}`, enquiryId: r.id, to, body, lane: 'notice' }, now);
      }
      return rows;
    });
    // After commit: the live queues re-read these rows (marked near or past their time).
    for (const r of new Set([...warned, ...breached].map((x) => x.reference))) this.deps.arrivals?.announce(r);
    return { warned: warned.length, breached: breached.length };
  }
}
