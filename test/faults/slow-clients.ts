/**
 * Scenario: slow clients and big bodies. Against the real service:
 * - 50 slow-loris connections send a request byte by byte (one byte every 500 ms) and never
 *   finish their headers: the server must close them (`headersTimeout` 10 s, checked every 30 s
 *   by Node, so within about 40 s);
 * - 3 connections send complete headers, then a small body one byte a second: closed by
 *   `requestTimeout` (30 s, so within about 60 s);
 * - 5 MB bodies, sent at 256 KB/s, with and without a Content-Length, to every public POST route
 *   (the API, the form, the SMS webhook, the desk sign-in): each must get 413 long before it is
 *   sent;
 * - meanwhile a normal client keeps using the service (form page, API submission, health):
 *   every request must succeed, none may take over 2 s. Its latencies are reported.
 */
import { setMaxListeners } from 'node:events';
import { connect, type Socket } from 'node:net';
import { startService } from '../support/service-process.js';
import {
  enquiryBody,
  percentile,
  sleep,
  since,
  tally,
  type Report,
  type Scenario,
  type ScenarioContext,
  scenarioDatabaseAndTwilio,
} from './support.js';

const LORIS = 50;
const SLOW_BODIES = 3;
const BIG = 5 * 1024 * 1024;
const NORMAL_LIMIT_MS = 2_000;
/** headersTimeout (10 s) + Node's connection check interval (30 s) + margin. */
const LORIS_CLOSE_BY_MS = 45_000;
/** requestTimeout (30 s) + check interval (30 s) + margin. */
const SLOW_BODY_CLOSE_BY_MS = 65_000;

interface SlowConn {
  kind: 'headers' | 'body';
  openedAt: number;
  closedAt: number | null;
  firstLine: string;
  bytesSent: number;
}

/** A connection that sends `prefix` and then `filler` forever, one byte per `everyMs`, until closed. */
function trickle(
  port: number,
  t0: number,
  kind: SlowConn['kind'],
  prefix: string,
  bytePrefix: boolean,
  everyMs: number,
  signal: AbortSignal,
): SlowConn {
  const rec: SlowConn = { kind, openedAt: since(t0), closedAt: null, firstLine: '', bytesSent: 0 };
  const sock = connect({ port, host: '127.0.0.1' });
  let received = '';
  sock.on('data', (d: Buffer) => {
    received += d.toString('latin1');
    if (!rec.firstLine) rec.firstLine = received.split('\r\n')[0] ?? '';
  });
  sock.on('error', () => undefined);
  let i = 0;
  const text = (n: number) => (n < prefix.length ? prefix[n] : 'a');
  const timer = setInterval(() => {
    if (sock.destroyed || signal.aborted) return;
    if (!bytePrefix && i === 0) {
      sock.write(prefix);
      i = prefix.length;
      rec.bytesSent += prefix.length;
      return;
    }
    sock.write(text(i++));
    rec.bytesSent += 1;
  }, everyMs);
  const finish = () => {
    clearInterval(timer);
    if (rec.closedAt === null) rec.closedAt = since(t0);
  };
  sock.on('close', finish);
  signal.addEventListener('abort', () => {
    clearInterval(timer);
    sock.destroy();
  });
  return rec;
}

interface BigBody {
  label: string;
  status: number;
  answeredAfterMs: number | null;
  bytesSent: number;
}

