/**
 * The real Press Desk service as a child process, for process-level tests (kill -9, several
 * workers) and the paging benchmark. Free of vitest so scripts can use it too.
 *
 * Each process runs `node --import tsx src/main.ts [--web|--worker]`: one node process (the `tsx`
 * binary would start node as a grandchild, and a SIGKILL sent to it would not reach the service).
 * It gets a free port on 127.0.0.1, the fake Twilio's credentials and a PRESSDESK_CONFIG file that
 * keeps the office always closed (every day `[]`, no holidays needed) with `onCall.bundleSeconds: 0`,
 * so any urgent enquiry pages at once, one SMS per page, whatever the real date.
 *
 * Every process started here is remembered until it exits: `stopAllServices()` (call it in
 * afterEach/afterAll) stops them, and a process `exit` hook SIGKILLs any that are left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deepMerge } from '../../src/config.js';
import { freePort } from '../../src/db/embedded.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PRESS_OFFICE_NUMBER = '+447700100200';
/**
 * `onCall.fallbackNumber` of every service process: who is paged when nobody is on the rota. A
 * mobile, so that its pages are texts (the shipped 03 line cannot take texts and is called:
 * test/scenarios/landline-fallback.test.ts).
 */
export const FALLBACK_NUMBER = '+447911250099';

/** PRESSDESK_CONFIG of every service process, before `config` overrides. */
export const ALWAYS_CLOSED_CONFIG = {
  office: {
    hours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
    closures: [],
  },
  onCall: { bundleSeconds: 0, fallbackNumber: FALLBACK_NUMBER },
  // Every request of these scenarios comes from 127.0.0.1, and they count pages: the per-address
  // page limit would stop paging after the tenth urgent enquiry.
  intake: { pageRateLimit: null },
} as const;

export type ServiceMode = 'all' | 'web' | 'worker';

/** What a service process needs to reach Twilio (a `FakeTwilio` fits). */
export interface TwilioTarget {
  baseUrl: string;
  accountSid: string;
  authToken: string;
}

