/**
 * Issue 28, item 4: closing an enquiry records how it ended. The officer chooses one of the seven
 * outcomes on the status form (answered by default, answered with a line when a library line went
 * unchanged); a referral elsewhere names the organisation, a duplicate names another enquiry that
 * exists; closing with no outcome is refused, naming the field. A referral or "not a media
 * enquiry" can send its standard message, filled for the enquiry and editable, by the journalist's
 * channel (SMS through the fake Twilio, email through the SMTP recorder) in the close's
 * transaction; their status page then says how it ended.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fieldError, loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { startSmtpServer, type SmtpRecorder } from '../support/smtp-server.js';

// Wednesday 2 December 2026, 10:00: the office is open.
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const OFFICE = 'Press Office <press.office@press.example.org>';
const OFFICER = { email: 'omar.officer@press.example', password: 'officer-password-1' };
const SYSTEM = { userId: null, email: 'test' };
const LINE = 'We do not name people who have been arrested until they are charged.';

let h: Harness;
let smtp: SmtpRecorder;
let c: DeskClient;

beforeAll(async () => {
  smtp = await startSmtpServer();
  h = await startHarness({
    now: WEDNESDAY_10AM,
    jobs: true,
    env: { SMTP_URL: smtp.url, PRESSDESK_EMAIL_FROM: OFFICE },
    config: { intake: { rateLimit: null }, lines: { foiUrl: 'https://police.example.org/foi' } },
  });
  await h.services.users.create({ ...OFFICER, name: 'Omar Officer', role: 'officer' }, SYSTEM);
  c = await loginAs(h, OFFICER.email, OFFICER.password);
});
afterAll(async () => {
  await h?.close();
  await smtp?.close();
});
beforeEach(() => h.clock.set(WEDNESDAY_10AM));

let phones = 0;
/** A new enquiry by the API: by phone only unless `email` is given. */
async function submit(fields: Record<string, unknown> = {}): Promise<string> {
  phones++;
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: `+4479111234${String(phones).padStart(2, '0')}`,
    subject: 'Arrest at the retail park',
    details: 'Can you name the man arrested?',
    ...fields,
  });
  expect(res.status).toBe(201);
  return (await res.json()).reference;
}

async function row(reference: string) {
  return h.database.db.selectFrom('enquiry').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
}

/** The status form as the page sends it: every outcome field, the message boxes as the page filled them. */
async function close(reference: string, fields: Record<string, string>) {
  const page = await c.get(`/desk/enquiries/${reference}`);
  const box = (o: string) =>
    new RegExp(`<textarea[^>]*id="message_${o}"[^>]*>([\\s\\S]*?)</textarea>`).exec(page.body)?.[1] ?? '';
  const decode = (s: string) =>
    s
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return c.post(`/desk/enquiries/${reference}/status`, {
    status: 'closed',
    outcomeOrg: '',
    duplicateOf: '',
    message_referred_foi: decode(box('referred_foi')),
    message_referred_other: decode(box('referred_other')),
    message_not_media: decode(box('not_media')),
    ...fields,
  });
}

function smsTo(phone: string): string[] {
  return h.twilio.messages.filter((m) => m.to === phone).map((m) => m.body ?? '');
}

