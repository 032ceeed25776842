/**
 * Request bodies (issue 12, findings 1 and 2): every route of the route table meets a body limit
 * before any byte is buffered; an anonymous desk POST is refused before its body is read; a
 * refusal that leaves a body unread closes the connection, so a keep-alive client's next request
 * goes out on a fresh one and succeeds.
 *
 * In-process, bodies are streams that count what the service pulled from them; over a real
 * socket, the server side's `bytesRead` and the process's memory are checked. Nothing is timed.
 */
import { serve, type ServerType } from '@hono/node-server';
import http from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyAllowance } from '../../src/app.js';
import { loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

// Wednesday 2 December 2026, 10:00: the office is open.
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const OFFICER = { email: 'omar.officer@press.example', password: 'officer-password-1' };
const BIG = 8 * 1024 * 1024;
const CHUNK = 64 * 1024;
const VALID = {
  name: 'Ann Reporter',
  outlet: 'Evening Gazette',
  email: 'ann@gazette.example',
  subject: 'Road closure',
  details: 'Why was the road closed?',
};

let h: Harness;
let session: string;
let server: ServerType;
let port: number;
/** Server-side sockets, in the order they were accepted. */
const accepted: Socket[] = [];

beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM, config: { intake: { rateLimit: null } } });
  await h.services.users.create({ ...OFFICER, name: 'Omar Officer', role: 'officer' }, { userId: null, email: 'test' });
  session = (await loginAs(h, OFFICER.email, OFFICER.password)).cookie;
  server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
  server.on('connection', (s: Socket) => accepted.push(s));
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await h?.close();
});

/** Every POST route of the app's route table, with sample values for its parameters. */
function postRoutes(): string[] {
  const paths = h.app.routes
    .filter((r) => r.method === 'POST')
    .map((r) => r.path.replace(':reference', 'PD-222-222').replace(/:[a-z]+/g, '1'));
  return [...new Set(paths)];
}

/** GET routes of the route table (they take no body). */
function getRoutes(): string[] {
  const paths = h.app.routes
    .filter((r) => r.method === 'GET')
    .map((r) =>
      r.path
        .replace(':reference', 'PD-222-222')
        .replace(':name', 'app.css')
        .replace(/:[a-z]+/g, '1'),
    );
  return [...new Set(paths)];
}

/** An 8 MB body as a stream that counts how much of it the service pulled. */
function countingBody(total = BIG) {
  let pulled = 0;
  const chunk = new Uint8Array(CHUNK).fill(0x61);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= total) return controller.close();
        pulled += chunk.length;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulled };
}

/** The limit each POST route should meet, written out here so the tests do not trust the code under test. */
function expectedAllowance(path: string): 'public' | 'desk' | 'none' {
  if (
    ['/enquiries', '/api/enquiries', '/desk/login'].includes(path) ||
    path.startsWith('/twilio/') ||
    path.startsWith('/m/') ||
    path.startsWith('/status/') ||
    // Colleagues' answer links and approvers' sign-off links (issue 26): bearer links, like the status page.
    path.startsWith('/q/') ||
    path.startsWith('/s/') ||
    // A colleague's accept link for a cover request, and a shift reminder's link (issue 27).
    path.startsWith('/cover/') ||
    path.startsWith('/r/') ||
    // The second step of a password sign-in (issue 30): a right password is not yet a session.
    path.startsWith('/desk/login/second-factor/')
  )
    return 'public';
  return path.startsWith('/desk/') ? 'desk' : 'none';
}

type Variant = 'content-length' | 'chunked';
const VARIANTS: Variant[] = ['content-length', 'chunked'];

async function postBig(path: string, variant: Variant, cookie?: string) {
  const body = countingBody();
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (variant === 'content-length') headers['Content-Length'] = String(BIG);
  else headers['Transfer-Encoding'] = 'chunked';
  if (cookie) headers.Cookie = cookie;
  const res = await h.app.request(path, { method: 'POST', headers, body: body.stream, duplex: 'half' } as RequestInit);
  await res.arrayBuffer();
  return {
    status: res.status,
    connection: res.headers.get('connection'),
    location: res.headers.get('location'),
    pulled: body.pulled(),
  };
}

