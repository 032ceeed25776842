/**
 * Issue 12, finding 8: the live queue (`GET /desk/events`) ends with its session. A stream opened
 * before sign-out, disabling, a password reset or expiry sends nothing more and closes: checked
 * before sending an arrival, and every `desk.liveQueue.sessionCheckSeconds` without one. A
 * session holds at most `maxStreamsPerSession` streams.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const SYSTEM = { userId: null, email: 'test' };
const MANAGER = { email: 'live.manager@press.example', password: 'manager-password-1' };

/** An open `/desk/events` stream and what it has sent so far. */
interface Stream {
  status: number;
  text: () => string;
  /** Resolves when the text matches `pattern`; rejects if the stream ends first (or after 10 s). */
  until(pattern: RegExp): Promise<void>;
  /** Resolves with everything sent once the server has ended the stream (rejects after 10 s). */
  ended(): Promise<string>;
  close(): Promise<void>;
}

async function openStream(h: Harness, c: DeskClient): Promise<Stream> {
  const res = await h.app.request('/desk/events', { headers: { Cookie: c.cookie, Accept: 'text/event-stream' } });
  if (res.status !== 200)
    return {
      status: res.status,
      text: () => '',
      until: () => Promise.reject(new Error(`status ${res.status}`)),
      ended: async () => '',
      close: async () => undefined,
    };
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let done = false;
  const readSome = async (deadline: number) => {
    if (Date.now() > deadline) throw new Error(`stream still open after 10 s; got: ${text}`);
    const chunk = await reader.read();
    if (chunk.done) done = true;
    else text += decoder.decode(chunk.value);
  };
  return {
    status: res.status,
    text: () => text,
    async until(pattern) {
      const deadline = Date.now() + 10_000;
      while (!pattern.test(text)) {
        if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
        await readSome(deadline);
      }
    },
    async ended() {
      const deadline = Date.now() + 10_000;
      while (!done) await readSome(deadline);
      return text;
    },
    close: () => reader.cancel(),
  };
}

async function submit(h: Harness, subject: string): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Gazette',
    phone: '+447911123401',
    subject,
    details: 'Details',
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

/** Waits (without a time limit of its own) until this process has `n` live streams subscribed. */
async function streamsOpen(h: Harness, n: number): Promise<void> {
  while (h.services.live.size !== n) await new Promise((r) => setTimeout(r, 20));
}

describe('with the default check interval (25 s): before each arrival', () => {
  let h: Harness;
  let managerId: string;
  let n = 0;
  beforeAll(async () => {
    h = await startHarness({ now: WEDNESDAY_10AM, config: { intake: { rateLimit: null } } });
    managerId = (await h.services.users.create({ ...MANAGER, name: 'Lia Manager', role: 'manager' }, SYSTEM)).id;
  });
  afterAll(async () => h?.close());

  /** A new officer, signed in, with a live queue open that has received one arrival. */
  async function officerWatching() {
    n++;
    const officer = { email: `live.officer${n}@press.example`, password: 'officer-password-1' };
    const id = (await h.services.users.create({ ...officer, name: `Officer ${n}`, role: 'officer' }, SYSTEM)).id;
    const client = await loginAs(h, officer.email, officer.password);
    const stream = await openStream(h, client);
    await stream.until(/event: ready/);
    const first = await submit(h, 'Before');
    await stream.until(new RegExp(first));
    return { id, client, stream };
  }

  /** After `end`, an arrival is not sent to the stream, which closes. */
  async function expectEndedBy(end: (w: Awaited<ReturnType<typeof officerWatching>>) => Promise<unknown>) {
    const watching = await officerWatching();
    await end(watching);
    const after = await submit(h, 'After the session ended');
    const text = await watching.stream.ended();
    expect(text).not.toContain(after);
  }

  it('ends a stream when its session signs out', async () => {
    await expectEndedBy(async ({ client }) => expect((await client.post('/desk/logout')).status).toBe(303));
  });

  it('ends a stream when the user is disabled', async () => {
    await expectEndedBy(({ id }) => h.services.users.setActive(id, false, { userId: managerId, email: MANAGER.email }));
  });

  it('ends a stream when the user’s password is reset', async () => {
    await expectEndedBy(({ id }) =>
      h.services.users.resetPassword(id, 'a-brand-new-password', { userId: managerId, email: MANAGER.email }),
    );
  });

  it('keeps streaming while the session lives', async () => {
    const { stream } = await officerWatching();
    const next = await submit(h, 'Still here');
    await stream.until(new RegExp(next));
    await stream.close();
  });

  it('allows at most 5 streams per session; closing one frees its place', async () => {
    await streamsOpen(h, 0);
    const client = await loginAs(h, MANAGER.email, MANAGER.password);
    const streams = [];
    for (let i = 0; i < 5; i++) {
      const s = await openStream(h, client);
      expect(s.status).toBe(200);
      await s.until(/event: ready/);
      streams.push(s);
    }
    expect((await openStream(h, client)).status).toBe(429);
    // Another session of the same user is not affected.
    const other = await openStream(h, await loginAs(h, MANAGER.email, MANAGER.password));
    expect(other.status).toBe(200);
    await other.close();
    await streams[0].close();
    await streamsOpen(h, 4);
    const again = await openStream(h, client);
    expect(again.status).toBe(200);
    for (const s of [...streams.slice(1), again]) await s.close();
  });
});

describe('with a 1 s check interval: without any arrival', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: WEDNESDAY_10AM, config: { desk: { liveQueue: { sessionCheckSeconds: 1 } } } });
    await h.services.users.create(
      { email: 'idle.officer@press.example', password: 'officer-password-1', name: 'Ida Idle', role: 'officer' },
      SYSTEM,
    );
  });
  afterAll(async () => h?.close());

  it('ends a stream once its session has been idle too long', async () => {
    const client = await loginAs(h, 'idle.officer@press.example', 'officer-password-1');
    const stream = await openStream(h, client);
    await stream.until(/event: ready/);
    // Keep-alives while the session lives.
    await stream.until(/: keep-alive/);
    h.clock.advance(121 * 60_000); // desk.sessionIdleMinutes is 120
    const text = await stream.ended();
    expect(text).not.toContain('event: enquiry');
  });

  it('ends a stream at sign-out with nothing arriving', async () => {
    const client = await loginAs(h, 'idle.officer@press.example', 'officer-password-1');
    const stream = await openStream(h, client);
    await stream.until(/event: ready/);
    expect((await client.post('/desk/logout')).status).toBe(303);
    await stream.ended();
  });
});
