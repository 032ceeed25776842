import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Config } from '../config.js';
import { clientIp } from '../http/client-ip.js';
import { AppError } from '../http/errors.js';
import { Field } from '../http/field.js';
import { ErrorSummary, Layout } from '../http/layout.js';
import {
  SESSION_COOKIE,
  deskSession,
  requireSession,
  sameToken,
  type DeskEnv,
  type DeskSession,
} from '../web/session.js';
import type { AppUser } from './desk.tables.js';
import { KNOWN_DEVICE_DAYS, type AuthService } from './auth.service.js';
import type { OidcService } from './oidc.service.js';
import { FIRST_MANAGER_HINT, type UserService } from './users.service.js';

const LOGIN_CSRF_COOKIE = 'pd_login_csrf';
/** The browser's device cookie: sent only to the sign-in form, kept `KNOWN_DEVICE_DAYS`. */
export const DEVICE_COOKIE = 'pd_device';

/**
 * What comes after a right password (second-factor.routes.tsx): an answer that holds the sign-in
 * (the second factor's page), or null to open the session now. `open` opens it with the cookies.
 */
export interface SignInStep {
  afterPassword(
    c: Context,
    signIn: { user: AppUser; known: boolean; next: string; ip: string },
    open: () => Promise<DeskSession>,
  ): Promise<Response | null>;
}

/** Sets the cookies of a just-opened session: the session's, and the browser's device cookie. */
export function setSignInCookies(
  c: Context,
  s: { token: string; deviceToken: string },
  config: Pick<Config, 'publicBaseUrl' | 'desk'>,
): void {
  const secure = config.publicBaseUrl.startsWith('https:');
  setCookie(c, DEVICE_COOKIE, s.deviceToken, {
    httpOnly: true,
    sameSite: 'Strict',
    secure,
    path: '/desk/login',
    maxAge: KNOWN_DEVICE_DAYS * 86_400,
  });
  setCookie(c, SESSION_COOKIE, s.token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure,
    path: '/',
    maxAge: config.desk.sessionAbsoluteHours * 3600,
  });
}

const SAME_SITE = 'https://same-site.invalid';

/**
 * Where to go after signing in: a path under /desk on this site, as a valid Location header
 * (percent-encoded), or `/desk`. Never another site (`//evil`, `/\evil`, `/desk/..//evil`), and
 * never a value with control characters: a CR/LF once made the redirect throw after the session
 * was created (500; issue 12, finding 11).
 */
