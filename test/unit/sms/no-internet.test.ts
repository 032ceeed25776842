import { drainBlockedHosts, isAllowedHost } from '../../support/no-internet.js';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createTwilioGateway, TwilioSendError } from '../../../src/telephony/twilio.client.js';

const BLOCKED = /Tests must not reach the internet: /;

afterEach(() => {
  // The guard's own afterEach would fail these tests for the attempts they make on purpose.
  drainBlockedHosts();
});

describe('no-internet guard', () => {
  it('an accidental real Twilio call fails instead of leaving the machine', async () => {
    const gateway = createTwilioGateway(
      {
        accountSid: `AC${'0'.repeat(32)}`,
        authToken: 'secret',
        phoneNumber: '+443001234567',
        apiBaseUrl: 'https://api.twilio.com',
        configured: true,
      },
      { timeoutMs: 2000 },
    );
    const err = await gateway.sendSms({ to: '+447911123456', body: 'must not be sent' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TwilioSendError);
    expect((err as TwilioSendError).retryable).toBe(false);
    expect((err as Error).message).toMatch(BLOCKED);
    expect(drainBlockedHosts()).toEqual(['api.twilio.com']);
  });

  it('blocks http/https request and get, net and tls connects, and fetch to other hosts', async () => {
    expect(() => http.get('http://example.com/')).toThrow(/internet: example.com/);
    expect(() => https.request({ hostname: 'api.twilio.com', path: '/' })).toThrow(/internet: api.twilio.com/);
    expect(() => https.get(new URL('https://1.1.1.1/'))).toThrow(BLOCKED);
    expect(() => net.connect(443, 'example.com')).toThrow(BLOCKED);
    expect(() => net.createConnection({ host: '10.0.0.1', port: 5432 })).toThrow(BLOCKED);
    expect(() => tls.connect(443, 'example.com')).toThrow(BLOCKED);
    expect(() => tls.connect({ host: 'example.com', port: 443 })).toThrow(BLOCKED);
    await expect(fetch('https://example.com/')).rejects.toThrow(BLOCKED);
    expect(drainBlockedHosts()).toHaveLength(8);
  });

  it('allows the loopback and unix sockets', async () => {
    expect(['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.0.53', undefined].every((h) => isAllowedHost(h))).toBe(
      true,
    );
    expect(isAllowedHost('api.twilio.com')).toBe(false);

    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(await res.text()).toBe('ok');
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: 'localhost', port, path: '/', family: 4 }, (r) => {
          let s = '';
          r.on('data', (c) => (s += c));
          r.on('end', () => resolve(s));
        })
        .on('error', reject);
    });
    expect(body).toBe('ok');
    await new Promise((r) => server.close(r));

    const dir = mkdtempSync(join(tmpdir(), 'noinet-'));
    const sock = join(dir, 's.sock');
    const unix = net.createServer((c) => c.end('hi'));
    await new Promise<void>((r) => unix.listen(sock, r));
    const got = await new Promise<string>((resolve, reject) => {
      const c = net.connect(sock);
      let s = '';
      c.on('data', (d) => (s += d));
      c.on('end', () => resolve(s));
      c.on('error', reject);
    });
    expect(got).toBe('hi');
    await new Promise((r) => unix.close(r));
    rmSync(dir, { recursive: true, force: true });
    expect(drainBlockedHosts()).toEqual([]);
  });

  it('leaves pg connections to 127.0.0.1 and unix socket directories alone', async () => {
    // Nothing listens on these: the error must be the network's, never the guard's.
    const tcp = new pg.Client({ host: '127.0.0.1', port: 1, user: 'x', database: 'x', connectionTimeoutMillis: 2000 });
    await expect(tcp.connect()).rejects.toThrow(/ECONNREFUSED/);
    const dir = mkdtempSync(join(tmpdir(), 'noinet-pg-'));
    const unix = new pg.Client({ host: dir, port: 5432, user: 'x', database: 'x', connectionTimeoutMillis: 2000 });
    await expect(unix.connect()).rejects.toThrow(/ENOENT/);
    rmSync(dir, { recursive: true, force: true });
    expect(drainBlockedHosts()).toEqual([]);
  });
});
