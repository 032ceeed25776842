import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Config } from '../config.js';
import { clientIp } from '../http/client-ip.js';
import { AppError, validationFields } from '../http/errors.js';
import { deskSession, sameToken, type DeskEnv } from '../web/session.js';
import { actorOf, formFields, rowId } from '../web/handlers.js';
import { findUserById } from '../web/users.repository.js';
import type { Db } from '../db/database.js';
import { DEVICE_COOKIE, setSignInCookies, type SignInStep } from './auth.routes.js';
import type { AuthService } from './auth.service.js';
import type { PassedSignIn, SecondFactorService } from './second-factor.service.js';
import {
  AppSetUpPage,
  RecoveryCodesPage,
  ResetSecondFactorPage,
  SecondFactorPage,
  SecondStepPage,
} from './second-factor.views.js';

/** The waiting sign-in's cookie: only the second step's pages get it. */
const PENDING_COOKIE = 'pd_second_factor';
const STEP_PATH = '/desk/login/second-factor';
const SETUP_PATH = '/desk/account/second-factor';

type Deps = {
  db: Db;
  auth: AuthService;
  secondFactor: SecondFactorService;
  config: Pick<Config, 'office' | 'publicBaseUrl' | 'desk' | 'intake' | 'identity'>;
};

// Confirmations after a redirect, by a fixed key.
const NOTICES: Record<string, string> = {
  passkey: 'Passkey added.',
  'passkey-removed': 'Passkey removed.',
  'app-removed': 'Authenticator app removed.',
  reset: 'Their second factor was reset and they were signed out.',
};

/**
 * What the password form does after a right password (auth.routes.tsx): an account with a second
 * factor is held at its second step; one without, under identity.requireSecondFactor, gets a
 * session that reaches only the set-up; otherwise nothing (the session opens at once).
 */
export function secondFactorStep(deps: Deps): SignInStep {
  return {
    async afterPassword(c, { user, known, next }, open) {
      const step = await deps.secondFactor.afterPassword(user, known, next);
      if (step.step === 'none') return null;
      if (step.step === 'setup') {
        const s = await open();
        await deps.secondFactor.markSetupOnly(s.session.token_hash);
        return c.redirect(SETUP_PATH, 303);
      }
      setCookie(c, PENDING_COOKIE, step.token, {
        httpOnly: true,
        sameSite: 'Strict',
        secure: deps.config.publicBaseUrl.startsWith('https:'),
        path: STEP_PATH,
        maxAge: 15 * 60,
      });
      return c.redirect(STEP_PATH, 303);
    },
  };
}

/**
 * Sessions opened by a password alone under identity.requireSecondFactor reach only the set-up
 * (and sign-out) until the account has a second factor: pages are sent there, JSON gets 403.
 */
export function secondFactorGuard(deps: Pick<Deps, 'secondFactor'>): MiddlewareHandler<DeskEnv> {
  return async (c, next) => {
    const path = c.req.path;
    if (
      !deps.secondFactor.required ||
      path === '/desk/logout' ||
      path === SETUP_PATH ||
      path.startsWith(`${SETUP_PATH}/`)
    )
      return next();
    if (!(await deps.secondFactor.setupOnly(deskSession(c).session.token_hash))) return next();
    if (c.req.method === 'GET' && !(c.req.header('accept') ?? '').includes('application/json'))
      return c.redirect(SETUP_PATH, 303);
    throw new AppError('forbidden', 'Set up a second factor first (your account page).');
  };
}

