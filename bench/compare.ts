/**
 * Intake before and after a change, measured in one run (issue 32): an earlier commit's build and
 * the current one, as two service processes on one database, with the ceiling, loaded in turns.
 * On a shared machine the speed of everything drifts by a fifth from one minute to the next, so
 * two separate `npm run bench` runs cannot show a change of that size; here every round measures
 * ceiling, before and after back to back (in alternating order), and each figure is the mean over
 * the rounds. Beside req/s, each run's CPU per answered request (Linux's /proc): the server under
 * load, PostgreSQL, and the rest of the machine, to say where a gap to the ceiling lies.
 *
 *   npm run bench:compare -- --before b68bf39                  # embedded PostgreSQL
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:compare -- --before HEAD~3
 *
 * Options: --before (a commit; required), --rounds (6), --duration seconds per run (4),
 * --connections (20), --node-options (NODE_OPTIONS of both services; default the heap cap
 * `npm start` sets, as npm run bench), --out (bench/results/compare). The earlier commit is
 * checked out in a temporary worktree (sharing this node_modules) and built there; both services
 * run compiled, with the bench's intake settings; the earlier one starts first, so the database is
 * migrated by both (a later migration must keep an earlier build working, as an in-place upgrade does).
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startFakeTwilio } from '../test/support/fake-twilio.js';
import { startService, type ServiceProcess } from '../test/support/service-process.js';
import {
  apiIntakeSpec,
  BENCH_DIR,
  CEILING_TABLE_SQL,
  formIntakeSpec,
  type LoadSpec,
  OFFICE_HOURS,
  provideDatabase,
  REPO_ROOT,
  runIfMain,
  runLoad,
  startCeiling,
  stopHelper,
} from './lib.js';

const { values: args } = parseArgs({
  options: {
    before: { type: 'string' },
    rounds: { type: 'string', default: '6' },
    duration: { type: 'string', default: '4' },
    connections: { type: 'string', default: '20' },
    'node-options': { type: 'string', default: '--max-old-space-size=192' },
    out: { type: 'string' },
  },
});
const ROUNDS = Number(args.rounds);
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const OUT = resolve(args.out ?? join(BENCH_DIR, 'results', 'compare'));

const log = (line: string) => console.log(`[compare ${new Date().toISOString().slice(11, 19)}] ${line}`);
const git = (...a: string[]) => execFileSync('git', a, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();

/** CPU seconds each process has used (utime + stime from /proc/<pid>/stat), with its command name; empty off Linux. */
async function processCpu(): Promise<Map<number, { comm: string; seconds: number }>> {
  const out = new Map<number, { comm: string; seconds: number }>();
  const ticks = 100; // USER_HZ: 100 on every Linux this runs on
  for (const name of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => null);
    if (!stat) continue; // exited meanwhile
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(Number(name), {
      comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      seconds: (Number(fields[11]) + Number(fields[12])) / ticks,
    });
  }
  return out;
}

