/**
 * Issue 22, item 2: erasure and retention reach everything. One journalist's data (name, number,
 * email and a distinctive phrase in their subjects and texts) goes in through every channel and
 * every command that copies it: the form, the API, SMS (a new enquiry, a bare HELP, an ACK and an
 * INFO that join nothing), email (a new enquiry, acknowledged, and an out-of-office that joins
 * nothing), the phone line (a voicemail, and a call hung up before the tone), the status page,
 * the on-call officer's INFO, NOTE, REPLY, CALL and DONE by text, the link in the page (a note,
 * and an incident declared from it), an incident's holding line, and the morning digest. Then:
 *
 * - an erasure request, after which every text-like and bytea column of every table
 *   (information_schema, graphile-worker's jobs included) is searched for each planted value;
 * - on another database, nothing erased by request, the clock moved past the retention period,
 *   and the same search after the daily sweep.
 */
import { pageBudgetKey } from '../../src/enquiries/page-budget.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEmail } from '../../src/email/email-parse.js';
import { addJob } from '../../src/jobs/queue.repository.js';
import { loginAs } from '../support/desk-client.js';
import { findAnywhere } from '../support/find-anywhere.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';
import { composeTo } from '../support/mail.js';
import { startSmtpServer, type SmtpRecorder } from '../support/smtp-server.js';

// Saturday 5 December 2026, 10:00: closed until Monday 9:00.
const SATURDAY_10AM = '2026-12-05T10:00:00Z';
const MONDAY_0905 = '2026-12-07T09:05:00Z';
const ON_CALL = '+447911200001';
const OFFICE = 'Press Office <press.office@press.example.org>';
const MANAGER = { email: 'erasure.manager@press.example', password: 'manager-password-1' };
const PHRASE = 'marmalade heron';
const JOURNALIST = {
  name: 'Jasper Quill',
  email: 'Jasper.Quill@gazette.example',
  phone: '+447911123490',
  typed: '07911 123490',
};
const NEEDLES = [
  JOURNALIST.name,
  'Quill',
  JOURNALIST.phone,
  JOURNALIST.phone.slice(3),
  JOURNALIST.typed,
  JOURNALIST.email,
  PHRASE,
];
const VOICE_URL = `${PUBLIC_BASE_URL}/twilio/voice`;
const PAGE_LINK = new RegExp(`${PUBLIC_BASE_URL.replace(/[.]/g, '\\.')}(/m/[A-Za-z0-9_-]{22})`);
const SYSTEM = { userId: null, email: 'test' };

let uid = 0;
/** An email read from the shared mailbox, from `from` (default: the journalist); `auto`: an out-of-office. */
async function emailFrom(
  h: Harness,
  subject: string,
  text: string,
  opts: { auto?: boolean; from?: { name: string; email: string } } = {},
) {
  uid += 1;
  const from = opts.from ?? JOURNALIST;
  const raw = await composeTo(OFFICE, {
    from: `${from.name} <${from.email}>`,
    subject,
    text,
    messageId: `<m${uid}.${Date.now()}@gazette.example>`,
    ...(opts.auto ? { headers: { 'Auto-Submitted': 'auto-replied' } } : {}),
  });
  const mail = await parseEmail(raw, { maxAttachmentBytes: 1_000_000, maxMessageBytes: 5_000_000 });
  return h.services.emailIntake.receive({ mailbox: 'INBOX', uidValidity: '1', uid }, mail);
}

/** The reference of the journalist's newest enquiry by `channel`. */
async function refOf(h: Harness, channel: 'web' | 'sms' | 'email'): Promise<string> {
  const r = await h.database.db
    .selectFrom('enquiry')
    .select('reference')
    .where('channel', '=', channel)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  return r.reference;
}

/** The input values of a form field by id, as the page renders them. */
function inputValue(html: string, id: string): string {
  return new RegExp(`id="${id}"[^>]*value="([^"]*)"`).exec(html)?.[1] ?? '';
}

