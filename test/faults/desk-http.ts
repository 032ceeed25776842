/**
 * A minimal signed-in desk user over real HTTP (the fault scripts talk to a child process, so
 * the in-process DeskClient of test/support does not fit): keeps cookies, signs in through the
 * login form with its CSRF field, and reads pages.
 */
export class HttpDesk {
  private readonly jar = new Map<string, string>();
  constructor(private readonly baseUrl: string) {}

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
      if (expired || !value) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  async request(path: string, init: RequestInit = {}): Promise<{ status: number; body: string }> {
    const headers = new Headers(init.headers);
    if (this.jar.size) headers.set('Cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(`${this.baseUrl}${path}`, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    this.remember(res);
    return { status: res.status, body: await res.text() };
  }

  /** Signs in; throws unless the login form answers 303. */
  async login(email: string, password: string): Promise<void> {
    const page = await this.request('/desk/login');
    const csrf = /name="_csrf"\s+value="([^"]*)"/.exec(page.body)?.[1];
    if (!csrf) throw new Error(`no _csrf on the login page (${page.status})`);
    const form = new URLSearchParams({ _csrf: csrf, email, password, next: '/desk' });
    const res = await this.request('/desk/login', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    if (res.status !== 303) throw new Error(`login as ${email} answered ${res.status}`);
  }
}
