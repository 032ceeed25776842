/** The on-call officer's link (`/m/{token}`) in scenario tests: found in a page text, opened, posted to. */
import { expect } from 'vitest';
import { decodeEntities } from './desk-client.js';
import { PUBLIC_BASE_URL, type Harness } from './harness.js';

/** The link line of a page text: its path (`/m/{token}`) and raw token. */
export const PAGE_LINK = new RegExp(`\\nOpen: ${PUBLIC_BASE_URL.replace(/[.]/g, '\\.')}(/m/([A-Za-z0-9_-]{22}))\\n`);

/**
 * The link in the `n`th page text to `phone` (after it went and its send is recorded): its path,
 * raw token and the whole text.
 */
export async function pagedLink(
  h: Harness,
  phone: string,
  n = 1,
): Promise<{ path: string; token: string; body: string }> {
  await h.twilio.waitForMessages(n);
  await h.jobs.settle();
  const body = h.twilio.messages.filter((m) => m.to === phone)[n - 1].body!;
  const m = PAGE_LINK.exec(body);
  expect(m, body).not.toBeNull();
  return { path: m![1], token: m![2], body };
}

/** Opens the view (200 expected) and reads its form fields: form token, reference, one-off key. */
export async function openView(
  h: Harness,
  path: string,
): Promise<{ html: string; csrf: string; reference: string; key: string }> {
  const res = await h.app.request(path);
  expect(res.status).toBe(200);
  const html = await res.text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
  return { html, csrf: field('_csrf'), reference: field('reference'), key: field('key') };
}

/** Posts a form of the view as a browser would (URL-encoded), with `headers` added. */
export function postLinkForm(
  h: Harness,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return Promise.resolve(
    h.app.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    }),
  );
}

/** What a person reads in `html`: tags dropped, entities decoded, runs of white space made one space. */
export function readableText(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}
