/**
 * A real IMAP server for the email tests: Debian's Dovecot (`dovecot-imapd`), started by the
 * test itself with a throw-away configuration in a fresh temporary folder, listening on
 * 127.0.0.1 and a free port, plain IMAP (no TLS), one test user with a password, one Maildir.
 * Mail is delivered the way the tests need it: by IMAP APPEND (imapflow).
 *
 * Who runs what: the Dovecot master runs as the current user, whoever that is. As an ordinary
 * user (the newcomer on CI) every Dovecot process and the Maildir belong to that user. As root,
 * Dovecot itself refuses two things: login processes running as root ("This process must not be
 * run as root") and mail access as root ("Mail access not allowed for root"), so those two run as
 * `nobody`, the login process chrooted into its own folder as Dovecot intends.
 *
 * Without Dovecot `startImapServer` throws ImapServerUnavailable; `describeIfImap` skips a suite
 * with IMAP_SKIP_MESSAGE unless PRESSDESK_REQUIRE_IMAP=1 (set by .ci/run), when a missing server
 * is a failure.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  chmodSync,
  chownSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { describe, it } from 'vitest';

/**
 * Dovecot's master binary. `PRESSDESK_DOVECOT_PATH` overrides it (only to try the skip and
 * must-run paths on a machine that has Dovecot: point it at a file that does not exist).
 */
export const DOVECOT_PATH = process.env.PRESSDESK_DOVECOT_PATH || '/usr/sbin/dovecot';

export const IMAP_SKIP_MESSAGE =
  "IMAP tests skipped: install Debian's Dovecot (apt-get install dovecot-imapd) to run them";

/** Thrown by startImapServer when Dovecot is not installed; the message names the package. */
export class ImapServerUnavailable extends Error {
  constructor() {
    super(`Dovecot is not installed (${DOVECOT_PATH} is missing): apt-get install dovecot-imapd`);
    this.name = 'ImapServerUnavailable';
  }
}

