/**
 * Issue 23, item 5: the form (and the API) acknowledge by email or text like the other channels:
 * the reference, the honest next step and the status link, once, through the outbox. By email
 * when an address was given and email is connected, else by text to a mobile Press Desk texts;
 * never to a landline or a number abroad, and never past the acknowledgement limits, so that a
 * stranger cannot use the form to make the office email or text someone else at its cost.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { clientEnv } from '../support/client-address.js';
import { startHarness, type Harness } from '../support/harness.js';
import { receiptCookie } from '../support/receipt.js';
import { startSmtpServer, type SmtpRecorder } from '../support/smtp-server.js';

// Christmas Eve 2026, 18:00: closed until 9:00am Tuesday 29 December.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const OFFICE = 'Press Office <press.office@press.example.org>';
const ANN = {
  name: 'Ann Reporter',
  outlet: 'Evening Gazette',
  email: 'ann.reporter@gazette.example',
  typed: '07911 123456',
  phone: '+447911123456',
};
const STATUS_LINK = /https:\/\/press\.example\.org\/status\/([A-Za-z0-9_-]{22})/;
const HOUR = 3_600_000;

let h: Harness;
let smtp: SmtpRecorder | null = null;
afterEach(async () => {
  await h?.close();
  await smtp?.close();
  smtp = null;
});

async function start(opts: { email?: boolean; config?: Record<string, unknown> } = {}) {
  smtp = opts.email ? await startSmtpServer() : null;
  h = await startHarness({
    now: CHRISTMAS_EVE_6PM,
    jobs: true,
    env: smtp ? { SMTP_URL: smtp.url, PRESSDESK_EMAIL_FROM: OFFICE } : {},
    config: { intake: { rateLimit: null }, ...(opts.config ?? {}) },
  });
}

/** Sends the form from `address` (default: the harness's); returns the reference and the confirmation page's HTML. */
async function sendForm(
  fields: Record<string, string>,
  address?: string,
): Promise<{ reference: string; confirmation: string }> {
  const body = new URLSearchParams({
    name: ANN.name,
    outlet: ANN.outlet,
    email: '',
    phone: '',
    subject: 'Depot fire',
    details: 'How many crews are there?',
    ...fields,
  }).toString();
  const res = await h.app.request(
    '/enquiries',
    { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body },
    address ? clientEnv(address) : undefined,
  );
  expect(res.status).toBe(303);
  const location = res.headers.get('location')!;
  const page = await h.app.request(location, { headers: { Cookie: receiptCookie(res) } });
  expect(page.status).toBe(200);
  return { reference: location.split('/')[2], confirmation: await page.text() };
}

/** What the journalist was told at intake (the received entry's next step), and how it was acknowledged. */
async function received(
  reference: string,
): Promise<{ nextStep: string; acknowledgedBy?: string | null; acknowledgementWithheld?: string }> {
  const r = await sql<{ data: { nextStep: string; acknowledgedBy?: string | null; acknowledgementWithheld?: string } }>`
    SELECT ev.data FROM enquiry_event ev JOIN enquiry e ON e.id = ev.enquiry_id WHERE e.reference = ${reference} AND ev.kind = 'received'`.execute(
    h.database.db,
  );
  return r.rows[0].data;
}

/** The outbox rows of an enquiry's acknowledgement (email or text). */
async function ackRows(reference: string) {
  const r = await sql<{ idempotency_key: string; medium: string; state: string }>`
    SELECT m.idempotency_key, m.medium, m.state FROM outbound_message m JOIN enquiry e ON e.id = m.enquiry_id
     WHERE e.reference = ${reference} AND (m.idempotency_key LIKE 'email-ack:%' OR m.idempotency_key LIKE 'form-ack:%')`.execute(
    h.database.db,
  );
  return r.rows;
}

function textsTo(phone: string) {
  return h.twilio.messages.filter((m) => m.to === phone);
}

