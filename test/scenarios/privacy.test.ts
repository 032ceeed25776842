import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

const MANAGER = { email: 'dpo.manager@press.example', password: 'manager-password-1' };
const SYSTEM = { userId: null, email: 'test' };
const JOURNALIST_PHONE = '+447911123470';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2025-10-01T10:00:00Z', config: { intake: { rateLimit: null } } });
  await h.services.users.create({ ...MANAGER, name: 'Dee Manager', role: 'manager' }, SYSTEM);
});
afterAll(async () => h?.close());

async function enquiry(fields: Record<string, unknown>) {
  const res = await h.postJson('/api/enquiries', {
    name: 'Jess Journalist',
    outlet: 'Daily Planet',
    subject: 'Statistics',
    details: 'Numbers please',
    ...fields,
  });
  expect(res.status).toBe(201);
  return (await res.json()).reference as string;
}

async function row(reference: string) {
  return h.database.db.selectFrom('enquiry').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
}

describe('retention', () => {
  it('erases names, contact details and texts 12 months after closing, keeping the figures', async () => {
    const old = await enquiry({ phone: '+447911123471', subject: 'Old story', details: 'Sensitive details' });
    const recent = await enquiry({ email: 'keep@news.example', subject: 'Recent story' });
    await h.sms('+447911123472', 'A text from a journalist');
    await h.services.casework.setStatus(old, 'closed', SYSTEM);
    h.clock.set('2025-12-01T10:00:00Z');
    await h.services.casework.setStatus(recent, 'closed', SYSTEM);

    h.clock.set('2026-10-02T10:00:00Z'); // a year and a day after the first was closed
    expect(await h.services.privacy.sweep()).toBe(1);
    const erased = await row(old);
    expect(erased).toMatchObject({
      name: '[erased]',
      email: null,
      phone: null,
      subject: '[erased]',
      details: '[erased]',
      outlet: 'Daily Planet',
      status: 'closed',
    });
    expect(erased.erased_at).not.toBeNull();
    expect(erased.received_at.toISOString()).toBe('2025-10-01T10:00:00.000Z');
    expect((await row(recent)).name).toBe('Jess Journalist');
    // Open enquiries are never erased, however old.
    const sms = await h.database.db
      .selectFrom('enquiry')
      .selectAll()
      .where('channel', '=', 'sms')
      .executeTakeFirstOrThrow();
    expect(sms.erased_at).toBeNull();
    // Idempotent.
    expect(await h.services.privacy.sweep()).toBe(0);
    const log = await h.database.db
      .selectFrom('audit_log')
      .select(['action', 'user_email'])
      .where('action', '=', 'retention.erased')
      .execute();
    expect(log).toEqual([{ action: 'retention.erased', user_email: 'retention' }]);
  });
});

describe('subject access and erasure requests', () => {
  it('exports everything held about a journalist and erases it on request, both audited', async () => {
    h.clock.set('2026-10-05T10:00:00Z');
    const a = await enquiry({ phone: '07911 123470', subject: 'First' });
    const b = await enquiry({ phone: JOURNALIST_PHONE, email: 'jess@planet.example', subject: 'Second' });
    await h.sms(JOURNALIST_PHONE, 'And a text, URGENT');
    const manager = await loginAs(h, MANAGER.email, MANAGER.password);

    const found = await manager.get(`/desk/privacy?phone=${encodeURIComponent('07911 123470')}`);
    expect(found.status).toBe(200);
    expect(found.body).toContain(a);
    expect(found.body).toContain(b);

    const exported = await manager.get(`/desk/privacy/export.json?phone=${encodeURIComponent(JOURNALIST_PHONE)}`);
    expect(exported.status).toBe(200);
    const data = JSON.parse(exported.body);
    expect(data.enquiries.map((e: { reference: string }) => e.reference)).toEqual(expect.arrayContaining([a, b]));
    expect(data.enquiries).toHaveLength(3);
    const smsEnquiry = data.enquiries.find((e: { channel: string }) => e.channel === 'sms');
    expect(smsEnquiry.smsReceived[0].body).toBe('And a text, URGENT');

    const refused = await manager.post('/desk/privacy/erase', { phone: JOURNALIST_PHONE, email: '' });
    expect(refused.status).toBe(422);
    expect(refused.body).toContain('Tick the box to confirm');
    // The summary at the top links to the box, and the box tells a screen reader why.
    expect(refused.body).toMatch(/class="error-summary"[\s\S]*href="#confirm"/);
    expect(refused.body).toMatch(/id="confirm"[^>]*aria-describedby="confirm-error"/);
    expect((await row(a)).name).toBe('Jess Journalist');

    const done = await manager.post('/desk/privacy/erase', { phone: JOURNALIST_PHONE, email: '', confirm: 'yes' });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Erased personal data from 3 enquiries');
    for (const ref of [a, b])
      expect(await row(ref)).toMatchObject({ name: '[erased]', phone: null, email: null, details: '[erased]' });
    const inbound = await h.database.db
      .selectFrom('sms_inbound')
      .select(['from_number', 'body'])
      .where('from_number', '=', JOURNALIST_PHONE)
      .execute();
    expect(inbound).toEqual([]);
    const events = await h.database.pool.query(
      `SELECT data FROM enquiry_event e JOIN enquiry q ON q.id = e.enquiry_id WHERE q.reference = $1 AND kind = 'sms_in'`,
      [smsEnquiry.reference],
    );
    expect(events.rows.every((r) => !('body' in r.data) && r.data.erased === true)).toBe(true);

    const actions = await h.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('user_email', '=', MANAGER.email)
      .execute();
    expect(actions.map((x) => x.action)).toEqual(expect.arrayContaining(['journalist.exported', 'journalist.erased']));
    // The desk shows an erased enquiry without breaking.
    expect((await manager.get(`/desk/enquiries/${a}`)).status).toBe(200);
  });

  it('says what is wrong with the request', async () => {
    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    const res = await manager.get('/desk/privacy?phone=12&email=nonsense');
    expect(res.status).toBe(422);
    expect(res.body).toContain('Enter a phone number, like 07911 123456');
    expect(res.body).toContain('Enter an email address, like name@example.com');
  });
});
