/**
 * Issue 30, item 2: a second factor for local accounts. After a right password an account with an
 * authenticator app is asked for its code before the desk opens; a code works once; wrong codes
 * count towards a lock-out; a recovery code works once; identity.requireSecondFactor sends an
 * account without one to set it up; a manager can reset it (audited, signed out).
 */
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deskClient, fieldError, loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const MANAGER = { email: 'mina.manager@press.example', password: 'manager-password-1' };
const SYSTEM = { userId: null, email: 'test' };

let h: Harness;
let people = 0;

beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM });
  await h.services.users.create({ ...MANAGER, name: 'Mina Manager', role: 'manager' }, SYSTEM);
});
afterAll(async () => h?.close());
beforeEach(() => {
  h.clock.set(WEDNESDAY_10AM);
  h.config.identity.requireSecondFactor = false;
});

/** A new officer account (its own, so one test's codes and counts do not meet another's). */
async function officer(): Promise<{ id: string; email: string; password: string }> {
  people++;
  const who = { email: `officer${people}@press.example`, password: `officer-password-${people}` };
  const u = await h.services.users.create({ ...who, name: `Officer ${people}`, role: 'officer' }, SYSTEM);
  return { id: u.id, ...who };
}

/** The code the app shows at the test clock's time (offset in 30-second steps). */
function codeAt(secret: string, steps = 0): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
  return totp.generate({ timestamp: h.clock.fn().getTime() + steps * 30_000 });
}

/** The key shown for typing in by hand on the set-up page. */
function secretOf(html: string): string {
  const m = /Key: <code[^>]*>([A-Z2-7 ]+)<\/code>/.exec(html);
  if (!m) throw new Error('no key on the set-up page');
  return m[1].replace(/ /g, '');
}

async function auditActions(): Promise<Array<{ action: string; user_email: string | null; detail: unknown }>> {
  return h.database.db.selectFrom('audit_log').select(['action', 'user_email', 'detail']).orderBy('id').execute();
}

/** Signs in with a password and sets up the authenticator app; returns the secret and the recovery codes shown. */
async function withApp(who: { email: string; password: string }): Promise<{ secret: string; codes: string[] }> {
  const c = await loginAs(h, who.email, who.password);
  const page = await c.get('/desk/account/second-factor/app');
  expect(page.status).toBe(200);
  expect(page.body).toContain('<svg');
  const secret = secretOf(page.body);
  const done = await c.post('/desk/account/second-factor/app', { code: codeAt(secret) });
  expect(done.status).toBe(200);
  const codes = [...done.body.matchAll(/<code>([a-z2-9]{5}-[a-z2-9]{5})<\/code>/g)].map((m) => m[1]);
  expect(codes).toHaveLength(10);
  // The confirming code counts as used: the next sign-in needs the next step's code.
  h.clock.advance(30_000);
  return { secret, codes };
}

/** Signs in with the password only: the answer (303 to the second step when one is needed). */
async function password(c: DeskClient, who: { email: string; password: string }) {
  const res = await c.login(who.email, who.password);
  expect(res.status).toBe(303);
  return res;
}

