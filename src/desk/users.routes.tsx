import { Hono, type Context } from 'hono';
import { deleteCookie } from 'hono/cookie';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { clientIp } from '../http/client-ip.js';
import { validationFields } from '../http/errors.js';
import { SESSION_COOKIE, deskSession, type DeskEnv } from '../web/session.js';
import type { FormProblem } from '../web/forms.js';
import { actorOf, formFields, rowId } from '../web/handlers.js';
import { SessionService, type SessionEndsPort } from './sessions.service.js';
import type { UserService } from './users.service.js';
import { AccountPage, UsersPage } from './users.views.js';

// Confirmations after a redirect are chosen by a fixed key, never by text from the query string.
const USER_NOTICES: Record<string, string> = {
  added: 'The user has been added. They can sign in now.',
  disabled: 'The user has been disabled and signed out.',
  enabled: 'The user has been enabled. They can sign in again.',
  password: 'The new password has been set. They have been signed out and sign in with it.',
  updated: 'User updated.',
  'updated-out': 'User updated and deactivated: they have been signed out.',
  'updated-role': 'User updated with a new role: they have been signed out, and sign in again to use it.',
};

// The own-password page's confirmations, likewise by key.
const ACCOUNT_NOTICES: Record<string, string> = {
  password: 'Password changed; your other sessions were signed out.',
  'session-ended': 'That session has been signed out.',
  'others-ended': 'You have been signed out everywhere else.',
};

// Passwords are dropped from the values shown again: a refused form never echoes one.
const withoutPassword = ({ password: _password, ...rest }: Record<string, string>) => rest;

/** Staff accounts (`/desk/users…`, manager only): add, disable, enable, reset a password. The service audits each change. */
export function usersRoutes(deps: { config: Pick<Config, 'office'>; users: UserService }) {
  const app = new Hono<DeskEnv>();

  async function renderUsers(c: Context<DeskEnv>, status: 200 | 422, problem?: FormProblem, notice?: string) {
    const users = await deps.users.list();
    c.status(status);
    return c.html(
      <UsersPage
        session={deskSession(c)}
        office={deps.config.office}
        users={users}
        notice={notice}
        problem={problem}
      />,
    );
  }

  /** After a failed validation, the page again with the form's problems; any other error is rethrown. */
  function refused(c: Context<DeskEnv>, err: unknown, problem: (fields: Record<string, string>) => FormProblem) {
    const f = validationFields(err);
    if (!f) throw err;
    return renderUsers(c, 422, problem(f));
  }

  app.get('/users', (c) => renderUsers(c, 200, undefined, USER_NOTICES[c.req.query('done') ?? '']));

  app.post('/users', async (c) => {
    const body = await formFields(c);
    try {
      await deps.users.create(
        { name: body.name ?? '', email: body.email ?? '', role: body.role ?? '', password: body.password ?? '' },
        actorOf(c),
      );
    } catch (err) {
      return refused(c, err, (errors) => ({ form: 'add', errors, values: withoutPassword(body) }));
    }
    return c.redirect('/desk/users?done=added', 303);
  });

  for (const [path, active] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    app.post(`/users/:id/${path}`, async (c) => {
      const id = rowId(c, 'user');
      try {
        await deps.users.setActive(id, active, actorOf(c));
      } catch (err) {
        return refused(c, err, (f) => ({
          form: 'row',
          rowId: id,
          errors: { user: f.user ?? Object.values(f)[0] },
          values: {},
        }));
      }
      return c.redirect(`/desk/users?done=${active ? 'enabled' : 'disabled'}`, 303);
    });
  }

  /** A manager's edit of one account (name, email, mobile, role, active). */
  app.post('/users/:id', async (c) => {
    const id = rowId(c, 'user');
    const body = await formFields(c);
    let done = 'updated';
    try {
      const roleBefore = (await deps.users.find(id))?.role;
      const user = await deps.users.update(
        id,
        {
          name: body.name ?? '',
          email: body.email ?? '',
          mobile: body.mobile ?? '',
          role: body.role ?? '',
          active: body.active ?? '',
        },
        actorOf(c),
      );
      // Either ended their sessions (UserService.update): say so.
      if (!user.active) done = 'updated-out';
      else if (roleBefore && roleBefore !== user.role) done = 'updated-role';
    } catch (err) {
      return refused(c, err, (errors) => ({ form: 'edit', rowId: id, errors, values: withoutPassword(body) }));
    }
    return c.redirect(`/desk/users?done=${done}#user-row-${id}`, 303);
  });

  app.post('/users/:id/password', async (c) => {
    const id = rowId(c, 'user');
    const body = await formFields(c);
    try {
      await deps.users.resetPassword(id, body.password ?? '', actorOf(c));
    } catch (err) {
      return refused(c, err, (f) => ({
        form: 'row',
        rowId: id,
        errors: { password: f.password ?? Object.values(f)[0] },
        values: {},
      }));
    }
    return c.redirect('/desk/users?done=password', 303);
  });

  return app;
}

/**
 * `/desk/account`: every signed-in user's own account, where they change their own password
 * (the current one required; their other sessions end) and see and end where they are signed in
 * (`…/sessions/:id/end`, `…/sessions/end-others`; issue 30, item 3). Not a manager area.
 */
export function accountRoutes(deps: {
  config: Pick<Config, 'office' | 'desk' | 'intake'>;
  users: UserService;
  db: Db;
  clock: Clock;
  live?: SessionEndsPort;
}) {
  const app = new Hono<DeskEnv>();
  const sessions = new SessionService({ db: deps.db, clock: deps.clock, config: deps.config, ends: deps.live });
  const ip = (c: Context) => clientIp(c, deps.config.intake.trustProxyHops);

  async function render(c: Context<DeskEnv>, status: 200 | 422, problem?: FormProblem, notice?: string) {
    const session = deskSession(c);
    const mine = await sessions.listOwn(session);
    c.status(status);
    return c.html(
      <AccountPage
        session={session}
        office={deps.config.office}
        notice={notice}
        problem={problem}
        sessions={mine}
        now={deps.clock()}
      />,
    );
  }

  app.get('/account', (c) => render(c, 200, undefined, ACCOUNT_NOTICES[c.req.query('done') ?? '']));

  app.post('/account/password', async (c) => {
    const body = await formFields(c);
    const s = deskSession(c);
    try {
      await deps.users.changeOwnPassword(s.user.id, s.session.token_hash, body.current ?? '', body.password ?? '');
    } catch (err) {
      const f = validationFields(err);
      if (!f) throw err;
      return render(c, 422, { form: 'password', errors: f, values: {} });
    }
    return c.redirect('/desk/account?done=password', 303);
  });

  app.post('/account/sessions/end-others', async (c) => {
    await sessions.endOthers(deskSession(c), ip(c));
    return c.redirect('/desk/account?done=others-ended#sessions-title', 303);
  });

  app.post('/account/sessions/:id/end', async (c) => {
    const { wasCurrent } = await sessions.endOwn(deskSession(c), c.req.param('id'), ip(c));
    if (wasCurrent) {
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.redirect('/desk/login', 303);
    }
    return c.redirect('/desk/account?done=session-ended#sessions-title', 303);
  });

  return app;
}