/** The whole machine's busy CPU seconds (/proc/stat: all but idle and iowait); 0 off Linux. */
async function machineCpu(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8').catch(() => '')).split('\n')[0];
  const v = line.split(/\s+/).slice(1).map(Number);
  return v.length > 7 ? (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / 100 : 0;
}

/**
 * Where a run's CPU went, in µs per answered request: the server under load (its process), every
 * PostgreSQL process (those that started during the run counted whole), and the rest of the machine
 * (the load generator, the kernel's loopback, this script, the other idle server and its job runner).
 */
interface CpuSplit {
  server: number;
  postgres: number;
  rest: number;
}
function cpuSplit(
  before: Map<number, { comm: string; seconds: number }>,
  after: Map<number, { comm: string; seconds: number }>,
  machine: number,
  serverPid: number,
  requests: number,
): CpuSplit {
  const used = (pid: number) => (after.get(pid)?.seconds ?? 0) - (before.get(pid)?.seconds ?? 0);
  let postgres = 0;
  for (const [pid, p] of after) if (p.comm === 'postgres') postgres += used(pid);
  const server = used(serverPid);
  const per = (seconds: number) => Math.round((seconds / Math.max(1, requests)) * 1e6);
  return { server: per(server), postgres: per(postgres), rest: per(machine - server - postgres) };
}

async function main(): Promise<void> {
  if (!args.before) throw new Error('--before <commit> is required');
  const beforeRev = git('rev-parse', '--short', args.before);
  const afterRev = git('rev-parse', '--short', 'HEAD');
  const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
  const cleanups: Array<() => Promise<unknown>> = [];
  const helpers: ChildProcess[] = [];
  const services: ServiceProcess[] = [];
  try {
    // The earlier build, in a worktree of its own that shares this checkout's node_modules.
    const tree = await mkdtemp(join(os.tmpdir(), 'pressdesk-compare-'));
    cleanups.push(async () => {
      git('worktree', 'remove', '--force', tree);
      await rm(tree, { recursive: true, force: true });
    });
    git('worktree', 'add', '--detach', '--force', tree, beforeRev);
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(tree, 'node_modules'));
    log(`building ${beforeRev} in ${tree} and the current tree (${afterRev}${dirty ? ' with changes' : ''})…`);
    execFileSync('npm', ['run', 'build'], { cwd: tree, stdio: 'inherit' });
    execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });

    const database = await provideDatabase(cleanups);
    const fake = await startFakeTwilio();
    cleanups.push(() => fake.close());
    const logDir = await mkdtemp(join(os.tmpdir(), 'pressdesk-compare-logs-'));
    cleanups.push(() => rm(logDir, { recursive: true, force: true }));
    const start = async (name: 'before' | 'after', root: string) => {
      const s = await startService({
        root,
        logFile: join(logDir, `${name}.log`),
        databaseUrl: database.url,
        twilio: fake,
        mode: 'all',
        name,
        build: 'compiled',
        logLevel: 'info',
        config: { office: { hours: OFFICE_HOURS }, intake: { rateLimit: null } },
        env: args['node-options'] ? { NODE_OPTIONS: args['node-options'] } : {},
      });
      services.push(s);
      return s;
    };
    const before = await start('before', tree);
    const after = await start('after', REPO_ROOT);

    const c = new pg.Client({ connectionString: database.url });
    await c.connect();
    await c.query(CEILING_TABLE_SQL).finally(() => c.end());
    const { child: ceilingProc, port: ceilingPort } = await startCeiling(database.url);
    helpers.push(ceilingProc);

    const api = (base: string, title: string) => apiIntakeSpec(base, title, CONNECTIONS, DURATION);
    const specs: LoadSpec[] = [
      api(`http://127.0.0.1:${ceilingPort}`, 'ceiling'),
      api(before.baseUrl!, 'API before'),
      api(after.baseUrl!, 'API after'),
      formIntakeSpec(before.baseUrl!, 'form before', CONNECTIONS, DURATION),
      formIntakeSpec(after.baseUrl!, 'form after', CONNECTIONS, DURATION),
    ];
    for (const s of specs) await runLoad({ ...s, title: `${s.title} (warm-up)`, duration: 2 });
    const serverPid: Record<string, number> = {
      ceiling: ceilingProc.pid!,
      'API before': before.pid,
      'API after': after.pid,
      'form before': before.pid,
      'form after': after.pid,
    };
    const perRound: Array<Record<string, number>> = [];
    const cpu: Record<string, CpuSplit[]> = {};
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order, so neither side always follows the other's backlog.
      const order = round % 2 ? [...specs].reverse() : specs;
      const figures: Record<string, number> = {};
      for (const s of order) {
        const [procs0, machine0] = [await processCpu(), await machineCpu()];
        const r = await runLoad(s);
        const [procs1, machine1] = [await processCpu(), await machineCpu()];
        cpu[s.title] = [
          ...(cpu[s.title] ?? []),
          cpuSplit(procs0, procs1, machine1 - machine0, serverPid[s.title], r.expected),
        ];
        if (r.unexpected > 0) throw new Error(`${s.title}: ${r.unexpected} unexpected answers`);
        figures[s.title] = r.reqPerSec;
      }
      perRound.push(figures);
      log(
        `round ${round + 1} of ${ROUNDS}: ${specs.map((s) => `${s.title} ${Math.round(figures[s.title])}`).join(', ')}`,
      );
    }
    const mean = (title: string) => perRound.reduce((sum, f) => sum + f[title], 0) / perRound.length;
    const ceiling = mean('ceiling');
    const meanCpu = (title: string, k: keyof CpuSplit) =>
      Math.round(cpu[title].reduce((sum, c) => sum + c[k], 0) / cpu[title].length);
    const rows = specs.map((s) => ({
      title: s.title,
      reqPerSec: Math.round(mean(s.title)),
      ratio: mean(s.title) / ceiling,
      cpuUsPerRequest: {
        server: meanCpu(s.title, 'server'),
        postgres: meanCpu(s.title, 'postgres'),
        rest: meanCpu(s.title, 'rest'),
      },
    }));
    const change = (kind: 'API' | 'form') => mean(`${kind} after`) / mean(`${kind} before`) - 1;
    const meta = {
      measured: new Date().toISOString(),
      command: `npm run bench:compare -- --before ${args.before}`,
      before: beforeRev,
      after: `${afterRev}${dirty ? ' (with uncommitted changes)' : ''}`,
      machine: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}`,
      database: database.where,
      load: `${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} rounds in alternating order, after a 2 s warm-up each; NODE_OPTIONS=${args['node-options'] || '(none)'}`,
    };
    const md = [
      '# Intake before and after',
      '',
      ...Object.entries(meta).map(([k, v]) => `- **${k}:** ${v}`),
      '',
      '| run | req/s (mean of rounds) | × ceiling | CPU µs per request: server | PostgreSQL | rest of the machine |',
      '|---|---:|---:|---:|---:|---:|',
      ...rows.map(
        (r) =>
          `| ${r.title} | ${r.reqPerSec.toLocaleString('en-GB')} | ${r.ratio.toFixed(2)} | ${r.cpuUsPerRequest.server} | ${r.cpuUsPerRequest.postgres} | ${r.cpuUsPerRequest.rest} |`,
      ),
      '',
      `API ${change('API') >= 0 ? '+' : ''}${(change('API') * 100).toFixed(0)} %, form ${change('form') >= 0 ? '+' : ''}${(change('form') * 100).toFixed(0)} % (after ÷ before, same rounds).`,
      '',
      `| round | ${specs.map((s) => s.title).join(' | ')} |`,
      `|---|${specs.map(() => '---:').join('|')}|`,
      ...perRound.map((f, i) => `| ${i + 1} | ${specs.map((s) => Math.round(f[s.title])).join(' | ')} |`),
      '',
    ].join('\n');
    await writeFile(`${OUT}.json`, JSON.stringify({ meta, rows, perRound, cpu }, null, 2));
    await writeFile(`${OUT}.md`, md);
    process.stdout.write(`${md}\n`);
  } finally {
    for (const h of helpers) await stopHelper(h).catch(() => undefined);
    for (const s of services) await s.stop().catch(() => undefined);
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
}

runIfMain(import.meta.url, main);
