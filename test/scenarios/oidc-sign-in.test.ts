/**
 * Issue 30, item 1: staff sign in with their organisation's identity provider (OpenID Connect),
 * so that leavers lose access the day they leave. Against a real provider (oidc-provider on
 * 127.0.0.1) with Press Desk's client, another application's client and test people whose role
 * claim the tests change between sign-ins. The browser here is the in-process DeskClient; the
 * provider's login form is filled over HTTP (test/browser/oidc.test.ts does the same in chromium).
 */
import { sql } from 'kysely';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { OidcRefusal, OidcService } from '../../src/desk/oidc.service.js';
import { deskClient, loginAs, type DeskClient } from '../support/desk-client.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';
import { OTHER_CLIENT, signInAtProvider, startTestProvider, type TestProvider } from '../support/oidc-provider.js';

const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const CALLBACK = `${PUBLIC_BASE_URL}/desk/login/oidc/callback`;
const SYSTEM = { userId: null, email: 'test' };

let provider: TestProvider;
beforeAll(async () => {
  provider = await startTestProvider([CALLBACK]);
});
afterAll(async () => provider?.close());

/** Someone at the provider, with `roles` as their role claim. */
function person(sub: string, email: string, roles: string[]) {
  provider.accounts.set(sub, { email, name: `${sub} (${email.split('@')[0]})`, roles });
}

/**
 * A browser that presses "Sign in with …" on the desk, signs in at the provider as `sub` and
 * comes back: the callback's response, with the browser (signed in when it was accepted).
 */
async function signInWithProvider(h: Harness, sub: string, browser: DeskClient = deskClient(h)) {
  const start = await browser.get('/desk/login/oidc');
  expect(start.status, start.body.slice(0, 300)).toBe(303);
  const back = await signInAtProvider(start.location!, sub);
  const res = await browser.get(back.pathname + back.search);
  return { res, browser, back };
}

/** What the signed-in desk says about the browser's session: 200 with the queue, or a redirect to sign in. */
async function deskAnswer(browser: DeskClient) {
  return (await browser.get('/desk')).status;
}

async function auditRows(h: Harness, action: string) {
  const { rows } = await sql<{ detail: Record<string, unknown>; user_email: string | null }>`
    SELECT detail, user_email FROM audit_log WHERE action = ${action} ORDER BY id`.execute(h.database.db);
  return rows;
}