/** Sends a 5 MB body at 256 KB/s; stops at the first answer (or when the server closes). */
function bigBody(
  port: number,
  label: string,
  path: string,
  contentType: string,
  chunked: boolean,
  signal: AbortSignal,
): Promise<BigBody> {
  return new Promise((resolve) => {
    const rec: BigBody = { label, status: 0, answeredAfterMs: null, bytesSent: 0 };
    const started = performance.now();
    const sock: Socket = connect({ port, host: '127.0.0.1' });
    const head = [
      `POST ${path} HTTP/1.1`,
      'Host: 127.0.0.1',
      `Content-Type: ${contentType}`,
      chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${BIG}`,
      '',
      '',
    ].join('\r\n');
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearInterval(timer);
      sock.destroy();
      resolve(rec);
    };
    sock.on('error', () => done());
    sock.on('close', () => done());
    sock.on('data', (d: Buffer) => {
      received += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (m && !rec.status) {
        rec.status = Number(m[1]);
        rec.answeredAfterMs = Math.round(performance.now() - started);
        // Read the rest of the answer briefly, then hang up.
        setTimeout(done, 200);
      }
    });
    sock.write(head);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    timer = setInterval(() => {
      if (signal.aborted || rec.status || sock.destroyed) return done();
      if (rec.bytesSent >= BIG) {
        if (chunked) sock.write('0\r\n\r\n');
        clearInterval(timer);
        return;
      }
      sock.write(
        chunked ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk,
      );
      rec.bytesSent += chunk.length;
    }, 250);
  });
}

export const slowClients: Scenario = {
  key: 'slow-clients',
  title: 'd. Slow clients and big bodies',
  budgetMs: 90_000,
  async run(ctx: ScenarioContext, report: Report) {
    const { url, fake } = await scenarioDatabaseAndTwilio(ctx, 'faults_slow_clients');
    const svc = await startService({
      databaseUrl: url,
      twilio: fake,
      mode: 'all',
      name: 'service',
      config: { intake: { rateLimit: null } },
    });
    ctx.watch(svc);
    ctx.onCleanup(() => svc.stop());
    const port = svc.port;
    const base = svc.baseUrl!;
    ctx.log(`service on ${base}`);

    const t0 = performance.now();
    const attack = new AbortController();
    setMaxListeners(200, attack.signal); // one listener per slow connection
    ctx.signal.addEventListener('abort', () => attack.abort());
    ctx.onCleanup(() => attack.abort());

    // The normal client, for the whole attack: one request every 100 ms, in turn form page, API, health.
    const normal: Array<{ what: string; status: number; ms: number; error?: string }> = [];
    let normalRunning = true;
    const normalLoop = (async () => {
      for (let i = 0; normalRunning && !ctx.signal.aborted && i < 1_000; i++) {
        const what = ['GET /', 'POST /api/enquiries', 'GET /healthz'][i % 3];
        const started = performance.now();
        try {
          const res =
            what === 'GET /'
              ? await fetch(`${base}/`, { signal: AbortSignal.timeout(10_000) })
              : what === 'GET /healthz'
                ? await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(10_000) })
                : await fetch(`${base}/api/enquiries`, {
                    method: 'POST',
                    headers: { 'content-type': 'application/json' },
                    body: enquiryBody(`fault-d #${i}`, false),
                    signal: AbortSignal.timeout(10_000),
                  });
          await res.arrayBuffer();
          normal.push({ what, status: res.status, ms: Math.round(performance.now() - started) });
        } catch (err) {
          normal.push({ what, status: 0, ms: Math.round(performance.now() - started), error: (err as Error).message });
        }
        await sleep(100);
      }
    })();

    const slow: SlowConn[] = [];
    const lorisPrefix = 'POST /api/enquiries HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Slow: ';
    for (let i = 0; i < LORIS; i++) {
      slow.push(trickle(port, t0, 'headers', lorisPrefix, true, 500, attack.signal));
      await sleep(20);
    }
    const bodyPrefix =
      'POST /api/enquiries HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":"';
    for (let i = 0; i < SLOW_BODIES; i++) slow.push(trickle(port, t0, 'body', bodyPrefix, false, 1_000, attack.signal));
    ctx.log(`${LORIS} slow-loris connections and ${SLOW_BODIES} slow bodies open; normal traffic running`);

    const bigs = await Promise.all([
      bigBody(port, 'API, Content-Length 5 MB', '/api/enquiries', 'application/json', false, attack.signal),
      bigBody(port, 'API, chunked 5 MB', '/api/enquiries', 'application/json', true, attack.signal),
      bigBody(
        port,
        'form, Content-Length 5 MB',
        '/enquiries',
        'application/x-www-form-urlencoded',
        false,
        attack.signal,
      ),
      bigBody(port, 'form, chunked 5 MB', '/enquiries', 'application/x-www-form-urlencoded', true, attack.signal),
      bigBody(
        port,
        'SMS webhook, chunked 5 MB',
        '/twilio/sms',
        'application/x-www-form-urlencoded',
        true,
        attack.signal,
      ),
      bigBody(
        port,
        'desk sign-in, Content-Length 5 MB',
        '/desk/login',
        'application/x-www-form-urlencoded',
        false,
        attack.signal,
      ),
      bigBody(
        port,
        'desk sign-in, chunked 5 MB',
        '/desk/login',
        'application/x-www-form-urlencoded',
        true,
        attack.signal,
      ),
    ]);
    ctx.log(`big bodies answered: ${bigs.map((b) => `${b.label} → ${b.status || 'none'}`).join('; ')}`);

    // Wait for the server to close every slow connection (bounded).
    const deadline = Math.min(SLOW_BODY_CLOSE_BY_MS + 2_000, since(t0) + ctx.remaining() - 8_000);
    while (since(t0) < deadline && slow.some((s) => s.closedAt === null) && !ctx.signal.aborted) await sleep(500);
    normalRunning = false;
    await normalLoop;
    attack.abort();
    ctx.log(`attack over at ${since(t0)} ms`);

    const loris = slow.filter((s) => s.kind === 'headers');
    const slowBodies = slow.filter((s) => s.kind === 'body');
    const lifetimes = (xs: SlowConn[]) => xs.filter((s) => s.closedAt !== null).map((s) => s.closedAt! - s.openedAt);
    const lorisOpenTooLong = loris.filter((s) => s.closedAt === null || s.closedAt - s.openedAt > LORIS_CLOSE_BY_MS);
    const bodiesOpenTooLong = slowBodies.filter(
      (s) => s.closedAt === null || s.closedAt - s.openedAt > SLOW_BODY_CLOSE_BY_MS,
    );
    const failedNormal = normal.filter((n) => n.status !== 200 && n.status !== 201);
    const slowNormal = normal.filter((n) => n.ms > NORMAL_LIMIT_MS);
    const ms = normal.map((n) => n.ms);
    const not413 = bigs.filter((b) => b.status !== 413);
    const stillUp = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) }).then(
      (r) => r.status,
      () => 0,
    );

    report.count('slow-loris connections', loris.length);
    report.count(
      '  closed by the server',
      `${lifetimes(loris).length} (after ${Math.min(...lifetimes(loris))}–${Math.max(...lifetimes(loris))} ms; answers: ${tally(loris.map((s) => s.firstLine || 'closed without answer'))})`,
    );
    report.count('slow bodies (1 byte/s)', slowBodies.length);
    report.count(
      '  closed by the server',
      `${lifetimes(slowBodies).length} (after ${Math.min(...lifetimes(slowBodies))}–${Math.max(...lifetimes(slowBodies))} ms; answers: ${tally(slowBodies.map((s) => s.firstLine || 'closed without answer'))})`,
    );
    for (const b of bigs)
      report.count(
        `big body: ${b.label}`,
        `${b.status || 'no answer'} after ${b.answeredAfterMs ?? '-'} ms, ${Math.round(b.bytesSent / 1024)} KB sent`,
      );
    report.count(
      'normal requests during the attack',
      `${normal.length} (${tally(normal.map((n) => n.status || n.error || '?'))})`,
    );
    report.count(
      'normal latency p50 / p99 / max (ms)',
      `${percentile(ms, 50)} / ${percentile(ms, 99)} / ${Math.max(0, ...ms)}`,
    );
    report.count('service after the attack', stillUp === 200 ? 'healthy' : `healthz ${stillUp}`);

    report.check(normal.length > 50, `only ${normal.length} normal requests were made`);
    report.check(
      failedNormal.length === 0,
      `${failedNormal.length} normal requests failed: ${tally(failedNormal.map((n) => n.status || n.error || '?'))}`,
    );
    report.check(slowNormal.length === 0, `${slowNormal.length} normal requests took over ${NORMAL_LIMIT_MS} ms`);
    report.check(
      lorisOpenTooLong.length === 0,
      `${lorisOpenTooLong.length} slow-loris connections were not closed within ${LORIS_CLOSE_BY_MS / 1000} s`,
    );
    report.check(
      bodiesOpenTooLong.length === 0,
      `${bodiesOpenTooLong.length} slow bodies were not closed within ${SLOW_BODY_CLOSE_BY_MS / 1000} s`,
    );
    report.check(
      not413.length === 0,
      `big bodies not answered 413: ${not413.map((b) => `${b.label} → ${b.status || 'none'}`).join('; ')}`,
    );
    report.check(
      bigs.every((b) => (b.answeredAfterMs ?? Infinity) < 10_000),
      'a big body took 10 s or more to be refused',
    );
    report.check(stillUp === 200, 'the service is not healthy after the attack');
  },
};
