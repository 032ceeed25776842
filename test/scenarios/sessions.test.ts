/**
 * Issue 30, item 3: sessions that end. On their account page a user sees where they are signed in
 * (browser, network, when it started and was last used, this device marked) and can sign out one
 * session or everywhere else. Disabling a user or changing their role ends every session of
 * theirs, and their open live streams (the queue's and an enquiry's presence) close within
 * seconds, in whichever web process they are open: a NOTIFY tells every process at once, the
 * periodic check (`desk.liveQueue.sessionCheckSeconds`, 25 s here) is only the safety net.
 * Sign-in, sign-out, failed sign-ins and ended sessions are in the audit log with the address.
 *
 * "Every web process" is shown with two in-process apps on one database, each with its own
 * services and its own LISTEN connection (as two `--web` processes have); the process test
 * test/process/session-end.test.ts does the same with two real web processes.
 */
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { buildServices, type Services } from '../../src/services.js';
import { clientEnv } from '../support/client-address.js';
import { csrfOf, DeskClient, decodeEntities, loginAs, type DeskApp } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const SYSTEM = { userId: null, email: 'test' };
const MANAGER = { email: 'sessions.manager@press.example', password: 'manager-password-1', name: 'Mo Manager' };
const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
/** Far inside the 25 s periodic check: a stream closed this fast was told, not polled. */
const AT_ONCE_MS = 5_000;

let h: Harness;
/** A second web process's services and app on the same database (its own LiveFeed). */
let second: Services;
let secondApp: DeskApp;
let managerId: string;
let manager: DeskClient;
let n = 0;

beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM, config: { intake: { rateLimit: null } } });
  managerId = (await h.services.users.create({ ...MANAGER, role: 'manager' }, SYSTEM)).id;
  second = buildServices({
    config: h.config,
    db: h.database.db,
    pool: h.database.pool,
    databaseUrl: h.database.url,
    clock: h.clock.fn,
    log: createLogger('silent'),
  });
  const app = createApp(second) as unknown as Hono;
  secondApp = { app: { request: (input, init, env) => app.request(input, init, env) } };
  manager = await loginAs(h, MANAGER.email, MANAGER.password);
}, 60_000);
afterAll(async () => {
  await second?.live.stop();
  await h?.close();
});

/** A new officer account; returns its id and credentials. */
async function newOfficer(): Promise<{ id: string; email: string; password: string }> {
  n++;
  const o = { email: `session.officer${n}@press.example`, password: 'officer-password-1' };
  const { id } = await h.services.users.create({ ...o, name: `Officer ${n}`, role: 'officer' }, SYSTEM);
  return { id, ...o };
}

/** Signs in through the form from a browser that sends `userAgent`, from `address`. */
async function signInWith(email: string, password: string, userAgent: string, address?: string): Promise<DeskClient> {
  const client = new DeskClient(h, address);
  const page = await client.get('/desk/login');
  const res = await client.request('/desk/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': userAgent },
    body: new URLSearchParams({ _csrf: csrfOf(page.body)!, email, password, next: '/desk' }).toString(),
  });
  expect(res.status, res.body.slice(0, 300)).toBe(303);
  client.csrf = null;
  return client;
}

/** Whether `client`'s session still opens the desk. */
async function signedIn(client: DeskClient): Promise<boolean> {
  const res = await client.get('/desk/account');
  return res.status === 200;
}

/** The rows of the "Where you are signed in" table, as text, with each row's session id. */
function sessionRows(html: string): Array<{ id: string; text: string }> {
  const table = /<table[^>]*id="sessions"[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
  return [...table.matchAll(/<tr id="session-([^"]+)">([\s\S]*?)<\/tr>/g)].map((m) => ({
    id: m[1],
    text: decodeEntities(m[2].replace(/<[^>]*>/g, ' '))
      .replace(/\s+/g, ' ')
      .trim(),
  }));
}

/** The audit entries of `action` since the test began, newest first. */
async function auditOf(action: string) {
  return h.database.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id', 'desc').execute();
}