describe('recording how an enquiry ended', () => {
  it('offers "Answered" to start with, records each outcome on close, on the timeline and in the audit log', async () => {
    for (const outcome of ['answered', 'no_comment', 'not_media', 'referred_foi'] as const) {
      const ref = await submit();
      const page = await c.get(`/desk/enquiries/${ref}`);
      expect(page.body).toMatch(/<option value="answered" selected="">Answered<\/option>/);
      expect((await close(ref, { outcome })).status).toBe(303);
      const e = await row(ref);
      expect(e).toMatchObject({ status: 'closed', outcome, outcome_org: null, duplicate_of: null });
      const audit = await h.database.db
        .selectFrom('audit_log')
        .select('detail')
        .where('enquiry_id', '=', e.id)
        .where('action', '=', 'enquiry.status_changed')
        .executeTakeFirstOrThrow();
      expect(audit.detail).toMatchObject({ from: 'new', to: 'closed', outcome });
    }
    const ref = await submit();
    await close(ref, { outcome: 'no_comment' });
    const page = (await c.get(`/desk/enquiries/${ref}`)).body;
    expect(page).toContain('Status: New → Closed: No comment');
    expect(page).toMatch(/How it ended<\/dt>\s*<dd>No comment/);
  });

  it('refuses to close with no outcome, naming the field, and changes nothing', async () => {
    const ref = await submit();
    const res = await close(ref, { outcome: '' });
    expect(res.status).toBe(422);
    expect(fieldError(res.body, 'outcome')).toBe('Choose how the enquiry ended');
    expect(await row(ref)).toMatchObject({ status: 'new', outcome: null });
  });

  it('starts on "answered with a line to take" once a library line went unchanged, and DONE-style answering records it', async () => {
    const now = h.clock.now();
    await h.database.db
      .insertInto('line_to_take')
      .values({
        title: 'Arrests: naming',
        text: LINE,
        approved_by: 'Chief Supt Reid',
        approved_at: now,
        created_at: now,
        created_by: 'head.of.news@press.example.org',
        updated_at: now,
      })
      .execute();
    const ref = await submit();
    await h.services.casework.recordResponse(ref, LINE, SYSTEM);
    const page = await c.get(`/desk/enquiries/${ref}`);
    expect(page.body).toMatch(/<option value="answered_with_line" selected="">Answered with a line to take<\/option>/);
    // The on-call officer's DONE and other callers that give no outcome: the default is recorded.
    await h.services.casework.setStatus(ref, 'answered', SYSTEM);
    expect(await row(ref)).toMatchObject({ status: 'answered', outcome: 'answered_with_line' });
    // Reopened: how it ended is no longer known.
    await h.services.casework.setStatus(ref, 'in_progress', SYSTEM);
    expect(await row(ref)).toMatchObject({ outcome: null });
    const plain = await submit();
    await h.services.casework.recordResponse(plain, 'We are looking into it.', SYSTEM);
    await h.services.casework.setStatus(plain, 'answered', SYSTEM);
    expect(await row(plain)).toMatchObject({ outcome: 'answered' });
  });

  it('needs the organisation for a referral elsewhere', async () => {
    const ref = await submit();
    const res = await close(ref, { outcome: 'referred_other', sendMessage: 'yes' });
    expect(res.status).toBe(422);
    expect(fieldError(res.body, 'outcomeOrg')).toBe('Enter the organisation you referred the journalist to');
    expect(await row(ref)).toMatchObject({ status: 'new', outcome: null });
    expect(smsTo((await row(ref)).phone!)).toEqual([]);
  });

  it('needs a duplicate to name another enquiry that exists', async () => {
    const first = await submit();
    const ref = await submit();
    for (const [typed, message] of [
      ['', 'Enter the reference of the enquiry this duplicates, like PD-7KM-4QX'],
      ['PD-AAA-AAA', 'There is no enquiry PD-AAA-AAA: enter the reference of the enquiry this duplicates'],
      [ref, 'Enter the reference of another enquiry, not this one'],
    ]) {
      const res = await close(ref, { outcome: 'duplicate', duplicateOf: typed });
      expect(res.status, typed).toBe(422);
      expect(fieldError(res.body, 'duplicateOf')).toBe(message);
    }
    expect((await close(ref, { outcome: 'duplicate', duplicateOf: first.toLowerCase() })).status).toBe(303);
    expect(await row(ref)).toMatchObject({ outcome: 'duplicate', duplicate_of: (await row(first)).id });
    const page = (await c.get(`/desk/enquiries/${ref}`)).body;
    expect(page).toContain(`Closed: Duplicate of another enquiry (${first})`);
  });

  it('texts the referral message, filled, instead of the usual "closed" message, and records what was said', async () => {
    const ref = await submit({ name: 'Ann Reporter' });
    const e = await row(ref);
    const page = (await c.get(`/desk/enquiries/${ref}`)).body;
    // Offered filled for this enquiry, the organisation left for the one the officer names.
    expect(page).toContain(
      `Hello Ann Reporter, thank you for your enquiry ${ref}. This is a matter for {organisation}`,
    );
    expect(page).toMatch(/<input type="checkbox" id="sendMessage" name="sendMessage" value="yes" checked=""/);
    const res = await close(ref, {
      outcome: 'referred_other',
      outcomeOrg: 'the Environment Agency',
      sendMessage: 'yes',
    });
    expect(res.status).toBe(303);
    await h.jobs.settle();
    const expected = `Hello Ann Reporter, thank you for your enquiry ${ref}. This is a matter for the Environment Agency, so please contact them directly. The press office has closed it here.`;
    expect(smsTo(e.phone!)).toEqual([expected]);
    expect(await row(ref)).toMatchObject({
      status: 'closed',
      outcome: 'referred_other',
      outcome_org: 'the Environment Agency',
    });
    const said = await h.database.db.selectFrom('said').selectAll().where('enquiry_id', '=', e.id).execute();
    expect(said.map((s) => [s.kind, s.text])).toEqual([['outcome_message', expected]]);
    const timeline = (await c.get(`/desk/enquiries/${ref}`)).body;
    expect(timeline).toContain(
      'Status: New → Closed: Referred to another organisation (the Environment Agency); the standard message sent by SMS',
    );
  });

  it('refuses a referral message that is too long for a text only once the organisation is filled in, and sends and closes nothing', async () => {
    const ref = await submit();
    const e = await row(ref);
    // 1,000 characters as typed, the SMS reply limit: {organisation} still to be filled.
    const message = `This is a matter for {organisation}. ${'Please contact them directly. '.repeat(33)}`.slice(
      0,
      1000,
    );
    expect(message).toHaveLength(1000);
    expect(message).toContain('{organisation}');
    const res = await close(ref, {
      outcome: 'referred_other',
      // Within the organisation's own limit (200).
      outcomeOrg: `the ${'Regional Environment and Flood Defence '.repeat(4).trim()} Agency`,
      sendMessage: 'yes',
      message_referred_other: message,
    });
    expect(res.status).toBe(422);
    // Named on the message's own field (the "Send the journalist this message" box), not the reply form's.
    expect(fieldError(res.body, 'sendMessage')).toBe('Keep it to 1,000 characters or fewer');
    expect(res.body).toContain('href="#outcomeMessage"');
    await h.jobs.settle();
    expect(await row(ref)).toMatchObject({ status: 'new', outcome: null, outcome_org: null, closed_at: null });
    expect(smsTo(e.phone!)).toEqual([]);
    const sent = await h.database.db
      .selectFrom('outbound_message')
      .select('id')
      .where('enquiry_id', '=', e.id)
      .execute();
    expect(sent).toEqual([]);
    const said = await h.database.db.selectFrom('said').select('id').where('enquiry_id', '=', e.id).execute();
    expect(said).toEqual([]);
    // The same words with a short organisation fit, and go: only the filling made them too long.
    const short = await close(ref, {
      outcome: 'referred_other',
      outcomeOrg: 'the council',
      sendMessage: 'yes',
      message_referred_other: message,
    });
    expect(short.status).toBe(303);
    await h.jobs.settle();
    expect(smsTo(e.phone!)).toEqual([message.replace('{organisation}', 'the council')]);
  });

  it('sends an edited "not a media enquiry" message; unticked, it sends only the usual "closed" message', async () => {
    const ref = await submit();
    const phone = (await row(ref)).phone!;
    expect(
      (await close(ref, { outcome: 'not_media', sendMessage: 'yes', message_not_media: 'Hello Ann: not for us.' }))
        .status,
    ).toBe(303);
    await h.jobs.settle();
    expect(smsTo(phone)).toEqual(['Hello Ann: not for us.']);

    const quiet = await submit();
    const quietPhone = (await row(quiet)).phone!;
    expect((await close(quiet, { outcome: 'referred_foi' })).status).toBe(303);
    await h.jobs.settle();
    expect(smsTo(quietPhone)).toEqual([expect.stringMatching(/^Press Office: your enquiry .* is now closed\. /)]);
  });

  it('emails the FOI referral to a journalist who wrote by email, through the outbox', async () => {
    const ref = await submit({ phone: undefined, email: 'ann.reporter@gazette.example' });
    await h.jobs.settle();
    const before = smtp.messages.length;
    expect((await close(ref, { outcome: 'referred_foi', sendMessage: 'yes' })).status).toBe(303);
    await h.jobs.settle();
    const mails = await smtp.waitFor(before + 1);
    const mail = mails.at(-1)!;
    expect(mail.to).toEqual(['ann.reporter@gazette.example']);
    expect(mail.parsed.text).toContain(
      `Hello Ann Reporter, thank you for your enquiry ${ref}. This asks for information we hold rather than for comment, so please make it as a Freedom of Information request: https://police.example.org/foi. The press office has closed it here.`,
    );
    expect(await row(ref)).toMatchObject({ status: 'closed', outcome: 'referred_foi' });
    // Only the referral: no second "now closed" message.
    await h.jobs.settle();
    expect(smtp.messages.length).toBe(before + 1);
  });

  it('shows the journalist "Closed: referred to …" on their status page', async () => {
    const res = await h.postJson('/api/enquiries', {
      name: 'Ann Reporter',
      outlet: 'Evening Gazette',
      phone: '+447911129999',
      subject: 'Bins',
      details: 'When are the bins collected?',
    });
    const { reference, statusUrl } = (await res.json()) as { reference: string; statusUrl: string };
    const path = new URL(statusUrl).pathname;
    expect((await close(reference, { outcome: 'referred_other', outcomeOrg: 'the city council' })).status).toBe(303);
    const page = await (await h.app.request(path)).text();
    expect(page).toContain('Closed: referred to the city council');
    expect(page).toContain('Your enquiry is a matter for the city council, so please contact them directly.');

    const other = await h.postJson('/api/enquiries', {
      name: 'Sam Public',
      outlet: 'None',
      phone: '+447911129998',
      subject: 'Lost cat',
      details: 'Have you seen my cat?',
    });
    const b = (await other.json()) as { reference: string; statusUrl: string };
    await close(b.reference, { outcome: 'not_media' });
    expect(await (await h.app.request(new URL(b.statusUrl).pathname)).text()).toContain('Closed: not a media enquiry');
  });

  it('leaves the outcome empty when the journalist withdraws', async () => {
    const ref = await submit();
    await h.services.casework.setStatus(ref, 'withdrawn', SYSTEM);
    expect(await row(ref)).toMatchObject({ status: 'withdrawn', outcome: null });
  });
});
