/**
 * Issue 12, finding 7: wrong passwords from one address must not stop the owner signing in from
 * another. Issue 22, item 8: nor from a browser they signed in from before, and managers hear of
 * a lock-out. Every request here reaches the service through one reverse proxy (the same socket
 * address), which names the client in X-Forwarded-For, as in production behind a load balancer.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deskClient, type DeskApp, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const PROXY = '10.0.0.2';
const SYSTEM = { userId: null, email: 'test' };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    now: WEDNESDAY_10AM,
    config: { intake: { trustProxyHops: 1 } },
    env: { SMTP_URL: 'smtp://127.0.0.1:2525', PRESSDESK_EMAIL_FROM: 'Press Office <press.office@press.example>' },
  });
});
afterAll(async () => h?.close());

/** A browser at `address`, seen by the service through the proxy. */
function browserAt(address: string): DeskClient {
  const viaProxy: DeskApp = {
    app: {
      request: (input, init, env) => {
        const headers = new Headers(init?.headers);
        headers.set('X-Forwarded-For', address);
        return h.app.request(input, { ...init, headers }, env);
      },
    },
  };
  return deskClient(viaProxy, PROXY);
}

async function officer(email: string, role: 'officer' | 'manager' = 'officer') {
  const password = `${email.split('@')[0]}-password`;
  const user = await h.services.users.create({ email, password, name: email.split('@')[0], role }, SYSTEM);
  return { id: user.id, email, password };
}

/** Wrong passwords for `email` from `n` different addresses (`first`, `first`+1, …), each refused as wrong. */
async function guessFrom(n: number, first: number, email: string) {
  for (let i = 0; i < n; i++)
    expect((await browserAt(`203.0.113.${first + i}`).login(email, 'guess')).status).toBe(401);
}

/** Emails queued (not yet sent: no job runner here) whose key starts with `prefix`. */
async function queuedEmails(prefix: string) {
  const { rows } = await sql<{ key: string; payload: { to: string; content: string } }>`
    SELECT j.key, j.payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = 'send_email' AND j.key LIKE ${`${prefix}%`} ORDER BY j.key`.execute(
    h.database.db,
  );
  return rows.map((r) => ({
    to: r.payload.to,
    ...(JSON.parse(r.payload.content) as { subject: string; text: string }),
  }));
}