describe('the authenticator app', () => {
  it('is set up with a QR code and a confirming code, then asked for after the password', async () => {
    const who = await officer();
    const { secret } = await withApp(who);
    const c = deskClient(h);
    const res = await password(c, who);
    expect(res.location).toBe('/desk/login/second-factor');
    expect(c.cookieValue('pd_session')).toBeUndefined();
    // No desk yet: the password alone opened no session.
    expect((await c.get('/desk')).location).toMatch(/^\/desk\/login/);
    const step = await c.get('/desk/login/second-factor');
    expect(step.status).toBe(200);
    expect(step.body).toContain('Code from your authenticator app');
    const ok = await c.post('/desk/login/second-factor/code', { code: codeAt(secret) });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/desk');
    expect((await c.get('/desk')).status).toBe(200);
    const login = (await auditActions()).filter((a) => a.action === 'login' && a.user_email === who.email).at(-1);
    expect(login?.detail).toMatchObject({ secondFactor: 'app' });
  });

  it('refuses a code already used (a replay), even from another browser', async () => {
    const who = await officer();
    const { secret } = await withApp(who);
    const code = codeAt(secret);
    const first = deskClient(h);
    await password(first, who);
    await first.get('/desk/login/second-factor');
    expect((await first.post('/desk/login/second-factor/code', { code })).status).toBe(303);
    const second = deskClient(h);
    await password(second, who);
    await second.get('/desk/login/second-factor');
    const replay = await second.post('/desk/login/second-factor/code', { code });
    expect(replay.status).toBe(401);
    expect(fieldError(replay.body, 'code')).toMatch(/not right, or was already used/);
    expect(second.cookieValue('pd_session')).toBeUndefined();
    // The next step's code works.
    h.clock.advance(30_000);
    expect((await second.post('/desk/login/second-factor/code', { code: codeAt(secret) })).status).toBe(303);
  });

  it('refuses a wrong code, audits it with the address, and locks out after five wrong', async () => {
    const who = await officer();
    const { secret } = await withApp(who);
    const c = deskClient(h);
    await password(c, who);
    await c.get('/desk/login/second-factor');
    const wrong = codeAt(secret, 10);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await c.post('/desk/login/second-factor/code', { code: wrong })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const failures = (await auditActions()).filter(
      (a) => a.action === 'second_factor.failed' && a.user_email === who.email,
    );
    expect(failures).toHaveLength(5);
    expect(failures[0].detail).toMatchObject({ ip: c.address, method: 'app' });
    // Five wrong: even the right code is refused until the window ends.
    const locked = await c.post('/desk/login/second-factor/code', { code: codeAt(secret) });
    expect(locked.status).toBe(429);
    expect(fieldError(locked.body, 'code')).toMatch(/Too many wrong codes/);
  });
});

describe('passkeys without JavaScript', () => {
  it('say so on the page instead of failing', async () => {
    const who = await officer();
    const c = await loginAs(h, who.email, who.password);
    await c.get('/desk/account/second-factor');
    const res = await c.post('/desk/account/second-factor/passkeys', { label: 'Work laptop' });
    expect(res.status).toBe(422);
    expect(fieldError(res.body, 'passkey-label')).toMatch(/need JavaScript/);
  });
});

describe('the waiting sign-in', () => {
  it('takes answers only from its own page, and ends after ten minutes', async () => {
    const who = await officer();
    const { secret } = await withApp(who);
    const c = deskClient(h);
    await password(c, who);
    await c.get('/desk/login/second-factor');
    // Another site's form (no token of this sign-in) is refused, and nothing is counted.
    const forged = await c.post('/desk/login/second-factor/code', { _csrf: 'forged', code: codeAt(secret) });
    expect(forged.status).toBe(403);
    expect(c.cookieValue('pd_session')).toBeUndefined();
    h.clock.advance(11 * 60_000);
    const gone = await c.get('/desk/login/second-factor');
    expect(gone.status).toBe(303);
    expect(gone.location).toBe('/desk/login');
    expect((await c.post('/desk/login/second-factor/code', { _csrf: 'x', code: codeAt(secret) })).location).toBe(
      '/desk/login',
    );
  });

  it('keeps where the person was going', async () => {
    const who = await officer();
    const { secret } = await withApp(who);
    const c = deskClient(h);
    const res = await c.login(who.email, who.password, '/desk/account');
    expect(res.location).toBe('/desk/login/second-factor');
    await c.get('/desk/login/second-factor');
    const ok = await c.post('/desk/login/second-factor/code', { code: codeAt(secret) });
    expect(ok.location).toBe('/desk/account');
  });
});

