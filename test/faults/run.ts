/**
 * `npm run test:faults`: the fault scenarios of issue 7, against the real service in child
 * processes, a PostgreSQL server of this script's own and a fake Twilio, all on 127.0.0.1.
 *
 *   npm run test:faults                      every scenario
 *   npm run test:faults -- pg-restart slow   only those (by key prefix)
 *   FAULTS_SEED=123 npm run test:faults      replay the random moments of a run
 *
 * Each scenario has a time budget (90 s at most) and prints what it did and what it counted; it
 * fails on any loss, duplicate or broken promise. The last line is `faults: N passed, N failed`;
 * the exit status is 1 when anything failed.
 */
import { stopAllServices } from '../support/service-process.js';
import { kill9 } from './kill9.js';
import { pgRestart } from './pg-restart.js';
import { slowClients } from './slow-clients.js';
import {
  Report,
  sleep,
  startOwnPostgres,
  type OwnPostgres,
  type Scenario,
  type ServiceProcessLike,
} from './support.js';
import { twilioDown } from './twilio-down.js';

const SCENARIOS: Scenario[] = [pgRestart, twilioDown, kill9, slowClients];
/** The whole script must end within this, whatever happens. */
const SCRIPT_BUDGET_MS = 6 * 60_000;

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

async function runScenario(s: Scenario, pg: OwnPostgres, seed: number): Promise<Report> {
  const report = new Report(s.title);
  const controller = new AbortController();
  const cleanups: Array<() => unknown> = [];
  const watched: ServiceProcessLike[] = [];
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  out(`\n=== ${s.title} (budget ${s.budgetMs / 1000} s, seed ${seed}) ===`);
  let timer: NodeJS.Timeout | undefined;
  try {
    const budget = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`did not finish within its ${s.budgetMs / 1000} s budget`));
      }, s.budgetMs);
    });
    await Promise.race([
      s.run(
        {
          pg,
          signal: controller.signal,
          seed,
          remaining: () => s.budgetMs - (performance.now() - started),
          log: (line) => out(`  [${(elapsed() / 1000).toFixed(1).padStart(5)} s] ${line}`),
          onCleanup: (fn) => cleanups.push(fn),
          watch: (p) => watched.push(p),
        },
        report,
      ),
      budget,
    ]);
  } catch (err) {
    report.check(false, `scenario error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  if (!report.passed) {
    for (const p of watched) {
      // Warnings and errors only (a worker logs every job at info).
      const lines = p
        .output()
        .trim()
        .split('\n')
        .filter((l) => !/^\{"level":(10|20|30),/.test(l));
      const text = lines.slice(-25).join('\n') || '(nothing above info)';
      out(
        `  --- last output of ${p.name} (pid ${p.pid}, ${p.exited ? 'exited' : 'running'}) ---\n${text.replace(/^/gm, '  | ')}`,
      );
    }
  }
  for (const fn of cleanups.reverse()) {
    try {
      await Promise.race([fn(), sleep(10_000)]);
    } catch (err) {
      out(`  (cleanup: ${(err as Error).message})`);
    }
  }
  await stopAllServices(3_000);
  if (!pg.running) await pg.start().catch((err: Error) => out(`  (could not restart PostgreSQL: ${err.message})`));

  const width = Math.max(...report.counts.map(([k]) => k.length), 10);
  for (const [k, v] of report.counts) out(`  ${k.padEnd(width)}  ${v}`);
  for (const n of report.notes) out(`  note: ${n}`);
  for (const f of report.failures) out(`  FAIL: ${f}`);
  out(`  ${report.passed ? 'PASSED' : 'FAILED'} in ${(elapsed() / 1000).toFixed(1)} s`);
  return report;
}

let passed = 0;
let failed = 0;
let planned = 0;
let ownPg: OwnPostgres | null = null;

async function main(): Promise<number> {
  const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const chosen = filters.length ? SCENARIOS.filter((s) => filters.some((f) => s.key.startsWith(f))) : SCENARIOS;
  if (!chosen.length) {
    out(`no scenario matches ${filters.join(', ')}; scenarios: ${SCENARIOS.map((s) => s.key).join(', ')}`);
    return 2;
  }
  const seed = Number(process.env.FAULTS_SEED ?? Math.floor(Math.random() * 1_000_000));
  out(`fault scenarios: ${chosen.map((s) => s.key).join(', ')} (FAULTS_SEED=${seed})`);
  planned = chosen.length;
  const pg = await startOwnPostgres();
  ownPg = pg;
  out(`PostgreSQL of the fault script on 127.0.0.1:${pg.port}`);
  try {
    for (const s of chosen) {
      const r = await runScenario(s, pg, seed);
      if (r.passed) passed += 1;
      else failed += 1;
    }
  } finally {
    await stopAllServices(3_000);
    await pg.destroy();
  }
  out(`\nfaults: ${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

const watchdog = setTimeout(() => {
  out(`\nfault script exceeded ${SCRIPT_BUDGET_MS / 60_000} minutes; giving up`);
  out(`faults: ${passed} passed, ${Math.max(1, planned - passed)} failed`);
  void stopAllServices(2_000)
    .then(() => Promise.race([ownPg?.destroy(), sleep(5_000)]))
    .finally(() => process.exit(1));
}, SCRIPT_BUDGET_MS);
watchdog.unref();

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    out(`fault script crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    out(`faults: ${passed} passed, ${Math.max(1, planned - passed)} failed`);
    process.exit(1);
  },
);
