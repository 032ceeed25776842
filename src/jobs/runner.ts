import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import {
  Logger as GraphileLogger,
  makeWorkerUtils,
  run,
  type Runner,
  type TaskList,
  type WorkerUtils,
} from 'graphile-worker';
import type pg from 'pg';
import type { Db } from '../db/database.js';
import type { Logger } from '../log.js';
import * as queue from './queue.repository.js';

/** graphile-worker's log line when a runner stops on an error (src/runner.ts of graphile-worker 0.16). */
const RUNNER_STOPPING = /^(Stopping worker due to an error|Error occurred, but worker is already stopping)/;

/**
 * Errors that stopped a job runner: handled here (a new runner takes over), so when graphile-worker
 * leaves a promise of its own rejected with one of them unhandled, the process carries on. Any
 * other unhandled rejection still ends the process, as Node does by default.
 */
const runnerFailures = new WeakSet<object>();
let rejectionGuard = false;
function guardRunnerRejections(log: Logger): void {
  if (rejectionGuard) return;
  rejectionGuard = true;
  process.on('unhandledRejection', (reason) => {
    if (reason && typeof reason === 'object' && runnerFailures.has(reason)) {
      log.warn(
        { err: reason },
        'graphile-worker left a rejection unhandled after its runner stopped; the runner is being replaced',
      );
      return;
    }
    throw reason;
  });
}

export interface JobRunner {
  /** Stops taking jobs, lets running ones finish, and forgets this process's heartbeat. */
  stop(): Promise<void>;
  /**
   * Releases jobs held by runners that stopped beating and brings forward retries under
   * `retryCap` (normally on a timer; callable from tests). Returns the released runner ids.
   */
  sweep(): Promise<string[]>;
}

export interface JobRunnerOptions {
  /**
   * graphile-worker's pool: it LISTENs on one of its connections and prepares its statements by
   * name, so these must be sessions (DATABASE_LISTEN_URL), never a transaction-mode pooler.
   */
  pool: pg.Pool;
  db: Db;
  log: Logger;
  taskList: TaskList;
  /** graphile-worker crontab lines (omitted in tests, which call the tasks' services directly). */
  crontab?: string;
  concurrency?: number;
  /** How often to look for due jobs that missed a notification (ms). */
  pollInterval?: number;
  heartbeatMs?: number;
  /** A runner whose heartbeat is older than this is dead and its jobs are released. */
  staleSeconds?: number;
  /**
   * Jobs that cannot wait for graphile-worker's backoff (pages: after an hour-long Twilio outage
   * the next attempt could be an hour after it ended): a failed one of `tasks` is tried again at
   * most `seconds` after its last failure, and does not run out of attempts, for `withinHours`
   * after it was queued (give or take the sweep interval). After that graphile-worker's backoff
   * and attempt limit apply again.
   */
  retryCap?: { tasks: string[]; seconds: number; withinHours: number };
}

/**
 * Runs graphile-worker in this process, plus the liveness protocol the engine lacks: every few
 * seconds this process records that its runners are alive, and releases jobs locked by runners
 * that have gone silent (kill -9, a lost machine), which graphile-worker would otherwise hold for
 * four hours. Job times use Node's clock (`useNodeTime`) so run_at values we compute from the
 * service clock and the runner agree.
 */
