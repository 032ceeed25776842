/**
 * The real crontab (src/tasks.ts) run minute by minute under the test clock, the way
 * graphile-worker's cron runs it, with a diary of what the office would notice. graphile-worker
 * 0.16 matches crontab times in UTC (digestTimestamp in its cron.js reads getUTCMinutes and
 * getUTCHours; the process's time zone plays no part), schedules one job per item identifier and
 * minute (known_crontabs), and gives the job the item's `?max=` attempts.
 */
import {
  Logger as GraphileLogger,
  parseCrontab,
  type Job,
  type JobHelpers,
  type ParsedCronItem,
  type TaskList,
} from 'graphile-worker';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { CRONTAB, taskList } from '../../src/tasks.js';
import type { Harness } from './harness.js';

const MINUTE = 60_000;

/** Timeline entries the diary records (what the desk and the on-call officer see happen). */
const DIARY_KINDS = new Set(['handed_to_on_call', 'deadline_warning', 'deadline_breached']);

/** "Fri 23 Oct 17:00 BST": an instant as the office's wall clock shows it. */
export function officeTime(at: Date | string, zone = 'Europe/London'): string {
  return DateTime.fromJSDate(new Date(at), { zone }).setLocale('en-GB').toFormat('ccc d LLL HH:mm ZZZZ');
}

/**
 * Runs CRONTAB against the harness's services minute by minute (the harness must be started with
 * `jobs: true`: the texts and page steps the tasks queue run on its job runner) and keeps a
 * diary, in office time, of texts to the `phones` named and of handover and deadline entries on
 * the timelines.
 */
export class CrontabRun {
  /** The crontab as graphile-worker parses it. */
  readonly items: ParsedCronItem[] = parseCrontab(CRONTAB);
  /** Each attempt of a scheduled job: task and minute (UTC ISO). */
  readonly runs: Array<{ task: string; at: string }> = [];
  /** Attempts that threw (with `?max=1` not tried again, as graphile-worker would not). */
  readonly failures: Array<{ task: string; at: string; error: string }> = [];
  /** What the office noticed, one line each: "Fri 23 Oct 17:00 BST text to on-call: …". */
  readonly diary: string[] = [];
  /** What the tasks logged through graphile-worker's helpers. */
  readonly logged: string[] = [];
  private readonly tasks: TaskList;
  private readonly fired = new Set<string>();
  private readonly labels = new Map<string, string>();
  private last: number;
  private seenMessages: number;
  private lastEventId = '0';

  constructor(
    private readonly h: Harness,
    private readonly phones: Record<string, string>,
  ) {
    this.tasks = taskList(h.services);
    this.last = h.clock.now().getTime();
    this.seenMessages = h.twilio.messages.length;
  }

  /** Names an enquiry in the diary (references differ from run to run). */
  label(reference: string, name: string): void {
    this.labels.set(reference, name);
  }

  /** Starts the diary from now: what came before was arrangement. */
  async startDiary(): Promise<void> {
    this.seenMessages = this.h.twilio.messages.length;
    const r = await sql<{ id: string | null }>`SELECT max(id)::text AS id FROM enquiry_event`.execute(
      this.h.database.db,
    );
    this.lastEventId = r.rows[0].id ?? '0';
  }

  /** Runs every minute after the last one run up to and including `to`, and leaves the clock at `to`. */
  async runThrough(to: string): Promise<void> {
    const end = new Date(to).getTime();
    for (let t = this.last + MINUTE; t <= end; t += MINUTE) await this.minute(new Date(t));
    this.last = Math.max(this.last, end);
    this.h.clock.set(new Date(end));
  }

  /** The minutes, in office time, at which `task` was run. */
  ranAt(task: string): string[] {
    return this.runs.filter((r) => r.task === task).map((r) => officeTime(r.at));
  }

  private async minute(ts: Date): Promise<void> {
    this.h.clock.set(ts);
    // graphile-worker's digestTimestamp: the crontab is matched in UTC.
    const digest = {
      min: ts.getUTCMinutes(),
      hour: ts.getUTCHours(),
      date: ts.getUTCDate(),
      month: ts.getUTCMonth() + 1,
      dow: ts.getUTCDay(),
    };
    for (const item of this.items) {
      if (!item.match(digest)) continue;
      const key = `${item.identifier}@${ts.toISOString()}`;
      if (this.fired.has(key)) continue;
      this.fired.add(key);
      await this.runJob(item, ts);
    }
    await this.runQueuedJobs(ts);
  }