export interface ServiceOptions {
  databaseUrl: string;
  twilio: TwilioTarget;
  /** `all` = `npm start` (web + job runner), `web` = `--web`, `worker` = `--worker`. Default `all`. */
  mode?: ServiceMode;
  /** Label in failure output. Default: the mode. */
  name?: string;
  /** Deep-merged over ALWAYS_CLOSED_CONFIG (objects by key, arrays replace). */
  config?: Record<string, unknown>;
  /** HTTP port (web and all); default a free one. */
  port?: number;
  /**
   * pino level. Default `warn`, except `info` for `worker` mode: a worker has no HTTP endpoint,
   * so it is ready when it logs "job runner started", an info line.
   */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug';
  /** Extra environment (wins over everything else). */
  env?: Record<string, string>;
  /**
   * `source` (default) runs `src/main.ts` through tsx, as `npm start` does; `compiled` runs
   * `dist/main.js` from `npm run build`, as the Dockerfile does (the benchmarks measure that).
   */
  build?: 'source' | 'compiled';
  /**
   * The checkout to run (its `dist/` or `src/`); default this one. `npm run bench:compare` runs an
   * earlier commit's build from a worktree beside the current one.
   */
  root?: string;
  /** Flags for node itself, before the entry point (e.g. `--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
  /**
   * Where the process writes stdout and stderr, straight from the child, instead of a pipe to this
   * process: the benchmarks use it, so that reading and parsing the service's log lines does not
   * take CPU from the service being measured. `output()` and `logs()` then read the file.
   */
  logFile?: string;
  /** How long to wait until ready (ms). Default 45 000 (the first start transpiles with tsx). */
  startTimeoutMs?: number;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One running (or exited) service process. */
export interface ServiceProcess {
  readonly name: string;
  readonly mode: ServiceMode;
  readonly pid: number;
  /** HTTP port (also set for workers, which do not listen). */
  readonly port: number;
  /** `http://127.0.0.1:PORT`, or null for a worker. */
  readonly baseUrl: string | null;
  readonly exited: boolean;
  /** Everything the process wrote to stdout and stderr so far, interleaved in arrival order. */
  output(): string;
  /** The pino JSON lines of stdout, parsed (other lines skipped). */
  logs(): Array<Record<string, unknown>>;
  /** Sends a signal (default SIGKILL) if the process is still running. */
  kill(signal?: NodeJS.Signals): void;
  /** Resolves when the process has exited; rejects after `timeoutMs` (default 20 000). */
  waitForExit(timeoutMs?: number): Promise<ExitStatus>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs` (default 5 000); resolves on exit. */
  stop(graceMs?: number): Promise<ExitStatus>;
}

const MAX_OUTPUT_CHARS = 2_000_000;
/** Running children and their config folders. */
const live = new Map<ChildProcess, string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort (a test file that crashed before its hooks ran): no stray service processes.
  process.once('exit', () => {
    for (const [child, configDir] of live) {
      child.kill('SIGKILL');
      rmSync(configDir, { recursive: true, force: true });
    }
  });
}

/** Environment of the parent minus what would confuse the child (test runner hooks, our own settings). */
function baseEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (k === 'NODE_OPTIONS' || k.startsWith('VITEST') || k.startsWith('PRESSDESK_') || k.startsWith('TWILIO_'))
      continue;
    if (
      k === 'DATABASE_URL' ||
      k === 'DATABASE_LISTEN_URL' ||
      k === 'PORT' ||
      k === 'HOST' ||
      k === 'PUBLIC_BASE_URL' ||
      k === 'LOG_LEVEL'
    )
      continue;
    out[k] = v;
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the service and resolves once it is ready: `GET /healthz` answers 200 (web, all), or
 * it logged "job runner started" (worker). Rejects with its output if it exits or is not ready
 * in time (and kills it).
 */
export async function startService(opts: ServiceOptions): Promise<ServiceProcess> {
  installExitHook();
  const mode = opts.mode ?? 'all';
  const name = opts.name ?? mode;
  const port = opts.port ?? (await freePort());
  const logLevel = opts.logLevel ?? (mode === 'worker' ? 'info' : 'warn');
  const configDir = mkdtempSync(join(tmpdir(), 'pressdesk-proc-'));
  const configPath = join(configDir, 'config.json');
  writeFileSync(configPath, JSON.stringify(deepMerge(ALWAYS_CLOSED_CONFIG, opts.config ?? {}), null, 2));

  const env: Record<string, string> = {
    ...baseEnv(),
    DATABASE_URL: opts.databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    TWILIO_ACCOUNT_SID: opts.twilio.accountSid,
    TWILIO_AUTH_TOKEN: opts.twilio.authToken,
    TWILIO_PHONE_NUMBER: PRESS_OFFICE_NUMBER,
    TWILIO_API_BASE_URL: opts.twilio.baseUrl,
    LOG_LEVEL: logLevel,
    PRESSDESK_CONFIG: configPath,
    ...opts.env,
  };
  const entry = opts.build === 'compiled' ? ['dist/main.js'] : ['--import', 'tsx', 'src/main.ts'];
  const args = [
    ...(opts.nodeArgs ?? []),
    ...entry,
    ...(mode === 'web' ? ['--web'] : mode === 'worker' ? ['--worker'] : []),
  ];
  const logFd = opts.logFile ? openSync(opts.logFile, 'a') : null;
  const child = spawn(process.execPath, args, {
    cwd: opts.root ?? REPO_ROOT,
    env,
    stdio: logFd === null ? ['ignore', 'pipe', 'pipe'] : ['ignore', logFd, logFd],
  });
  if (logFd !== null) closeSync(logFd);
  live.set(child, configDir);

  let output = '';
  const append = (s: string) => {
    output += s;
    if (output.length > MAX_OUTPUT_CHARS) output = output.slice(output.length - MAX_OUTPUT_CHARS);
  };
  const logs: Array<Record<string, unknown>> = [];
  const logWaiters: Array<{ test: (line: Record<string, unknown>) => boolean; resolve: () => void }> = [];
  let partial = '';
  const fromFile = opts.logFile;
  // With a log file the child writes it directly: read on demand, never in the load's way.
  const fileText = () => (fromFile && existsSync(fromFile) ? readFileSync(fromFile, 'utf8') : '');
  const fileLogs = () =>
    fileText()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    append(chunk);
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        logs.push(parsed);
        for (const w of [...logWaiters]) {
          if (w.test(parsed)) {
            logWaiters.splice(logWaiters.indexOf(w), 1);
            w.resolve();
          }
        }
      } catch {
        /* not a log line */
      }
    }
  });
  child.stderr?.on('data', (chunk: string) => append(chunk));

  let status: ExitStatus | null = null;
  const exited = new Promise<ExitStatus>((resolveExit) => {
    child.once('exit', (code, signal) => {
      status = { code, signal };
      live.delete(child);
      rmSync(configDir, { recursive: true, force: true });
      resolveExit(status);
    });
  });
  // A spawn failure (e.g. ENOENT) emits 'error' and maybe no 'exit'.
  child.once('error', (err) => {
    append(`\n[spawn error] ${err.message}\n`);
  });

  const proc: ServiceProcess = {
    name,
    mode,
    pid: child.pid ?? -1,
    port,
    baseUrl: mode === 'worker' ? null : `http://127.0.0.1:${port}`,
    get exited() {
      return status !== null;
    },
    output: () => (fromFile ? fileText().slice(-MAX_OUTPUT_CHARS) : output),
    logs: () => (fromFile ? fileLogs() : logs),
    kill(signal = 'SIGKILL') {
      if (status === null) child.kill(signal);
    },
    async waitForExit(timeoutMs = 20_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${name} (pid ${child.pid}) did not exit within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async stop(graceMs = 5_000) {
      if (status !== null) return status;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };

  const timeoutMs = opts.startTimeoutMs ?? 45_000;
  const deadline = Date.now() + timeoutMs;
  const fail = async (why: string): Promise<never> => {
    child.kill('SIGKILL');
    await exited;
    throw new Error(
      `${name}: ${why}\n--- output of ${name} (pid ${child.pid}) ---\n${proc.output()}\n--- end of output ---`,
    );
  };

  if (mode === 'worker') {
    const started = new Promise<void>((resolveStarted) => {
      const test = (l: Record<string, unknown>) => l.msg === 'job runner started';
      if (fromFile) {
        // Until it started or exited (the race below sees an exit); unref'd, so a timeout leaves nothing running.
        const poll = setInterval(() => {
          if (status !== null) return clearInterval(poll);
          if (!fileLogs().some(test)) return;
          clearInterval(poll);
          resolveStarted();
        }, 100).unref();
        return;
      }
      if (logs.some(test)) return resolveStarted();
      logWaiters.push({ test, resolve: resolveStarted });
    });
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      started.then(() => 'ready' as const),
      exited.then(() => 'exited' as const),
      new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (outcome === 'exited') return fail(`exited before the job runner started (${JSON.stringify(status)})`);
    if (outcome === 'timeout') return fail(`job runner did not start within ${timeoutMs} ms`);
    return proc;
  }

  while (Date.now() < deadline) {
    if (status !== null) return fail(`exited before answering /healthz (${JSON.stringify(status)})`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.ok) return proc;
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  return fail(`/healthz did not answer within ${timeoutMs} ms`);
}

/** Stops every service process started here that is still running (SIGTERM, then SIGKILL). */
export async function stopAllServices(graceMs = 5_000): Promise<void> {
  await Promise.all(
    [...live.keys()].map(
      (child) =>
        new Promise<void>((resolveStop) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolveStop();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** Output of several processes, labelled, for a failure message. */
export function describeOutputs(procs: Iterable<ServiceProcess>): string {
  return [...procs]
    .map((p) => `--- ${p.name} (pid ${p.pid}, ${p.exited ? 'exited' : 'running'}) ---\n${p.output() || '(no output)'}`)
    .join('\n');
}

/** Polls `check` every `intervalMs` until it returns a truthy value; rejects with `what` after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs: number,
  intervalMs = 200,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() >= deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
