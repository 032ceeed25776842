import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MANAGER_AREAS } from '../../src/features.js';
import { deskClient, fieldError, loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { spokenReference } from '../support/spoken.js';

// Wednesday 2 December 2026, 10:00: the office is open.
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const MANAGER = { email: 'maya.manager@press.example', password: 'manager-password-1' };
const OFFICER = { email: 'omar.officer@press.example', password: 'officer-password-1' };
const SYSTEM = { userId: null, email: 'test' };

let h: Harness;
let officerId: string;

beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM, jobs: true, config: { intake: { rateLimit: null } } });
  await h.services.users.create({ ...MANAGER, name: 'Maya Manager', role: 'manager' }, SYSTEM);
  officerId = (await h.services.users.create({ ...OFFICER, name: 'Omar Officer', role: 'officer' }, SYSTEM)).id;
});
afterAll(async () => h?.close());
beforeEach(() => h.clock.set(WEDNESDAY_10AM));

async function submit(fields: Record<string, unknown> = {}): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: '+447911123401',
    subject: 'Road closure',
    details: 'Why was the road closed?',
    ...fields,
  });
  expect(res.status).toBe(201);
  return (await res.json()).reference;
}

function rowsOrder(html: string): string[] {
  return [...html.matchAll(/id="row-(PD-[A-Z0-9-]+)"/g)].map((m) => m[1]);
}

describe('signing in', () => {
  it('sends a visitor without a session to the login page, and a JSON client gets 401', async () => {
    const anon = deskClient(h);
    const page = await anon.get('/desk?status=all');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/desk/login?next=%2Fdesk%3Fstatus%3Dall');
    const json = await anon.get('/desk', { Accept: 'application/json' });
    expect(json.status).toBe(401);
    expect(JSON.parse(json.body).error.code).toBe('unauthenticated');
  });

  it('refuses a wrong password with one message that does not reveal whether the email exists', async () => {
    const c = deskClient(h);
    const wrong = await c.login(OFFICER.email, 'not-the-password');
    const unknown = await c.login('nobody@press.example', 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(fieldError(wrong.body, 'email')).toBe('The email address or password is not right');
    expect(fieldError(unknown.body, 'email')).toBe(fieldError(wrong.body, 'email'));
  });

  it('sets an HttpOnly, SameSite, Secure session cookie and issues a new session id at login', async () => {
    const c = deskClient(h);
    const page = await c.get('/desk/login');
    const token = /name="_csrf" value="([^"]*)"/.exec(page.body)![1];
    const res = await h.app.request('/desk/login', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Cookie: `${c.cookie}; pd_session=attacker-chosen-id`,
      },
      body: new URLSearchParams({
        _csrf: token,
        email: OFFICER.email,
        password: OFFICER.password,
        next: '/desk',
      }).toString(),
    });
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((x) => x.startsWith('pd_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).not.toContain('attacker-chosen-id');
  });

  it('refuses a login form that did not come from the login page', async () => {
    const res = await h.app.request('/desk/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: OFFICER.email, password: OFFICER.password }).toString(),
    });
    expect(res.status).toBe(403);
  });

  it('only redirects to desk paths after login', async () => {
    const c = deskClient(h);
    const res = await c.login(OFFICER.email, OFFICER.password, 'https://evil.example/');
    expect(res.location).toBe('/desk');
  });

  it('limits failed attempts per account with 429 and Retry-After', async () => {
    const target = { email: 'locked.out@press.example', password: 'locked-out-password' };
    await h.services.users.create({ ...target, name: 'Lou Locked', role: 'officer' }, SYSTEM);
    const c = deskClient(h);
    let last = await c.login(target.email, 'wrong');
    for (let i = 0; i < 10 && last.status !== 429; i++) last = await c.login(target.email, 'wrong');
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    // Even the right password waits now.
    expect((await c.login(target.email, target.password)).status).toBe(429);
  });

  it('limits sign-in attempts per address (30 in 15 minutes by default), without locking out other addresses', async () => {
    const guesser = deskClient(h, '203.0.113.66');
    // A different email each time, so the per-account limit (8) never applies: only the address does.
    for (let i = 0; i < 30; i++) expect((await guesser.login(`nobody${i}@press.example`, 'guess')).status).toBe(401);
    const refused = await guesser.login(OFFICER.email, OFFICER.password);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The officer at another desk signs in as usual.
    expect((await deskClient(h, '203.0.113.67').login(OFFICER.email, OFFICER.password)).status).toBe(303);
  });

  it('logout ends the session on the server: the old cookie no longer works', async () => {
    const c = await loginAs(h, OFFICER.email, OFFICER.password);
    const stolen = c.cookie;
    expect((await c.post('/desk/logout')).location).toBe('/desk/login');
    const replay = await h.app.request('/desk', { headers: { Cookie: stolen } });
    expect(replay.status).toBe(303);
  });

  it('ends a session after the idle timeout and after the absolute timeout', async () => {
    const idle = await loginAs(h, OFFICER.email, OFFICER.password);
    h.clock.advance(119 * 60_000);
    expect((await idle.get('/desk')).status).toBe(200);
    h.clock.advance(121 * 60_000);
    expect((await idle.get('/desk')).status).toBe(303);

    h.clock.set(WEDNESDAY_10AM);
    const busy = await loginAs(h, OFFICER.email, OFFICER.password);
    for (let hour = 1; hour < 12; hour++) {
      h.clock.advance(60 * 60_000);
      expect((await busy.get('/desk')).status).toBe(200);
    }
    h.clock.advance(61 * 60_000);
    expect((await busy.get('/desk')).status).toBe(303);
  });

  it('refuses a state-changing request without the session’s CSRF token', async () => {
    const c = await loginAs(h, OFFICER.email, OFFICER.password);
    const ref = await submit();
    const res = await c.post(`/desk/enquiries/${ref}/note`, { _csrf: 'forged', note: 'hello' });
    expect(res.status).toBe(403);
    const none = await h.app.request(`/desk/enquiries/${ref}/note`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: c.cookie },
      body: 'note=hello',
    });
    expect(none.status).toBe(403);
  });
});