describe('the form acknowledges', () => {
  it('by email when an address is given and email is connected: reference, next step, a working status link; once; the page says so', async () => {
    await start({ email: true });
    const { reference, confirmation } = await sendForm({ email: ANN.email, phone: ANN.typed });
    await h.jobs.settle();
    const mails = await smtp!.waitFor(1);
    expect(mails.map((m) => m.to)).toEqual([[ANN.email]]);
    const text = mails[0].parsed.text ?? '';
    expect(text).toContain(`Your reference is ${reference}.`);
    expect(text).toContain((await received(reference)).nextStep);
    expect(text).toContain('The press office is closed until 9:00am on Tuesday 29 December.');
    const token = STATUS_LINK.exec(text)![1];
    expect((await h.app.request(`/status/${token}`)).status).toBe(200);
    // By email only: the journalist's phone gets nothing.
    expect(textsTo(ANN.phone)).toEqual([]);
    expect(await ackRows(reference)).toEqual([expect.objectContaining({ medium: 'email', state: 'sent' })]);
    expect(confirmation).toContain(`We’ve also sent this to ${ANN.email}.`);
    // Once: nothing more goes out later.
    h.clock.advance(HOUR);
    await h.jobs.settle();
    expect(smtp!.messages).toHaveLength(1);
  });

  it('by text when only a mobile number is given: reference, next step and a working status link', async () => {
    await start();
    const { reference, confirmation } = await sendForm({ phone: ANN.typed });
    await h.jobs.settle();
    const texts = textsTo(ANN.phone);
    expect(texts).toHaveLength(1);
    const body = texts[0].body!;
    expect(body).toContain(`Your reference is ${reference}.`);
    expect(body).toContain((await received(reference)).nextStep);
    const token = STATUS_LINK.exec(body)![1];
    expect((await h.app.request(`/status/${token}`)).status).toBe(200);
    expect(await ackRows(reference)).toEqual([
      expect.objectContaining({
        idempotency_key: expect.stringMatching(/^form-ack:\d+$/),
        medium: 'sms',
        state: 'sent',
      }),
    ]);
    expect(confirmation).toContain('We’ve also sent this to +44 7911 123456.');
  });

  it('the API the same way when asked (`acknowledge`), and says how in its 201', async () => {
    await start();
    const quiet = await h.postJson('/api/enquiries', {
      name: ANN.name,
      outlet: ANN.outlet,
      phone: '+447911123499',
      subject: 'Depot fire',
      details: 'Crews?',
    });
    expect(((await quiet.json()) as { acknowledgedBy: string | null }).acknowledgedBy).toBeNull();
    const wrong = await h.postJson('/api/enquiries', {
      name: ANN.name,
      outlet: ANN.outlet,
      phone: ANN.phone,
      subject: 'Depot fire',
      details: 'Crews?',
      acknowledge: 'please',
    });
    expect(wrong.status).toBe(422);
    expect(((await wrong.json()) as { error: { fields: Record<string, string> } }).error.fields.acknowledge).toBe(
      'acknowledge must be true or false',
    );
    const res = await h.postJson('/api/enquiries', {
      name: ANN.name,
      outlet: ANN.outlet,
      email: ANN.email,
      phone: ANN.phone,
      subject: 'Depot fire',
      details: 'Crews?',
      acknowledge: true,
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { reference: string; acknowledgedBy: string | null };
    // Email is not connected here: the text goes instead.
    expect(body.acknowledgedBy).toBe('sms');
    await h.jobs.settle();
    expect(textsTo(ANN.phone).map((m) => m.body)).toEqual([expect.stringContaining(body.reference)]);
    expect(textsTo('+447911123499')).toEqual([]);
  });

  it('never to a landline or a number abroad', async () => {
    await start();
    const landline = await h.postJson('/api/enquiries', {
      name: ANN.name,
      outlet: ANN.outlet,
      phone: '+442071234567',
      subject: 'Depot fire',
      details: 'Crews?',
      acknowledge: true,
    });
    expect(landline.status).toBe(201);
    expect(((await landline.json()) as { acknowledgedBy: string | null }).acknowledgedBy).toBeNull();
    const { confirmation } = await sendForm({ phone: '020 7123 4567' });
    expect(confirmation).not.toContain('We’ve also sent this');
    // A number outside twilio.allowedCountries is refused at the form: nothing is stored or sent.
    const abroad = await h.postForm('/enquiries', {
      name: ANN.name,
      outlet: ANN.outlet,
      phone: '+33 6 12 34 56 78',
      email: '',
      subject: 'Depot fire',
      details: 'Crews?',
    });
    expect(abroad.status).toBe(422);
    await h.jobs.settle();
    expect(h.twilio.messages).toEqual([]);
  });

  it('within the limits: so many to one number whoever sends the form, so many from one client', async () => {
    await start({ config: { intake: { rateLimit: null, pageRateLimit: { points: 2, durationSeconds: 3600 } } } });
    // A stranger, from three addresses, puts Ann's number into three forms: two texts, not three.
    const a = await sendForm({ phone: ANN.typed }, '198.51.100.1');
    const b = await sendForm({ phone: ANN.typed }, '198.51.100.2');
    const c = await sendForm({ phone: ANN.typed }, '198.51.100.3');
    await h.jobs.settle();
    // The two texts are sent by jobs that may reach Twilio in either order.
    expect(
      textsTo(ANN.phone)
        .map((m) => m.body!.match(/PD-[A-Z0-9]{3}-[A-Z0-9]{3}/)![0])
        .sort(),
    ).toEqual([a.reference, b.reference].sort());
    expect(await received(c.reference)).toMatchObject({ acknowledgedBy: null, acknowledgementWithheld: 'limit' });
    expect(c.confirmation).not.toContain('We’ve also sent this');
    // One client, three numbers: two texts, not three.
    const numbers = ['07911 123461', '07911 123462', '07911 123463'];
    for (const phone of numbers) await sendForm({ phone }, '198.51.100.9');
    await h.jobs.settle();
    expect(numbers.map((n) => textsTo(`+44${n.replace(/\s/g, '').slice(1)}`).length)).toEqual([1, 1, 0]);
    // An hour on, the counts start again.
    h.clock.advance(HOUR + 1000);
    const later = await sendForm({ phone: ANN.typed }, '198.51.100.4');
    await h.jobs.settle();
    expect(textsTo(ANN.phone).map((m) => m.body)).toEqual([
      expect.anything(),
      expect.anything(),
      expect.stringContaining(later.reference),
    ]);
  });
});