describe('OpenID Connect settings', () => {
  it('stays off without OIDC_ISSUER, and partial settings stop the start naming the missing key', () => {
    expect(loadConfig({}).oidc).toBeNull();
    const env = provider.env();
    expect(loadConfig(env).oidc).toMatchObject({ clientId: 'press-desk', roleClaim: 'roles' });
    const without = (key: string) => Object.fromEntries(Object.entries(env).filter(([k]) => k !== key));
    for (const key of ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'])
      expect(() => loadConfig(without(key))).toThrow(expect.objectContaining({ key }));
    expect(() => loadConfig({ OIDC_CLIENT_ID: 'x' })).toThrow(expect.objectContaining({ key: 'OIDC_ISSUER' }));
    expect(() => loadConfig({ ...env, OIDC_ISSUER: 'http://login.example.org/tenant' })).toThrow(
      expect.objectContaining({ key: 'OIDC_ISSUER' }),
    );
    expect(() => loadConfig({ ...without('OIDC_MANAGER_VALUES'), OIDC_OFFICER_VALUES: '' })).toThrow(ConfigError);
    expect(() =>
      loadConfig({}, { identity: { localPasswords: 'breakGlassOnly', breakGlassEmail: 'a@b.org' } }),
    ).toThrow(expect.objectContaining({ key: 'OIDC_ISSUER' }));
    expect(() => loadConfig(env, { identity: { localPasswords: 'breakGlassOnly' } })).toThrow(
      expect.objectContaining({ key: 'identity.breakGlassEmail' }),
    );
  });
});

describe('accounts by invitation (identity.oidc.provisioning "invite", the default)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: WEDNESDAY_10AM, env: provider.env() });
  });
  afterAll(async () => h?.close());

  it('offers "Sign in with <office>" first on the sign-in page, the password form below it', async () => {
    const page = await deskClient(h).get('/desk/login');
    expect(page.status).toBe(200);
    const button = page.body.indexOf('href="/desk/login/oidc"');
    expect(button).toBeGreaterThan(0);
    expect(page.body).toContain('Sign in with Press Office');
    expect(button).toBeLessThan(page.body.indexOf('name="password"'));
    expect(page.body).toContain('Or sign in with a password');
  });

  it('refuses a first sign-in nobody was invited for, even with a role claim, and creates no account', async () => {
    person('stranger', 'stranger@force.example.org', ['desk-officer']);
    const { res, browser } = await signInWithProvider(h, 'stranger');
    expect(res.status).toBe(403);
    expect(res.body).toContain('There is no desk account for stranger@force.example.org yet');
    expect(await deskAnswer(browser)).toBe(303);
    const users = await h.database.db.selectFrom('app_user').select('email').execute();
    expect(users.map((u) => u.email)).not.toContain('stranger@force.example.org');
    expect((await auditRows(h, 'login.failed')).at(-1)?.detail).toMatchObject({
      method: 'oidc',
      ip: browser.address,
    });
  });

  it('signs in an account a manager created (email in any case), binds it, and sets the role from the claim', async () => {
    const u = await h.services.users.create(
      { email: 'Dana.Price@force.example.org', name: 'Dana Price', role: 'officer', password: 'dana-password-12345' },
      SYSTEM,
    );
    person('dana-sub', 'dana.price@FORCE.example.org', ['desk-manager', 'staff']);
    const { res, browser } = await signInWithProvider(h, 'dana-sub');
    expect(res.status, res.body.slice(0, 400)).toBe(303);
    expect(res.location).toBe('/desk');
    expect(await deskAnswer(browser)).toBe(200);
    const after = await h.database.db
      .selectFrom('app_user')
      .selectAll()
      .where('id', '=', u.id)
      .executeTakeFirstOrThrow();
    expect(after.role).toBe('manager');
    const bound = await h.database.db.selectFrom('oidc_identity').selectAll().where('user_id', '=', u.id).execute();
    expect(bound).toEqual([expect.objectContaining({ issuer: provider.issuer, sub: 'dana-sub' })]);
    expect((await auditRows(h, 'user.role_from_claim')).at(-1)?.detail).toMatchObject({
      userId: u.id,
      from: 'officer',
      to: 'manager',
    });
    expect((await auditRows(h, 'login')).at(-1)?.detail).toMatchObject({ method: 'oidc', ip: browser.address });

    // The claim changes at the provider: the next sign-in demotes.
    person('dana-sub', 'dana.price@force.example.org', ['desk-officer']);
    const again = await signInWithProvider(h, 'dana-sub');
    expect(again.res.status).toBe(303);
    expect(
      (await h.database.db.selectFrom('app_user').select('role').where('id', '=', u.id).executeTakeFirstOrThrow()).role,
    ).toBe('officer');

    // The claim goes (a leaver, or moved out of the desk's group): refused, and every session ends.
    person('dana-sub', 'dana.price@force.example.org', ['staff']);
    expect(await deskAnswer(again.browser)).toBe(200);
    const refused = await signInWithProvider(h, 'dana-sub');
    expect(refused.res.status).toBe(403);
    expect(refused.res.body).toContain('does not give you a role on the Press Office desk');
    expect(await deskAnswer(again.browser)).toBe(303);
    expect(await deskAnswer(browser)).toBe(303);
    const row = await h.database.db.selectFrom('app_user').selectAll().where('id', '=', u.id).executeTakeFirstOrThrow();
    expect(row.active).toBe(true); // nothing deactivated silently
    expect((await auditRows(h, 'login.failed')).at(-1)?.detail).toMatchObject({
      method: 'oidc',
      userId: u.id,
      reason: expect.stringMatching(/no desk role.*2 session\(s\) ended/),
    });
  });

  it('refuses an answer whose state was tampered with, and one that reaches another browser', async () => {
    person('sam', 'sam@force.example.org', ['desk-officer']);
    await h.services.users.create(
      { email: 'sam@force.example.org', name: 'Sam', role: 'officer', password: 'sam-password-123456' },
      SYSTEM,
    );
    const browser = deskClient(h);
    const start = await browser.get('/desk/login/oidc');
    const back = await signInAtProvider(start.location!, 'sam');
    back.searchParams.set('state', 'attacker-chosen-state');
    const res = await browser.get(back.pathname + back.search);
    expect(res.status).toBe(400);
    expect(res.body).toContain('the state does not match');
    expect(browser.cookieValue('pd_session')).toBeUndefined();

    // A real answer, delivered to a browser that did not start the sign-in (login CSRF).
    const mine = await signInWithProvider(h, 'sam');
    expect(mine.res.status).toBe(303);
    const start2 = await deskClient(h).get('/desk/login/oidc');
    const back2 = await signInAtProvider(start2.location!, 'sam');
    const victim = deskClient(h);
    const res2 = await victim.get(back2.pathname + back2.search);
    expect(res2.status).toBe(400);
    expect(res2.body).toContain('did not start in this browser');

    // The same answer twice (a replayed callback): the second finds nothing.
    const replay = await mine.browser.get(mine.back.pathname + mine.back.search);
    expect(replay.status).toBe(400);
  });

  it('refuses an ID token whose nonce is not the one this sign-in sent', async () => {
    const browser = deskClient(h);
    const start = await browser.get('/desk/login/oidc');
    const back = await signInAtProvider(start.location!, 'sam');
    // As if the token had been made for another sign-in: this attempt expects another nonce.
    await h.database.db.updateTable('oidc_attempt').set({ nonce: 'another-sign-ins-nonce' }).execute();
    const res = await browser.get(back.pathname + back.search);
    expect(res.status).toBe(403);
    expect(res.body).toContain('the nonce does not match');
    expect(browser.cookieValue('pd_session')).toBeUndefined();
  });

  it('refuses an ID token the provider signed for another application (audience)', async () => {
    // Another application's genuine ID token for Sam, from the same provider.
    const other = await client.discovery(new URL(provider.issuer), OTHER_CLIENT.id, OTHER_CLIENT.secret, undefined, {
      execute: [client.allowInsecureRequests],
    });
    const verifier = client.randomPKCECodeVerifier();
    const otherUrl = client.buildAuthorizationUrl(other, {
      redirect_uri: CALLBACK,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce: 'n-other',
      state: 's-other',
    });
    const otherBack = await signInAtProvider(otherUrl.href, 'sam');
    const otherTokens = await client.authorizationCodeGrant(other, otherBack, {
      pkceCodeVerifier: verifier,
      expectedState: 's-other',
      expectedNonce: 'n-other',
    });
    expect(otherTokens.claims()?.aud).toBe(OTHER_CLIENT.id);

    // Press Desk's token request is answered with that token (a token endpoint answer swapped in).
    const swapped: client.CustomFetch = async (url, options) => {
      const res = await fetch(url, options as RequestInit);
      if (!url.endsWith('/token')) return res;
      const body = (await res.json()) as Record<string, unknown>;
      return Response.json({ ...body, id_token: otherTokens.id_token });
    };
    const oidc = new OidcService({
      db: h.database.db,
      clock: h.clock.fn,
      config: h.config,
      auth: h.services.auth,
      fetch: swapped,
    });
    const next = await oidc.begin('/desk');
    const back = await signInAtProvider(next.url.href, 'sam');
    const refusal = await oidc.complete(next.token, back, '192.0.2.7').catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(OidcRefusal);
    expect((refusal as OidcRefusal).status).toBe(403);
    expect((refusal as OidcRefusal).message).toContain('issued for another application');
    expect((await auditRows(h, 'login.failed')).at(-1)?.detail).toMatchObject({
      method: 'oidc',
      reason: 'wrong audience',
      ip: '192.0.2.7',
    });
  });

  it('reports the provider on /readyz once it has been reached', async () => {
    expect(await (await h.app.request('/readyz')).json()).toMatchObject({ status: 'ready', identityProvider: 'ok' });
  });

  it('shows the provider saying no (access_denied) in plain words', async () => {
    const browser = deskClient(h);
    const start = await browser.get('/desk/login/oidc');
    const back = await signInAtProvider(start.location!, 'sam', { cancel: true });
    expect(back.searchParams.get('error')).toBe('access_denied');
    const res = await browser.get(back.pathname + back.search);
    expect(res.status).toBe(403);
    expect(res.body).toContain('did not let you sign in (access denied)');
  });

  it('starts while the provider is down, says so on the sign-in page, and refuses with 503, not 500', async () => {
    const down = new OidcService({
      db: h.database.db,
      clock: h.clock.fn,
      config: { ...h.config, oidc: { ...h.config.oidc!, issuer: 'http://127.0.0.1:9' } },
      auth: h.services.auth,
    });
    expect(down.state()).toBe('unknown');
    expect(await down.ready()).toContain('cannot be reached');
    expect(down.state()).toBe('unreachable');
    const refusal = await down.begin('/desk').catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(OidcRefusal);
    expect((refusal as OidcRefusal).status).toBe(503);
  });
});