/** The second step of signing in: `/desk/login/second-factor` (public: no session yet). */
export function secondFactorLoginRoutes(deps: Deps) {
  const app = new Hono();
  const officeName = deps.config.office.name;
  const ip = (c: Context) => clientIp(c, deps.config.intake.trustProxyHops);

  async function render(c: Context, status: 200 | 401 | 429, errors?: Record<string, string>) {
    const p = await deps.secondFactor.pending(getCookie(c, PENDING_COOKIE));
    if (!p) return c.redirect('/desk/login', 303);
    c.status(status);
    return c.html(
      <SecondStepPage officeName={officeName} csrf={p.row.csrf_token} methods={p.methods} errors={errors} />,
    );
  }

  /** The form's (or header's) token must be the waiting sign-in's: no other site can post an answer. */
  async function checkCsrf(c: Context, token: string | undefined) {
    const p = await deps.secondFactor.pending(getCookie(c, PENDING_COOKIE));
    if (!p) throw new AppError('unauthenticated', 'This sign-in has ended or expired. Sign in again.');
    if (!sameToken(token, p.row.csrf_token))
      throw new AppError('csrf', 'This form has expired or did not come from the desk. Sign in again.');
  }

  async function finish(c: Context, passed: PassedSignIn) {
    const s = await deps.auth.openSession(
      passed.user,
      ip(c),
      passed.known,
      getCookie(c, DEVICE_COOKIE),
      passed.method,
      c.req.header('user-agent'),
    );
    setSignInCookies(c, s, deps.config);
    deleteCookie(c, PENDING_COOKIE, { path: STEP_PATH });
    return passed.next;
  }

  app.get('/login/second-factor', (c) => render(c, 200));

  for (const [path, field] of [
    ['code', 'code'],
    ['recovery', 'recovery'],
  ] as const) {
    app.post(`/login/second-factor/${path}`, async (c) => {
      const raw = await c.req.parseBody();
      const str = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : '');
      if (!(await deps.secondFactor.pending(getCookie(c, PENDING_COOKIE)))) return c.redirect('/desk/login', 303);
      await checkCsrf(c, str('_csrf'));
      const answer = str(field);
      try {
        const passed =
          path === 'code'
            ? await deps.secondFactor.verifyCode(getCookie(c, PENDING_COOKIE), answer, ip(c))
            : await deps.secondFactor.verifyRecovery(getCookie(c, PENDING_COOKIE), answer, ip(c));
        return c.redirect(await finish(c, passed), 303);
      } catch (err) {
        if (err instanceof AppError && (err.code === 'unauthenticated' || err.code === 'rate_limited')) {
          if (err.details.retryAfterSeconds) c.header('Retry-After', String(err.details.retryAfterSeconds));
          return render(c, err.code === 'rate_limited' ? 429 : 401, { [field]: err.message });
        }
        throw err;
      }
    });
  }

  app.post('/login/second-factor/passkey/options', async (c) => {
    await checkCsrf(c, c.req.header('x-csrf-token'));
    return c.json(await deps.secondFactor.signInOptions(getCookie(c, PENDING_COOKIE)));
  });

  app.post('/login/second-factor/passkey', async (c) => {
    // The button's form posted without the page's script (JavaScript off): passkeys need it.
    if (isForm(c)) return render(c, 401, { passkey: NEEDS_SCRIPT });
    await checkCsrf(c, c.req.header('x-csrf-token'));
    const body = await readJson(c);
    const passed = await deps.secondFactor.verifyPasskey(getCookie(c, PENDING_COOKIE), body.response, ip(c));
    return c.json({ next: await finish(c, passed) });
  });

  return app;
}

const NEEDS_SCRIPT = 'Passkeys need JavaScript in this browser. Turn it on, or use another way.';

/** True when the request is a plain form post (the passkey forms without their script). */
function isForm(c: Context): boolean {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  return type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
}