/** Starts a service on a fresh database with email in and out, and an on-call officer for December. */
async function start(smtp: SmtpRecorder | null): Promise<Harness> {
  const h = await startHarness({
    now: SATURDAY_10AM,
    jobs: true,
    env: smtp ? { SMTP_URL: smtp.url, PRESSDESK_EMAIL_FROM: OFFICE } : {},
    config: {
      onCall: { bundleSeconds: 0 },
      intake: { rateLimit: null, pageRateLimit: null },
      handover: { smsNumbers: ['+447911200009'] },
    },
  });
  await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
  await h.services.rota.addShift({
    phone: ON_CALL,
    role: 'primary',
    startsAt: new Date('2026-12-01T00:00:00Z'),
    endsAt: new Date('2027-01-05T09:00:00Z'),
    createdBy: 'test',
  });
  await h.services.users.create({ ...MANAGER, name: 'Erin Manager', role: 'manager' }, SYSTEM);
  return h;
}

/**
 * Everything the journalist and the office do over a weekend, through every channel and
 * command; returns the references of the enquiries it made.
 */
async function plantEverywhere(
  h: Harness,
): Promise<{ apiRef: string; smsRef: string; formRef: string; emailRef: string; smsStatusPath: string }> {
  const expectReply = async (from: string, body: string, reply: RegExp) => {
    const res = await h.sms(from, body);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(reply);
    return text;
  };
  // Texts from the journalist that join no enquiry: a bare HELP, ACK and INFO.
  await expectReply(JOURNALIST.phone, 'HELP', /not on call/);
  await expectReply(JOURNALIST.phone, 'ACK', /no page to acknowledge/);

  // The form and the API (urgent: it pages the on-call phone, with the link).
  const form = await h.app.request('/enquiries', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: PUBLIC_BASE_URL,
      'Sec-Fetch-Site': 'same-origin',
    },
    body: new URLSearchParams({
      name: JOURNALIST.name,
      outlet: 'Gazette',
      email: JOURNALIST.email,
      phone: JOURNALIST.typed,
      subject: `The ${PHRASE} again`,
      details: `From ${JOURNALIST.name}, ${JOURNALIST.typed}`,
    }).toString(),
  });
  expect(form.status).toBe(303);
  const formRef = await refOf(h, 'web');
  const api = await h.postJson('/api/enquiries', {
    name: JOURNALIST.name,
    outlet: 'Gazette',
    email: JOURNALIST.email,
    phone: JOURNALIST.phone,
    subject: `Depot fire: the ${PHRASE}`,
    details: `Call ${JOURNALIST.name} about the ${PHRASE}`,
    urgent: true,
    acknowledge: true,
  });
  expect(api.status).toBe(201);
  const { reference: apiRef, statusUrl } = (await api.json()) as { reference: string; statusUrl: string };
  await h.twilio.waitForMessages(1);
  await h.jobs.settle();
  // Both acknowledged (issue 23, item 5): by email when email is connected, else by text.
  const acks = await sql<{ medium: string }>`
    SELECT m.medium FROM outbound_message m JOIN enquiry e ON e.id = m.enquiry_id
     WHERE e.reference IN (${formRef}, ${apiRef}) AND m.state = 'sent' AND (m.idempotency_key LIKE 'email-ack:%' OR m.idempotency_key LIKE 'form-ack:%')`.execute(
    h.database.db,
  );
  expect(acks.rows).toHaveLength(2);

  // The status page: the journalist adds to it.
  expect(
    await h.services.statusPages.addInformation(
      statusUrl.split('/status/')[1],
      `${JOURNALIST.name} again: the ${PHRASE} is back, ring ${JOURNALIST.typed}`,
    ),
  ).toBe(true);

  // SMS: a new (urgent) enquiry.
  const smsReply = await expectReply(
    JOURNALIST.phone,
    `${JOURNALIST.name} here: URGENT, the ${PHRASE} is on the bridge. Email ${JOURNALIST.email}`,
    /your enquiry reference is/,
  );
  const smsRef = await refOf(h, 'sms');
  const smsStatusPath = /\/status\/[A-Za-z0-9_-]{22}/.exec(smsReply)![0];
  await h.jobs.settle();

  // Email: a new enquiry (acknowledged by email), and an out-of-office that joins nothing.
  expect(
    (await emailFrom(h, `Question about the ${PHRASE}`, `Regards, ${JOURNALIST.name} ${JOURNALIST.typed}`)).outcome,
  ).toBe('new_enquiry');
  const emailRef = await refOf(h, 'email');
  expect(
    (
      await emailFrom(h, `Out of office: ${JOURNALIST.name}`, `I am away. Ring ${JOURNALIST.typed}. ${PHRASE}`, {
        auto: true,
      })
    ).outcome,
  ).toBe('ignored_auto');
  await h.jobs.settle();

  // The phone line: a voicemail, and a call hung up before the tone.
  await h.twilio.call({
    from: JOURNALIST.phone,
    url: VOICE_URL,
    caller: { digits: ['2'], message: { seconds: 20, transcript: `This is ${JOURNALIST.name} about the ${PHRASE}` } },
  });
  await h.twilio.call({ from: JOURNALIST.phone, url: VOICE_URL, caller: { digits: ['2'], hangUpAt: 'record' } });
  await h.jobs.settle();

  // The on-call officer by text: ACK, INFO, NOTE, REPLY, CALL and DONE.
  await expectReply(ON_CALL, `ACK ${apiRef}`, /acknowledged/);
  await expectReply(ON_CALL, `ACK ${smsRef}`, /acknowledged/);
  await expectReply(ON_CALL, `INFO ${apiRef}`, new RegExp(JOURNALIST.name));
  await expectReply(ON_CALL, `INFO ${smsRef}`, new RegExp(PHRASE));
  await expectReply(ON_CALL, `NOTE ${apiRef} Spoke to ${JOURNALIST.name} about the ${PHRASE}`, /note added/);
  await expectReply(
    ON_CALL,
    `REPLY ${smsRef} Hello ${JOURNALIST.name}, the ${PHRASE} is being looked at`,
    new RegExp(`queued to ${JOURNALIST.typed}`),
  );
  await expectReply(ON_CALL, `CALL ${apiRef}`, /ringing you now/);
  await expectReply(ON_CALL, `DONE ${smsRef} Told ${JOURNALIST.name} the ${PHRASE} is safe`, /marked answered/);
  await h.jobs.settle();

  // The link in the page: a note, and an incident declared from it with what the form offers.
  const pageText = h.twilio.messages.find((m) => m.to === ON_CALL && m.body?.includes(apiRef))!.body!;
  const path = PAGE_LINK.exec(pageText)![1];
  const view = await (await h.app.request(path)).text();
  const csrf = /name="_csrf" value="([^"]*)"/.exec(view)![1];
  const post = (to: string, fields: Record<string, string>) =>
    h.app.request(`${path}/${to}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, reference: apiRef, ...fields }).toString(),
    });
  expect((await post('note', { note: `Link note: ${JOURNALIST.name}, ${PHRASE}` })).status).toBe(303);
  const offered = { name: inputValue(view, 'incident-name'), terms: inputValue(view, 'incident-terms') };
  expect(
    (await post('declare', { name: offered.name || 'Depot fire', terms: offered.terms || 'depot fire' })).status,
  ).toBe(303);
  // Its holding line goes to every linked enquiry's journalist.
  const incident = await h.database.db.selectFrom('incident').select('id').executeTakeFirstOrThrow();
  const line = await h.services.holdingLines.addLine(
    incident.id,
    { kind: 'holding', text: 'We are aware of the depot fire.' },
    SYSTEM,
  );
  await h.services.holdingLines.send(incident.id, line.id, SYSTEM);
  await h.jobs.settle();

  // The desk: a note and a reply by email.
  const manager = await loginAs(h, MANAGER.email, MANAGER.password);
  expect(
    (await manager.post(`/desk/enquiries/${emailRef}/note`, { note: `${JOURNALIST.name} wants the ${PHRASE}` })).status,
  ).toBe(303);
  await h.jobs.settle();

  // Monday morning: the digest lists the weekend's enquiries and calls.
  h.clock.set(MONDAY_0905);
  expect(await h.services.digest.generateIfDue()).not.toBeNull();
  await h.jobs.settle();
  return { apiRef, smsRef, formRef, emailRef, smsStatusPath };
}

/** Where the planted data is before erasure: every place that must be reached. */
const MUST_HOLD_BEFORE = [
  'public.enquiry.',
  'public.enquiry_event.',
  'public.sms_inbound.body',
  'public.sms_inbound.reply',
  'public.sms_inbound.from_number',
  'public.outbound_message.content',
  'public.outbound_message.to_number',
  'public.email_message.',
  'public.voice_call.from_number',
  'public.voice_call.transcription',
  'public.handover_digest.summary',
];

/** The service (with email out when `email`) started before the suite's tests and stopped after them; call to get it. */
function serviceForSuite(email: boolean): () => Harness {
  let h: Harness;
  let smtp: SmtpRecorder | null = null;
  beforeAll(async () => {
    smtp = email ? await startSmtpServer() : null;
    h = await start(smtp);
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });
  return () => h;
}

describe('an erasure request, after the journalist used every channel', () => {
  const service = serviceForSuite(true);

  it('leaves none of their name, number, email or words in any column of any table', async () => {
    const h = service();
    await plantEverywhere(h);
    const before = await findAnywhere(h.database.db, NEEDLES);
    for (const place of MUST_HOLD_BEFORE)
      expect(
        before.some((f) => f.startsWith(place)),
        place,
      ).toBe(true);
    // Outbox and job keys are not erased like contents, so they never held any of it.
    expect(before.filter((f) => /\.(idempotency_key|key): /.test(f))).toEqual([]);

    const dpo = await loginAs(h, MANAGER.email, MANAGER.password);
    const done = await dpo.post('/desk/privacy/erase', {
      phone: JOURNALIST.typed,
      email: JOURNALIST.email.toUpperCase(),
      confirm: 'yes',
    });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Erased personal data from 4 enquiries');
    expect(await findAnywhere(h.database.db, NEEDLES)).toEqual([]);
  });
});

describe('retention, after the journalist used every channel', () => {
  const service = serviceForSuite(true);

  it('forgets everything once the retention period has passed, answered enquiries never closed included, and their status links stop', async () => {
    const h = service();
    const { apiRef, smsRef, formRef, emailRef, smsStatusPath } = await plantEverywhere(h);
    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    // Two are closed; the SMS one was answered by DONE and the email one by the desk, neither closed.
    for (const ref of [formRef, apiRef])
      expect((await manager.post(`/desk/enquiries/${ref}/status`, { status: 'closed' })).status).toBe(303);
    expect((await manager.post(`/desk/enquiries/${emailRef}/status`, { status: 'answered' })).status).toBe(303);
    const statuses = await h.database.db.selectFrom('enquiry').select(['reference', 'status']).orderBy('id').execute();
    expect(statuses.map((s) => s.status).sort()).toEqual(['answered', 'answered', 'closed', 'closed']);
    expect(statuses.find((s) => s.reference === smsRef)?.status).toBe('answered');
    // The SMS enquiry's status link, answered a year ago, still opens the day before the sweep.
    h.clock.set('2027-12-05T09:55:00Z');
    expect((await h.app.request(smsStatusPath)).status).toBe(200);
    await h.jobs.settle();

    // Not yet 12 months after the weekend: nothing is forgotten.
    expect(await h.services.privacy.sweep()).toBe(0);
    expect((await findAnywhere(h.database.db, NEEDLES)).length).toBeGreaterThan(0);

    // Past it: everything is.
    h.clock.set('2027-12-08T09:05:00Z');
    expect(await h.services.privacy.sweep()).toBe(4);
    await h.jobs.settle();
    expect(await findAnywhere(h.database.db, NEEDLES)).toEqual([]);
    // The status links of the answered enquiries ended with them.
    expect(await h.database.db.selectFrom('status_link').select('id').execute()).toEqual([]);
    expect((await h.app.request(smsStatusPath)).status).toBe(404);
    const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM enquiry WHERE erased_at IS NULL`.execute(
      h.database.db,
    );
    expect(left.rows[0].n).toBe(0);
  });
});

