/**
 * `npm run mutation [-- <stryker options>]`: StrykerJS on the core promise (stryker.config.mjs),
 * incrementally, then bench/mutation/README.md from the results.
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

/** A line of `targets` in stryker.config.mjs. */
interface Target {
  mutate: string;
  tests: string[] | null;
}

/** Whether the target glob `target` takes in `mutate` (the same glob, or a file or glob under its folder). */
function covers(target: string, mutate: string): boolean {
  const folder = target.endsWith('/**/*.ts') ? target.slice(0, -'**/*.ts'.length) : null;
  return target === mutate || (folder !== null && mutate.startsWith(folder) && mutate.endsWith('.ts'));
}

/**
 * The tests for `args`: when it names files or globs to mutate (`--mutate`, comma-separated), the
 * tests of the first target covering each, or null for every test (a target with `tests: null`,
 * or no `--mutate`).
 */
export function testsFor(args: string[], targets: Target[]): string[] | null {
  const at = args.findIndex((a) => a === '--mutate' || a === '-m');
  if (at < 0) return null;
  const tests = new Set<string>();
  for (const mutate of (args[at + 1] ?? '').split(',')) {
    const target = targets.find((t) => covers(t.mutate, mutate));
    if (!target?.tests) return null;
    for (const t of target.tests) tests.add(t);
  }
  return [...tests];
}

async function main() {
  // Imported by path: the config is plain JavaScript for Stryker, outside the typecheck.
  const config = pathToFileURL('stryker.config.mjs').href;
  const { targets } = (await import(config)) as { targets: Target[] };
  const before = readReport(INCREMENTAL);
  const args = process.argv.slice(2);
  // Narrowed through vitest.mutation.config.ts, not Stryker's --testFiles (see there why).
  const tests = args.includes('--testFiles') ? null : testsFor(args, targets);
  console.log(`${tests ? `MUTATION_TESTS=${tests.join(',')} ` : ''}stryker run ${args.join(' ')}`);
  const env = tests ? { ...process.env, MUTATION_TESTS: tests.join(',') } : process.env;
  const run = spawnSync('npx', ['stryker', 'run', ...args], { stdio: 'inherit', env });
  const after = readReport(INCREMENTAL);
  if (after && before) {
    // Put back what this run did not mutate (its results still stand: their files did not change here).
    for (const [file, result] of Object.entries(before.files)) after.files[file] ??= result;
    for (const [file, result] of Object.entries(before.testFiles ?? {})) (after.testFiles ??= {})[file] ??= result;
    writeFileSync(INCREMENTAL, `${JSON.stringify(after, null, 2)}\n`);
  }
  if (after) writeFileSync(SUMMARY, summary(after));
  process.exit(run.status ?? 1);
}

await main();