describe('the route table', () => {
  it('gives every POST route a body limit, and a route outside the list none', () => {
    const routes = postRoutes();
    expect(routes.length).toBeGreaterThan(20);
    for (const path of routes) expect(bodyAllowance('POST', path), path).toBe(expectedAllowance(path));
    for (const path of getRoutes()) expect(bodyAllowance('GET', path), path).toBe('none');
  });
});

describe('an 8 MB body to every POST route (in-process, counted)', () => {
  it.each(VARIANTS)('public routes (%s): 413, read no further than the intake limit', async (variant) => {
    const routes = postRoutes().filter((p) => expectedAllowance(p) === 'public');
    expect(routes).toEqual(
      expect.arrayContaining(['/enquiries', '/api/enquiries', '/twilio/sms', '/twilio/status', '/desk/login']),
    );
    for (const path of routes) {
      const r = await postBig(path, variant);
      expect(r.status, path).toBe(413);
      expect(r.connection, path).toBe('close');
      expect(r.pulled, path).toBeLessThanOrEqual(
        variant === 'content-length' ? 0 : h.config.intake.maxBodyBytes + 2 * CHUNK,
      );
    }
  });

  it.each(VARIANTS)('desk routes without a session (%s): refused before a byte is read', async (variant) => {
    const routes = postRoutes().filter((p) => expectedAllowance(p) === 'desk');
    expect(routes.length).toBeGreaterThan(15);
    for (const path of [...routes, '/desk/no-such-page']) {
      const r = await postBig(path, variant);
      expect(r.status, path).toBe(303);
      expect(r.location, path).toBe('/desk/login');
      expect(r.connection, path).toBe('close');
      expect(r.pulled, path).toBe(0);
    }
  });

  it.each(VARIANTS)('desk routes with a session (%s): 413, read no further than the desk limit', async (variant) => {
    const routes = postRoutes().filter((p) => expectedAllowance(p) === 'desk');
    for (const path of [...routes, '/desk/no-such-page']) {
      const r = await postBig(path, variant, session);
      expect(r.status, path).toBe(413);
      expect(r.connection, path).toBe('close');
      expect(r.pulled, path).toBeLessThanOrEqual(
        variant === 'content-length' ? 0 : h.config.desk.maxBodyBytes + 2 * CHUNK,
      );
    }
  });

  it('routes that take no body refuse one (a declared body to a GET route or an unknown POST)', async () => {
    for (const path of getRoutes()) {
      const res = await h.app.request(path, {
        method: 'GET',
        headers: { 'Content-Length': String(BIG), Cookie: session },
      });
      expect(res.status, path).toBe(413);
      expect(res.headers.get('connection'), path).toBe('close');
    }
    for (const variant of VARIANTS) {
      const r = await postBig('/no-such-route', variant);
      expect(r.status).toBe(413);
      expect(r.pulled).toBe(0);
    }
  });

  it('the limits still let ordinary requests through', async () => {
    expect((await h.postJson('/api/enquiries', VALID)).status).toBe(201);
    expect((await h.app.request('/healthz', { headers: { 'Content-Length': '0' } })).status).toBe(200);
    const note = await h.app.request('/desk', { headers: { Cookie: session } });
    expect(note.status).toBe(200);
  });
});

/** What one raw HTTP/1.1 request with an 8 MB body got, and how much of it the server read. */
interface RawOutcome {
  status: number;
  head: string;
  serverBytesRead: number;
}

/**
 * Sends `method path` with an 8 MB body over its own socket, as fast as the server takes it
 * (respecting backpressure), until the server answers or closes. Returns the answer's status and
 * how many bytes the server side of the connection read in all.
 */
