/**
 * A real OpenID Connect provider for tests (oidc-provider, the certified implementation) on
 * 127.0.0.1: two clients (Press Desk's and another application's, for ID tokens with the wrong
 * audience), test accounts whose claims a test can change between sign-ins, its own login form
 * (any password; the login is the account's `sub`) and consent given in advance. Plus a
 * browser-less walk through its login form for scenario tests (`signInAtProvider`).
 *
 * Free of vitest (the browser tests use it too); not a test file itself.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import { CookieJar } from './http-desk.js';

export const DESK_CLIENT = { id: 'press-desk', secret: 'press-desk-test-secret-0123456789abcdef' };
export const OTHER_CLIENT = { id: 'another-app', secret: 'another-app-test-secret-0123456789abcdef' };

/** A person at the provider: their `sub` is the key of `accounts`; `roles` is the role claim. */
export interface ProviderAccount {
  email: string;
  name: string;
  roles: string[];
}

export interface TestProvider {
  issuer: string;
  /** Accounts by `sub`; change an entry's `roles` and the next sign-in carries the new claim. */
  accounts: Map<string, ProviderAccount>;
  /** The environment that points Press Desk at this provider (roles "desk-manager" / "desk-officer"). */
  env(): Record<string, string>;
  close(): Promise<void>;
}

/** Starts the provider; `redirectUris` are Press Desk's callback URLs (each client accepts them all). */
export async function startTestProvider(redirectUris: string[]): Promise<TestProvider> {
  const accounts = new Map<string, ProviderAccount>();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = (c: { id: string; secret: string }) => ({
    client_id: c.id,
    client_secret: c.secret,
    redirect_uris: redirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post' as const,
  });
  const provider = new Provider(issuer, {
    clients: [client(DESK_CLIENT), client(OTHER_CLIENT)],
    cookies: { keys: ['press-desk-test-provider-cookie-key'] },
    // The ID token carries the scopes' claims (as Entra's does), not only `sub`.
    conformIdTokenClaims: false,
    claims: { openid: ['sub', 'roles'], email: ['email', 'email_verified'], profile: ['name'] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx: KoaContextWithOIDC, sub: string) {
      const a = accounts.get(sub);
      if (!a) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, email: a.email, email_verified: true, name: a.name, roles: [...a.roles] }),
      };
    },
    // Consent is the organisation's (given when the application was registered), not the person's.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.session!.accountId,
      });
      grant.addOIDCScope('openid email profile');
      grant.addOIDCClaims(['roles']);
      await grant.save();
      return grant;
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    accounts,
    env: () => ({
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: DESK_CLIENT.id,
      OIDC_CLIENT_SECRET: DESK_CLIENT.secret,
      OIDC_MANAGER_VALUES: 'desk-manager',
      OIDC_OFFICER_VALUES: 'desk-officer',
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * What a browser does at the provider, without one: follows `authorizationUrl` through the
 * provider's login form as `sub` (a fresh provider session each time) and returns the URL the
 * provider sends the browser back to (Press Desk's callback, with code and state, or an error).
 * `cancel` presses the form's "Cancel" instead (the provider answers access_denied).
 */
export async function signInAtProvider(authorizationUrl: string, sub: string, opts: { cancel?: boolean } = {}) {
  const jar = new CookieJar();
  const origin = new URL(authorizationUrl).origin;
  const go = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie: jar.header } });
    jar.remember(res);
    return res;
  };
  let res = await go(authorizationUrl);
  for (let i = 0; i < 10; i++) {
    const location = res.headers.get('location');
    if (!location) throw new Error(`the provider answered ${res.status} without a redirect: ${await res.text()}`);
    const next = new URL(location, origin);
    if (next.origin !== origin) return next;
    res = await go(next.href);
    if (res.status === 200) {
      const html = await res.text();
      const action = /action="([^"]+)"/.exec(html)?.[1];
      if (!action) throw new Error(`no form on the provider's page: ${html.slice(0, 500)}`);
      if (opts.cancel) {
        res = await go(new URL(`${action}/abort`, origin).href);
        continue;
      }
      res = await go(new URL(action.replace(/&amp;/g, '&'), origin).href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ prompt: 'login', login: sub, password: 'any' }).toString(),
      });
    }
  }
  throw new Error('too many redirects at the provider');
}