  /** One scheduled job: its payload as graphile-worker makes it, tried up to the item's `?max=`. */
  private async runJob(item: ParsedCronItem, ts: Date): Promise<void> {
    const payload = { ...(item.payload ?? {}), _cron: { ts: ts.toISOString(), backfilled: false } };
    const maxAttempts = item.options.maxAttempts ?? 25;
    const task = this.tasks[item.task];
    if (!task) throw new Error(`the crontab names ${item.task}, which the task list does not have`);
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      this.runs.push({ task: item.task, at: ts.toISOString() });
      try {
        await task(payload, this.helpers(item, payload, attempt, maxAttempts));
        return;
      } catch (err) {
        this.failures.push({ task: item.task, at: ts.toISOString(), error: String(err) });
      }
    }
  }

  /** What scheduled tasks use of graphile-worker's helpers (the logger and the job); the rest throws. */
  private helpers(item: ParsedCronItem, payload: unknown, attempts: number, maxAttempts: number): JobHelpers {
    const logger = new GraphileLogger(() => (_level, message) => this.logged.push(message));
    const job = {
      id: String(this.runs.length),
      task_identifier: item.task,
      payload,
      attempts,
      max_attempts: maxAttempts,
      run_at: this.h.clock.now(),
    } as unknown as Job;
    const notForCron = () => {
      throw new Error(`${item.task} used a graphile-worker helper the crontab test does not provide`);
    };
    return {
      logger,
      job,
      withPgClient: notForCron,
      query: notForCron,
      addJob: notForCron,
      addJobs: notForCron,
      getQueueName: notForCron,
    } as unknown as JobHelpers;
  }

  /**
   * Lets the job runner do what is due at this minute, then notes what the minute brought. One
   * query when nothing was due: the minute's jobs and timeline entries are read together.
   */
  private async runQueuedJobs(ts: Date): Promise<void> {
    const r = await sql<{ due: number; id: string | null; kind: string | null; reference: string | null }>`
      SELECT (SELECT count(*)::int FROM graphile_worker.jobs
               WHERE locked_at IS NOT NULL OR (run_at <= ${ts.toISOString()}::timestamptz AND attempts < max_attempts)) AS due,
             ev.id::text AS id, ev.kind, e.reference
        FROM (SELECT 1) one
        LEFT JOIN enquiry_event ev ON ev.id > ${this.lastEventId}::bigint
        LEFT JOIN enquiry e ON e.id = ev.enquiry_id
       ORDER BY ev.id`.execute(this.h.database.db);
    if (r.rows[0].due === 0) return this.note(ts, r.rows);
    await this.h.jobs.settle();
    await this.note(ts, await this.eventsSince());
  }

  /** Timeline entries added since the last minute noted. */
  private async eventsSince(): Promise<Array<{ id: string | null; kind: string | null; reference: string | null }>> {
    const r = await sql<{ id: string; kind: string; reference: string }>`
      SELECT ev.id::text AS id, ev.kind, e.reference FROM enquiry_event ev JOIN enquiry e ON e.id = ev.enquiry_id
       WHERE ev.id > ${this.lastEventId}::bigint ORDER BY ev.id`.execute(this.h.database.db);
    return r.rows;
  }

  /** Adds to the diary what this minute brought: timeline entries first, then texts. */
  private note(ts: Date, events: Array<{ id: string | null; kind: string | null; reference: string | null }>): void {
    const lines: string[] = [];
    for (const e of events) {
      if (e.id === null) continue;
      this.lastEventId = e.id;
      if (e.kind && e.reference && DIARY_KINDS.has(e.kind))
        lines.push(`${e.kind} ${this.labels.get(e.reference) ?? e.reference}`);
    }
    for (const m of this.h.twilio.messages.slice(this.seenMessages)) {
      const who = this.phones[m.to ?? ''];
      if (who) lines.push(`text to ${who}: ${this.named(m.body ?? '').split('\n')[0]}`);
    }
    this.seenMessages = this.h.twilio.messages.length;
    if (lines.length) {
      const when = officeTime(ts);
      for (const line of lines) this.diary.push(`${when} ${line}`);
    }
  }

  /** The text with enquiries' references replaced by their labels. */
  private named(text: string): string {
    let out = text;
    for (const [ref, name] of this.labels) out = out.split(ref).join(`[${name}]`);
    return out;
  }
}