describe('accounts from the claim, local passwords for the break-glass manager only', () => {
  let h: Harness;
  const BREAK_GLASS = { email: 'break.glass@force.example.org', password: 'break-glass-password-1234' };
  beforeAll(async () => {
    h = await startHarness({
      now: WEDNESDAY_10AM,
      env: provider.env(),
      config: {
        office: { name: 'Northshire Police' },
        identity: {
          localPasswords: 'breakGlassOnly',
          breakGlassEmail: BREAK_GLASS.email,
          oidc: { provisioning: 'claim', label: 'Sign in with your Northshire account' },
        },
      },
    });
    await h.services.users.create({ ...BREAK_GLASS, name: 'Break glass', role: 'manager' }, SYSTEM);
    await h.services.users.create(
      { email: 'lee@force.example.org', name: 'Lee', role: 'officer', password: 'lee-password-123456' },
      SYSTEM,
    );
  });
  afterAll(async () => h?.close());

  it('creates the account at the first sign-in when the claim gives a role, with that role', async () => {
    person('new-officer', 'ola.new@force.example.org', ['desk-officer']);
    const { res, browser } = await signInWithProvider(h, 'new-officer');
    expect(res.status, res.body.slice(0, 400)).toBe(303);
    expect(await deskAnswer(browser)).toBe(200);
    const made = await h.database.db
      .selectFrom('app_user')
      .selectAll()
      .where('email', '=', 'ola.new@force.example.org')
      .executeTakeFirstOrThrow();
    expect(made).toMatchObject({ role: 'officer', active: true, name: 'new-officer (ola.new)' });
    expect((await auditRows(h, 'user.provisioned')).at(-1)?.detail).toMatchObject({ userId: made.id, role: 'officer' });

    person('new-manager', 'mo.new@force.example.org', ['desk-manager']);
    expect((await signInWithProvider(h, 'new-manager')).res.status).toBe(303);
    expect(
      (
        await h.database.db
          .selectFrom('app_user')
          .select('role')
          .where('email', '=', 'mo.new@force.example.org')
          .executeTakeFirstOrThrow()
      ).role,
    ).toBe('manager');
  });

  it('creates nothing for someone whose claim gives no desk role', async () => {
    person('cleaner', 'cleaner@force.example.org', ['facilities']);
    const { res } = await signInWithProvider(h, 'cleaner');
    expect(res.status).toBe(403);
    const none = await h.database.db
      .selectFrom('app_user')
      .select('id')
      .where('email', '=', 'cleaner@force.example.org')
      .execute();
    expect(none).toEqual([]);
  });

  it('shows the configured button and hides the password form behind the break-glass link', async () => {
    const page = await deskClient(h).get('/desk/login');
    expect(page.body).toContain('Sign in with your Northshire account');
    expect(page.body).toMatch(/<form[^>]*action="\/desk\/login"[^>]*hidden/);
    expect(page.body).toContain('href="/desk/login?breakglass=1"');
    const glass = await deskClient(h).get('/desk/login?breakglass=1');
    expect(glass.body).not.toMatch(/<form[^>]*action="\/desk\/login"[^>]*hidden/);
    expect(glass.body).toContain('Break-glass sign-in');
  });

  it('refuses a password for everyone but the break-glass manager', async () => {
    const lee = await deskClient(h).login('lee@force.example.org', 'lee-password-123456');
    expect(lee.status).toBe(403);
    expect(lee.body).toContain('Passwords are turned off on this desk');
    expect(lee.headers.getSetCookie().join()).not.toContain('pd_session=');
    await loginAs(h, BREAK_GLASS.email.toUpperCase(), BREAK_GLASS.password);
  });
});
