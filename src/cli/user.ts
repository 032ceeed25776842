/**
 * `npm run user -- <command>`: desk accounts from a terminal, for the first manager on a new
 * install and for when nobody who can sign in as a manager is at hand. Runs against DATABASE_URL,
 * or the embedded PostgreSQL under var/ when it is not set, applying pending migrations first.
 * Every change is written to the audit log as done by "cli".
 * Exit 2 for bad arguments or a refused change, 1 for configuration or database trouble.
 */
import { randomBytes } from 'node:crypto';
import { systemClock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { Actor } from '../audit/audit.repository.js';
import type { AppUser } from '../desk/desk.tables.js';
import { findUserByEmail } from '../web/users.repository.js';
import { UserService } from '../desk/users.service.js';
import { notifySessionsEnded } from '../desk/live-feed.js';
import {
  loadConfigOrReport,
  parseCommand,
  reportRefusal,
  reportUsage,
  runCli,
  UsageError,
  withDatabase,
} from './cli-support.js';

const USAGE = `usage: npm run user -- <command> [options]

  add --email EMAIL --name NAME --role officer|manager [--password PASSWORD]
                          add a desk user (without --password, a strong one is made up and
                          printed once)
  list                    every user: email, role, active or disabled, name
  disable --email EMAIL   stop a user signing in; their sessions end at once
  enable --email EMAIL    let a disabled user sign in again
  reset --email EMAIL [--password PASSWORD]
                          set a new password (made up and printed once when not given); the
                          user's sessions end

A password given on the command line stays in the shell's history: prefer leaving it out.`;

const OPTIONS = {
  email: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  password: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionName = keyof typeof OPTIONS;
/** The options each command takes. */
const COMMANDS = {
  add: ['email', 'name', 'role', 'password'],
  list: [],
  disable: ['email'],
  enable: ['email'],
  reset: ['email', 'password'],
} as const satisfies Record<string, readonly OptionName[]>;
type Command = keyof typeof COMMANDS;

/** The options each command cannot do without. */
const REQUIRED: Record<Command, readonly OptionName[]> = {
  add: ['email', 'name', 'role'],
  list: [],
  disable: ['email'],
  enable: ['email'],
  reset: ['email'],
};

/** What the command line asked for, checked before any database is touched. */
interface Request {
  command: Command;
  email?: string;
  name?: string;
  role?: string;
  password?: string;
}

/** Refused by the rules (unknown email, bad field): printed without the usage, exit 2. */
class Refused extends Error {}

/** Who the audit log says did it. */
const CLI_ACTOR: Actor = { userId: null, email: 'cli' };

/**
 * A password nobody has to invent: 18 random bytes, 24 characters of base64url (144 bits),
 * well over the minimum length and beyond guessing.
 */
function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

function parseRequest(argv: string[]): Request {
  const { command, values } = parseCommand(argv, OPTIONS, COMMANDS);
  for (const key of REQUIRED[command]) {
    if (values[key] === undefined) throw new UsageError(`--${key} is required.`);
  }
  if (values.role !== undefined && values.role !== 'officer' && values.role !== 'manager') {
    throw new UsageError('--role must be officer or manager.');
  }
  return { command, email: values.email, name: values.name, role: values.role, password: values.password };
}

async function userByEmail(db: Db, email: string): Promise<AppUser> {
  const user = await findUserByEmail(db, email.trim());
  if (!user) throw new Refused(`No user has the email address ${email.trim()}.`);
  return user;
}

async function run(req: Request, users: UserService, db: Db, out: (line: string) => void): Promise<void> {
  switch (req.command) {
    case 'add': {
      const generated = req.password === undefined;
      const password = req.password ?? generatePassword();
      const user = await users.create(
        { email: req.email ?? '', name: req.name ?? '', role: req.role ?? '', password },
        CLI_ACTOR,
      );
      out(`Added ${user.role} ${user.name} <${user.email}>.`);
      if (generated) out(`Password (shown once; give it to them in person): ${password}`);
      return;
    }
    case 'list': {
      const all = await users.list();
      if (!all.length)
        out('No users yet. Add the first manager with: npm run user -- add --email … --name … --role manager');
      for (const u of all) out(`${u.email}\t${u.role}\t${u.active ? 'active' : 'disabled'}\t${u.name}`);
      return;
    }
    case 'disable':
    case 'enable': {
      const user = await userByEmail(db, req.email ?? '');
      const active = req.command === 'enable';
      if (user.active === active) {
        out(`${user.email} is already ${active ? 'active' : 'disabled'}.`);
        return;
      }
      await users.setActive(user.id, active, CLI_ACTOR);
      out(
        active
          ? `Enabled ${user.email}: they can sign in again.`
          : `Disabled ${user.email}: they are signed out and cannot sign in.`,
      );
      return;
    }
    case 'reset': {
      const user = await userByEmail(db, req.email ?? '');
      const generated = req.password === undefined;
      const password = req.password ?? generatePassword();
      await users.resetPassword(user.id, password, CLI_ACTOR);
      out(`New password set for ${user.email}; their sessions have ended.`);
      if (generated) out(`Password (shown once; give it to them in person): ${password}`);
      return;
    }
  }
}

async function main(argv: string[]): Promise<number> {
  let req: Request;
  try {
    req = parseRequest(argv);
  } catch (err) {
    if (reportUsage(err, USAGE)) return 2;
    throw err;
  }

  const config = loadConfigOrReport();
  if (!config) return 1;
  try {
    await withDatabase(config, (db) =>
      run(
        req,
        // A user disabled or reset here is signed out of their open live streams at once too.
        new UserService({ db, clock: systemClock, ends: { sessionsEnded: notifySessionsEnded } }),
        db,
        (line) => process.stdout.write(`${line}\n`),
      ),
    );
    return 0;
  } catch (err) {
    if (err instanceof Refused) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    if (reportRefusal(err, (field) => `--${field}`)) return 2;
    throw err;
  }
}

runCli(main);
