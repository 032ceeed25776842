/**
 * `npm run mutation [-- --target <name> | <stryker options>]`: StrykerJS on the core promise
 * (stryker.config.mjs), incrementally, then bench/mutation/README.md from the results.
 *
 * Stryker writes its incremental file with only the files of this run; a run on one folder
 * (`--mutate 'src/hours/**\/*.ts'`) would forget every other folder's results. So the previous
 * file is read first and the files this run did not mutate are put back. `--mutate` without
 * `--testFiles` takes the tests of the matching target in stryker.config.mjs
 * (through MUTATION_TESTS: see vitest.mutation.config.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { summary, type MutationReport } from './summary.js';

const INCREMENTAL = 'bench/mutation/stryker-incremental.json';
const SUMMARY = 'bench/mutation/README.md';

function readReport(path: string): MutationReport | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as MutationReport) : null;
}

/** A line of `targets` in stryker.config.mjs: its name, the files it mutates (Stryker globs, comma-separated) and its tests. */
export interface Target {
  name: string;
  mutate: string;
  tests: string[];
}

/**
 * Whether the target glob `target` takes in `mutate`: the same glob, a glob under its folder, or
 * a file it matches (`*` within a name, `**` across folders: the forms stryker.config.mjs uses).
 */
function covers(target: string, mutate: string): boolean {
  if (target === mutate) return true;
  const folder = target.endsWith('/**/*.ts') ? target.slice(0, -'**/*.ts'.length) : null;
  if (folder !== null && mutate.startsWith(folder) && mutate.endsWith('.ts')) return true;
  const pattern = target
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*\//g, '\u0000')
    .replace(/\*/g, '[^/]*')
    .replace(/\u0000/g, '(?:.*/)?');
  return new RegExp(`^${pattern}$`).test(mutate);
}

/**
 * `args` with `--target <name>[,<name>…]` replaced by `--mutate` with those targets' files;
 * throws naming the unknown target and the known ones.
 */
export function expandTargets(args: string[], targets: Target[]): string[] {
  const at = args.indexOf('--target');
  if (at < 0) return args;
  const names = (args[at + 1] ?? '').split(',').filter(Boolean);
  const chosen = names.map((n) => {
    const t = targets.find((x) => x.name === n);
    if (!t) throw new Error(`--target ${n}: no such target (there are ${targets.map((x) => x.name).join(', ')})`);
    return t;
  });
  if (!chosen.length) throw new Error(`--target needs a name (there are ${targets.map((x) => x.name).join(', ')})`);
  return [...args.slice(0, at), '--mutate', chosen.map((t) => t.mutate).join(','), ...args.slice(at + 2)];
}

/**
 * The tests for `args`: when it names files or globs to mutate (`--mutate`, comma-separated), the
 * tests of the first target covering each; null (every in-process test) when some file is in no
 * target, or there is no `--mutate`.
 */
export function testsFor(args: string[], targets: Target[]): string[] | null {
  const at = args.findIndex((a) => a === '--mutate' || a === '-m');
  if (at < 0) return null;
  const tests = new Set<string>();
  for (const mutate of (args[at + 1] ?? '').split(',')) {
    const target = targets.find((t) => t.mutate.split(',').some((glob) => covers(glob, mutate)));
    if (!target) return null;
    for (const t of target.tests) tests.add(t);
  }
  return [...tests];
}

async function main() {
  // Imported by path: the config is plain JavaScript for Stryker, outside the typecheck.
  const config = pathToFileURL('stryker.config.mjs').href;
  const { targets } = (await import(config)) as { targets: Target[] };
  const before = readReport(INCREMENTAL);
  const args = expandTargets(process.argv.slice(2), targets);
  // Narrowed through vitest.mutation.config.ts, not Stryker's --testFiles (see there why).
  const tests = args.includes('--testFiles') ? null : testsFor(args, targets);
  console.log(`${tests ? `MUTATION_TESTS=${tests.join(',')} ` : ''}stryker run ${args.join(' ')}`);
  const env = tests ? { ...process.env, MUTATION_TESTS: tests.join(',') } : process.env;
  const run = spawnSync('npx', ['stryker', 'run', ...args], { stdio: 'inherit', env });
  const after = readReport(INCREMENTAL);
  if (after && before) {
    // Put back what this run did not mutate (its results still stand: their files did not change here).
    for (const [file, result] of Object.entries(before.files)) after.files[file] ??= result;
    after.testFiles ??= {};
    for (const [file, result] of Object.entries(before.testFiles ?? {})) after.testFiles[file] ??= result;
    writeFileSync(INCREMENTAL, `${JSON.stringify(after, null, 2)}\n`);
  }
  if (after) writeFileSync(SUMMARY, summary(after));
  process.exit(run.status ?? 1);
}

// Run only as the script itself: importing it (a test of testsFor) must not start Stryker.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
