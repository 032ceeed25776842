/**
 * The one declaration of the jobs Press Desk queues: each task's name and payload schema. Callers
 * of `addJob` get the payload type from here at compile time; task handlers check the payload
 * against the same schema at run time (a job queued by an older release, or by hand, may not
 * match). The names are stored in graphile-worker's table: never rename one.
 */
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import { e164 as e164Schema, jobRowId as id } from '../ids.js';

const e164 = e164Schema();

/** Payload schema of every queued task, by task name. */
export const JOB_SCHEMAS = {
  /** One escalation step of a page (src/oncall/paging.service.ts). */
  page_step: z.object({ pageId: id, step: z.number().int().min(0).max(100) }),
  /** The held pages of one kind for one phone. `action` absent: a text bundle queued before calls were bundled too. */
  page_bundle: z.object({ phone: e164, action: z.enum(['sms', 'call']).default('sms') }),
  /** The notice to a journalist that their urgent enquiry was acknowledged. */
  notify_journalist: z.object({ enquiryId: id }),
  /** One SMS through the outbox, once per `key` (desk replies, digest texts, test pages). */
  send_sms: z.object({
    key: z.string().min(1).max(200),
    enquiryId: id.nullable(),
    to: e164,
    body: z.string().min(1).max(1600),
    /** Its place in the sending queue (src/outbox/send-limits.ts); absent on jobs queued before it existed. */
    lane: z.enum(['page', 'journalist', 'notice']).default('journalist'),
  }),
  /**
   * One call through the outbox, once per `key`, playing `twiml` (the on-call officer's callback to
   * a journalist); `detectMachine`: with answering-machine detection (the owner's `onAnswered`).
   */
  place_call: z.object({
    key: z.string().min(1).max(200),
    enquiryId: id.nullable(),
    to: e164,
    twiml: z.string().min(1).max(4000),
    detectMachine: z.boolean().optional(),
    /** As a text's: `page` for an incident summary said to an on-call number that takes no texts; absent on older jobs. */
    lane: z.enum(['page', 'journalist', 'notice']).default('journalist'),
  }),
  /** One email through the outbox, once per `key` (an acknowledgement, a desk reply); `content` is its JSON (src/email/smtp.sender.ts). */
  send_email: z.object({
    key: z.string().min(1).max(200),
    enquiryId: id.nullable(),
    to: z.string().email().max(320),
    content: z.string().min(2).max(200_000),
  }),
  /** Deletes a caller's recording at Twilio (erasure and retention; src/voice/voice.service.ts). */
  delete_recording: z.object({ recordingSid: z.string().regex(/^RE[0-9a-fA-F]{32}$/) }),
  /** One summary text to on-call about an incident's enquiries that did not page (src/incidents/incident-summary.service.ts). */
  incident_summary: z.object({ incidentId: id }),
  /** Queues an incident's line to every linked journalist who has not had it, in batches (src/incidents/holding-line.service.ts). */
  incident_line_send: z.object({ incidentId: id, lineId: id }),
  /** A question to colleagues reached its due time: remind whoever has not answered, warn the desk (src/colleagues/). */
  question_due: z.object({ questionId: id }),
  /** The rota changed: look for gaps in the next days (one queued job for many changes, by key: src/oncall/). */
  rota_gap_check: z.object({}),
} as const;

/** The name of a queued task. */
export type JobName = keyof typeof JOB_SCHEMAS;

/**
 * Tasks that only the crontab starts (no payload, never queued by `addJob`). Stored in
 * graphile-worker's tables and the crontab by these names: never rename one.
 */
export const CRON_TASKS = [
  'closing_handover',
  'handover_check',
  'calendar_sync',
  'retention_sweep',
  'deadline_sweep',
  /** Erases colleagues deactivated longer than the retention period (src/colleagues/colleagues.tasks.ts). */
  'colleague_retention',
  /** Every hour: extends each repeating rota's shifts to the look-ahead horizon (src/oncall/rotation.tasks.ts). */
  'rotation_generate',
  /** Every five minutes: checks again Twilio and SMTP while they are failing (src/health/health.tasks.ts). */
  'service_health_check',
  /** Every minute: handoff reminders, unconfirmed shifts, end-of-shift texts (src/oncall/rota-guard.service.ts). */
  'rota_watch',
  /** Every morning: the coverage-gap check over the next onCall.lookAheadDays (src/oncall/rota-guard.service.ts). */
  'rota_gap_sweep',
  /** Every minute: managers told of cover requests nobody has accepted in time (src/oncall/cover.service.ts). */
  'cover_watch',
] as const;