/** A JSON body as an object (400 when it is not one). */
async function readJson(c: Context): Promise<Record<string, unknown>> {
  const body = await c.req.json().catch(() => null);
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new AppError('invalid_json', 'The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

/** `/desk/account/second-factor…`: the signed-in user's own second factors. */
export function secondFactorAccountRoutes(deps: Deps) {
  const app = new Hono<DeskEnv>();
  const office = deps.config.office;
  const ip = (c: Context) => clientIp(c, deps.config.intake.trustProxyHops);

  async function render(
    c: Context<DeskEnv>,
    status: 200 | 409 | 422,
    extra: { error?: string; labelError?: string } = {},
  ) {
    const s = deskSession(c);
    const methods = await deps.secondFactor.methods(s.user.id);
    c.status(status);
    return c.html(
      <SecondFactorPage
        session={s}
        office={office}
        methods={methods}
        required={deps.secondFactor.required}
        setupOnly={await deps.secondFactor.setupOnly(s.session.token_hash)}
        notice={NOTICES[c.req.query('done') ?? '']}
        {...extra}
      />,
    );
  }

  /** A refusal the page can show (conflict: e.g. the last factor while one is required). */
  function shown(c: Context<DeskEnv>, err: unknown) {
    if (err instanceof AppError && err.code === 'conflict') return render(c, 409, { error: err.message });
    throw err;
  }

  function codes(c: Context<DeskEnv>, list: string[], intro: string) {
    return c.html(<RecoveryCodesPage session={deskSession(c)} office={office} codes={list} intro={intro} />);
  }

  app.get('/account/second-factor', (c) => render(c, 200));

  app.get('/account/second-factor/app', async (c) => {
    const s = deskSession(c);
    try {
      const setUp = await deps.secondFactor.startApp(s.user);
      return c.html(<AppSetUpPage session={s} office={office} setUp={setUp} />);
    } catch (err) {
      return shown(c, err);
    }
  });

  app.post('/account/second-factor/app', async (c) => {
    const s = deskSession(c);
    const body = await formFields(c);
    try {
      const made = await deps.secondFactor.confirmApp(s.user, body.code ?? '', ip(c));
      if (made) return codes(c, made, 'Authenticator app set up.');
      return c.redirect(`${SETUP_PATH}?done=app`, 303);
    } catch (err) {
      const f = validationFields(err);
      if (!f) throw err;
      const setUp = await deps.secondFactor.startApp(s.user);
      c.status(422);
      return c.html(<AppSetUpPage session={s} office={office} setUp={setUp} error={f.code ?? Object.values(f)[0]} />);
    }
  });

  app.post('/account/second-factor/app/remove', async (c) => {
    try {
      await deps.secondFactor.removeApp(deskSession(c).user, ip(c));
    } catch (err) {
      return shown(c, err);
    }
    return c.redirect(`${SETUP_PATH}?done=app-removed`, 303);
  });

  app.post('/account/second-factor/recovery', async (c) => {
    try {
      const made = await deps.secondFactor.regenerateRecoveryCodes(deskSession(c).user, ip(c));
      return codes(c, made, 'New recovery codes made: the old ones no longer work.');
    } catch (err) {
      return shown(c, err);
    }
  });

  app.post('/account/second-factor/passkeys/options', async (c) => {
    const s = deskSession(c);
    return c.json(await deps.secondFactor.registrationOptions(s.user, s.session.token_hash));
  });

  app.post('/account/second-factor/passkeys', async (c) => {
    // The form posted without the page's script (JavaScript off): passkeys need it.
    if (isForm(c)) return render(c, 422, { labelError: NEEDS_SCRIPT });
    const s = deskSession(c);
    const body = await readJson(c);
    const made = await deps.secondFactor.registerPasskey(
      s.user,
      s.session.token_hash,
      typeof body.label === 'string' ? body.label : '',
      body.response,
      ip(c),
    );
    // A first factor's recovery codes are made from the page (a JSON answer cannot show them once).
    void made;
    return c.json({ next: `${SETUP_PATH}?done=passkey` });
  });

  app.post('/account/second-factor/passkeys/:id/remove', async (c) => {
    try {
      await deps.secondFactor.removePasskey(deskSession(c).user, c.req.param('id'), ip(c));
    } catch (err) {
      return shown(c, err);
    }
    return c.redirect(`${SETUP_PATH}?done=passkey-removed`, 303);
  });

  return app;
}

/** `/desk/users/:id/second-factor` (a manager area): see and reset someone's second factor. */
export function secondFactorManagerRoutes(deps: Deps) {
  const app = new Hono<DeskEnv>();
  app.get('/users/:id/second-factor', async (c) => {
    const user = await findUserById(deps.db, rowId(c, 'user'));
    if (!user) throw new AppError('not_found', 'No such user.');
    return c.html(
      <ResetSecondFactorPage
        session={deskSession(c)}
        office={deps.config.office}
        user={user}
        methods={await deps.secondFactor.methods(user.id)}
        notice={NOTICES[c.req.query('done') ?? '']}
      />,
    );
  });
  app.post('/users/:id/second-factor/reset', async (c) => {
    const id = rowId(c, 'user');
    await deps.secondFactor.reset(id, actorOf(c), clientIp(c, deps.config.intake.trustProxyHops));
    return c.redirect(`/desk/users/${id}/second-factor?done=reset`, 303);
  });
  return app;
}