describe('sign-in limits', () => {
  it('lets the owner sign in from their address while another address is refused for guessing', async () => {
    const owner = await officer('target.one@press.example');
    const guesser = browserAt('203.0.113.10');
    const answers: number[] = [];
    for (let i = 0; i < 12; i++) answers.push((await guesser.login(owner.email, `guess-${i}`)).status);
    expect(answers.slice(0, 8)).toEqual(Array(8).fill(401));
    expect(answers.slice(8)).toEqual(Array(4).fill(429));
    // From the guessing address even the right password waits...
    const refused = await guesser.login(owner.email, owner.password);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // ...but the owner, elsewhere, signs in as usual.
    expect((await browserAt('198.51.100.20').login(owner.email, owner.password)).status).toBe(303);
  });

  it('still limits one address across accounts', async () => {
    const owner = await officer('target.two@press.example');
    const sprayer = browserAt('203.0.113.11');
    for (let i = 0; i < 30; i++) expect((await sprayer.login(`nobody${i}@press.example`, 'guess')).status).toBe(401);
    expect((await sprayer.login(owner.email, owner.password)).status).toBe(429);
    expect((await browserAt('198.51.100.21').login(owner.email, owner.password)).status).toBe(303);
  });

  it('refuses an account for a while once failures for it come from many addresses', async () => {
    const owner = await officer('target.three@press.example');
    // Nine addresses fail, several times each: not yet "many".
    for (let i = 1; i <= 9; i++) {
      const bot = browserAt(`203.0.113.${100 + i}`);
      for (let j = 0; j < 3; j++) expect((await bot.login(owner.email, `guess-${j}`)).status).toBe(401);
    }
    expect((await browserAt('198.51.100.22').login(owner.email, owner.password)).status).toBe(303);
    // The tenth different address tips it: every sign-in to the account waits, the owner's too.
    expect((await browserAt('203.0.113.110').login(owner.email, 'guess')).status).toBe(401);
    const locked = await browserAt('198.51.100.23').login(owner.email, owner.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other accounts are not affected.
    const other = await officer('bystander@press.example');
    expect((await browserAt('198.51.100.23').login(other.email, other.password)).status).toBe(303);
  });

  it('does not count successful sign-ins against an address (an office behind one NAT)', async () => {
    const colleagues = await Promise.all(Array.from({ length: 4 }, (_, i) => officer(`colleague${i}@press.example`)));
    const office = '198.51.100.30';
    for (let round = 0; round < 10; round++) {
      for (const c of colleagues) expect((await browserAt(office).login(c.email, c.password)).status).toBe(303);
    }
  });
});

describe('a browser the owner signed in from before', () => {
  it('signs in with the right password while the account is locked against everyone else', async () => {
    const owner = await officer('known.device@press.example');
    const laptop = browserAt('198.51.100.40');
    expect((await laptop.login(owner.email, owner.password)).status).toBe(303);
    expect(laptop.cookieValue('pd_device')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await laptop.post('/desk/logout');
    expect(laptop.cookieValue('pd_session')).toBeUndefined();

    await guessFrom(10, 120, owner.email);
    // Locked: a browser new to the account waits, even at the laptop's own address...
    expect((await browserAt('198.51.100.40').login(owner.email, owner.password)).status).toBe(429);
    // ...the laptop does not, with the right password; the wrong one is still wrong, not a way in.
    expect((await laptop.login(owner.email, 'guess')).status).toBe(401);
    expect((await laptop.login(owner.email, owner.password)).status).toBe(303);
  });

  it('a browser known for another account is a stranger to this one', async () => {
    const owner = await officer('known.two@press.example');
    const colleague = await officer('colleague.two@press.example');
    const shared = browserAt('198.51.100.42');
    expect((await shared.login(colleague.email, colleague.password)).status).toBe(303);
    await guessFrom(10, 140, owner.email);
    expect((await shared.login(owner.email, owner.password)).status).toBe(429);
  });
});

describe('managers are told of a lock-out', () => {
  it('once per lock-out: an email to each active manager and an entry in the audit log', async () => {
    const maya = await officer('maya.manager@press.example', 'manager');
    const gone = await officer('gone.manager@press.example', 'manager');
    await h.services.users.setActive(gone.id, false, SYSTEM);
    const owner = await officer('locked.out@press.example');

    await guessFrom(9, 160, owner.email);
    expect(await queuedEmails(`login-locked:${owner.id}:`)).toEqual([]);
    await guessFrom(1, 169, owner.email);
    // More tries while it is locked (refused before the password is looked at) change nothing.
    for (let i = 0; i < 5; i++)
      expect((await browserAt(`203.0.113.${170 + i}`).login(owner.email, 'guess')).status).toBe(429);

    const emails = await queuedEmails(`login-locked:${owner.id}:`);
    expect(emails.map((e) => e.to)).toEqual([maya.email]);
    expect(emails[0].subject).toBe('Desk sign-in locked for locked.out');
    expect(emails[0].text).toContain(
      'Sign-in to the desk account of locked.out (locked.out@press.example) failed from 10 different addresses within 60 minutes',
    );
    expect(emails[0].text).toContain('locked.out can still sign in from a browser they have signed in from before');
    const entries = await h.database.db
      .selectFrom('audit_log')
      .select(['action', 'user_email', 'detail'])
      .where('action', '=', 'login.locked')
      .where(sql<boolean>`detail->>'userId' = ${owner.id}`)
      .execute();
    expect(entries).toEqual([
      {
        action: 'login.locked',
        user_email: 'sign-in limits',
        detail: { account: owner.email, userId: owner.id, addresses: 10, minutes: 60 },
      },
    ]);
  });

  it('a lock-out of an address nobody has tells nobody', async () => {
    const before = await h.database.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'login.locked')
      .execute();
    await guessFrom(10, 180, 'nobody.here@press.example');
    expect((await browserAt('203.0.113.200').login('nobody.here@press.example', 'guess')).status).toBe(429);
    const after = await h.database.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'login.locked')
      .execute();
    expect(after).toHaveLength(before.length);
  });
});