/** The name of a task the crontab starts. */
export type CronTaskName = (typeof CRON_TASKS)[number];

/** What a caller queues for each task. */
export type JobPayloads = { [K in JobName]: z.input<(typeof JOB_SCHEMAS)[K]> };

/** What a task handler gets for each task, once checked (defaults applied). */
export type CheckedPayloads = { [K in JobName]: z.output<(typeof JOB_SCHEMAS)[K]> };

/**
 * graphile-worker's priority of each task (lower runs first among due jobs): pages go before
 * everything else, so a backlog of texts never delays waking the on-call officer.
 */
export const JOB_PRIORITY = {
  page_step: -10,
  page_bundle: -10,
  notify_journalist: 0,
  send_sms: 0,
  delete_recording: 10,
  // It stands for pages: with them, ahead of texts to journalists.
  incident_summary: -10,
  // It only queues texts and emails to journalists, which go at their own priority.
  incident_line_send: 0,
  // It only queues reminders, which go on the journalist lane (never ahead of a page).
  question_due: 0,
  // It only queues texts to managers, on the notice lane.
  rota_gap_check: 5,
  // As a text to a journalist.
  send_email: 0,
  // After pages, beside texts to journalists: the officer is waiting for their phone to ring.
  place_call: 0,
} as const satisfies Record<JobName, number>;

/**
 * Priority of a `send_sms` job by its lane: a text that stands for a page (an incident's summary
 * to on-call) goes with the pages; a text to a journalist (a desk reply) before a digest or notice.
 */
export const SMS_LANE_PRIORITY = {
  page: JOB_PRIORITY.page_step,
  journalist: JOB_PRIORITY.send_sms,
  notice: 5,
} as const;

/**
 * Thrown by a task that did nothing this time and should simply run again in `retryInMs` (the
 * outbox, when Twilio's rate is reached): not a failure, so no attempt is spent and no backoff
 * applies; `typedTask` queues the re-run.
 */
export class RunAgainSoon extends Error {
  constructor(
    message: string,
    readonly retryInMs: number,
  ) {
    super(message);
    this.name = 'RunAgainSoon';
  }
}

/**
 * Parses a job payload; a malformed one is a bug in whoever queued it, so it fails loudly (and
 * graphile-worker keeps it, with the error, for someone to look at) rather than being dropped.
 */
export function checkPayload<K extends JobName>(name: K, payload: unknown): CheckedPayloads[K] {
  const r = JOB_SCHEMAS[name].safeParse(payload);
  if (!r.success)
    throw new Error(
      `${name}: bad payload: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return r.data as CheckedPayloads[K];
}

/** A graphile-worker task for `name` whose handler receives the checked payload. */
export function typedTask<K extends JobName>(name: K, handler: (payload: CheckedPayloads[K]) => Promise<void>): Task {
  return async (payload, helpers) => {
    try {
      await handler(checkPayload(name, payload));
    } catch (err) {
      if (!(err instanceof RunAgainSoon)) throw err;
      // graphile-worker 0.16 can only delay a failed job by its backoff (seconds, then minutes,
      // spending attempts): queue the same job again instead, with its key (so a cancellation
      // by key still finds it), priority and attempt limit. While this job runs, add_job gives
      // the key to the new job; this one then completes.
      const job = helpers.job;
      await helpers.addJob(job.task_identifier, job.payload, {
        runAt: new Date(Date.now() + err.retryInMs),
        priority: job.priority,
        maxAttempts: job.max_attempts,
        ...(job.key ? { jobKey: job.key, jobKeyMode: 'replace' as const } : {}),
      });
      helpers.logger.debug(`${name}: ${err.message}`);
    }
  };
}
