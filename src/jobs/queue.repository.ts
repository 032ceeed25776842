import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import { JOB_PRIORITY, type JobName, type JobPayloads } from './jobs.js';

/** Options of a queued job; see graphile-worker's add_job. */
export interface AddJobOptions {
  /** When it may run. Always given: our clock, not the database's, decides what is due. */
  runAt: Date;
  /** De-duplicates and lets us cancel or reschedule it (remove_job / replace). */
  jobKey?: string;
  /** replace: new payload and run_at; preserve_run_at: keep the earlier run_at; unsafe_dedupe: leave it. */
  jobKeyMode?: 'replace' | 'preserve_run_at' | 'unsafe_dedupe';
  maxAttempts?: number;
  queueName?: string;
  /** Overrides the task's `JOB_PRIORITY` (a `send_sms` job's lane). */
  priority?: number;
}

/**
 * Queues a graphile-worker job in the caller's transaction, so the job exists exactly when the
 * data it acts on does. The payload's type is the task's (src/jobs/jobs.ts); its priority is the
 * task's `JOB_PRIORITY`.
 */
export async function addJob<K extends JobName>(
  tx: Tx | Db,
  task: K,
  payload: JobPayloads[K],
  opts: AddJobOptions,
): Promise<void> {
  await sql`SELECT graphile_worker.add_job(
      ${task}::text,
      ${JSON.stringify(payload)}::json,
      queue_name => ${opts.queueName ?? null}::text,
      run_at => ${opts.runAt.toISOString()}::timestamptz,
      max_attempts => ${opts.maxAttempts ?? 25}::int,
      job_key => ${opts.jobKey ?? null}::text,
      priority => ${opts.priority ?? JOB_PRIORITY[task]}::int,
      job_key_mode => ${opts.jobKeyMode ?? 'replace'}::text
    )`.execute(tx);
}

/** Cancels the pending job with this key, if any (a running one finishes; tasks re-check state). */
export async function removeJob(tx: Tx | Db, jobKey: string): Promise<void> {
  await sql`SELECT graphile_worker.remove_job(${jobKey}::text)`.execute(tx);
}

/** Jobs still queued (for tests and the desk's "delayed pages" view). */
export async function pendingJobs(db: Db | Tx): Promise<
  Array<{
    task_identifier: string;
    key: string | null;
    run_at: Date;
    attempts: number;
    last_error: string | null;
    locked_by: string | null;
  }>
> {
  const r = await sql<{
    task_identifier: string;
    key: string | null;
    run_at: Date;
    attempts: number;
    last_error: string | null;
    locked_by: string | null;
  }>`
    SELECT task_identifier, key, run_at, attempts, last_error, locked_by FROM graphile_worker.jobs ORDER BY run_at, id`.execute(
    db,
  );
  return r.rows;
}

/** Records that these runner ids are alive now (database time: liveness is not business time). */
export async function beat(db: Db, processName: string, workerIds: string[]): Promise<void> {
  if (!workerIds.length) return;
  await sql`INSERT INTO worker_heartbeat (worker_id, process, last_seen)
            SELECT unnest(${workerIds}::text[]), ${processName}, now()
            ON CONFLICT (worker_id) DO UPDATE SET last_seen = now(), process = EXCLUDED.process`.execute(db);
}

/** Forgets runner ids (a clean stop). */
export async function forgetWorkers(db: Db, workerIds: string[]): Promise<void> {
  if (!workerIds.length) return;
  await sql`DELETE FROM worker_heartbeat WHERE worker_id = ANY(${workerIds}::text[])`.execute(db);
}

/**
 * Runner ids holding job locks that no live runner vouches for: their heartbeat stopped more than
 * `staleSeconds` ago, or they never beat and the lock is older than that.
 */
export async function deadLockHolders(db: Db, staleSeconds: number): Promise<string[]> {
  const r = await sql<{ locked_by: string }>`
    SELECT DISTINCT j.locked_by
      FROM graphile_worker.jobs j
      LEFT JOIN worker_heartbeat h ON h.worker_id = j.locked_by
     WHERE j.locked_by IS NOT NULL
       AND (h.last_seen < now() - make_interval(secs => ${staleSeconds})
            OR (h.worker_id IS NULL AND j.locked_at < now() - make_interval(secs => ${staleSeconds})))`.execute(db);
  return r.rows.map((x) => x.locked_by);
}

/**
 * Failed jobs of `tasks`, not running, queued within the last `withinHours`, that graphile-worker
 * has put off for more than `capSeconds` from now (its backoff is exp(attempts) seconds: 55 s
 * after the fourth failure, 6 hours from the tenth), with `retry_at` = now + `capSeconds`. Once
 * brought forward a job no longer matches, so a sweep every few seconds moves each retry once.
 */
export async function retriesWaitingTooLong(
  db: Db,
  tasks: string[],
  capSeconds: number,
  withinHours: number,
): Promise<Array<{ id: string; retry_at: Date; attempts: number; max_attempts: number }>> {
  if (!tasks.length) return [];
  const r = await sql<{ id: string; retry_at: Date; attempts: number; max_attempts: number }>`
    SELECT id::text AS id, now() + make_interval(secs => ${capSeconds}) AS retry_at, attempts, max_attempts
      FROM graphile_worker.jobs
     WHERE task_identifier = ANY(${tasks}::text[])
       AND attempts > 0 AND attempts < max_attempts
       AND locked_at IS NULL
       AND run_at > now() + make_interval(secs => ${capSeconds})
       AND created_at > now() - make_interval(hours => ${withinHours})`.execute(db);
  return r.rows;
}

/**
 * Drops the jobs, waiting, failed or failed for good, that carry these enquiries' personal data:
 * an SMS to the journalist (its payload holds the number and text; its last error names the
 * number), or a digest SMS that names one of them. A reply to someone whose data was erased is
 * not to be sent any more. A job running at this moment cannot be dropped (graphile-worker's
 * rule); it finishes as it would have.
 */
export async function dropJobsNaming(tx: Tx, ids: string[], references: string[]): Promise<void> {
  // The public `jobs` view leaves out the payload, so the match reads graphile-worker's table;
  // the removal goes through its own function, which skips running jobs.
  const named = references.length ? references.join('|') : null;
  await sql`SELECT count(*) FROM graphile_worker.complete_jobs(ARRAY(
              SELECT id FROM graphile_worker._private_jobs
               WHERE payload->>'enquiryId' = ANY(${ids}::text[])
                  OR payload::text ~ ${named} OR last_error ~ ${named}))`.execute(tx);
}
