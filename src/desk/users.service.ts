import type { Clock } from '../clock.js';
import type { Db, Tx } from '../db/database.js';
import { AppError } from '../http/errors.js';
import { audit, countRecent, type Actor } from '../audit/audit.repository.js';
import type { AppUser } from './desk.tables.js';
import { hashPassword, verifyPassword } from './password.js';
import * as sessions from './sessions.repository.js';
import type { SessionEndsPort } from './sessions.service.js';
import * as repo from '../web/users.repository.js';
import { editUserForm, newUserForm, ownPasswordForm, resetPasswordForm } from './users.forms.js';

/** What a new account's form (or the command line) gives, before it is checked. */
export type NewUserInput = { email: string; name: string; role: string; password: string };
/** What the edit form gives, before it is checked (`active` is "yes" or "no"). */
export type EditUserInput = { name: string; email: string; mobile: string; role: string; active: string };

/** Wrong current passwords allowed on the own-password form per window, before it refuses every try. */
const OWN_PASSWORD_TRIES = 5;
const OWN_PASSWORD_WINDOW_MS = 15 * 60_000;

/** Staff accounts: created by a manager (or the shell, or from the environment on first start), disabled, reset. */
export class UserService {
  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      /** Closes the live streams of ended sessions in every web process at once (issue 30, item 3). */
      ends?: SessionEndsPort;
    },
  ) {}

  /** Ends every session of `userId` in `tx`, and tells every process's open streams at commit. Returns how many ended. */
  private async endSessions(tx: Tx, userId: string): Promise<number> {
    const ended = await sessions.deleteUserSessions(tx, userId);
    await this.deps.ends?.sessionsEnded(tx, [userId]);
    return ended;
  }

  /** Creates a user. Throws a validation AppError naming each bad field (`newUserForm`), or the email taken. */
  async create(input: NewUserInput, actor: Actor): Promise<AppUser> {
    return this.deps.db.transaction().execute((tx) => this.createInTx(tx, input, actor));
  }

  private async createInTx(tx: Tx, input: NewUserInput, actor: Actor): Promise<AppUser> {
    const { email, name, role, password } = newUserForm.check(input, 'The user could not be added');
    const now = this.deps.clock();
    const user = await repo.insertUser(tx, {
      email,
      name,
      role,
      password_hash: await hashPassword(password),
      at: now,
    });
    if (!user)
      throw new AppError('validation', 'The user could not be added', {
        fields: { email: 'A user with this email address already exists' },
      });
    await audit(tx, {
      at: now,
      actor,
      action: 'user.created',
      detail: { userId: user.id, email: user.email, role: user.role },
    });
    return user;
  }

  /** True once any staff account exists (a fresh install has none, and nobody can sign in). */
  anyExists(): Promise<boolean> {
    return repo.anyUser(this.deps.db);
  }

  /**
   * Creates the first manager from PRESSDESK_ADMIN_EMAIL/PASSWORD when no user exists yet.
   * Returns true when it did. Safe when several processes start at once (a scaled-out
   * deployment): the check and the insert run under one lock, so exactly one creates it and the
   * others see it; before, the losers failed to start on the duplicate email.
   */
  async ensureFirstManager(admin: { email: string; password: string } | null): Promise<boolean> {
    if (!admin) return false;
    return this.deps.db.transaction().execute(async (tx) => {
      await repo.lockFirstUserCreation(tx);
      if (await repo.anyUser(tx)) return false;
      await this.createInTx(
        tx,
        { email: admin.email, name: 'Administrator', role: 'manager', password: admin.password },
        { userId: null, email: 'environment' },
      );
      return true;
    });
  }

  /** Disables (or re-enables) a user; disabling ends their sessions and live streams at once. Never the last active manager. */
  async setActive(userId: string, active: boolean, actor: Actor): Promise<AppUser> {
    if (!active && actor.userId === userId)
      throw new AppError('validation', 'You cannot disable yourself', {
        fields: { user: 'You cannot disable your own account' },
      });
    const now = this.deps.clock();
    return this.deps.db.transaction().execute(async (tx) => {
      if (!active)
        await this.keepAManager(tx, userId, {
          user: 'is the last active manager: make someone else a manager first, or nobody can run the rota and the users',
        });
      const user = await repo.updateUser(tx, userId, { active, at: now });
      if (!user) throw new AppError('not_found', 'No such user');
      const ended = active ? 0 : await this.endSessions(tx, userId);
      await audit(tx, {
        at: now,
        actor,
        action: active ? 'user.enabled' : 'user.disabled',
        detail: { userId, email: user.email, ...(active ? {} : { sessionsEnded: ended }) },
      });
      return user;
    });
  }

  /** Sets a new password; the user's sessions end (they log in again with it). */
  async resetPassword(userId: string, password: string, actor: Actor): Promise<AppUser> {
    resetPasswordForm.check({ password }, 'The password could not be reset');
    const now = this.deps.clock();
    const hash = await hashPassword(password);
    return this.deps.db.transaction().execute(async (tx) => {
      const user = await repo.updateUser(tx, userId, { password_hash: hash, at: now });
      if (!user) throw new AppError('not_found', 'No such user');
      const ended = await this.endSessions(tx, userId);
      await audit(tx, {
        at: now,
        actor,
        action: 'user.password_reset',
        detail: { userId, email: user.email, sessionsEnded: ended },
      });
      return user;
    });
  }

  /**
   * Refuses a change that would leave no active manager: `userId` is about to stop being one
   * (demoted or deactivated). The active managers are locked first, so two managers demoting
   * each other at once cannot both succeed. `field` names the form field the 422 is about.
   */
  private async keepAManager(tx: Tx, userId: string, field: Record<string, string>): Promise<void> {
    const managers = await repo.lockActiveManagers(tx);
    if (managers.length === 1 && managers[0] === userId) {
      const [key, text] = Object.entries(field)[0];
      const user = await repo.findUserById(tx, userId);
      throw new AppError('validation', 'The last active manager must stay one', {
        fields: { [key]: `${user?.name ?? 'This user'} ${text}` },
      });
    }
  }

  /**
   * A manager's edit of an account (`editUserForm`): name, email, mobile (optional, any format
   * libphonenumber-js reads; stored E.164), role and whether it is active. Deactivating or a new
   * role ends the user's sessions and live streams at once (they sign in again with it); the
   * last active manager can be neither demoted nor deactivated, and nobody deactivates themselves.
   * Every problem at once: AppError('validation') with `fields` keyed `name`, `email`, `mobile`,
   * `role`, `active`. Audited with what changed (and how many sessions ended).
   */
  async update(userId: string, input: EditUserInput, actor: Actor): Promise<AppUser> {
    const checked = editUserForm.validate(input);
    const fields: Record<string, string> = checked.ok ? {} : { ...checked.errors };
    if (input.active !== 'yes' && actor.userId === userId) fields.active = 'You cannot deactivate your own account';
    const fail = () => new AppError('validation', 'The user could not be changed', { fields });
    if (!checked.ok || Object.keys(fields).length) throw fail();
    const { name, email, mobile, role, active } = checked.values;
    const now = this.deps.clock();
    return this.deps.db.transaction().execute(async (tx) => {
      const before = await repo.findUserById(tx, userId);
      if (!before) throw new AppError('not_found', 'There is no such user.');
      if (before.role === 'manager' && before.active && (role !== 'manager' || !active)) {
        await this.keepAManager(
          tx,
          userId,
          role !== 'manager'
            ? { role: 'is the last active manager: make someone else a manager before changing this role' }
            : { active: 'is the last active manager: make someone else a manager before deactivating this account' },
        );
      }
      if (await repo.emailTakenByOther(tx, email, userId)) {
        fields.email = 'Another user already has this email address';
        throw fail();
      }
      const user = await repo.updateUser(tx, userId, { name, email, mobile, role, active, at: now });
      if (!user) throw new AppError('not_found', 'There is no such user.');
      // The role is read afresh on each request, but pages and live streams already open were made
      // for the old one: ending the sessions makes the new role hold everywhere at once.
      const ended = !active || before.role !== user.role ? await this.endSessions(tx, userId) : undefined;
      const changed: Record<string, unknown> = {};
      for (const k of ['name', 'email', 'mobile', 'role', 'active'] as const) {
        if (before[k] !== user[k]) changed[k] = { from: before[k], to: user[k] };
      }
      await audit(tx, {
        at: now,
        actor,
        action: 'user.updated',
        detail: { userId, email: user.email, changed, ...(ended === undefined ? {} : { sessionsEnded: ended }) },
      });
      return user;
    });
  }

  /**
   * A signed-in user's change of their own password: the current one must be right, the new
   * one passes the same rules as at creation (`passwordProblem`). Every other session of theirs
   * ends (someone who knew the old password is signed out); the one they changed it in stays.
   * AppError('validation') with `fields.current` / `fields.password`. Audited. Returns how many
   * other sessions ended.
   */
  async changeOwnPassword(userId: string, keepTokenHash: string, current: string, next: string): Promise<number> {
    const user = await repo.findUserById(this.deps.db, userId);
    if (!user?.active) throw new AppError('unauthenticated', 'Sign in to the desk first');
    // Someone holding a stolen session could otherwise guess the password itself here, where the
    // sign-in limits do not reach: a few wrong current passwords in a window stop all tries.
    const now0 = this.deps.clock();
    const since = new Date(now0.getTime() - OWN_PASSWORD_WINDOW_MS);
    if (
      (await countRecent(this.deps.db, { userId, action: 'user.password_change_refused', since })) >= OWN_PASSWORD_TRIES
    ) {
      throw new AppError(
        'rate_limited',
        `Too many wrong current passwords. Try again in ${OWN_PASSWORD_WINDOW_MS / 60_000} minutes.`,
        { retryAfterSeconds: OWN_PASSWORD_WINDOW_MS / 1000 },
      );
    }
    const checked = ownPasswordForm.validate({ current, password: next });
    const fields: Record<string, string> = checked.ok ? {} : { ...checked.errors };
    if (current && !(await verifyPassword(current, user.password_hash))) {
      fields.current = 'Your current password is not right';
      await audit(this.deps.db, {
        at: now0,
        actor: { userId, email: user.email },
        action: 'user.password_change_refused',
        detail: { userId, reason: 'wrong current password' },
      });
    }
    if (!fields.password && current && next === current)
      fields.password = 'Choose a password different from your current one';
    if (Object.keys(fields).length) throw new AppError('validation', 'Your password could not be changed', { fields });
    const hash = await hashPassword(next);
    const now = this.deps.clock();
    return this.deps.db.transaction().execute(async (tx) => {
      await repo.updateUser(tx, userId, { password_hash: hash, at: now });
      const ended = await sessions.deleteOtherSessions(tx, userId, keepTokenHash);
      if (ended) await this.deps.ends?.sessionsEnded(tx, [userId]);
      await audit(tx, {
        at: now,
        actor: { userId, email: user.email },
        action: 'user.password_changed',
        detail: { userId, email: user.email, otherSessionsEnded: ended },
      });
      return ended;
    });
  }

  /** The user with this id, or undefined. */
  find(userId: string): Promise<AppUser | undefined> {
    return repo.findUserById(this.deps.db, userId);
  }

  /** Every user. */
  list(): Promise<AppUser[]> {
    return repo.listUsers(this.deps.db);
  }

  /** Active users, for assignment. */
  listActive() {
    return repo.listActiveUsers(this.deps.db);
  }
}

/** What a fresh install (no staff account yet) tells its operator, in the start-up log and on the sign-in page. */
export const FIRST_MANAGER_HINT =
  'No staff account exists yet. Create the first manager from a shell with ' +
  '`npm run user -- add --email <your address> --name "Your Name" --role manager` ' +
  '(it prints a password once), or start Press Desk with PRESSDESK_ADMIN_EMAIL and PRESSDESK_ADMIN_PASSWORD set.';
