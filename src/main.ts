import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createDb, createPool } from './db/database.js';
import { EmbeddedPostgresError } from './db/embedded.js';
import { resolveDatabase } from './db/resolve.js';
import { migrateDatabase } from './db/migrations.js';
import { FIRST_MANAGER_HINT } from './desk/users.service.js';
import { createLogger } from './log.js';
import { pagingStatus } from './oncall/paging-status.js';
import { warnNumbersWithoutTexts } from './oncall/text-reach.js';
import { startJobRunner } from './jobs/runner.js';
import { CRONTAB, RETRY_CAP, taskList } from './tasks.js';
import { buildServices } from './services.js';
import { ImapWatcher } from './email/imap.watcher.js';

type Mode = 'all' | 'web' | 'worker';

async function main(): Promise<void> {
  const mode: Mode = process.argv.includes('--web') ? 'web' : process.argv.includes('--worker') ? 'worker' : 'all';
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const started = performance.now();
  const { url, listenUrl, embedded } = await resolveDatabase(config, log);
  const onError = (err: Error) => log.warn({ err }, 'idle database connection lost');
  // DATABASE_LISTEN_URL set apart says DATABASE_URL is a transaction-mode pooler, which may not
  // follow a named statement from one server session to the next: then every statement goes unnamed.
  const pool = createPool(url, { onError, namedStatements: listenUrl === url });
  const db = createDb(pool);
  // The migration lock is held by a session: taken on the listen URL (never a transaction pooler).
  const applied = await migrateDatabase(listenUrl);
  if (applied.length) log.info({ applied }, 'migrations applied');

  const services = buildServices({ config, db, pool, databaseUrl: url, listenUrl, clock: systemClock, log });
  if (await services.users.ensureFirstManager(config.admin))
    log.info({ email: config.admin?.email }, 'first manager created from PRESSDESK_ADMIN_EMAIL');
  else if (mode !== 'worker' && !(await services.users.anyExists())) log.warn(FIRST_MANAGER_HINT);
  const paging = pagingStatus(config);
  if (!paging.on) {
    log.warn(
      { missing: paging.missing },
      `paging is off: ${paging.missing.join(', ')} not set, so urgent enquiries out of hours page nobody; journalists are told to call the out-of-hours line instead`,
    );
  }
  warnNumbersWithoutTexts(config, await services.rota.listPeople(), log);
  await services.reports.syncCalendar();
  // graphile-worker LISTENs on a connection of its pool and prepares its statements by name, so
  // behind a transaction pooler (DATABASE_LISTEN_URL set apart) its pool is its own, on the listen
  // URL: 16 jobs at once and the LISTEN. Its jobs' own work goes through `db` as everything else.
  const queuePool = mode === 'web' ? null : listenUrl === url ? pool : createPool(listenUrl, { max: 17, onError });
  const runner = queuePool
    ? await startJobRunner({
        pool: queuePool,
        db,
        log,
        taskList: taskList(services),
        crontab: CRONTAB,
        retryCap: RETRY_CAP,
      })
    : null;
  if (runner) log.info({ mode }, 'job runner started');
  // Where sends happen, their channels are checked at once (Twilio's account look-up, the SMTP
  // login), in the background: a wrong token shows on the desk within seconds, not at the first
  // page. The mailbox is measured by the watcher's first session, just below.
  if (mode !== 'web') void services.health.checkAtStart();
  // The shared mailbox is read where jobs run. Intake needs only IMAP: without SMTP nothing is
  // acknowledged by email, but no enquiry waits in an inbox beside the system.
  let watcher: ImapWatcher | null = null;
  if (mode !== 'web' && config.email.imap) {
    watcher = new ImapWatcher({
      db,
      config,
      intake: services.emailIntake,
      log,
      health: (outcome) => services.health.note('mailbox', outcome),
    });
    watcher.start();
    log.info(
      { mailbox: config.email.mailbox, processedFolder: config.email.processedFolder },
      'reading the shared mailbox',
    );
  } else if (mode !== 'web') {
    log.warn(
      'email intake is off: IMAP_URL (or IMAP_HOST and IMAP_USER) with IMAP_PASSWORD or IMAP_ACCESS_TOKEN not set',
    );
  }
  let server: Server | null = null;
  if (mode !== 'worker') {
    const app = createApp(services);
    server = serve({ fetch: app.fetch, port: config.port, hostname: process.env.HOST ?? '0.0.0.0' }) as Server;
    // Slow or stalled clients must not hold connections open indefinitely.
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve) => server!.once('listening', () => resolve()));
    log.info(
      { port: config.port, url: config.publicBaseUrl, mode, startupMs: Math.round(performance.now() - started) },
      `Press Desk listening on http://localhost:${config.port}`,
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 20_000);
    force.unref();
    try {
      if (server) {
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
      // The message in hand is committed and flagged before the database goes.
      await watcher?.stop();
      await runner?.stop();
      if (queuePool && queuePool !== pool) await queuePool.end();
      await services.live.stop();
      await db.destroy();
      if (embedded) await embedded.stop();
      log.info('stopped');
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  // Known start-up problems carry their own instructions; a stack would only bury them.
  if (err instanceof EmbeddedPostgresError) {
    process.stderr.write(`Press Desk failed to start: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(
    `Press Desk failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
