import { expect } from 'vitest';
import { clientEnv } from './client-address.js';
import { CookieJar, csrfOf } from './http-desk.js';

export { csrfOf };

/** What the desk client needs of a harness: the in-process app (its third argument is Hono's env). */
export interface DeskApp {
  app: { request(input: string, init?: RequestInit, env?: unknown): Response | Promise<Response> };
}

/** Each client is its own browser on its own address (TEST-NET-2), as per-IP limits see it. */
let clients = 0;
function nextAddress(): string {
  clients++;
  return `198.51.100.${(clients % 250) + 1}`;
}

/** A response with its body already read (a page is read once to find its CSRF token). */
export interface DeskResponse {
  status: number;
  headers: Headers;
  /** The Location header of a redirect, else null. */
  location: string | null;
  body: string;
}

/**
 * A browser-like client for the desk, in-process through `app.request()`: it keeps cookies
 * (set, replace, delete) as a browser would for one site, and remembers the CSRF token of the
 * last page it read so that `post()` can send it like a form on that page would.
 */
export class DeskClient {
  private readonly jar = new CookieJar();
  /** The `_csrf` of the last page fetched (the session's token once signed in). */
  csrf: string | null = null;
  /** The last response read. */
  last: DeskResponse | null = null;

  /**
   * @param address the client's IP address as the service sees it; by default a new one per
   * client, so one test's failed sign-ins do not count against another's.
   */
  constructor(
    private readonly h: DeskApp,
    readonly address: string = nextAddress(),
  ) {}

  /** The Cookie header this client sends. */
  get cookie(): string {
    return this.jar.header;
  }

  /** One cookie's value, if set. */
  cookieValue(name: string): string | undefined {
    return this.jar.get(name);
  }

  /** Drops every cookie and token (like a new browser). */
  clear(): void {
    this.jar.clear();
    this.csrf = null;
  }

  /** Any request, with this client's cookies; the body is read and a `_csrf` field on the page remembered. */
  async request(path: string, init: RequestInit = {}): Promise<DeskResponse> {
    const headers = new Headers(init.headers);
    if (this.jar.size) headers.set('Cookie', this.cookie);
    const res = await this.h.app.request(path, { ...init, headers }, clientEnv(this.address));
    this.jar.remember(res);
    const body = await res.text();
    const token = csrfOf(body);
    if (token) this.csrf = token;
    this.last = { status: res.status, headers: res.headers, location: res.headers.get('location'), body };
    return this.last;
  }

  /** GET a page. */
  get(path: string, headers: Record<string, string> = {}): Promise<DeskResponse> {
    return this.request(path, { method: 'GET', headers });
  }

  /**
   * POST a form (fields repeat when given an array). `_csrf` is added from the last page read,
   * or from GET /desk when no page has been read yet; pass `_csrf` yourself to override it.
   */
  async post(path: string, fields: Record<string, string | string[]> = {}): Promise<DeskResponse> {
    if (!('_csrf' in fields) && !this.csrf) await this.get('/desk');
    const params = new URLSearchParams();
    if (!('_csrf' in fields) && this.csrf) params.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
    return this.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: params.toString(),
    });
  }

  /**
   * Signs in through the login form as a browser does: GET /desk/login (login CSRF cookie and
   * hidden field), POST the form. Returns the POST's response (303 on success, 401/403/429 not).
   */
  async login(email: string, password: string, next?: string): Promise<DeskResponse> {
    const page = await this.get(`/desk/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    const token = csrfOf(page.body);
    if (!token) throw new Error(`no _csrf on the login page (status ${page.status})`);
    const res = await this.post('/desk/login', { _csrf: token, email, password, next: next ?? '/desk' });
    // The login token is not the session's: forget it so the next post() fetches the right one.
    this.csrf = null;
    return res;
  }
}

/** A fresh, signed-out client (from its own address unless one is given). */
export function deskClient(h: DeskApp, address?: string): DeskClient {
  return new DeskClient(h, address);
}

/** A client signed in as `email`; fails the test unless the login succeeds. */
export async function loginAs(h: DeskApp, email: string, password: string): Promise<DeskClient> {
  const client = new DeskClient(h);
  const res = await client.login(email, password);
  expect(res.status, `login as ${email}: ${res.body.slice(0, 300)}`).toBe(303);
  expect(client.cookieValue('pd_session'), 'session cookie').toBeTruthy();
  return client;
}

/** Minimal HTML entity decoding for assertions on rendered text. */
export function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The text of the error message shown beside the field with element id `id` (its `id-error` element), or null. */
export function fieldError(html: string, id: string): string | null {
  const m = new RegExp(
    `<p class="error-message" id="${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-error">([\\s\\S]*?)</p>`,
  ).exec(html);
  if (!m) return null;
  return decodeEntities(m[1].replace(/<[^>]*>/g, ''))
    .replace(/^\s*Error:\s*/, '')
    .trim();
}

/** The `value` of the input with element id `id`, or null. */
export function inputValue(html: string, id: string): string | null {
  const tag = new RegExp(`<input[^>]*\\bid="${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>`).exec(html)?.[0];
  if (!tag) return null;
  const v = /\bvalue="([^"]*)"/.exec(tag);
  return v ? decodeEntities(v[1]) : '';
}
