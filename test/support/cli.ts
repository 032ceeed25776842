import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT_DIR } from '../../src/paths.js';

const exec = promisify(execFile);

/**
 * Runs `src/cli/<script>` as `npm run <script> -- args` would (node with tsx's loader, from the
 * project root, with the shipped default config), and returns its exit code and output.
 */
export async function runCli(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const merged: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: '', ...env };
  delete merged.PRESSDESK_CONFIG;
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', `src/cli/${script}`, ...args], {
      cwd: ROOT_DIR,
      env: merged,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
