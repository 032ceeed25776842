/**
 * `npm test` must fail whenever the suite could not run: a database that cannot be reached or
 * started, or no test file at all. Each case runs the suite's real set-up (vitest.config.ts and
 * its global set-up) in a child process and looks at its exit status, which is what CI and every
 * user go by.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../src/paths.js';

const VITEST = join(ROOT_DIR, 'node_modules', 'vitest', 'vitest.mjs');
/** A small test file that needs no database, so only the set-up decides the outcome. */
const SMALL_FILE = 'test/unit/hours/format.test.ts';

const made: string[] = [];
afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

function run(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; output: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, CI: 'true', NO_COLOR: '1' };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  // Inherited by vitest's own workers otherwise, and would point the child at this run's server.
  delete childEnv.PRESSDESK_TEST_ADMIN_URL;
  delete childEnv.VITEST;
  delete childEnv.VITEST_WORKER_ID;
  delete childEnv.VITEST_POOL_ID;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VITEST, 'run', ...args], {
      cwd: ROOT_DIR,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: stripVTControlCharacters(output) }));
  });
}

describe('npm test fails when the suite cannot run', () => {
  it('passes, with exit status 0, when the set-up works (the control case)', async () => {
    const { code, output } = await run([SMALL_FILE], {});
    expect(output).toMatch(/Tests\s+\d+ passed/);
    expect(code).toBe(0);
  }, 120_000);

  it('exits non-zero when DATABASE_URL names a server that does not answer', async () => {
    const { code, output } = await run([SMALL_FILE], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(output).toContain('ECONNREFUSED');
    expect(code).not.toBe(0);
  }, 120_000);

  it('exits non-zero when the embedded PostgreSQL cannot start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pd-testcmd-'));
    made.push(dir);
    const tmp = join(dir, 'tmp');
    await mkdir(tmp);
    if (process.getuid?.() === 0) {
      // Root runs the server as "postgres", which cannot enter a 0700 folder: the package is
      // loaded, then the start is refused (the path that used to end with exit status 0).
      await chmod(dir, 0o700);
    } else {
      // An ordinary user cannot write into a read-only folder.
      await chmod(tmp, 0o500);
    }
    const { code, output } = await run([SMALL_FILE], { DATABASE_URL: undefined, TMPDIR: tmp });
    expect(output).toMatch(/postgres|EACCES/i);
    expect(code).not.toBe(0);
  }, 120_000);

  it('exits non-zero when no test file matches', async () => {
    const { code, output } = await run(['no-such-test-file-anywhere'], {});
    expect(output).toContain('No test files found');
    expect(code).not.toBe(0);
  }, 120_000);

  it('keeps the exit status a process set before loading the embedded PostgreSQL package', async () => {
    // The package's exit hook used to end every process with status 0 on the way out.
    const script = join(await mkdtemp(join(tmpdir(), 'pd-exit-')), 'exit.mts');
    made.push(join(script, '..'));
    await writeFile(
      script,
      `import { loadEmbeddedPostgres } from ${JSON.stringify(join(ROOT_DIR, 'src', 'db', 'embedded.ts'))};\n` +
        'await loadEmbeddedPostgres();\nprocess.exitCode = 3;\n',
    );
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT_DIR, stdio: 'ignore' });
      child.on('error', reject);
      child.on('close', resolve);
    });
    expect(code).toBe(3);
  }, 60_000);
});
