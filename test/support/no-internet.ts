/**
 * Vitest setup file: no test may reach the internet. Outbound connections to anything but the
 * loopback (127.0.0.0/8, localhost, ::1), unix sockets and the host of DATABASE_URL / PGHOST
 * throw `Error('Tests must not reach the internet: <host>')` at the call site, and the test that
 * tried fails in afterEach even if the code under test swallowed the error (a job that retries,
 * a gateway that wraps it).
 *
 * Patched: http/https `request` and `get`, `net.connect` / `net.createConnection`, `tls.connect`
 * (wrapping an already-connected socket, as pg does for SSL, is allowed) and global `fetch`.
 * `net.Socket#connect` is left alone, so pg's own sockets are never in the way.
 */
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';
import { afterEach } from 'vitest';

const STATE = Symbol.for('press-desk.no-internet');

interface GuardState {
  blocked: string[];
}

type GlobalWithGuard = typeof globalThis & { [STATE]?: GuardState };

function state(): GuardState {
  const g = globalThis as GlobalWithGuard;
  g[STATE] ??= { blocked: [] };
  return g[STATE];
}

function configuredDbHosts(): string[] {
  const hosts: string[] = [];
  const url = process.env.DATABASE_URL;
  if (url) {
    try {
      const h = new URL(url).hostname;
      if (h) hosts.push(h);
    } catch {
      /* not a URL: pg will complain on its own */
    }
  }
  if (process.env.PGHOST) hosts.push(...process.env.PGHOST.split(','));
  return hosts.map((h) => h.replace(/^\[|\]$/g, '').toLowerCase());
}

/** True when connecting to `host` stays on this machine (or is the test database). */
export function isAllowedHost(host: string | undefined | null): boolean {
  if (host === undefined || host === null || host === '') return true; // Node defaults to localhost
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1' || h === '0.0.0.0' || h === '::') return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  if (h.startsWith('/')) return true; // unix socket directory (PGHOST=/tmp/...)
  return configuredDbHosts().includes(h);
}

function block(host: string): never {
  state().blocked.push(host);
  throw new Error(`Tests must not reach the internet: ${host}`);
}

type Opts = { host?: unknown; hostname?: unknown; socketPath?: unknown; path?: unknown; socket?: unknown };

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Host of http(s).request / get arguments: (url[, options][, cb]) or (options[, cb]). */
function httpTarget(args: unknown[]): string | undefined {
  const [first, second] = args;
  const opts = (typeof second === 'object' && second !== null ? second : undefined) as Opts | undefined;
  if (opts?.socketPath) return undefined;
  if (opts && (opts.hostname || opts.host)) return str(opts.hostname) ?? str(opts.host);
  if (typeof first === 'string') return new URL(first).hostname;
  if (first instanceof URL) return first.hostname;
  if (typeof first === 'object' && first !== null) {
    const o = first as Opts;
    if (o.socketPath) return undefined;
    return str(o.hostname) ?? str(o.host);
  }
  return undefined;
}

/** Host of net.connect / tls.connect arguments: (options[, cb]), (port[, host][, ...]) or (path[, cb]). */
function netTarget(args: unknown[], isTls: boolean): string | undefined {
  const [first, second] = args;
  if (typeof first === 'object' && first !== null) {
    const o = first as Opts;
    if (o.path) return undefined; // unix socket
    if (isTls && o.socket) return undefined; // upgrading a socket that is already connected (pg SSL)
    return str(o.host);
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return undefined; // unix socket path
  if (typeof second === 'string') return second;
  if (isTls && typeof second === 'object' && second !== null && (second as Opts).socket) return undefined;
  return typeof second === 'object' && second !== null ? str((second as Opts).host) : undefined;
}

function guard<F extends (...args: never[]) => unknown>(fn: F, target: (args: unknown[]) => string | undefined): F {
  const wrapped = function (this: unknown, ...args: unknown[]) {
    const host = target(args);
    if (!isAllowedHost(host)) block(host as string);
    return (fn as unknown as (...a: unknown[]) => unknown).apply(this, args);
  };
  return wrapped as unknown as F;
}

function install(): void {
  const g = globalThis as GlobalWithGuard & { [key: symbol]: unknown };
  const installed = Symbol.for('press-desk.no-internet.installed');
  if (g[installed]) return;
  g[installed] = true;

  for (const mod of [http, https]) {
    mod.request = guard(mod.request, httpTarget);
    mod.get = guard(mod.get, httpTarget);
  }
  net.connect = guard(net.connect, (a) => netTarget(a, false));
  net.createConnection = guard(net.createConnection, (a) => netTarget(a, false));
  tls.connect = guard(tls.connect, (a) => netTarget(a, true));

  const realFetch = globalThis.fetch;
  if (realFetch) {
    globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      // async: like the real fetch, a refused request is a rejected promise, not a throw
      const url = typeof input === 'string' || input instanceof URL ? new URL(input) : new URL(input.url);
      if ((url.protocol === 'http:' || url.protocol === 'https:') && !isAllowedHost(url.hostname)) block(url.hostname);
      return realFetch(input, init);
    }) as typeof fetch;
  }
  syncBuiltinESMExports(); // `import { request } from 'node:http'` sees the guarded versions too
}

/**
 * Returns the hosts blocked since the last call and forgets them, so a test that provokes the
 * guard on purpose can assert on it without failing in afterEach.
 */
export function drainBlockedHosts(): string[] {
  const s = state();
  return s.blocked.splice(0, s.blocked.length);
}

install();

afterEach(() => {
  const blocked = drainBlockedHosts();
  if (blocked.length) {
    throw new Error(`Tests must not reach the internet; this test tried: ${[...new Set(blocked)].join(', ')}`);
  }
});
