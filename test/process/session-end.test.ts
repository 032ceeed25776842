/**
 * Issue 30, item 3, across real processes: two web processes (`--web`) on one database, the
 * periodic session check at its default (`desk.liveQueue.sessionCheckSeconds`, 25 s). An officer
 * has the live queue (`GET /desk/events`) and an enquiry's presence stream open on web-2; a
 * manager on web-1 disables them, or changes their role. Each stream ends within seconds: web-1
 * tells every process through PostgreSQL (NOTIFY) in the transaction that ended the sessions, and
 * web-2 closes that user's streams at once, instead of at its next check.
 */
import { signIn } from '../support/live-queue.js';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { UserService } from '../../src/desk/users.service.js';
import { csrfOf } from '../support/http-desk.js';
import { openProcessFixture, postEnquiry, type ProcessFixture } from '../support/process-fixture.js';
import { describeOutputs, type ServiceProcess } from '../support/service-process.js';

const MANAGER = { email: 'duty.manager@press.example', password: 'session-end-password-2026' };
const SYSTEM = { userId: null, email: 'test' };
/** Far inside the 25 s periodic check: a stream closed this fast was told, not polled. */
const AT_ONCE_MS = 5_000;

let fixture: ProcessFixture;
let web1: ServiceProcess;
let web2: ServiceProcess;
let n = 0;

beforeAll(async () => {
  fixture = await openProcessFixture();
  const admin = { PRESSDESK_ADMIN_EMAIL: MANAGER.email, PRESSDESK_ADMIN_PASSWORD: MANAGER.password };
  web1 = await fixture.start({ mode: 'web', name: 'web-1', env: admin });
  web2 = await fixture.start({ mode: 'web', name: 'web-2' });
}, 90_000);

afterAll(async () => {
  await fixture?.close();
});

/** A manager's form POST on `baseUrl` (CSRF from the users page); returns the status. */
async function managerPost(baseUrl: string, cookie: string, path: string, fields: Record<string, string> = {}) {
  const page = await fetch(`${baseUrl}/desk/users`, { headers: { cookie } });
  const csrf = csrfOf(await page.text());
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: csrf ?? '', ...fields }).toString(),
  });
  await res.arrayBuffer();
  return res.status;
}

/** An SSE stream of `path` on `baseUrl`: resolves `ready` on its first event, `ended` when the server closes it. */
function openStream(baseUrl: string, path: string, cookie: string) {
  const abort = new AbortController();
  let text = '';
  let endedAt: number | null = null;
  const done = (async () => {
    const res = await fetch(`${baseUrl}${path}`, {
      headers: { cookie, accept: 'text/event-stream' },
      signal: abort.signal,
    });
    if (res.status !== 200 || !res.body) throw new Error(`GET ${path} answered ${res.status}`);
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk);
    endedAt = performance.now();
  })();
  done.catch(() => undefined);
  return {
    async ready() {
      const deadline = performance.now() + 15_000;
      while (!text.includes('event: ready')) {
        if (endedAt !== null) throw new Error(`${path} ended before it was ready: ${text}`);
        if (performance.now() > deadline) throw new Error(`${path} not ready after 15 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    /** Milliseconds from `since` until the server ended the stream; throws if still open after `ms`. */
    async endsWithin(since: number, ms: number): Promise<number> {
      while (endedAt === null) {
        if (performance.now() - since > ms) throw new Error(`${path} still open after ${ms} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return endedAt - since;
    },
    close: () => abort.abort(),
  };
}

/** A new officer account, written straight to the shared database. */
async function newOfficer() {
  n++;
  const o = { email: `officer${n}@press.example`, password: 'officer-password-2026', name: `Officer ${n}` };
  const users = new UserService({ db: fixture.database.db, clock: () => new Date() });
  const { id } = await users.create({ ...o, role: 'officer' }, SYSTEM);
  return { id, ...o };
}

describe('two web processes: ending a user’s sessions on one closes their streams on the other', () => {
  it('disabling a user ends their live queue open on the other web process within seconds', {
    timeout: 60_000,
  }, async () => {
    onTestFailed(() => console.error(describeOutputs([web1, web2])));
    const o = await newOfficer();
    const officer = await signIn(web2.baseUrl!, o);
    const manager = await signIn(web1.baseUrl!, MANAGER);
    const queue = openStream(web2.baseUrl!, '/desk/events', officer);
    await queue.ready();
    const start = performance.now();
    expect(await managerPost(web1.baseUrl!, manager, `/desk/users/${o.id}/disable`)).toBe(303);
    expect(await queue.endsWithin(start, AT_ONCE_MS)).toBeLessThan(AT_ONCE_MS);
  });

  it('changing a user’s role ends their live queue and presence stream on the other web process within seconds', {
    timeout: 60_000,
  }, async () => {
    onTestFailed(() => console.error(describeOutputs([web1, web2])));
    const o = await newOfficer();
    const res = await postEnquiry(web1.baseUrl!, {
      name: 'Ann Reporter',
      outlet: 'Gazette',
      phone: '+447911123401',
      subject: 'Road closure',
      details: 'Details',
    });
    expect(res.status).toBe(201);
    const { reference } = (await res.json()) as { reference: string };
    const officer = await signIn(web2.baseUrl!, o);
    const manager = await signIn(web1.baseUrl!, MANAGER);
    const queue = openStream(web2.baseUrl!, '/desk/events', officer);
    const presence = openStream(web2.baseUrl!, `/desk/presence/${reference}/events`, officer);
    await Promise.all([queue.ready(), presence.ready()]);
    const start = performance.now();
    const status = await managerPost(web1.baseUrl!, manager, `/desk/users/${o.id}`, {
      name: o.name,
      email: o.email,
      mobile: '',
      role: 'manager',
      active: 'yes',
    });
    expect(status).toBe(303);
    const [q, p] = await Promise.all([queue.endsWithin(start, AT_ONCE_MS), presence.endsWithin(start, AT_ONCE_MS)]);
    expect(q).toBeLessThan(AT_ONCE_MS);
    expect(p).toBeLessThan(AT_ONCE_MS);
  });
});