describe('access to every desk route', () => {
  const deskRoutes = () =>
    (h.app.routes as Array<{ method: string; path: string }>)
      .filter((r) => r.path.startsWith('/desk') && r.method !== 'ALL')
      .map((r) => ({ method: r.method, path: r.path.replace(/:reference/, 'PD-222-222').replace(/:[a-zA-Z]+/g, '1') }));

  it('refuses every route but the login page without a session', async () => {
    const routes = deskRoutes();
    expect(routes.length).toBeGreaterThan(10);
    for (const r of routes) {
      const res = await h.app.request(r.path, {
        method: r.method,
        headers: r.method === 'GET' ? {} : { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: r.method === 'GET' ? undefined : '',
      });
      if (r.path === '/desk/login') continue;
      expect([303, 401], `${r.method} ${r.path} without a session answered ${res.status}`).toContain(res.status);
      if (res.status === 303) expect(res.headers.get('location')).toMatch(/^\/desk\/login/);
    }
  });

  it('refuses every manager route to an officer with 403', async () => {
    const c = await loginAs(h, OFFICER.email, OFFICER.password);
    const managerRoutes = deskRoutes().filter((r) =>
      MANAGER_AREAS.some((a) => r.path === `/desk${a}` || r.path.startsWith(`/desk${a}/`)),
    );
    expect(managerRoutes.length).toBeGreaterThanOrEqual(3);
    for (const r of managerRoutes) {
      const res = r.method === 'GET' ? await c.get(r.path) : await c.post(r.path, {});
      expect(res.status, `${r.method} ${r.path} as an officer`).toBe(403);
    }
  });
});

describe('the queue', () => {
  it('lists open enquiries by what is due first, with urgent and overdue ones marked', async () => {
    const later = await submit({ subject: 'Due Friday', deadline: '2026-12-04T12:00' });
    const soon = await submit({ subject: 'Due at noon', deadline: '2026-12-02T12:00' });
    const target = await submit({ subject: 'Office target only' }); // respond by 14:00 today
    h.clock.set('2026-12-02T12:30:00Z');
    const c = await loginAs(h, OFFICER.email, OFFICER.password);
    const html = (await c.get('/desk')).body;
    const order = rowsOrder(html).filter((r) => [later, soon, target].includes(r));
    expect(order).toEqual([soon, target, later]);
    const soonRow = new RegExp(`<tr id="row-${soon}" class="([^"]*)"`).exec(html)![1];
    expect(soonRow).toContain('is-overdue');
    expect(soonRow).toContain('is-urgent');
  });

  it('filters by urgency, assignment, channel and time received, and searches the text', async () => {
    const c = await loginAs(h, OFFICER.email, OFFICER.password);
    const urgent = await submit({ subject: 'Flooding in the valley', urgent: true });
    const mine = await submit({ subject: 'Budget figures', outlet: 'Financial Weekly' });
    await h.services.casework.assign(mine, officerId, SYSTEM);
    expect(rowsOrder((await c.get('/desk?urgent=yes')).body)).toContain(urgent);
    expect(rowsOrder((await c.get('/desk?urgent=yes')).body)).not.toContain(mine);
    expect(rowsOrder((await c.get('/desk?assigned=me')).body)).toEqual([mine]);
    expect(rowsOrder((await c.get('/desk?assigned=unassigned')).body)).not.toContain(mine);
    expect(rowsOrder((await c.get('/desk?channel=sms')).body)).not.toContain(mine);
    expect(rowsOrder((await c.get('/desk?q=flooded')).body)).toEqual([urgent]); // stemmed: flooded ~ flooding
    expect(rowsOrder((await c.get('/desk?q=Financial+Weekly')).body)).toEqual([mine]);
    // Rubbish in the filters falls back to the default view rather than failing.
    expect((await c.get('/desk?status=%3Cscript%3E&urgent=maybe&q=%00%00')).status).toBe(200);
  });

  it('pages through a long queue without repeating or skipping rows', async () => {
    const c = await loginAs(h, OFFICER.email, OFFICER.password);
    for (let i = 0; i < 55; i++) await submit({ subject: `Bulk ${i}`, outlet: 'Bulk News' });
    const first = await c.get('/desk?q=Bulk');
    const firstRows = rowsOrder(first.body);
    expect(firstRows).toHaveLength(50);
    const next = /href="(\/desk\?[^"]*after=[^"]*)"/.exec(first.body)![1].replace(/&amp;/g, '&');
    const secondRows = rowsOrder((await c.get(next)).body);
    expect(secondRows).toHaveLength(5);
    expect(new Set([...firstRows, ...secondRows]).size).toBe(55);
  });

  it('renders HTML in enquiry text as text', async () => {
    const c = await loginAs(h, OFFICER.email, OFFICER.password);
    const ref = await submit({ subject: '<script>alert(1)</script>', details: '<img src=x onerror=alert(2)>' });
    const queue = (await c.get('/desk?q=alert')).body;
    expect(rowsOrder(queue)).toEqual([ref]);
    expect(queue).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(queue).not.toContain('<script>alert(1)');
    const page = (await c.get(`/desk/enquiries/${ref}`)).body;
    expect(page).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(page).not.toContain('<img src=x');
  });

  it('streams new enquiries to an open queue (server-sent events from LISTEN/NOTIFY)', async () => {
    const c = await loginAs(h, OFFICER.email, OFFICER.password);
    const res = await h.app.request('/desk/events', { headers: { Cookie: c.cookie } });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (pattern: RegExp) => {
      const deadline = Date.now() + 10_000;
      while (!pattern.test(text)) {
        if (Date.now() > deadline) throw new Error(`no ${pattern} in ${text}`);
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        text += decoder.decode(value);
      }
    };
    await readUntil(/event: ready/);
    // The listener connects on first subscription; give it a moment before inserting.
    await new Promise((r) => setTimeout(r, 300));
    const ref = await submit({ subject: 'Live one' });
    await readUntil(new RegExp(ref));
    // A burst shares NOTIFYs (one in flight per process): every arrival still reaches the queue,
    // and so does an enquiry that came by SMS.
    const burst = await Promise.all(Array.from({ length: 25 }, (_, i) => submit({ subject: `Burst ${i}` })));
    const smsReply = await (await h.sms('+447911123456', 'Live by text: is the bridge shut?')).text();
    const smsRef = /PD-[0-9A-Z]{3}-[0-9A-Z]{3}/.exec(smsReply)![0];
    for (const r of [...burst, smsRef]) await readUntil(new RegExp(r));
    await reader.cancel();
    const row = await c.get(`/desk/queue/row/${ref}`);
    expect(row.body).toContain(`id="row-${ref}"`);
  });
});

describe('an enquiry', () => {
  it('shows 404 for a reference that does not exist', async () => {
    const c = await loginAs(h, OFFICER.email, OFFICER.password);
    const res = await c.get('/desk/enquiries/PD-222-222');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect((await c.get('/desk/enquiries/not-a-reference')).status).toBe(404);
  });

  it('is worked from assignment to close, every step on the timeline and in the audit log', async () => {
    const c = await loginAs(h, OFFICER.email, OFFICER.password);
    const ref = await submit({ phone: '+447911123499' });
    await c.get(`/desk/enquiries/${ref}`);
    expect((await c.post(`/desk/enquiries/${ref}/assign`, { assignee: officerId })).status).toBe(303);
    expect((await c.post(`/desk/enquiries/${ref}/note`, { note: 'Checking with the roads team' })).status).toBe(303);
    expect((await c.post(`/desk/enquiries/${ref}/reply`, { reply: 'We will have a statement by 3pm.' })).status).toBe(
      303,
    );
    expect(
      (await c.post(`/desk/enquiries/${ref}/response`, { response: 'The road closed for emergency repairs.' })).status,
    ).toBe(303);
    expect((await c.post(`/desk/enquiries/${ref}/status`, { status: 'closed' })).status).toBe(303);
    await h.jobs.settle();

    const sms = h.twilio.messages.filter((m) => m.to === '+447911123499');
    // The reply, then (issue 17) one message that it is closed, with the journalist's status link.
    expect(sms.map((m) => m.body)).toEqual([
      'We will have a statement by 3pm.',
      expect.stringMatching(
        new RegExp(
          `^Press Office: your enquiry ${ref} is now closed\\. https://press\\.example\\.org/status/[A-Za-z0-9_-]{22}$`,
        ),
      ),
    ]);
    await h.twilio.sendStatusCallback(sms[0], 'delivered');

    const page = (await c.get(`/desk/enquiries/${ref}`)).body;
    for (const text of [
      'Assigned to Omar Officer',
      'Checking with the roads team',
      'Reply by SMS queued',
      'SMS out to 07911 123499',
      'SMS delivery: delivered',
      'Response given (press line)',
      'Status: In progress → Closed',
    ]) {
      expect(page).toContain(text);
    }
    const row = await h.database.db
      .selectFrom('enquiry')
      .selectAll()
      .where('reference', '=', ref)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'closed',
      assigned_to: officerId,
      response_given: 'The road closed for emergency repairs.',
    });
    expect(row.first_response_at).not.toBeNull();
    expect(row.closed_at).not.toBeNull();
    // All in one office minute: stored working time equals elapsed time, and it is there for reports.
    expect(row.first_response_working_s).toBeCloseTo(
      (row.first_response_at!.getTime() - row.received_at.getTime()) / 1000,
      3,
    );
    expect(row.close_working_s).toBeCloseTo((row.closed_at!.getTime() - row.received_at.getTime()) / 1000, 3);
    const audit = await h.database.db
      .selectFrom('audit_log')
      .select(['action', 'user_email'])
      .where('enquiry_id', '=', row.id)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'enquiry.assigned',
      'enquiry.note_added',
      'enquiry.reply_sent',
      'enquiry.response_recorded',
      'enquiry.status_changed',
    ]);
    expect(new Set(audit.map((a) => a.user_email))).toEqual(new Set([OFFICER.email]));
    // Closed enquiries leave the open queue.
    expect(rowsOrder((await c.get('/desk')).body)).not.toContain(ref);
    expect(rowsOrder((await c.get('/desk?status=closed')).body)).toContain(ref);
  });

  it('re-shows the page with 422 and the message beside the field for an empty note or a bad status', async () => {
    const c = await loginAs(h, OFFICER.email, OFFICER.password);
    const ref = await submit();
    await c.get(`/desk/enquiries/${ref}`);
    const note = await c.post(`/desk/enquiries/${ref}/note`, { note: '   ' });
    expect(note.status).toBe(422);
    expect(fieldError(note.body, 'note')).toBe('Enter a note');
    const status = await c.post(`/desk/enquiries/${ref}/status`, { status: 'deleted' });
    expect(status.status).toBe(422);
    expect(fieldError(status.body, 'status')).toBe('Choose one of the statuses listed');
    const assign = await c.post(`/desk/enquiries/${ref}/assign`, { assignee: "1' OR 1=1" });
    expect(assign.status).toBe(422);
    const urgency = await c.post(`/desk/enquiries/${ref}/urgency`, { urgent: 'true', reason: '' });
    expect(urgency.status).toBe(422);
    expect(fieldError(urgency.body, 'reason')).toBe('Enter a reason');
  });

  it('an upgrade to urgent out of hours pages the on-call officer', async () => {
    h.clock.set('2026-12-05T22:00:00Z'); // Saturday night
    const c = await loginAs(h, OFFICER.email, OFFICER.password);
    const ref = await submit({ subject: 'Quiet question', urgent: false });
    await c.get(`/desk/enquiries/${ref}`);
    const before = h.twilio.calls.length;
    expect(
      (await c.post(`/desk/enquiries/${ref}/urgency`, { urgent: 'true', reason: 'Now a major incident' })).status,
    ).toBe(303);
    // Nobody is on the rota: the page goes to the shipped out-of-hours line, an 03 number, as a call (it cannot take texts).
    await h.twilio.waitForCalls(before + 1);
    expect(h.twilio.calls.at(-1)).toMatchObject({
      to: h.config.onCall.fallbackNumber,
      twiml: expect.stringContaining(`Reference ${spokenReference(ref)}.`),
    });
    const page = (await c.get(`/desk/enquiries/${ref}`)).body;
    expect(page).toContain('Marked urgent');
    expect(page).toContain('Now a major incident');
    // Acknowledge from the desk: escalation stops.
    expect((await c.post(`/desk/enquiries/${ref}/acknowledge`)).status).toBe(303);
    const p = await h.database.db
      .selectFrom('page')
      .innerJoin('enquiry', 'enquiry.id', 'page.enquiry_id')
      .select(['page.status', 'page.ack_via'])
      .where('enquiry.reference', '=', ref)
      .executeTakeFirstOrThrow();
    expect(p).toEqual({ status: 'acknowledged', ack_via: 'desk' });
  });

  it('lists the journalist’s earlier enquiries', async () => {
    const c = await loginAs(h, OFFICER.email, OFFICER.password);
    const first = await submit({ phone: '+447911123488', subject: 'First time' });
    const second = await submit({ phone: '+447911123488', subject: 'Second time' });
    const page = (await c.get(`/desk/enquiries/${second}`)).body;
    expect(page).toContain(`/desk/enquiries/${first}`);
    expect(page).toContain('First time');
  });

  it('the audit log refuses edits at the database too', async () => {
    await expect(h.database.db.updateTable('audit_log').set({ action: 'tampered' }).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(h.database.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
  });
});

describe('malformed desk forms', () => {
  it('answers a broken multipart body with 400, not 500, on the login page and behind a session', async () => {
    const broken = {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=nope' },
      body: '--wrong\r\nContent-Disposition: form-data; name="email"\r\n\r\nx',
    };
    expect((await h.app.request('/desk/login', broken)).status).toBe(400);
    const c = await loginAs(h, OFFICER.email, OFFICER.password);
    const ref = await submit();
    const res = await h.app.request(`/desk/enquiries/${ref}/note`, {
      ...broken,
      headers: { ...broken.headers, Cookie: c.cookie },
    });
    expect(res.status).toBe(400);
  });
});
