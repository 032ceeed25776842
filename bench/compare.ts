/**
 * Intake before and after a change, measured in one run (issue 32): an earlier commit's build and
 * the current one, as two service processes on one database, with the ceiling, loaded in turns.
 * On a shared machine the speed of everything drifts by a fifth from one minute to the next, so
 * two separate `npm run bench` runs cannot show a change of that size; here every round measures
 * ceiling, before and after back to back (in alternating order), and each figure is the mean over
 * the rounds.
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
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { freePort } from '../src/db/embedded.js';
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
  startHelper,
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
    const ceilingPort = await freePort();
    helpers.push(await startHelper(join(BENCH_DIR, 'ceiling-server.ts'), { DATABASE_URL: database.url }, ceilingPort));

    const api = (base: string, title: string) => apiIntakeSpec(base, title, CONNECTIONS, DURATION);
    const specs: LoadSpec[] = [
      api(`http://127.0.0.1:${ceilingPort}`, 'ceiling'),
      api(before.baseUrl!, 'API before'),
      api(after.baseUrl!, 'API after'),
      formIntakeSpec(before.baseUrl!, 'form before', CONNECTIONS, DURATION),
      formIntakeSpec(after.baseUrl!, 'form after', CONNECTIONS, DURATION),
    ];
    for (const s of specs) await runLoad({ ...s, title: `${s.title} (warm-up)`, duration: 2 });
    const perRound: Array<Record<string, number>> = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order, so neither side always follows the other's backlog.
      const order = round % 2 ? [...specs].reverse() : specs;
      const figures: Record<string, number> = {};
      for (const s of order) {
        const r = await runLoad(s);
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
    const rows = specs.map((s) => ({
      title: s.title,
      reqPerSec: Math.round(mean(s.title)),
      ratio: mean(s.title) / ceiling,
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
      '| run | req/s (mean of rounds) | × ceiling |',
      '|---|---:|---:|',
      ...rows.map((r) => `| ${r.title} | ${r.reqPerSec.toLocaleString('en-GB')} | ${r.ratio.toFixed(2)} |`),
      '',
      `API ${change('API') >= 0 ? '+' : ''}${(change('API') * 100).toFixed(0)} %, form ${change('form') >= 0 ? '+' : ''}${(change('form') * 100).toFixed(0)} % (after ÷ before, same rounds).`,
      '',
      `| round | ${specs.map((s) => s.title).join(' | ')} |`,
      `|---|${specs.map(() => '---:').join('|')}|`,
      ...perRound.map((f, i) => `| ${i + 1} | ${specs.map((s) => Math.round(f[s.title])).join(' | ')} |`),
      '',
    ].join('\n');
    await writeFile(`${OUT}.json`, JSON.stringify({ meta, rows, perRound }, null, 2));
    await writeFile(`${OUT}.md`, md);
    process.stdout.write(`${md}\n`);
  } finally {
    for (const h of helpers) await stopHelper(h).catch(() => undefined);
    for (const s of services) await s.stop().catch(() => undefined);
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
}

runIfMain(import.meta.url, main);
