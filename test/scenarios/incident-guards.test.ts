/**
 * Issue 22, item 7: incidents cannot silence paging by accident. An incident's enquiries stop
 * paging one by one, so its search terms must pick out one story: terms matching
 * `incidents.maxMatchShare` or more of the office's recent enquiries, and terms made only of
 * exclusions, are refused beside the field. A declaration from the on-call link is in the audit
 * log, and one made out of hours is told to the managers at once (text and email).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fieldError, inputValue, loginAs } from '../support/desk-client.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';
import { startSmtpServer, type SmtpRecorder } from '../support/smtp-server.js';

// Wednesday 2 December 2026, 10:00: the office is open.
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
// Christmas Eve 2026, 22:00: the office is closed.
const CHRISTMAS_EVE_10PM = '2026-12-24T22:00:00Z';
const ON_CALL = '+447911200001';
const MANAGERS_PHONE = '+447911300001';
const MANAGER = { email: 'maya.manager@press.example', password: 'manager-password-1' };
const SYSTEM = { userId: null, email: 'test' };
const LINK = new RegExp(`\\nOpen: ${PUBLIC_BASE_URL.replace(/[.]/g, '\\.')}(/m/[A-Za-z0-9_-]{22})\\n`);

let h: Harness;
let smtp: SmtpRecorder | undefined;
afterEach(async () => {
  await h?.close();
  await smtp?.close();
  smtp = undefined;
});

let seq = 0;
async function submit(subject: string, extra: Record<string, unknown> = {}): Promise<string> {
  seq += 1;
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: `+447911123${String(seq % 1000).padStart(3, '0')}`,
    subject,
    details: 'What can you tell us?',
    ...extra,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

describe('search terms that would silence paging', () => {
  async function officeWithAMonthOfEnquiries() {
    h = await startHarness({
      now: '2026-11-20T10:00:00Z',
      jobs: true,
      config: { intake: { rateLimit: null, pageRateLimit: null } },
    });
    await h.services.users.create({ ...MANAGER, name: 'Maya Manager', role: 'manager' }, SYSTEM);
    // Three weeks of ordinary traffic: 18 of 30 enquiries mention the police.
    for (let i = 0; i < 30; i += 1) {
      h.clock.set(new Date(Date.parse('2026-11-10T10:00:00Z') + i * 12 * 3_600_000).toISOString());
      await submit(i % 5 < 3 ? `Police statement on the incident in ward ${i}` : `School term dates for district ${i}`);
    }
    // Today the story breaks: 12 enquiries about the depot fire in the last hour.
    h.clock.set('2026-12-02T09:00:00Z');
    for (let i = 0; i < 12; i += 1) await submit('Fire at the Kestrel Street depot: casualties and road closures');
    h.clock.set(WEDNESDAY_10AM);
    return loginAs(h, MANAGER.email, MANAGER.password);
  }

  it('refuses terms matching incidents.maxMatchShare or more of the recent enquiries, saying how many, the form kept (422)', async () => {
    const manager = await officeWithAMonthOfEnquiries();
    const res = await manager.post('/desk/incidents', { name: 'Police', description: '', terms: 'police' });
    expect(res.status).toBe(422);
    expect(fieldError(res.body, 'incident-terms')).toBe(
      "Those terms match 18 of the 30 enquiries of the 30 days before yesterday (60%); an incident's enquiries stop paging one by one, so use words that pick out this story only (matching under 20%)",
    );
    expect(inputValue(res.body, 'incident-name')).toBe('Police');
    expect(await h.database.db.selectFrom('incident').select('id').execute()).toEqual([]);

    // The story's own words are fine, however many of today's enquiries they match.
    const ok = await manager.post('/desk/incidents', {
      name: 'Kestrel Street depot fire',
      description: '',
      terms: 'kestrel depot fire',
    });
    expect(ok.status).toBe(303);
    expect(await h.database.db.selectFrom('incident').select('terms').execute()).toEqual([
      { terms: 'kestrel depot fire' },
    ]);
  });

  it('follows incidents.maxMatchShare', async () => {
    h = await startHarness({
      now: '2026-11-20T10:00:00Z',
      jobs: true,
      config: { intake: { rateLimit: null }, incidents: { maxMatchShare: 0.7 } },
    });
    for (let i = 0; i < 20; i += 1) {
      h.clock.set(new Date(Date.parse('2026-11-10T10:00:00Z') + i * 12 * 3_600_000).toISOString());
      await submit(i % 2 ? 'Police statement on the vote' : 'School term dates');
    }
    h.clock.set(WEDNESDAY_10AM);
    const declared = await h.services.incidents.declare(
      { name: 'Police', terms: 'police' },
      { kind: 'staff', actor: SYSTEM },
    );
    expect(declared.terms).toBe('police');
  });

  it.each([['-weather'], ['fire OR -weather'], ['-"road closure" -flood']])(
    'refuses terms made only of exclusions (%s), even in an empty office (422)',
    async (terms) => {
      h = await startHarness({ now: WEDNESDAY_10AM, jobs: true });
      await h.services.users.create({ ...MANAGER, name: 'Maya Manager', role: 'manager' }, SYSTEM);
      const manager = await loginAs(h, MANAGER.email, MANAGER.password);
      const res = await manager.post('/desk/incidents', { name: 'Anything but the weather', description: '', terms });
      expect(res.status).toBe(422);
      expect(fieldError(res.body, 'incident-terms')).toBe(
        'Say what the enquiries are about, not only what they are not: terms made of exclusions (-word) match almost every enquiry',
      );
      expect(await h.database.db.selectFrom('incident').select('id').execute()).toEqual([]);
    },
  );
});

describe('a declaration from the on-call link', () => {
  async function declareFromLink(): Promise<{ reference: string }> {
    const reference = await submit('Flooding on the ring road', { urgent: true });
    const [page] = await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    const path = LINK.exec(page.body!)![1];
    const html = await (await h.app.request(path)).text();
    const csrf = /name="_csrf" value="([^"]*)"/.exec(html)![1];
    const res = await h.app.request(`${path}/declare`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        _csrf: csrf,
        reference,
        name: 'Ring road flooding',
        terms: 'ring road flooding',
      }).toString(),
    });
    expect(res.status).toBe(303);
    await h.jobs.settle();
    return { reference };
  }

  async function startOutOfHours(env: Record<string, string> = {}) {
    h = await startHarness({
      now: CHRISTMAS_EVE_10PM,
      jobs: true,
      env,
      config: { onCall: { bundleSeconds: 0 }, desk: { escalationNumbers: [MANAGERS_PHONE] } },
    });
    await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
    await h.services.rota.addShift({
      phone: ON_CALL,
      role: 'primary',
      startsAt: new Date('2026-12-01T00:00:00Z'),
      endsAt: new Date('2027-01-05T09:00:00Z'),
      createdBy: 'test',
    });
  }

  it('is in the audit log, as the officer, with the enquiry it came from', async () => {
    await startOutOfHours();
    const { reference } = await declareFromLink();
    const incident = await h.database.db.selectFrom('incident').select('id').executeTakeFirstOrThrow();
    const enquiry = await h.database.db
      .selectFrom('enquiry')
      .select('id')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    const entries = await h.database.db
      .selectFrom('audit_log')
      .select(['user_id', 'user_email', 'enquiry_id', 'detail'])
      .where('action', '=', 'incident.declared')
      .execute();
    expect(entries).toEqual([
      {
        user_id: null,
        user_email: 'Olu On-Call',
        enquiry_id: enquiry.id,
        detail: {
          incidentId: incident.id,
          name: 'Ring road flooding',
          terms: 'ring road flooding',
          via: 'oncall-link',
        },
      },
    ]);
  });

  it('out of hours, tells the managers at once: a text to desk.escalationNumbers and an email to each active manager', async () => {
    smtp = await startSmtpServer();
    await startOutOfHours({ SMTP_URL: smtp.url, PRESSDESK_EMAIL_FROM: 'Press Office <press.office@press.example>' });
    await h.services.users.create({ ...MANAGER, name: 'Maya Manager', role: 'manager' }, SYSTEM);
    await h.services.users.create(
      { email: 'omar.officer@press.example', password: 'officer-password-1', name: 'Omar Officer', role: 'officer' },
      SYSTEM,
    );
    await declareFromLink();
    const incident = await h.database.db.selectFrom('incident').select('id').executeTakeFirstOrThrow();

    const expected =
      `Press Office: incident "Ring road flooding" was declared out of hours (Thu 24 Dec 22:00) by Olu On-Call, from the link in a page. ` +
      `New enquiries matching "ring road flooding" join it, and once on-call has it their urgent ones go into summaries instead of paging one by one. ` +
      `Check or close it: ${PUBLIC_BASE_URL}/desk/incidents/${incident.id}`;
    await h.twilio.waitForMessages(2);
    expect(h.twilio.messages.filter((m) => m.to === MANAGERS_PHONE).map((m) => m.body)).toEqual([expected]);
    const [mail] = await smtp.waitFor(1);
    expect(mail.to).toEqual([MANAGER.email]);
    expect(mail.parsed.subject).toBe('Incident declared out of hours: Ring road flooding');
    expect(mail.parsed.text?.trim()).toBe(expected);
    expect(smtp.messages).toHaveLength(1);
  });

  it('in office hours, tells no one', async () => {
    h = await startHarness({
      now: WEDNESDAY_10AM,
      jobs: true,
      config: { desk: { escalationNumbers: [MANAGERS_PHONE] } },
    });
    await h.services.incidents.declare(
      { name: 'Ring road flooding', terms: 'ring road flooding' },
      { kind: 'staff', actor: SYSTEM },
    );
    await h.jobs.settle();
    expect(h.twilio.messages).toEqual([]);
  });
});