describe('what a journalist sent that joined no enquiry', () => {
  const NELL = {
    name: 'Nell Nobody',
    email: 'nell.nobody@herald.example',
    phone: '+447911123777',
    typed: '07911 123777',
  };
  const NELL_NEEDLES = [NELL.name, NELL.email, NELL.phone, NELL.phone.slice(3), NELL.typed];
  const service = serviceForSuite(false);

  /** A bare HELP and ACK, a call hung up before the tone, an out-of-office, and the digest that lists the call. */
  async function plantOrphans(h: Harness): Promise<void> {
    for (const body of ['HELP', 'ACK']) expect((await h.sms(NELL.phone, body)).status).toBe(200);
    // The officer's note that found no enquiry (a mistyped reference) still names her.
    expect(await (await h.sms(ON_CALL, `NOTE PD-ZZZ-ZZZ ring ${NELL.typed}`)).text()).toMatch(
      /nothing matches|no open page/,
    );
    await h.twilio.call({ from: NELL.phone, url: VOICE_URL, caller: { digits: ['2'], hangUpAt: 'record' } });
    expect(
      (await emailFrom(h, `Automatic reply: ${NELL.name}`, `Away. Ring ${NELL.typed}.`, { auto: true, from: NELL }))
        .outcome,
    ).toBe('ignored_auto');
    // A bounce of mail to her that matches nothing of ours, quoting her address.
    const bounce = await emailFrom(
      h,
      'Undelivered Mail Returned to Sender',
      `Delivery to <${NELL.email}> failed: mailbox full.`,
      { auto: true, from: { name: 'Mail Delivery System', email: 'mailer-daemon@mx.herald.example' } },
    );
    expect(bounce.outcome).toMatch(/^ignored_/);
  }

  it('is erased on request even when they made no enquiry at all', async () => {
    const h = service();
    h.clock.set(SATURDAY_10AM);
    await plantOrphans(h);
    h.clock.set(MONDAY_0905);
    expect(await h.services.digest.generateIfDue()).not.toBeNull();
    // Budgets per sender (a number, an address) name them in the counter's key.
    await sql`INSERT INTO rate_limit (key, points) VALUES (${`page:${NELL.phone}`}, 1), (${`page:email:${NELL.email}`}, 1)`.execute(
      h.database.db,
    );
    // The page budget (every channel) keys them by a digest of their number or address.
    const digests = [pageBudgetKey({ phone: NELL.phone }), pageBudgetKey({ email: NELL.email })] as string[];
    await sql`INSERT INTO rate_limit (key, points) VALUES (${digests[0]}, 1), (${digests[1]}, 1)`.execute(
      h.database.db,
    );
    const before = await findAnywhere(h.database.db, NELL_NEEDLES);
    for (const place of [
      'public.sms_inbound.from_number',
      'public.voice_call.from_number',
      'public.handover_digest.summary',
      'public.email_message.from_address',
      'public.rate_limit.key',
    ]) {
      expect(
        before.some((f) => f.startsWith(place)),
        place,
      ).toBe(true);
    }
    const dpo = await loginAs(h, MANAGER.email, MANAGER.password);
    const done = await dpo.post('/desk/privacy/erase', { phone: NELL.typed, email: NELL.email, confirm: 'yes' });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Erased personal data from 0 enquiries');
    expect(await findAnywhere(h.database.db, NELL_NEEDLES)).toEqual([]);
    expect(
      (await sql<{ key: string }>`SELECT key FROM rate_limit WHERE key = ANY(${digests})`.execute(h.database.db)).rows,
    ).toEqual([]);
    // The request is on record, like any other.
    expect(
      await h.database.db.selectFrom('audit_log').select('action').where('action', '=', 'journalist.erased').execute(),
    ).toHaveLength(1);
  });

  it('is forgotten once the retention period has passed, as are the on-call officer’s commands about enquiries still open', async () => {
    const h = service();
    h.clock.set('2026-12-12T22:00:00Z');
    await plantOrphans(h);
    const api = await h.postJson('/api/enquiries', {
      name: 'Open Ended',
      outlet: 'Gazette',
      phone: '+447911123778',
      subject: 'Still open',
      details: 'Nobody closes this one',
      urgent: true,
    });
    const { reference } = (await api.json()) as { reference: string };
    await h.jobs.settle();
    expect(h.twilio.messages.some((m) => m.to === ON_CALL && m.body?.includes(reference))).toBe(true);
    expect(await (await h.sms(ON_CALL, `INFO ${reference}`)).text()).toContain('Open Ended');
    expect(await (await h.sms(ON_CALL, `NOTE ${reference} Rang the depot too`)).text()).toContain('note added');
    h.clock.set('2026-12-14T09:05:00Z');
    expect(await h.services.digest.generateIfDue()).not.toBeNull();
    const commands = () =>
      h.database.db.selectFrom('sms_inbound').select('body').where('enquiry_id', 'is', null).execute();
    expect((await commands()).map((r) => r.body)).toEqual(
      expect.arrayContaining(['HELP', 'ACK', `INFO ${reference}`, `NOTE ${reference} Rang the depot too`]),
    );

    // A day short of 12 months: kept (the open enquiry is not due at all).
    h.clock.set('2027-12-12T21:00:00Z');
    expect(await h.services.privacy.sweep()).toBe(0);
    expect((await findAnywhere(h.database.db, NELL_NEEDLES)).length).toBeGreaterThan(0);
    // 12 months on: the texts, the call's number, the out-of-office and the digest's caller are forgotten.
    h.clock.set('2027-12-14T10:00:00Z');
    expect(await h.services.privacy.sweep()).toBe(0);
    expect(await findAnywhere(h.database.db, NELL_NEEDLES)).toEqual([]);
    expect(await commands()).toEqual([]);
    // The open enquiry itself is not touched.
    expect(
      await h.database.db
        .selectFrom('enquiry')
        .select(['name', 'erased_at'])
        .where('reference', '=', reference)
        .executeTakeFirstOrThrow(),
    ).toEqual({ name: 'Open Ended', erased_at: null });
  });
});