/** True when Dovecot is installed and executable. */
export function imapAvailable(): boolean {
  try {
    accessSync(DOVECOT_PATH, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** True when the IMAP tests must run (CI): a missing Dovecot is then a failure, not a skip. */
export function imapRequired(): boolean {
  const v = process.env.PRESSDESK_REQUIRE_IMAP;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/** What an IMAP test suite should do: `run`, `skip` (no Dovecot, not required) or `fail` (no Dovecot but required). */
export function imapPlan(): 'run' | 'skip' | 'fail' {
  if (imapAvailable()) return 'run';
  return imapRequired() ? 'fail' : 'skip';
}

/**
 * `describe` for a suite that needs Dovecot. Runs it when Dovecot is installed; otherwise skips
 * it with IMAP_SKIP_MESSAGE in its title (so every reporter shows why), or, when
 * PRESSDESK_REQUIRE_IMAP is set, replaces it with one test that fails with ImapServerUnavailable.
 */
export function describeIfImap(title: string, fn: () => void): void {
  const plan = imapPlan();
  if (plan === 'fail') {
    describe(`${title} (PRESSDESK_REQUIRE_IMAP is set)`, () => {
      it('needs Dovecot', () => {
        throw new ImapServerUnavailable();
      });
    });
    return;
  }
  if (plan === 'skip') console.warn(`\n${IMAP_SKIP_MESSAGE}\n`);
  describe.skipIf(plan === 'skip')(plan === 'skip' ? `${title} (${IMAP_SKIP_MESSAGE})` : title, fn);
}

export interface ImapServerOptions {
  /** The mailbox's login name (default `press.office@press.example.org`: the `@` tests URL encoding). */
  user?: string;
  /** Its password (default: random hex). Must not contain `:` or a line break (passwd-file format). */
  password?: string;
}

/** One message as `list` reports it. */
export interface ImapMessageSummary {
  uid: number;
  /** IMAP flags, sorted (`\Seen`, `$PressDesk`, …), without `\Recent` (it depends on which session looked first). */
  flags: string[];
  /** The Message-ID header as the envelope gives it, angle brackets included; null when absent. */
  messageId: string | null;
}

export interface ImapServer {
  host: string;
  port: number;
  user: string;
  password: string;
  /** imap://user@127.0.0.1:PORT (user URL-encoded) — for IMAP_URL. */
  url: string;
  /** The temporary folder holding the configuration, the Maildir, Dovecot's state and its log. */
  dir: string;
  /** Dovecot's log file (every process logs here): worth printing when a test fails. */
  logPath: string;
  /** Process id of the Dovecot master (changes on restart). */
  pid(): number;
  /** Delivers a raw RFC 822 message by IMAP APPEND to `mailbox` (default INBOX); returns its UID. */
  append(raw: string | Buffer, mailbox?: string): Promise<number>;
  /** UIDs, flags and Message-ID of every message in `mailbox` (default INBOX), by UID. */
  list(mailbox?: string): Promise<ImapMessageSummary[]>;
  /** Creates a folder (for "move processed mail to a folder"). */
  createFolder(name: string): Promise<void>;
  /** Stops and starts Dovecot on the same port with the same Maildir (clients see a dropped connection). */
  restart(): Promise<void>;
  /** Stops Dovecot and removes the temporary folder. Safe to call twice. */
  stop(): Promise<void>;
}

interface Account {
  /** User and group names Dovecot's own processes run as. */
  internalUser: string;
  internalGroup: string;
  /** The (unprivileged) user of the login process. */
  loginUser: string;
  /** Owner of the Maildir and of the imap processes. */
  mailUid: number;
  mailGid: number;
  /** False as root: the login process is then chrooted, as Dovecot intends. */
  noChroot: boolean;
}

function idOf(args: string[]): string {
  return execFileSync('id', args, { encoding: 'utf8' }).trim();
}

function account(): Account {
  const me = os.userInfo();
  if (me.uid !== 0) {
    return {
      internalUser: me.username,
      internalGroup: idOf(['-gn']),
      loginUser: me.username,
      mailUid: me.uid,
      mailGid: me.gid,
      noChroot: true,
    };
  }
  return {
    internalUser: 'root',
    internalGroup: idOf(['-gn', 'root']),
    loginUser: 'nobody',
    mailUid: Number(idOf(['-u', 'nobody'])),
    mailGid: Number(idOf(['-g', 'nobody'])),
    noChroot: false,
  };
}

/** True when every folder from `dir` up to / lets others through (the mail user is `nobody` as root). */
function traversableByOthers(dir: string): boolean {
  for (let p = path.resolve(dir); ; p = path.dirname(p)) {
    if ((statSync(p).mode & 0o001) === 0) return false;
    if (p === path.dirname(p)) return true;
  }
}

/** SIGKILLs every process left in the process group `pgid` (nothing if it is already empty). */
function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    /* ESRCH: nothing left */
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function configuration(dir: string, port: number, acct: Account): string {
  const chroot = acct.noChroot ? '  chroot =\n' : '';
  // Only what differs from Dovecot's defaults, plus the paths that keep it out of /etc and /run.
  return `# Throw-away Dovecot for the Press Desk tests (test/support/imap-server.ts).
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${acct.internalUser}
default_internal_group = ${acct.internalGroup}
default_login_user = ${acct.loginUser}
first_valid_uid = ${acct.mailUid}
first_valid_gid = ${acct.mailGid}
mail_location = maildir:${dir}/home/Maildir
# Tests of a wrong password should not wait the default 2 s per failure.
auth_failure_delay = 0
# Test mail is disposable: skip fsync so a thousand APPENDs take seconds, not minutes.
mail_fsync = never
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${acct.mailUid} gid=${acct.mailGid} home=${dir}/home
}
service imap-login {
${chroot}  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
${chroot}  # No auth penalty: one wrong-password test must not slow every later login from 127.0.0.1.
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
`;
}

function waitForGreeting(port: number, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      finish(new Error(`Dovecot exited while starting (code ${code}, signal ${signal}):\n${output()}`));
    };
    child.once('exit', onExit);
    const attempt = () => {
      if (settled) return;
      const sock = net.connect(port, '127.0.0.1');
      let buf = '';
      // One attempt ends once, whether by error, close or greeting; only then may the next begin.
      let over = false;
      const end = (greeted: boolean) => {
        if (over) return;
        over = true;
        sock.destroy();
        if (greeted) finish(null);
        else if (Date.now() > deadline)
          finish(new Error(`Dovecot did not greet on 127.0.0.1:${port} within ${timeoutMs} ms:\n${output()}`));
        else setTimeout(attempt, 50);
      };
      sock.setEncoding('utf8');
      sock.on('data', (d: string) => {
        buf += d;
        // The first greeting may be "* OK Waiting for authentication process to respond.." and
        // the real one follows; either means the listener is Dovecot's and is up.
        if (buf.includes('* OK')) end(true);
      });
      sock.on('error', () => end(false));
      sock.on('close', () => end(false));
    };
    attempt();
  });
}

/**
 * Starts a fresh Dovecot in a new temporary folder and resolves once it greets on its port.
 * Throws ImapServerUnavailable when Dovecot is not installed, and an Error carrying Dovecot's
 * output when it does not start. Call `stop()` (afterAll) to end it and remove the folder; a test
 * process that exits without stopping it still kills it.
 */
export async function startImapServer(opts: ImapServerOptions = {}): Promise<ImapServer> {
  if (!imapAvailable()) throw new ImapServerUnavailable();
  const user = opts.user ?? 'press.office@press.example.org';
  const password = opts.password ?? randomBytes(12).toString('hex');
  if (/[:\r\n]/.test(password) || /[:\r\n]/.test(user))
    throw new Error('IMAP test user and password must not contain ":" or line breaks');

  const acct = account();
  const root = os.userInfo().uid === 0;
  // As root the imap processes run as nobody, who must be able to reach the Maildir.
  const base = root && !traversableByOthers(os.tmpdir()) ? '/tmp' : os.tmpdir();
  const dir = mkdtempSync(path.join(base, 'pressdesk-dovecot-'));
  const home = path.join(dir, 'home');
  mkdirSync(home);
  if (root) {
    chmodSync(dir, 0o711);
    chownSync(home, acct.mailUid, acct.mailGid);
  }
  writeFileSync(path.join(dir, 'passwd'), `${user}:{PLAIN}${password}\n`, { mode: 0o600 });
  const port = await freePort();
  const confPath = path.join(dir, 'dovecot.conf');
  writeFileSync(confPath, configuration(dir, port, acct));
  const logPath = path.join(dir, 'dovecot.log');

  let child: ChildProcess | null = null;
  let sentinel: ChildProcess | null = null;
  let stopped = false;
  let output = '';
  // A test process that ends without stop() must not leave Dovecot running or its folder behind.
  const killOnExit = () => {
    if (child?.pid) killGroup(child.pid);
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* a child still writing: the folder is in the temporary directory anyway */
    }
  };
  process.on('exit', killOnExit);

  async function launch(): Promise<void> {
    output = '';
    // Its own process group, so that halt() can end every Dovecot process (see there).
    const c = spawn(DOVECOT_PATH, ['-F', '-c', confPath], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child = c;
    const keep = (d: Buffer) => {
      output = (output + d.toString('utf8')).slice(-8000);
    };
    c.stdout?.on('data', keep);
    c.stderr?.on('data', keep);
    // A test process killed outright (a timeout's SIGTERM, SIGKILL) runs no exit handler. This
    // sentinel waits for the end of its stdin, which comes when this process dies however it
    // dies, and then kills Dovecot's group and removes the folder. halt() kills the sentinel first,
    // so a restart keeps the folder.
    if (c.pid) {
      sentinel = spawn('/bin/sh', ['-c', `cat >/dev/null; kill -9 -${c.pid} 2>/dev/null; sleep 1; rm -rf '${dir}'`], {
        stdio: ['pipe', 'ignore', 'ignore'],
        // Its own group too: whatever kills this process's group (timeout, Ctrl-C) spares it.
        detached: true,
      });
      sentinel.on('error', () => {});
    }
    await waitForGreeting(port, c, () => `${output}${readLogTail(logPath)}${processGroup(c.pid)}`, 20_000).catch(
      async (err: unknown) => {
        await halt();
        throw err;
      },
    );
  }

  async function halt(): Promise<void> {
    sentinel?.kill('SIGKILL');
    sentinel = null;
    const c = child;
    if (!c?.pid) return;
    if (c.exitCode === null && c.signalCode === null) {
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      // SIGTERM: the master closes its listener and shuts down in order. It can take seconds
      // waiting for its children; a test server need not wait that long.
      c.kill('SIGTERM');
      const timer = setTimeout(() => killGroup(c.pid as number), 2_000);
      await exited;
      clearTimeout(timer);
    }
    // The master exits without waiting for its imap (and log, stats) processes: an imap process
    // would keep its client connected to the old server for seconds. Kill what is left, so a
    // client sees its connection drop at once, as when a real server goes down.
    killGroup(c.pid);
  }

  async function withClient<T>(fn: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      doSTARTTLS: false,
      auth: { user, pass: password },
      logger: false,
      disableAutoIdle: true,
    });
    // A dropped connection also rejects the pending command; unheard, the event would crash the process.
    client.on('error', () => {});
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  try {
    await launch();
  } catch (err) {
    process.off('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    url: `imap://${encodeURIComponent(user)}@127.0.0.1:${port}`,
    dir,
    logPath,
    pid: () => child?.pid ?? -1,
    append: (raw, mailbox = 'INBOX') =>
      withClient(async (client) => {
        const res = await client.append(mailbox, raw);
        if (!res || typeof res.uid !== 'number')
          throw new Error(`APPEND to ${mailbox} gave no UID (${JSON.stringify(res)})`);
        return res.uid;
      }),
    list: (mailbox = 'INBOX') =>
      withClient(async (client) => {
        const lock = await client.getMailboxLock(mailbox, { readOnly: true });
        try {
          const box = client.mailbox;
          if (!box || box.exists === 0) return [];
          const msgs = await client.fetchAll('1:*', { uid: true, flags: true, envelope: true });
          return msgs
            .map((m) => ({
              uid: m.uid,
              flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort(),
              messageId: m.envelope?.messageId ?? null,
            }))
            .sort((a, b) => a.uid - b.uid);
        } finally {
          lock.release();
        }
      }),
    createFolder: async (name) => {
      await withClient((client) => client.mailboxCreate(name));
    },
    restart: async () => {
      if (stopped) throw new Error('IMAP server already stopped');
      await halt();
      await launch();
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await halt();
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readLogTail(logPath: string): string {
  try {
    const lines = readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-40).join('\n');
    return lines ? `\n--- ${logPath} ---\n${lines}` : '';
  } catch {
    return '';
  }
}

/** The processes of a Dovecot's process group, for an error message. */
function processGroup(pgid: number | undefined): string {
  if (!pgid) return '';
  try {
    return `\n--- processes ---\n${execFileSync('ps', ['-o', 'pid,stat,etimes,args', '-g', String(pgid)], { encoding: 'utf8' })}`;
  } catch {
    return '\n--- no process left in its group ---';
  }
}
