import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { loadConfig } from '../../../src/config.js';
import { AuthService } from '../../../src/desk/auth.service.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';
import { runCli } from '../../support/cli.js';

let database: TestDatabase;
let auth: AuthService;
beforeAll(async () => {
  database = await createTestDatabase();
  auth = new AuthService({
    db: database.db,
    pool: database.pool,
    clock: systemClock,
    config: loadConfig({ DATABASE_URL: database.url }),
  });
});
afterAll(async () => database?.drop());

/** `npm run user -- <args>` as an administrator would run it, against this file's database and the default config. */
async function user(...args: string[]) {
  return runCli('user.ts', args, { DATABASE_URL: database.url });
}

/** Whether the desk's login accepts this email and password. */
async function canLogIn(email: string, password: string): Promise<boolean> {
  try {
    await auth.login(email, password, '127.0.0.1');
    return true;
  } catch {
    return false;
  }
}

async function auditTrail(email: string) {
  return database.db
    .selectFrom('audit_log')
    .select(['action', 'user_id', 'user_email', 'detail'])
    .where('user_email', '=', 'cli')
    .orderBy('id')
    .execute()
    .then((rows) => rows.filter((r) => (r.detail as { email?: string }).email === email));
}

describe('npm run user', () => {
  it('adds a user with a given password, who can then sign in; lists users', async () => {
    let r = await user(
      'add',
      '--email',
      'mona@press.example',
      '--name',
      'Mona Manager',
      '--role',
      'manager',
      '--password',
      'a long enough password',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Added manager Mona Manager <mona@press.example>.\n');
    expect(await canLogIn('mona@press.example', 'a long enough password')).toBe(true);
    expect(await canLogIn('mona@press.example', 'a wrong password here')).toBe(false);
    expect(await auditTrail('mona@press.example')).toEqual([
      expect.objectContaining({
        action: 'user.created',
        user_id: null,
        user_email: 'cli',
        detail: expect.objectContaining({ role: 'manager' }),
      }),
    ]);

    r = await user('list');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('mona@press.example\tmanager\tactive\tMona Manager\n');
  }, 180_000);

  it('makes up a strong password when none is given, and prints it once', async () => {
    const r = await user('add', '--email', 'otto@press.example', '--name', 'Otto Officer', '--role', 'officer');
    expect(r.code).toBe(0);
    const m = /^Password \(shown once; give it to them in person\): (\S+)$/m.exec(r.stdout);
    expect(m).not.toBeNull();
    const password = m![1];
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(r.stdout.split(password)).toHaveLength(2);
    expect(await canLogIn('otto@press.example', password)).toBe(true);
  }, 180_000);

  it('disables, enables and resets', async () => {
    await user(
      'add',
      '--email',
      'pat@press.example',
      '--name',
      'Pat',
      '--role',
      'officer',
      '--password',
      'first password 123',
    );
    let r = await user('disable', '--email', 'PAT@press.example');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Disabled pat@press.example: they are signed out and cannot sign in.\n');
    expect(await canLogIn('pat@press.example', 'first password 123')).toBe(false);
    r = await user('enable', '--email', 'pat@press.example');
    expect(r.code).toBe(0);
    expect(await canLogIn('pat@press.example', 'first password 123')).toBe(true);

    r = await user('reset', '--email', 'pat@press.example', '--password', 'second password 456');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('New password set for pat@press.example; their sessions have ended.\n');
    expect(await canLogIn('pat@press.example', 'first password 123')).toBe(false);
    expect(await canLogIn('pat@press.example', 'second password 456')).toBe(true);

    r = await user('reset', '--email', 'pat@press.example');
    const generated = /: (\S+)\n$/.exec(r.stdout)![1];
    expect(await canLogIn('pat@press.example', generated)).toBe(true);
    expect((await auditTrail('pat@press.example')).map((a) => a.action)).toEqual([
      'user.created',
      'user.disabled',
      'user.enabled',
      'user.password_reset',
      'user.password_reset',
    ]);
  }, 90_000);

  it('refuses a change the rules rule out with exit 2 and the reason', async () => {
    await user(
      'add',
      '--email',
      'dup@press.example',
      '--name',
      'Dup',
      '--role',
      'officer',
      '--password',
      'a long enough password',
    );
    let r = await user(
      'add',
      '--email',
      'DUP@press.example',
      '--name',
      'Dup Again',
      '--role',
      'officer',
      '--password',
      'a long enough password',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--email: A user with this email address already exists');
    r = await user(
      'add',
      '--email',
      'short@press.example',
      '--name',
      'Short',
      '--role',
      'officer',
      '--password',
      'short',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--password: Password must be at least 12 characters');
    r = await user('disable', '--email', 'nobody@press.example');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('No user has the email address nobody@press.example.\n');
  }, 180_000);

  it.each([
    [[], 'Give a command.'],
    [['remove', '--email', 'x@press.example'], 'Unknown command "remove".'],
    [['add', '--email', 'x@press.example', '--name', 'X'], '--role is required.'],
    [['add', '--email', 'x@press.example', '--name', 'X', '--role', 'admin'], '--role must be officer or manager.'],
    [['list', '--email', 'x@press.example'], '"list" does not take --email.'],
    [['disable', '--email'], "Option '--email <value>' argument missing"],
  ])(
    'exits 2 with the usage for bad arguments: %j',
    async (args, message) => {
      const r = await user(...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain('usage: npm run user -- <command> [options]');
    },
    180_000,
  );
});
