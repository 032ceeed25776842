/**
 * A press officer's side of the process-level scale-out tests: signing in through the real
 * login form, and the live queue (`GET /desk/events`) as the desk page opens it, parsed.
 */
import { expect } from 'vitest';

/** Signs in through /desk/login as a browser does (login CSRF cookie + hidden field); returns the session cookie. */
export async function signIn(baseUrl: string, officer: { email: string; password: string }): Promise<string> {
  const page = await fetch(`${baseUrl}/desk/login`);
  const html = await page.text();
  const token = /name="_csrf"\s+value="([^"]*)"/.exec(html)?.[1];
  const loginCookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('pd_login_csrf='));
  expect(token, 'login form _csrf').toBeTruthy();
  expect(loginCookie, 'pd_login_csrf cookie').toBeTruthy();
  const res = await fetch(`${baseUrl}/desk/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie! },
    body: new URLSearchParams({
      _csrf: token!,
      email: officer.email,
      password: officer.password,
      next: '/desk',
    }).toString(),
  });
  await res.arrayBuffer();
  expect(res.status).toBe(303);
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('pd_session='));
  expect(session, 'pd_session cookie').toBeTruthy();
  return session!;
}

/** A live queue as the desk page opens it: the SSE stream of one web process, parsed. */
export interface LiveQueue {
  name: string;
  /** Resolves at the stream's `ready` event (its process LISTENs); rejects if the stream cannot open. */
  ready: Promise<void>;
  /** References of every `enquiry` event so far. */
  references: Set<string>;
  events: Array<{ event: string; data: string }>;
  close(): void;
}

/** Opens the live queue of the web process at `baseUrl` with the session `cookie`; `name` labels it in failures. */
export function openLiveQueue(name: string, baseUrl: string, cookie: string): LiveQueue {
  const abort = new AbortController();
  const references = new Set<string>();
  const events: LiveQueue['events'] = [];
  let markReady!: () => void;
  let failReady!: (err: unknown) => void;
  const ready = new Promise<void>((res, rej) => {
    markReady = res;
    failReady = rej;
  });
  void (async () => {
    try {
      const res = await fetch(`${baseUrl}/desk/events`, {
        headers: { cookie, accept: 'text/event-stream' },
        signal: abort.signal,
      });
      if (res.status !== 200 || !res.body) throw new Error(`${name}: GET /desk/events answered ${res.status}`);
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trim());
          }
          if (!data.length) continue; // a keep-alive comment
          events.push({ event, data: data.join('\n') });
          if (event === 'ready') markReady();
          if (event === 'enquiry')
            references.add(String((JSON.parse(data.join('\n')) as { reference: string }).reference));
        }
      }
    } catch (err) {
      if (!abort.signal.aborted) failReady(err);
    }
  })();
  return { name, ready, references, events, close: () => abort.abort() };
}
