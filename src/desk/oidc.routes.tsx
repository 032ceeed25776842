import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Config } from '../config.js';
import { clientIp } from '../http/client-ip.js';
import { Layout } from '../http/layout.js';
import type { DeskEnv } from '../web/session.js';
import { setSignInCookies } from './auth.routes.js';
import { ATTEMPT_SECONDS, OidcRefusal, type OidcService } from './oidc.service.js';

/** The browser's half of a sign-in under way at the provider (its hash keys the server's half). */
const ATTEMPT_COOKIE = 'pd_oidc';
const ATTEMPT_PATH = '/desk/login/oidc';

/** A refused or impossible sign-in: the problem in plain words and the way back. */
function RefusedPage(props: { officeName: string; message: string }) {
  return (
    <Layout title="Error: Sign in" officeName={`${props.officeName} desk`}>
      <h1>You are not signed in</h1>
      <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1}>
        <h2 id="error-summary-title">There is a problem</h2>
        <p>{props.message}</p>
      </div>
      <p>
        <a href="/desk/login">Back to the sign-in page</a>
      </p>
    </Layout>
  );
}

/**
 * `/desk/login/oidc` (start: to the provider) and `/desk/login/oidc/callback` (back from it). The
 * attempt cookie is SameSite=Lax (the provider's redirect back is a top-level GET from another
 * site), HttpOnly, limited to these two paths and `ATTEMPT_SECONDS`. `safeNext` is the sign-in
 * page's check of where to go after.
 */
export function oidcRoutes(deps: {
  oidc: OidcService;
  config: Pick<Config, 'office' | 'publicBaseUrl' | 'desk' | 'intake'>;
  safeNext: (next: string | undefined) => string;
}) {
  const app = new Hono<DeskEnv>();
  const secure = deps.config.publicBaseUrl.startsWith('https:');
  const officeName = deps.config.office.name;

  app.get('/login/oidc', async (c) => {
    if (!deps.oidc.enabled) return c.notFound();
    try {
      const { token, url } = await deps.oidc.begin(deps.safeNext(c.req.query('next')));
      setCookie(c, ATTEMPT_COOKIE, token, {
        httpOnly: true,
        sameSite: 'Lax',
        secure,
        path: ATTEMPT_PATH,
        maxAge: ATTEMPT_SECONDS,
      });
      return c.redirect(url.href, 303);
    } catch (err) {
      if (!(err instanceof OidcRefusal)) throw err;
      c.header('Retry-After', '60');
      return c.html(<RefusedPage officeName={officeName} message={err.message} />, err.status);
    }
  });

  app.get('/login/oidc/callback', async (c) => {
    if (!deps.oidc.enabled) return c.notFound();
    const token = getCookie(c, ATTEMPT_COOKIE);
    deleteCookie(c, ATTEMPT_COOKIE, { path: ATTEMPT_PATH, secure });
    // The URL the provider sent the browser to, on our public address (behind a proxy the request's
    // own host may differ): openid-client reads code, state, iss and error from it.
    const callback = new URL(`${deps.oidc.redirectUri}${new URL(c.req.url).search}`);
    try {
      const s = await deps.oidc.complete(
        token,
        callback,
        clientIp(c, deps.config.intake.trustProxyHops),
        c.req.header('user-agent'),
      );
      setSignInCookies(c, s, deps.config);
      return c.redirect(s.next, 303);
    } catch (err) {
      if (!(err instanceof OidcRefusal)) throw err;
      return c.html(<RefusedPage officeName={officeName} message={err.message} />, err.status);
    }
  });

  return app;
}