export async function startJobRunner(opts: JobRunnerOptions): Promise<JobRunner> {
  const { log, db } = opts;
  guardRunnerRejections(log);
  const events = new EventEmitter();
  const workerIds = new Set<string>();
  const processName = `${hostname()}:${process.pid}`;
  events.on('worker:create', ({ worker }: { worker: { workerId: string } }) => {
    workerIds.add(worker.workerId);
    void queue.beat(db, processName, [worker.workerId]).catch((err) => log.warn({ err }, 'heartbeat failed'));
  });
  events.on(
    'job:error',
    ({ job, error }: { job: { task_identifier: string; id: string; attempts: number }; error: unknown }) => {
      log.warn(
        { task: job.task_identifier, jobId: job.id, attempt: job.attempts, err: error },
        'job failed; will retry',
      );
    },
  );
  events.on('job:failed', ({ job, error }: { job: { task_identifier: string; id: string }; error: unknown }) => {
    log.error({ task: job.task_identifier, jobId: job.id, err: error }, 'job failed permanently');
  });

  const utils: WorkerUtils = await makeWorkerUtils({ pgPool: opts.pool });
  // graphile-worker's own messages go through our JSON log, at our level. Its metadata is not
  // forwarded: it carries whole jobs (a desk reply's payload is the journalist's number and the
  // text) and raw errors (an axios error holds the request body). The scope's ids are enough to
  // find the job; its failures are logged by the job:error handler above, cut down to the error.
  const graphileLogger = new GraphileLogger((scope) => (level, message, meta) => {
    // The runner stopping on an error (see `runnerFailures`): remembered before Node looks for
    // unhandled rejections, which it does only once this turn's promise reactions have run.
    if (RUNNER_STOPPING.test(message) && meta?.error && typeof meta.error === 'object') runnerFailures.add(meta.error);
    if (meta?.failure) return;
    const pinoLevel = level === 'error' ? 'error' : level === 'warning' ? 'warn' : level === 'info' ? 'info' : 'debug';
    log[pinoLevel](
      { worker: { label: scope.label, workerId: scope.workerId, task: scope.taskIdentifier, jobId: scope.jobId } },
      message,
    );
  });
  const startRunner = () =>
    run({
      pgPool: opts.pool,
      taskList: opts.taskList,
      ...(opts.crontab ? { crontab: opts.crontab } : {}),
      concurrency: opts.concurrency ?? 16,
      pollInterval: opts.pollInterval ?? 1000,
      noHandleSignals: true,
      useNodeTime: true,
      events: events as never,
      logger: graphileLogger,
    });
  let runner: Runner = watch(await startRunner());
  let stopped = false;
  let restarting: Promise<void> | null = null;

  /**
   * graphile-worker 0.16 stops the whole runner when its cron cannot reach the database at a
   * minute's tick (a PostgreSQL restart): `runner.promise` rejects, and so does a promise it
   * derives internally and never handles, which would end the process. The rejection is known
   * (`runnerFailures`) and a fresh runner takes over, as when a single worker dies.
   */
  function watch(r: Runner): Runner {
    r.promise.catch((err: unknown) => {
      if (err && typeof err === 'object') runnerFailures.add(err);
      if (stopped) return;
      log.error({ err }, 'the job runner stopped on an error; starting a new one');
      restart();
    });
    return r;
  }

  // graphile-worker 0.16 lets a worker die when it cannot record a job's outcome (the database
  // went away mid-job: "committing seppuku") and does not replace it, so after a PostgreSQL
  // restart this process could be left with fewer runners, or none, while looking healthy; and
  // the heartbeat kept vouching for the dead one, so the job it held stayed locked for 4 hours.
  // A runner that stops is no longer vouched for (the sweeper then frees its job), and when one
  // dies a fresh graphile-worker runner takes over.
  const died = new Set<string>();
  events.on('worker:stop', ({ worker, error }: { worker: { workerId: string }; error?: unknown }) => {
    workerIds.delete(worker.workerId);
    if (!error) return;
    died.add(worker.workerId);
    if (stopped || restarting) return;
    log.error({ workerId: worker.workerId, err: error }, 'a job runner died; starting a new one');
    restart();
  });

  /** Replaces the runner (stopped, or with a dead worker) with a fresh one, retrying while the database is away. */
  function restart(): void {
    if (stopped || restarting) return;
    restarting = (async () => {
      await runner.stop().catch((err: unknown) => log.warn({ err }, 'stopping the broken job runner failed'));
      for (let wait = 1_000; !stopped; wait = Math.min(wait * 2, 5_000)) {
        try {
          runner = watch(await startRunner());
          log.info('job runner restarted');
          // The dead runners will not touch their jobs again: free them now rather than after
          // the heartbeat goes stale (the sweeper still does it if this fails).
          const ids = [...died];
          await utils
            .forceUnlockWorkers(ids)
            .then(() => {
              for (const id of ids) died.delete(id);
            })
            .catch((err: unknown) => log.warn({ err }, 'could not release the dead runners’ jobs yet'));
          return;
        } catch (err) {
          log.warn({ err }, 'could not start a job runner; retrying');
          await new Promise((r) => setTimeout(r, wait));
        }
      }
    })().finally(() => {
      restarting = null;
    });
  }

  const staleSeconds = opts.staleSeconds ?? 20;
  const sweep = async (): Promise<string[]> => {
    const dead = (await queue.deadLockHolders(db, staleSeconds)).filter((id) => !workerIds.has(id));
    if (dead.length) {
      await utils.forceUnlockWorkers(dead);
      await queue.forgetWorkers(db, dead);
      log.warn({ workers: dead }, 'released jobs held by runners that stopped');
    }
    if (opts.retryCap) await capRetries(opts.retryCap);
    return dead;
  };
  const capRetries = async (cap: NonNullable<JobRunnerOptions['retryCap']>) => {
    for (const job of await queue.retriesWaitingTooLong(db, cap.tasks, cap.seconds, cap.withinHours)) {
      // Two attempts in hand at least, so a long outage does not end the job for good.
      const maxAttempts = job.attempts + 2 > job.max_attempts ? job.attempts + 2 : undefined;
      await utils.rescheduleJobs([job.id], { runAt: job.retry_at, ...(maxAttempts ? { maxAttempts } : {}) });
      log.debug({ jobId: job.id, attempts: job.attempts, runAt: job.retry_at }, 'retry brought forward');
    }
  };
  const timer = setInterval(() => {
    void queue
      .beat(db, processName, [...workerIds])
      .then(() => sweep())
      .catch((err) => log.warn({ err }, 'heartbeat or sweep failed'));
  }, opts.heartbeatMs ?? 5_000);
  timer.unref();

  return {
    sweep,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await restarting;
      const ids = [...workerIds];
      await runner.stop();
      await queue.forgetWorkers(db, ids).catch((err) => log.warn({ err }, 'could not forget heartbeat'));
      await utils.release();
    },
  };
}