/** An open event stream (`path`) on `app` with `cookie`, read as it comes. */
async function openStream(app: DeskApp, path: string, cookie: string, address = '198.51.100.200') {
  const res = await app.app.request(
    path,
    { headers: { Cookie: cookie, Accept: 'text/event-stream' } },
    clientEnv(address),
  );
  expect(res.status, path).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let done = false;
  // Reading runs on its own, so a test can wait on either the text or the end.
  const reading = (async () => {
    while (!done) {
      const chunk = await reader.read();
      if (chunk.done) done = true;
      else text += decoder.decode(chunk.value);
    }
  })();
  return {
    async until(pattern: RegExp, ms = 10_000) {
      const deadline = performance.now() + ms;
      while (!pattern.test(text)) {
        if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
        if (performance.now() > deadline) throw new Error(`no ${pattern} within ${ms} ms: ${text}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    /** Milliseconds until the server ends the stream (throws after `ms`). */
    async endsWithin(ms: number): Promise<number> {
      const start = performance.now();
      while (!done) {
        if (performance.now() - start > ms) throw new Error(`stream still open after ${ms} ms: ${text}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      await reading;
      return performance.now() - start;
    },
    close: () => reader.cancel().catch(() => undefined),
  };
}

async function submitEnquiry(): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Gazette',
    phone: '+447911123401',
    subject: 'Road closure',
    details: 'Details',
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

describe('where you are signed in', () => {
  it('lists every session of yours with its browser, network and times, this device marked', async () => {
    const o = await newOfficer();
    const laptop = await signInWith(o.email, o.password, FIREFOX_WINDOWS, '203.0.113.17');
    await signInWith(o.email, o.password, SAFARI_IPHONE, '198.51.100.42');
    const page = await laptop.get('/desk/account');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Where you are signed in');
    const rows = sessionRows(page.body);
    expect(rows).toHaveLength(2);
    const here = rows.find((r) => r.text.includes('this device'));
    expect(here?.text).toContain('Firefox on Windows');
    expect(here?.text).toContain('203.0.113.0/24');
    expect(here?.text).toContain('Wed 2 Dec 10:00');
    const phone = rows.find((r) => !r.text.includes('this device'));
    expect(phone?.text).toContain('Safari on iPhone');
    expect(phone?.text).toContain('198.51.100.0/24');
    // Only the network is kept with the session, never the full address or the User-Agent.
    const stored = await h.database.db.selectFrom('user_session').selectAll().where('user_id', '=', o.id).execute();
    expect(stored.map((s) => s.client_address).sort()).toEqual(['198.51.100.0/24', '203.0.113.0/24']);
    expect(JSON.stringify(stored)).not.toContain('Mozilla');
    // Nobody else's sessions are listed.
    expect(
      sessionRows((await manager.get('/desk/account')).body).some((r) => r.text.includes('Safari on iPhone')),
    ).toBe(false);
  });

  it('signs out one session: that browser is signed out, this one is not, and the audit log says so', async () => {
    const o = await newOfficer();
    const laptop = await signInWith(o.email, o.password, FIREFOX_WINDOWS, '203.0.113.18');
    const phone = await signInWith(o.email, o.password, SAFARI_IPHONE);
    const phoneRow = sessionRows((await laptop.get('/desk/account')).body).find((r) => r.text.includes('iPhone'))!;
    const res = await laptop.post(`/desk/account/sessions/${phoneRow.id}/end`);
    expect(res.status).toBe(303);
    expect((await laptop.get(res.location!)).body).toContain('That session has been signed out.');
    expect(await signedIn(phone)).toBe(false);
    expect(await signedIn(laptop)).toBe(true);
    const [entry] = await auditOf('session.ended');
    expect(entry.user_id).toBe(o.id);
    expect(entry.detail).toMatchObject({
      ip: '203.0.113.18',
      sessions: 1,
      how: 'one session',
      device: 'Safari on iPhone',
    });
  });

  it('cannot sign out someone else’s session by its id', async () => {
    const o = await newOfficer();
    const theirs = await signInWith(o.email, o.password, CHROME_MAC);
    const id = sessionRows((await theirs.get('/desk/account')).body)[0].id;
    const res = await manager.post(`/desk/account/sessions/${id}/end`);
    expect(res.status).toBe(404);
    expect(await signedIn(theirs)).toBe(true);
    expect((await manager.post('/desk/account/sessions/not-a-session/end')).status).toBe(404);
  });

  it('signing out this device from the list signs you out here', async () => {
    const o = await newOfficer();
    const laptop = await signInWith(o.email, o.password, CHROME_MAC);
    const here = sessionRows((await laptop.get('/desk/account')).body).find((r) => r.text.includes('this device'))!;
    const res = await laptop.post(`/desk/account/sessions/${here.id}/end`);
    expect(res.location).toBe('/desk/login');
    expect(await signedIn(laptop)).toBe(false);
  });

  it('an expired session is not listed, and its row (device, network) goes at the next sign-in', async () => {
    const o = await newOfficer();
    const old = await signInWith(o.email, o.password, SAFARI_IPHONE);
    await h.database.db
      .updateTable('user_session')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', o.id)
      .execute();
    expect(await signedIn(old)).toBe(false);
    const laptop = await signInWith(o.email, o.password, FIREFOX_WINDOWS);
    expect(sessionRows((await laptop.get('/desk/account')).body).map((r) => r.text)).toEqual([
      expect.stringContaining('Firefox on Windows'),
    ]);
    const rows = await h.database.db.selectFrom('user_session').select('device').where('user_id', '=', o.id).execute();
    expect(rows).toEqual([{ device: 'Firefox on Windows' }]);
  });

  it('signs out everywhere else, keeping this session', async () => {
    const o = await newOfficer();
    const laptop = await signInWith(o.email, o.password, FIREFOX_WINDOWS, '203.0.113.19');
    const others = [
      await signInWith(o.email, o.password, SAFARI_IPHONE),
      await signInWith(o.email, o.password, CHROME_MAC),
    ];
    expect((await laptop.get('/desk/account')).body).toContain('Sign out everywhere else');
    const res = await laptop.post('/desk/account/sessions/end-others');
    expect(res.status).toBe(303);
    expect((await laptop.get(res.location!)).body).toContain('You have been signed out everywhere else.');
    for (const c of others) expect(await signedIn(c)).toBe(false);
    const page = await laptop.get('/desk/account');
    expect(sessionRows(page.body)).toHaveLength(1);
    expect(page.body).toContain('You are signed in on this device only.');
    const [entry] = await auditOf('session.ended');
    expect(entry.detail).toMatchObject({ ip: '203.0.113.19', sessions: 2, how: 'everywhere else' });
  });
});

describe('a manager ending someone’s sessions', () => {
  it('disabling a user signs out every session of theirs', async () => {
    const o = await newOfficer();
    const a = await loginAs(h, o.email, o.password);
    const b = await loginAs(h, o.email, o.password);
    const res = await manager.post(`/desk/users/${o.id}/disable`);
    expect(res.status).toBe(303);
    expect(await signedIn(a)).toBe(false);
    expect(await signedIn(b)).toBe(false);
    const [entry] = await auditOf('user.disabled');
    expect(entry.detail).toMatchObject({ userId: o.id, sessionsEnded: 2 });
  });

  it('changing a user’s role signs them out: they sign in again with the new role', async () => {
    const o = await newOfficer();
    const officer = await loginAs(h, o.email, o.password);
    expect((await officer.get('/desk/users')).status).toBe(403);
    const res = await manager.post(`/desk/users/${o.id}`, {
      name: `Officer ${n}`,
      email: o.email,
      mobile: '',
      role: 'manager',
      active: 'yes',
    });
    expect(res.status).toBe(303);
    expect((await manager.get(res.location!)).body).toContain('they have been signed out');
    expect(await signedIn(officer)).toBe(false);
    const again = await loginAs(h, o.email, o.password);
    expect((await again.get('/desk/users')).status).toBe(200);
    const [entry] = await auditOf('user.updated');
    expect(entry.detail).toMatchObject({ userId: o.id, sessionsEnded: 1, changed: { role: { to: 'manager' } } });
  });

  it('changing only a name does not sign them out', async () => {
    const o = await newOfficer();
    const officer = await loginAs(h, o.email, o.password);
    await manager.post(`/desk/users/${o.id}`, {
      name: 'A New Name',
      email: o.email,
      mobile: '',
      role: 'officer',
      active: 'yes',
    });
    expect(await signedIn(officer)).toBe(true);
  });
});

describe('open live streams end within seconds, in every web process', () => {
  it('disabling a user ends their live queue open on another web process, long before the periodic check', async () => {
    const o = await newOfficer();
    const officer = await loginAs(h, o.email, o.password);
    const queue = await openStream(secondApp, '/desk/events', officer.cookie);
    await queue.until(/event: ready/);
    expect((await manager.post(`/desk/users/${o.id}/disable`)).status).toBe(303);
    expect(await queue.endsWithin(AT_ONCE_MS)).toBeLessThan(AT_ONCE_MS);
  });

  it('changing a user’s role ends their live queue and their enquiry’s presence stream on another process', async () => {
    const o = await newOfficer();
    const officer = await loginAs(h, o.email, o.password);
    const reference = await submitEnquiry();
    const queue = await openStream(secondApp, '/desk/events', officer.cookie);
    const presence = await openStream(secondApp, `/desk/presence/${reference}/events`, officer.cookie);
    await queue.until(/event: ready/);
    await presence.until(/event: ready/);
    const res = await manager.post(`/desk/users/${o.id}`, {
      name: `Officer ${n}`,
      email: o.email,
      mobile: '',
      role: 'manager',
      active: 'yes',
    });
    expect(res.status).toBe(303);
    const [q, p] = await Promise.all([queue.endsWithin(AT_ONCE_MS), presence.endsWithin(AT_ONCE_MS)]);
    expect(q).toBeLessThan(AT_ONCE_MS);
    expect(p).toBeLessThan(AT_ONCE_MS);
  });

  it('a password reset, or signing out everywhere else, ends those streams too; the user’s other streams stay', async () => {
    const o = await newOfficer();
    const kept = await loginAs(h, o.email, o.password);
    const other = await loginAs(h, o.email, o.password);
    const keptQueue = await openStream(secondApp, '/desk/events', kept.cookie);
    const otherQueue = await openStream(secondApp, '/desk/events', other.cookie);
    await keptQueue.until(/event: ready/);
    await otherQueue.until(/event: ready/);
    expect((await kept.post('/desk/account/sessions/end-others')).status).toBe(303);
    expect(await otherQueue.endsWithin(AT_ONCE_MS)).toBeLessThan(AT_ONCE_MS);
    // The kept session's queue still streams arrivals.
    const reference = await submitEnquiry();
    await keptQueue.until(new RegExp(reference));
    expect((await manager.post(`/desk/users/${o.id}/password`, { password: 'a-brand-new-password-1' })).status).toBe(
      303,
    );
    expect(await keptQueue.endsWithin(AT_ONCE_MS)).toBeLessThan(AT_ONCE_MS);
  });

  it('another user’s streams are not ended', async () => {
    const o = await newOfficer();
    const bystander = await newOfficer();
    await loginAs(h, o.email, o.password);
    const theirs = await loginAs(h, bystander.email, bystander.password);
    const queue = await openStream(secondApp, '/desk/events', theirs.cookie);
    await queue.until(/event: ready/);
    await manager.post(`/desk/users/${o.id}/disable`);
    const reference = await submitEnquiry();
    await queue.until(new RegExp(reference));
    await queue.close();
  });
});

describe('the sign-in audit, with the client address', () => {
  it('records a sign-in and a sign-out with the address and how', async () => {
    const o = await newOfficer();
    const client = await signInWith(o.email, o.password, FIREFOX_WINDOWS, '203.0.113.50');
    const [login] = await auditOf('login');
    expect(login.user_id).toBe(o.id);
    expect(login.detail).toMatchObject({ ip: '203.0.113.50', method: 'password' });
    expect((await client.post('/desk/logout')).status).toBe(303);
    const [logout] = await auditOf('logout');
    expect(logout.user_id).toBe(o.id);
    expect(logout.detail).toMatchObject({ ip: '203.0.113.50' });
  });

  it('records a wrong password against the account, without the password typed', async () => {
    const o = await newOfficer();
    const client = new DeskClient(h, '203.0.113.51');
    expect((await client.login(o.email, 'not-the-password-typed')).status).toBe(401);
    const [failed] = await auditOf('login.failed');
    expect(failed.user_id).toBeNull();
    expect(failed.detail).toMatchObject({
      ip: '203.0.113.51',
      method: 'password',
      account: o.email,
      userId: o.id,
      reason: 'wrong password',
    });
    expect(JSON.stringify(failed)).not.toContain('not-the-password-typed');
  });

  it('records an unknown account without what was typed', async () => {
    const client = new DeskClient(h, '203.0.113.52');
    expect((await client.login('nobody.here@elsewhere.example', 'guess-password-1')).status).toBe(401);
    const [failed] = await auditOf('login.failed');
    expect(failed.detail).toMatchObject({ ip: '203.0.113.52', account: 'unknown account', reason: 'unknown account' });
    expect(JSON.stringify(failed)).not.toContain('nobody.here');
    expect(JSON.stringify(failed)).not.toContain('guess-password-1');
  });

  it('records a disabled account’s try', async () => {
    const o = await newOfficer();
    await h.services.users.setActive(o.id, false, { userId: managerId, email: MANAGER.email });
    const client = new DeskClient(h, '203.0.113.53');
    expect((await client.login(o.email, o.password)).status).toBe(401);
    const [failed] = await auditOf('login.failed');
    expect(failed.detail).toMatchObject({ ip: '203.0.113.53', userId: o.id, reason: 'account disabled' });
  });

  it('shows them on the audit page in words', async () => {
    const page = await manager.get('/desk/audit');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Failed to sign in');
    expect(page.body).toContain('Signed out one of their sessions, or everywhere else');
  });
});
