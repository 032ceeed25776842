import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Config } from '../config.js';
import { clientIp } from '../http/client-ip.js';
import { AppError } from '../http/errors.js';
import { Field } from '../http/field.js';
import { ErrorSummary, Layout } from '../http/layout.js';
import { SESSION_COOKIE, deskSession, requireSession, sameToken, type DeskEnv } from '../web/session.js';
import { KNOWN_DEVICE_DAYS, type AuthService } from './auth.service.js';
import { FIRST_MANAGER_HINT, type UserService } from './users.service.js';

const LOGIN_CSRF_COOKIE = 'pd_login_csrf';
/** The browser's device cookie: sent only to the sign-in form, kept `KNOWN_DEVICE_DAYS`. */
const DEVICE_COOKIE = 'pd_device';

const SAME_SITE = 'https://same-site.invalid';

/**
 * Where to go after signing in: a path under /desk on this site, as a valid Location header
 * (percent-encoded), or `/desk`. Never another site (`//evil`, `/\evil`, `/desk/..//evil`), and
 * never a value with control characters: a CR/LF once made the redirect throw after the session
 * was created (500; issue 12, finding 11).
 */
function safeNext(next: string | undefined): string {
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
}) {
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
      <form method="post" action="/desk/login" novalidate>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <input type="hidden" name="next" value={props.next} />
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
  config: Pick<Config, 'office' | 'publicBaseUrl' | 'desk' | 'intake'>;
}) {
  const app = new Hono<DeskEnv>();
  const secure = deps.config.publicBaseUrl.startsWith('https:');
  const officeName = deps.config.office.name;

  const render = async (
    c: Context,
    props: { next: string; email?: string; error?: string },
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
    return c.html(<LoginPage officeName={officeName} csrf={csrf} firstRun={firstRun} {...props} />);
  };

  app.get('/login', (c) => render(c, { next: safeNext(c.req.query('next')) }));

  app.post('/login', async (c) => {
    const body = await c.req.parseBody();
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    const next = safeNext(str('next'));
    if (!sameToken(str('_csrf'), getCookie(c, LOGIN_CSRF_COOKIE) ?? '\0')) {
      return render(c, { next, email: str('email'), error: 'The sign-in form expired. Please try again.' }, 403);
    }
    try {
      const s = await deps.auth.login(
        str('email'),
        str('password'),
        clientIp(c, deps.config.intake.trustProxyHops),
        getCookie(c, DEVICE_COOKIE),
      );
      deleteCookie(c, LOGIN_CSRF_COOKIE, { path: '/desk/login' });
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
        maxAge: deps.config.desk.sessionAbsoluteHours * 3600,
      });
      return c.redirect(next, 303);
    } catch (err) {
      if (err instanceof AppError && (err.code === 'unauthenticated' || err.code === 'rate_limited')) {
        if (err.details.retryAfterSeconds) c.header('Retry-After', String(err.details.retryAfterSeconds));
        return render(c, { next, email: str('email'), error: err.message }, err.code === 'rate_limited' ? 429 : 401);
      }
      throw err;
    }
  });

  app.post('/logout', requireSession(deps.auth), async (c) => {
    await deps.auth.logout(deskSession(c));
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/desk/login', 303);
  });

  return app;
}