describe('recovery codes', () => {
  it('sign in once each, and using one is audited', async () => {
    const who = await officer();
    const { codes } = await withApp(who);
    const c = deskClient(h);
    await password(c, who);
    await c.get('/desk/login/second-factor');
    const used = await c.post('/desk/login/second-factor/recovery', { recovery: codes[3].toUpperCase() });
    expect(used.status).toBe(303);
    expect((await c.get('/desk')).status).toBe(200);
    expect(
      (await auditActions()).some((a) => a.action === 'second_factor.recovery_used' && a.user_email === who.email),
    ).toBe(true);
    const again = deskClient(h);
    await password(again, who);
    await again.get('/desk/login/second-factor');
    const refused = await again.post('/desk/login/second-factor/recovery', { recovery: codes[3] });
    expect(refused.status).toBe(401);
    expect(fieldError(refused.body, 'recovery')).toMatch(/already used/);
    const page = await loginViaRecovery(who, codes[4]);
    expect((await page.get('/desk/account/second-factor')).body).toContain('8 of 10 unused');
  });
});

async function loginViaRecovery(who: { email: string; password: string }, code: string): Promise<DeskClient> {
  const c = deskClient(h);
  await password(c, who);
  await c.get('/desk/login/second-factor');
  expect((await c.post('/desk/login/second-factor/recovery', { recovery: code })).status).toBe(303);
  c.csrf = null;
  return c;
}

describe('identity.requireSecondFactor', () => {
  it('takes an account without one to set it up, and nowhere else, until it has one', async () => {
    h.config.identity.requireSecondFactor = true;
    const who = await officer();
    const c = deskClient(h);
    const res = await password(c, who);
    expect(res.location).toBe('/desk/account/second-factor');
    const queue = await c.get('/desk');
    expect(queue.status).toBe(303);
    expect(queue.location).toBe('/desk/account/second-factor');
    expect((await c.get('/desk/account/second-factor')).body).toContain('Set up a second factor to use the desk.');
    const setUp = await c.get('/desk/account/second-factor/app');
    const secret = secretOf(setUp.body);
    const done = await c.post('/desk/account/second-factor/app', { code: codeAt(secret) });
    expect(done.status).toBe(200);
    expect((await c.get('/desk')).status).toBe(200);
  });

  it('does not let the last factor be removed while required', async () => {
    const who = await officer();
    await withApp(who);
    h.config.identity.requireSecondFactor = true;
    const c = await loginViaRecovery(who, (await withCodes(who))[0]);
    await c.get('/desk/account/second-factor');
    const refused = await c.post('/desk/account/second-factor/app/remove');
    expect(refused.status).toBe(409);
    expect(refused.body).toContain('add another before removing your last one');
  });
});

/** New recovery codes for an account that has a factor (made through the service, as the page does). */
async function withCodes(who: { id?: string; email: string }): Promise<string[]> {
  const user = await h.database.db
    .selectFrom('app_user')
    .selectAll()
    .where('email', '=', who.email)
    .executeTakeFirstOrThrow();
  return h.services.secondFactor.regenerateRecoveryCodes(user, '192.0.2.9');
}

describe('a manager resetting someone’s second factor', () => {
  it('removes it, signs them out, and is in the audit log', async () => {
    const who = await officer();
    const { secret } = await withApp(who);
    const theirs = deskClient(h);
    await password(theirs, who);
    await theirs.get('/desk/login/second-factor');
    expect((await theirs.post('/desk/login/second-factor/code', { code: codeAt(secret) })).status).toBe(303);
    expect((await theirs.get('/desk')).status).toBe(200);

    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    const page = await manager.get(`/desk/users/${who.id}/second-factor`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Reset second factor of');
    const reset = await manager.post(`/desk/users/${who.id}/second-factor/reset`);
    expect(reset.status).toBe(303);
    expect((await manager.get(reset.location ?? '')).body).toContain('reset and they were signed out');

    expect((await theirs.get('/desk')).status).toBe(303);
    const entry = (await auditActions()).filter((a) => a.action === 'second_factor.reset').at(-1);
    expect(entry).toMatchObject({ user_email: MANAGER.email, detail: { account: who.email, app: true } });
    expect(JSON.stringify(entry)).not.toContain(secret);
    // Their password alone signs them in again.
    const again = deskClient(h);
    expect((await password(again, who)).location).toBe('/desk');
  });

  it('is a manager action: an officer cannot reach it', async () => {
    const who = await officer();
    const other = await officer();
    const c = await loginAs(h, who.email, who.password);
    expect((await c.get(`/desk/users/${other.id}/second-factor`)).status).toBe(403);
  });
});
