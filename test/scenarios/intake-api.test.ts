import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';

// Wednesday 2 December 2026, 10:00 in London (GMT): the office is open.
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
// Christmas Eve 2026 (Thursday), 18:00: closed until Tuesday 29 December (Boxing Day substitute on the 28th).
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';

const valid = {
  name: 'Ann Reporter',
  outlet: 'Evening Gazette',
  email: 'ann@gazette.example',
  subject: 'Road closure on the A38',
  details: 'Can you confirm why the A38 was closed this morning?',
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM, config: { intake: { rateLimit: null } } });
});
afterAll(async () => h?.close());
beforeEach(() => h.clock.set(WEDNESDAY_10AM));

async function stored(reference: string) {
  return h.database.db.selectFrom('enquiry').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
}

describe('POST /api/enquiries', () => {
  it('stores an in-hours enquiry and promises a response within the office target', async () => {
    const res = await h.postJson('/api/enquiries', { ...valid, phone: '07911 123456' });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'new', urgent: false, outOfHours: false, pagedOnCall: false });
    expect(body.reference).toMatch(/^PD-[2-9A-Z]{3}-[2-9A-Z]{3}$/);
    // 240 working minutes from 10:00 Wednesday is 14:00 the same day.
    expect(body.respondBy).toBe('2026-12-02T14:00:00.000Z');
    expect(body.nextStep).toBe('We are open. A press officer will respond by 2:00pm today.');
    const row = await stored(body.reference);
    expect(row).toMatchObject({
      channel: 'api',
      name: valid.name,
      phone: '+447911123456',
      email: valid.email,
      out_of_hours: false,
    });
    const events = await h.database.db
      .selectFrom('enquiry_event')
      .selectAll()
      .where('enquiry_id', '=', row.id)
      .execute();
    expect(events.map((e) => e.kind)).toEqual(['received']);
  });

  it('promises the journalist’s deadline when it comes before the office target', async () => {
    const res = await h.postJson('/api/enquiries', { ...valid, deadline: '2026-12-02T12:30' });
    const body = await res.json();
    expect(body.respondBy).toBe('2026-12-02T12:30:00.000Z');
    expect(body.nextStep).toContain('by your deadline, 12:30pm today');
    // A deadline before the office next opens (tomorrow 9:00) makes it urgent even in hours.
    expect(body.urgent).toBe(true);
  });

  it('reads a deadline with an offset as that instant', async () => {
    const res = await h.postJson('/api/enquiries', { ...valid, deadline: '2026-12-03T15:00:00+01:00' });
    const body = await res.json();
    expect(res.status).toBe(201);
    expect((await stored(body.reference)).deadline?.toISOString()).toBe('2026-12-03T14:00:00.000Z');
  });

  it('out of hours tells the journalist when the office reopens', async () => {
    h.clock.set(CHRISTMAS_EVE_6PM);
    const res = await h.postJson('/api/enquiries', { ...valid, deadline: '2026-12-30T12:00' });
    const body = await res.json();
    expect(body).toMatchObject({ urgent: false, outOfHours: true, pagedOnCall: false });
    expect(body.nextStep).toMatch(/^The press office is closed until 9:00am on Tuesday 29 December\./);
    expect(body.respondBy).toBe('2026-12-29T13:00:00.000Z');
  });

  it('an urgent enquiry out of hours needs the on-call officer', async () => {
    h.clock.set(CHRISTMAS_EVE_6PM);
    const res = await h.postJson('/api/enquiries', { ...valid, urgent: true });
    const body = await res.json();
    expect(body).toMatchObject({ urgent: true, outOfHours: true });
    const row = await stored(body.reference);
    expect(row).toMatchObject({ needs_on_call: true, urgent_reason: 'journalist' });
    expect(body.nextStep).toMatch(/on-call press officer/);
    expect(body.nextStep).toContain('+44 300 123 4567');
  });

  it('a deadline before the office reopens makes an out-of-hours enquiry urgent', async () => {
    h.clock.set(CHRISTMAS_EVE_6PM);
    const res = await h.postJson('/api/enquiries', { ...valid, deadline: '2026-12-27T10:00' });
    const body = await res.json();
    expect(body.urgent).toBe(true);
    expect((await stored(body.reference)).urgent_reason).toBe('deadline');
  });

  it('accepts a phone number instead of an email and normalises it to E.164', async () => {
    const { email: _email, ...noEmail } = valid;
    const res = await h.postJson('/api/enquiries', { ...noEmail, phone: '+44 (0)7911 123456' });
    expect(res.status).toBe(201);
    expect((await stored((await res.json()).reference)).phone).toBe('+447911123456');
  });

  it('names every invalid field in one 422 and stores nothing', async () => {
    const before = await h.database.db
      .selectFrom('enquiry')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const res = await h.postJson('/api/enquiries', {
      name: '',
      outlet: 42,
      email: 'not-an-email',
      phone: '12',
      subject: 'x'.repeat(201),
      details: '   ',
      deadline: '2026-12-01T10:00',
      urgent: 'perhaps',
    });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error.code).toBe('validation');
    expect(body.error.fields).toEqual({
      name: 'Enter your name',
      outlet: 'News outlet must be text',
      email: 'Enter an email address in the correct format, like name@example.com',
      phone: 'Enter a phone number, like 07911 123456 or +44 7911 123456',
      subject: 'Subject must be 200 characters or fewer',
      details: 'Enter the details of your enquiry',
      deadline: 'Deadline must be in the future',
      urgent: 'Urgent must be true or false',
    });
    const after = await h.database.db
      .selectFrom('enquiry')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('requires an email address or a phone number', async () => {
    const { email: _email, ...noContact } = valid;
    const res = await h.postJson('/api/enquiries', noContact);
    expect(res.status).toBe(422);
    const { error } = await res.json();
    expect(error.fields.email).toMatch(/email address or a phone number/);
    expect(error.fields.phone).toMatch(/email address or a phone number/);
  });

  it.each([
    ['tomorrow at noon', 'Enter the deadline as a date and time'],
    ['2026-02-30T10:00', 'Enter the deadline as a date and time'],
    ['2027-03-28T01:30', 'Enter the deadline as a date and time'], // does not exist: clocks go forward
    ['2028-01-01T10:00', 'Deadline must be within the next year'],
  ])('rejects the deadline %j with a message saying what is expected', async (deadline, message) => {
    const res = await h.postJson('/api/enquiries', { ...valid, deadline });
    expect(res.status).toBe(422);
    expect((await res.json()).error.fields.deadline).toContain(message);
  });

  it('answers malformed JSON with 400', async () => {
    const res = await h.postJson('/api/enquiries', '{"name": "Ann",');
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('invalid_json');
  });

  it('answers a JSON array with 400', async () => {
    const res = await h.postJson('/api/enquiries', '[1,2]');
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('bad_request');
  });

  it('answers the wrong content type with 415 as JSON', async () => {
    const res = await h.app.request('/api/enquiries', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify(valid),
    });
    expect(res.status).toBe(415);
    expect((await res.json()).error.code).toBe('unsupported_media_type');
  });

  it('answers a body over the limit with 413 as JSON', async () => {
    const res = await h.postJson('/api/enquiries', {
      ...valid,
      details: 'x'.repeat(h.config.intake.maxBodyBytes + 10),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('payload_too_large');
  });

  it('refuses a filled honeypot field', async () => {
    const res = await h.postJson('/api/enquiries', { ...valid, website: 'http://spam.example' });
    expect(res.status).toBe(422);
    expect((await res.json()).error.fields.website).toBeDefined();
  });

  it('stores HTML and quotes as text, strips control characters, and keeps emoji', async () => {
    const res = await h.postJson('/api/enquiries', {
      ...valid,
      subject: '<script>alert("x")</script> \u202Eevil\u0000 📰',
      details: 'Line one\r\nLine two\u0007 — O\'Brien\'s "quote"',
    });
    expect(res.status).toBe(201);
    const row = await stored((await res.json()).reference);
    expect(row.subject).toBe('<script>alert("x")</script> evil 📰');
    expect(row.details).toBe('Line one\nLine two — O\'Brien\'s "quote"');
  });

  it('returns JSON 404 for an unknown API route', async () => {
    const res = await h.app.request('/api/nothing-here');
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('not_found');
  });

  it('publishes an OpenAPI document describing the intake', async () => {
    const res = await h.app.request('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/enquiries', '/api/office-hours']));
    expect(doc.components.schemas.EnquiryInput.required).toEqual(['name', 'outlet', 'subject', 'details']);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once an address has used its budget, shared through PostgreSQL', async () => {
    const limited = await startHarness({
      now: WEDNESDAY_10AM,
      config: { intake: { rateLimit: { points: 2, durationSeconds: 60 } } },
    });
    try {
      const env = { incoming: { socket: { remoteAddress: '198.51.100.7' } } };
      const send = () =>
        limited.app.request(
          '/api/enquiries',
          { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(valid) },
          env,
        );
      expect((await send()).status).toBe(201);
      expect((await send()).status).toBe(201);
      const third = await send();
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await third.json()).error.code).toBe('rate_limited');
      // Another address still gets through.
      const other = await limited.app.request(
        '/api/enquiries',
        { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(valid) },
        { incoming: { socket: { remoteAddress: '198.51.100.8' } } },
      );
      expect(other.status).toBe(201);
      const counters = await limited.database.pool.query('SELECT key, points FROM rate_limit ORDER BY key');
      expect(counters.rows).toEqual([
        { key: 'intake:198.51.100.7', points: 3 },
        { key: 'intake:198.51.100.8', points: 1 },
      ]);
    } finally {
      await limited.close();
    }
  });
});
