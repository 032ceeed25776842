/**
 * Cookies and a signed-in desk user for clients outside vitest (benchmarks, fault scripts) and
 * inside it (DeskClient). Free of vitest, so scripts can import it.
 */

/** One site's cookies, kept as a browser keeps them: set, replaced, deleted when expired or emptied. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** The Cookie header to send, or '' when there are none. */
  get header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  get size(): number {
    return this.cookies.size;
  }

  /** One cookie's value, if set. */
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** Drops every cookie (a new browser). */
  clear(): void {
    this.cookies.clear();
  }

  /** Applies a response's Set-Cookie headers. */
  remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k, v = ''] = a.split('=').map((x) => x.trim());
        return (
          (k.toLowerCase() === 'max-age' && Number(v) <= 0) ||
          (k.toLowerCase() === 'expires' && Date.parse(v) <= Date.now())
        );
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/** The value of the first hidden `_csrf` input on a page, or null. */
export function csrfOf(html: string): string | null {
  return /name="_csrf"\s+value="([^"]*)"/.exec(html)?.[1] ?? null;
}

/**
 * A desk user over real HTTP to a service process (keep-alive, redirects not followed): keeps
 * cookies and signs in through the login form with its CSRF field, as a browser does. Each
 * request gives up after 10 s, so a hung service fails a script instead of stalling it.
 */
export class HttpDesk {
  private readonly jar = new CookieJar();

  constructor(readonly baseUrl: string) {}

  /** Any request with this user's cookies; the body is read. */
  async request(
    path: string,
    init: RequestInit = {},
  ): Promise<{ status: number; body: string; location: string | null }> {
    const headers = new Headers(init.headers);
    if (this.jar.size) headers.set('Cookie', this.jar.header);
    const res = await fetch(`${this.baseUrl}${path}`, {
      ...init,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    this.jar.remember(res);
    return { status: res.status, body: await res.text(), location: res.headers.get('location') };
  }

  /** GET /desk/login, then POST the form; throws unless it answers 303 with a session cookie. */
  async login(email: string, password: string): Promise<void> {
    const page = await this.request('/desk/login');
    const token = csrfOf(page.body);
    if (!token) throw new Error(`no _csrf on the login page (status ${page.status})`);
    const form = new URLSearchParams({ _csrf: token, email, password, next: '/desk' });
    const res = await this.request('/desk/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    if (res.status !== 303 || !this.jar.get('pd_session'))
      throw new Error(`login as ${email} failed: ${res.status} ${res.body.slice(0, 200)}`);
  }
}