function rawBig(method: string, path: string, variant: Variant, cookie?: string): Promise<RawOutcome> {
  return new Promise((resolve, reject) => {
    const before = accepted.length;
    const sock = connect({ port, host: '127.0.0.1' });
    const head = [
      `${method} ${path} HTTP/1.1`,
      'Host: 127.0.0.1',
      'Content-Type: application/x-www-form-urlencoded',
      variant === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${BIG}`,
      ...(cookie ? [`Cookie: ${cookie}`] : []),
      '',
      '',
    ].join('\r\n');
    const chunk = Buffer.alloc(CHUNK, 0x61);
    const framed =
      variant === 'chunked'
        ? Buffer.concat([Buffer.from(`${CHUNK.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])
        : chunk;
    let received = '';
    let answered = false;
    let sent = 0;
    sock.on('data', (d: Buffer) => {
      received += d.toString('latin1');
      if (received.includes('\r\n\r\n')) answered = true;
    });
    sock.on('error', () => undefined); // the server may reset the rest of the upload
    sock.on('close', () => {
      const serverSide = accepted[before];
      if (!serverSide) return reject(new Error(`no server socket for ${path}`));
      const done = () =>
        resolve({
          status: Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0),
          head: received.split('\r\n\r\n')[0],
          serverBytesRead: serverSide.bytesRead,
        });
      if (serverSide.destroyed) done();
      else serverSide.once('close', done);
    });
    const pump = () => {
      while (!answered && !sock.destroyed && sent < BIG) {
        sent += CHUNK;
        if (!sock.write(framed)) return void sock.once('drain', pump);
      }
      if (!sock.destroyed && sent >= BIG && variant === 'chunked') sock.write('0\r\n\r\n');
      // Everything is sent, or the answer came: wait for the server to close (it must).
      if (answered) sock.end();
    };
    sock.write(head, pump);
    // The answer may come while nothing is being written: end our side once it has.
    sock.on('data', () => {
      if (answered && !sock.writableEnded) sock.end();
    });
  });
}

describe('over a real socket', () => {
  it('an 8 MB body to every POST route, with and without Content-Length: refused without reading it, memory flat', {
    timeout: 120_000,
  }, async () => {
    const routes = postRoutes();
    const rssBefore = process.memoryUsage().rss;
    for (const variant of VARIANTS) {
      for (const path of [...routes, '/no-such-route']) {
        const anonymous = await rawBig('POST', path, variant);
        const expected = expectedAllowance(path) === 'desk' ? 303 : 413;
        expect(anonymous.status, `${path} ${variant}`).toBe(expected);
        expect(anonymous.head, `${path} ${variant}`).toMatch(/\r\nconnection: close/i);
        expect(anonymous.serverBytesRead, `${path} ${variant}: the server stopped reading`).toBeLessThan(BIG / 2);
        if (expectedAllowance(path) === 'desk') {
          const signedIn = await rawBig('POST', path, variant, session);
          expect(signedIn.status, `${path} ${variant} signed in`).toBe(413);
          expect(signedIn.serverBytesRead, `${path} ${variant} signed in`).toBeLessThan(BIG / 2);
        }
      }
    }
    const get = await rawBig('GET', '/', 'content-length');
    expect(get.status).toBe(413);
    expect(get.serverBytesRead).toBeLessThan(BIG / 2);
    // Over 50 uploads of 8 MB: had any been buffered, memory would have grown by hundreds of MB.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
  });

  it.each(VARIANTS)(
    'one keep-alive client: a 3 MB body (%s) gets 413 with Connection: close, then a normal enquiry on the same client gets 201',
    async (variant) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const send = (body: Buffer, headers: Record<string, string>) =>
        new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
          const req = http.request(
            { host: '127.0.0.1', port, path: '/api/enquiries', method: 'POST', agent, headers },
            (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (d: string) => (text += d));
              res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body: text }));
            },
          );
          req.on('error', reject);
          req.end(body);
        });
      try {
        const big = Buffer.alloc(3 * 1024 * 1024, 0x61);
        const refused = await send(big, {
          'Content-Type': 'application/json',
          ...(variant === 'content-length' ? { 'Content-Length': String(big.length) } : {}),
        });
        expect(refused.status).toBe(413);
        expect(refused.connection).toBe('close');
        expect(JSON.parse(refused.body).error.code).toBe('payload_too_large');
        const ok = Buffer.from(JSON.stringify(VALID));
        const accepted201 = await send(ok, { 'Content-Type': 'application/json', 'Content-Length': String(ok.length) });
        expect(accepted201.status).toBe(201);
      } finally {
        agent.destroy();
      }
    },
  );
});