export function safeNext(next: string | undefined): string {
  if (!next || next.length > 2000 || /[\u0000-\u001f\u007f\\]/.test(next) || !/^\/desk(\/|$|\?|#)/.test(next))
    return '/desk';
  let url: URL;
  try {
    url = new URL(next, SAME_SITE);
  } catch {
    return '/desk';
  }
  if (url.origin !== SAME_SITE || !/^\/desk(\/|$)/.test(url.pathname)) return '/desk';
  return url.pathname + url.search + url.hash;
}

function LoginPage(props: {
  officeName: string;
  csrf: string;
  next: string;
  email?: string;
  error?: string;
  firstRun: boolean;
  /** The identity provider's button (issue 30), first on the page; `problem` when it cannot be reached. */
  signInWith?: { label: string; problem: string | null };
  /** The password form; with passwords off, only a link to the break-glass form, or that form. */
  passwords?: 'form' | 'breakGlassLink' | 'breakGlassForm';
}) {
  const passwords = props.passwords ?? 'form';
  const nextQuery = props.next === '/desk' ? '' : `next=${encodeURIComponent(props.next)}`;
  return (
    <Layout title={props.error ? 'Error: Sign in' : 'Sign in'} officeName={`${props.officeName} desk`}>
      {props.error ? <ErrorSummary errors={{ email: props.error }} order={['email']} /> : null}
      <h1>Sign in to the desk</h1>
      {props.firstRun ? (
        <section class="banner" aria-label="First run">
          <p class="banner__title">Nobody can sign in yet.</p>
          <p>{FIRST_MANAGER_HINT}</p>
        </section>
      ) : null}
      {props.signInWith ? (
        <div class="sign-in-with">
          {props.signInWith.problem ? (
            <section class="banner" aria-label="Identity provider">
              <p>{props.signInWith.problem}</p>
            </section>
          ) : null}
          <p>
            <a class="button" href={`/desk/login/oidc${nextQuery ? `?${nextQuery}` : ''}`}>
              {props.signInWith.label}
            </a>
          </p>
        </div>
      ) : null}
      {passwords === 'breakGlassLink' ? (
        <p>
          <a href={`/desk/login?breakglass=1${nextQuery ? `&${nextQuery}` : ''}`}>
            Emergency sign-in with the break-glass account
          </a>
        </p>
      ) : null}
      {passwords !== 'breakGlassLink' && props.signInWith ? (
        <h2>{passwords === 'breakGlassForm' ? 'Break-glass sign-in' : 'Or sign in with a password'}</h2>
      ) : null}
      {passwords === 'breakGlassForm' ? (
        <p>Only the named break-glass account can sign in with a password here. Everyone else: use the button above.</p>
      ) : null}
      <form method="post" action="/desk/login" novalidate hidden={passwords === 'breakGlassLink'}>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <input type="hidden" name="next" value={props.next} />
        {passwords === 'breakGlassForm' ? <input type="hidden" name="breakglass" value="1" /> : null}
        <Field
          id="email"
          label="Email address"
          error={props.error}
          attrs={{ type: 'email', autocomplete: 'username', value: props.email ?? '' }}
        />
        <Field id="password" label="Password" attrs={{ type: 'password', autocomplete: 'current-password' }} />
        <button type="submit" class="button">
          Sign in
        </button>
      </form>
    </Layout>
  );
}

/**
 * `/desk/login` and `/desk/logout`. Login is protected against CSRF with a double-submit cookie
 * (there is no session yet); a successful login always issues a new session token.
 */
export function authRoutes(deps: {
  auth: AuthService;
  users: Pick<UserService, 'anyExists'>;
  config: Pick<Config, 'office' | 'publicBaseUrl' | 'desk' | 'intake' | 'identity'>;
  /** The second factor, asked for after a right password (second-factor.routes.tsx). */
  secondFactor?: SignInStep;
  /** Sign-in through the organisation's identity provider (oidc.service.ts), when configured. */
  oidc?: Pick<OidcService, 'enabled' | 'label' | 'ready'>;
}) {
  const app = new Hono<DeskEnv>();
  const secure = deps.config.publicBaseUrl.startsWith('https:');
  const officeName = deps.config.office.name;
  // Local passwords off (issue 30): only the break-glass account may use one (config.ts makes sure a provider is set).
  const passwordsOff = deps.config.identity.localPasswords === 'breakGlassOnly';
  const breakGlassEmail = deps.config.identity.breakGlassEmail?.toLowerCase() ?? null;

  const render = async (
    c: Context,
    props: { next: string; email?: string; error?: string; breakGlass?: boolean },
    status: 200 | 401 | 403 | 429 = 200,
  ) => {
    const csrf = randomBytes(18).toString('base64url');
    setCookie(c, LOGIN_CSRF_COOKIE, csrf, {
      httpOnly: true,
      sameSite: 'Strict',
      secure,
      path: '/desk/login',
      maxAge: 3600,
    });
    c.status(status);
    const firstRun = !(await deps.users.anyExists());
    const { breakGlass, ...shown } = props;
    const signInWith = deps.oidc?.enabled ? { label: deps.oidc.label, problem: await deps.oidc.ready() } : undefined;
    const passwords = !passwordsOff ? 'form' : breakGlass ? 'breakGlassForm' : 'breakGlassLink';
    return c.html(
      <LoginPage
        officeName={officeName}
        csrf={csrf}
        firstRun={firstRun}
        signInWith={signInWith}
        passwords={passwords}
        {...shown}
      />,
    );
  };

  app.get('/login', (c) =>
    render(c, { next: safeNext(c.req.query('next')), breakGlass: c.req.query('breakglass') === '1' }),
  );

  app.post('/login', async (c) => {
    const body = await c.req.parseBody();
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    const next = safeNext(str('next'));
    if (!sameToken(str('_csrf'), getCookie(c, LOGIN_CSRF_COOKIE) ?? '\0')) {
      const error = 'The sign-in form expired. Please try again.';
      return render(c, { next, email: str('email'), error, breakGlass: true }, 403);
    }
    if (passwordsOff && str('email').trim().toLowerCase() !== breakGlassEmail) {
      const error = `Passwords are turned off on this desk: use "${deps.oidc?.label ?? 'the identity provider'}" instead. Only the break-glass account can sign in with a password.`;
      return render(c, { next, email: str('email'), error, breakGlass: true }, 403);
    }
    try {
      const ip = clientIp(c, deps.config.intake.trustProxyHops);
      const device = getCookie(c, DEVICE_COOKIE);
      const { user, known } = await deps.auth.checkPassword(str('email'), str('password'), ip, device);
      deleteCookie(c, LOGIN_CSRF_COOKIE, { path: '/desk/login' });
      const open = async () => {
        const s = await deps.auth.openSession(user, ip, known, device, undefined, c.req.header('user-agent'));
        setSignInCookies(c, s, deps.config);
        return s;
      };
      // A second factor, when the account has one (or must set one up), before the desk.
      const held = await deps.secondFactor?.afterPassword(c, { user, known, next, ip }, open);
      if (held) return held;
      await open();
      return c.redirect(next, 303);
    } catch (err) {
      if (err instanceof AppError && (err.code === 'unauthenticated' || err.code === 'rate_limited')) {
        if (err.details.retryAfterSeconds) c.header('Retry-After', String(err.details.retryAfterSeconds));
        return render(
          c,
          { next, email: str('email'), error: err.message, breakGlass: true },
          err.code === 'rate_limited' ? 429 : 401,
        );
      }
      throw err;
    }
  });

  app.post('/logout', requireSession(deps.auth), async (c) => {
    await deps.auth.logout(deskSession(c), clientIp(c, deps.config.intake.trustProxyHops));
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/desk/login', 303);
  });

  return app;
}
