import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { Logger as GraphileLogger, makeWorkerUtils, run, type Runner, type TaskList, type WorkerUtils } from 'graphile-worker';
import type pg from 'pg';
import type { Db } from '../db/database.js';
import type { Logger } from '../log.js';
import * as queue from './queue.repository.js';

export interface JobRunner {
  /** Stops taking jobs, lets running ones finish, and forgets this process's heartbeat. */
  stop(): Promise<void>;
  /** Releases jobs held by runners that stopped beating (normally on a timer; callable from tests). */
  sweep(): Promise<string[]>;
}

export interface JobRunnerOptions {
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
  const events = new EventEmitter();
  const workerIds = new Set<string>();
  const processName = `${hostname()}:${process.pid}`;
  events.on('worker:create', ({ worker }: { worker: { workerId: string } }) => {
    workerIds.add(worker.workerId);
    void queue.beat(db, processName, [worker.workerId]).catch((err) => log.warn({ err }, 'heartbeat failed'));
  });
  events.on('job:error', ({ job, error }: { job: { task_identifier: string; id: string; attempts: number }; error: unknown }) => {
    log.warn({ task: job.task_identifier, jobId: job.id, attempt: job.attempts, err: error }, 'job failed; will retry');
  });
  events.on('job:failed', ({ job, error }: { job: { task_identifier: string; id: string }; error: unknown }) => {
    log.error({ task: job.task_identifier, jobId: job.id, err: error }, 'job failed permanently');
  });

  const utils: WorkerUtils = await makeWorkerUtils({ pgPool: opts.pool });
  // graphile-worker's own messages go through our JSON log, at our level.
  const graphileLogger = new GraphileLogger((scope) => (level, message, meta) => {
    const pinoLevel = level === 'error' ? 'error' : level === 'warning' ? 'warn' : level === 'info' ? 'info' : 'debug';
    log[pinoLevel]({ worker: scope, ...meta }, message);
  });
  const runner: Runner = await run({
    pgPool: opts.pool,
    taskList: opts.taskList,
    ...(opts.crontab ? { crontab: opts.crontab } : {}),
    concurrency: opts.concurrency ?? 4,
    pollInterval: opts.pollInterval ?? 1000,
    noHandleSignals: true,
    useNodeTime: true,
    events: events as never,
    logger: graphileLogger,
  });

  const staleSeconds = opts.staleSeconds ?? 20;
  const sweep = async (): Promise<string[]> => {
    const dead = (await queue.deadLockHolders(db, staleSeconds)).filter((id) => !workerIds.has(id));
    if (dead.length) {
      await utils.forceUnlockWorkers(dead);
      await queue.forgetWorkers(db, dead);
      log.warn({ workers: dead }, 'released jobs held by runners that stopped');
    }
    return dead;
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
      clearInterval(timer);
      await runner.stop();
      await queue.forgetWorkers(db, [...workerIds]).catch((err) => log.warn({ err }, 'could not forget heartbeat'));
      await utils.release();
    },
  };
}
