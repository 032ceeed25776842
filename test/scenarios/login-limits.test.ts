/**
 * Issue 12, finding 7: wrong passwords from one address must not stop the owner signing in from
 * another. Every request here reaches the service through one reverse proxy (the same socket
 * address), which names the client in X-Forwarded-For, as in production behind a load balancer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deskClient, type DeskApp, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const PROXY = '10.0.0.2';
const SYSTEM = { userId: null, email: 'test' };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM, config: { intake: { trustProxyHops: 1 } } });
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

async function officer(email: string) {
  const password = `${email.split('@')[0]}-password`;
  await h.services.users.create({ email, password, name: email.split('@')[0], role: 'officer' }, SYSTEM);
  return { email, password };
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