describe('acknowledgement keys written before issue 22, with the address in them', () => {
  const service = serviceForSuite(false);

  it('become the enquiry’s own key once no job holds them: at the daily sweep, or when the enquiry is erased', async () => {
    const h = service();
    const db = h.database.db;
    const enquiryOf = async (email: string) => {
      const res = await h.postJson('/api/enquiries', {
        name: 'Kay Legacy',
        outlet: 'Post',
        email,
        subject: 'Old one',
        details: 'From before the upgrade',
      });
      const { reference } = (await res.json()) as { reference: string };
      return (await db.selectFrom('enquiry').select('id').where('reference', '=', reference).executeTakeFirstOrThrow())
        .id;
    };
    const sent = { id: await enquiryOf('kay@post.example'), to: 'kay@post.example' };
    const waiting = { id: await enquiryOf('lou@post.example'), to: 'lou@post.example' };
    const legacyKey = (e: { id: string; to: string }) => `email-ack:${e.id}:${e.to}`;
    const row = (e: { id: string; to: string }, state: 'sent' | 'sending') =>
      ({
        owner_kind: 'message',
        medium: 'email',
        idempotency_key: legacyKey(e),
        enquiry_id: e.id,
        to_number: e.to,
        content: '{"subject":"Re: Old one"}',
        state,
        created_at: h.clock.fn(),
      }) as const;
    // One sent long ago; one still waiting for its job (which finds its row by that key).
    await db
      .insertInto('outbound_message')
      .values([row(sent, 'sent'), row(waiting, 'sending')])
      .execute();
    await addJob(
      db,
      'send_email',
      { key: legacyKey(waiting), enquiryId: waiting.id, to: waiting.to, content: '{"subject":"Re: Old one"}' },
      { runAt: new Date('2030-01-01T00:00:00Z'), jobKey: legacyKey(waiting) },
    );
    const keys = async () =>
      (await db.selectFrom('outbound_message').select('idempotency_key').orderBy('id').execute()).map(
        (r) => r.idempotency_key,
      );

    expect(await h.services.privacy.sweep()).toBe(0);
    expect(await keys()).toEqual([`email-ack:${sent.id}`, legacyKey(waiting)]);

    // Erasing Lou drops the job that carried her address, and the key follows.
    const dpo = await loginAs(h, MANAGER.email, MANAGER.password);
    expect((await dpo.post('/desk/privacy/erase', { email: waiting.to, confirm: 'yes' })).status).toBe(200);
    expect(await keys()).toEqual([`email-ack:${sent.id}`, `email-ack:${waiting.id}`]);
    // Kay's address is where it belongs (her enquiry, the row's recipient) and nowhere else.
    expect((await findAnywhere(db, ['kay@post.example'])).sort()).toEqual([
      'public.enquiry.email: kay@post.example',
      'public.outbound_message.to_number: kay@post.example',
    ]);
  });
});
