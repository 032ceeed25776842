import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { receiptCookie } from '../support/receipt.js';

const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const SATURDAY_NIGHT = '2026-11-28T23:30:00Z';

const valid = {
  name: 'Sam Desk',
  outlet: 'Radio North',
  email: 'sam@radionorth.example',
  phone: '',
  subject: 'Flooding response',
  details: 'How many officers were deployed?',
  deadline: '',
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM, config: { intake: { rateLimit: null } } });
});
afterAll(async () => h?.close());
beforeEach(() => h.clock.set(WEDNESDAY_10AM));

describe('the public enquiry form', () => {
  it('shows every field and whether the office is open', async () => {
    const res = await h.app.request('/');
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const field of ['name', 'outlet', 'email', 'phone', 'subject', 'details', 'deadline', 'urgent']) {
      expect(html).toContain(`name="${field}"`);
    }
    expect(html).toContain('The press office is open now until 5:00pm today.');
    expect(html).toContain('<form method="post" action="/enquiries"');
    expect(html).not.toMatch(/<script/);
  });

  it('says when a closed office reopens', async () => {
    h.clock.set(SATURDAY_NIGHT);
    const html = await (await h.app.request('/')).text();
    expect(html).toContain('The press office is closed until 9:00am on Monday 30 November.');
  });

  it('submits with 303 to a confirmation page showing the reference and what happens next', async () => {
    const res = await h.postForm('/enquiries', valid);
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/enquiries\/PD-[2-9A-Z]{3}-[2-9A-Z]{3}\/confirmation$/);
    const reference = location.split('/')[2];
    // The receipt is shown only to the browser that sent the enquiry (its cookie).
    const page = await h.app.request(location, { headers: { Cookie: receiptCookie(res) } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(reference);
    expect(html).toContain('We are open. A press officer will respond by 2:00pm today.');
    const row = await h.database.db
      .selectFrom('enquiry')
      .selectAll()
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ channel: 'web', name: 'Sam Desk', phone: null, urgent: false });
  });

  it('reads the datetime-local deadline in office time and the urgent checkbox', async () => {
    h.clock.set(SATURDAY_NIGHT);
    const res = await h.postForm('/enquiries', { ...valid, deadline: '2026-11-29T11:00', urgent: 'true' });
    expect(res.status).toBe(303);
    const reference = res.headers.get('location')!.split('/')[2];
    const row = await h.database.db
      .selectFrom('enquiry')
      .selectAll()
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ urgent: true, out_of_hours: true, needs_on_call: true });
    expect(row.deadline?.toISOString()).toBe('2026-11-29T11:00:00.000Z');
    const html = await (
      await h.app.request(res.headers.get('location')!, { headers: { Cookie: receiptCookie(res) } })
    ).text();
    expect(html).toContain('on-call press officer');
  });

  it('re-shows the form with 422, the values kept, a summary and each error beside its field', async () => {
    const res = await h.postForm('/enquiries', {
      ...valid,
      name: '',
      email: 'sam@',
      subject: '<b>Bold</b> & "quoted"',
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('<title>Error: Send a media enquiry');
    expect(html).toMatch(/class="error-summary"[^>]*role="alert"/);
    expect(html).toContain('<a href="#name">Enter your name</a>');
    expect(html).toContain('<a href="#email">Enter an email address in the correct format, like name@example.com</a>');
    expect(html).toMatch(/id="name-error"[^>]*>[\s\S]*Enter your name/);
    expect(html).toMatch(/aria-describedby="email-hint email-error"/);
    // Values are kept, and HTML in them is escaped, never rendered.
    expect(html).toContain('value="Radio North"');
    expect(html).toContain('value="&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;quoted&quot;"');
    expect(html).not.toContain('<b>Bold</b>');
  });

  it('keeps the first value when a field is sent twice', async () => {
    const res = await h.postForm('/enquiries', { ...valid, name: ['First Name', 'Second Name'] });
    expect(res.status).toBe(303);
    const reference = res.headers.get('location')!.split('/')[2];
    const row = await h.database.db
      .selectFrom('enquiry')
      .select('name')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    expect(row.name).toBe('First Name');
  });

  it('refuses a filled honeypot with the form re-shown', async () => {
    const res = await h.postForm('/enquiries', { ...valid, website: 'http://spam.example' });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Leave the field headed');
  });

  it('answers a JSON post to the form route with a 415 page', async () => {
    const res = await h.app.request('/enquiries', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toContain('text/html');
  });

  it('answers an oversized form with 413 and stores nothing', async () => {
    const res = await h.postForm('/enquiries', { ...valid, details: 'x'.repeat(h.config.intake.maxBodyBytes) });
    expect(res.status).toBe(413);
  });

  it('shows a 404 page for a confirmation that does not exist', async () => {
    const res = await h.app.request('/enquiries/PD-222-222/confirmation');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('text/html');
  });

  it('serves its stylesheet itself, with security headers on every page', async () => {
    const css = await h.app.request('/assets/app.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    const page = await h.app.request('/');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
  });
});
