/**
 * Receipts (issue 12, finding 9): `GET /enquiries/:ref/confirmation` shows a receipt only to the
 * browser that submitted the enquiry (a cookie set with the 303, scoped to that path), and an
 * unknown reference and somebody else's look exactly the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { receiptCookie } from '../support/receipt.js';

const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const FORM = {
  name: 'Sam Desk',
  outlet: 'Radio North',
  email: 'sam@radionorth.example',
  subject: 'Flooding response',
  details: 'How many officers were deployed?',
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM, config: { intake: { rateLimit: null } } });
});
afterAll(async () => h?.close());

async function submit(): Promise<{ location: string; cookie: string; setCookie: string }> {
  const res = await h.postForm('/enquiries', FORM);
  expect(res.status).toBe(303);
  return {
    location: res.headers.get('location')!,
    cookie: receiptCookie(res),
    setCookie: res.headers.getSetCookie().find((c) => c.startsWith('pd_receipt='))!,
  };
}

async function view(path: string, cookie?: string) {
  const res = await h.app.request(path, { headers: cookie ? { Cookie: cookie } : {} });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    cache: res.headers.get('cache-control'),
    body: await res.text(),
  };
}

describe('the receipt after a form submission', () => {
  it('is set as an HttpOnly, Secure, SameSite cookie for that confirmation page only, for a day', async () => {
    const { location, setCookie } = await submit();
    expect(setCookie).toContain(`Path=${location}`);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/Secure/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Max-Age=86400/i);
  });

  it('shows the receipt to the browser that sent the enquiry, and not to anyone else', async () => {
    const mine = await submit();
    const theirs = await submit();
    const shown = await view(mine.location, mine.cookie);
    expect(shown.status).toBe(200);
    expect(shown.body).toContain(mine.location.split('/')[2]);
    expect(shown.cache).toContain('no-store');

    const unknown = await view('/enquiries/PD-222-222/confirmation');
    expect(unknown.status).toBe(404);
    expect(unknown.type).toContain('text/html');
    // Without the cookie, with another enquiry's cookie, or with a made-up one: the same answer.
    for (const attempt of [
      await view(mine.location),
      await view(mine.location, theirs.cookie),
      await view(mine.location, 'pd_receipt=guess'),
      await view('/enquiries/PD-222-222/confirmation', mine.cookie),
    ]) {
      expect(attempt).toEqual(unknown);
    }
  });

  it('an enquiry sent by the API has no receipt page: it looks like an unknown reference', async () => {
    const res = await h.postJson('/api/enquiries', FORM);
    expect(res.status).toBe(201);
    const { reference } = await res.json();
    expect(await view(`/enquiries/${reference}/confirmation`)).toEqual(
      await view('/enquiries/PD-333-333/confirmation'),
    );
  });
});
