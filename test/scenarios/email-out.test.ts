/**
 * Email out (issue 16, items 2 and 3), against a real IMAP server (Dovecot) and a recording SMTP
 * server: the acknowledgement of a new emailed enquiry, threaded and marked automatic; no answer
 * to automatic mail (no loops); replies from the desk in the same thread; SMTP failures retried
 * through the outbox, or recorded as failed when the server refuses for good.
 */
import type Mail from 'nodemailer/lib/mailer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ImapWatcher } from '../../src/email/imap.watcher.js';
import { loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { describeIfImap, startImapServer, type ImapServer } from '../support/imap-server.js';
import { startSmtpServer, type SmtpRecorder } from '../support/smtp-server.js';
import { composeTo, newId, waitFor as until } from '../support/mail.js';

const compose = (opts: Mail.Options) => composeTo(OFFICE, opts);

const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const OFFICE = 'Press Office <press.office@press.example.org>';
const MANAGER = { email: 'maya.manager@press.example', password: 'manager-password-1' };

let imap: ImapServer;
let smtp: SmtpRecorder;
let h: Harness;
let watcher: ImapWatcher;
let managerId: string;

/** Delivers a message to the mailbox and waits until intake has recorded it; returns its enquiry. */
async function deliver(opts: Mail.Options & { messageId: string }) {
  await imap.append(await compose(opts));
  const row = await until(`message ${opts.messageId}`, () =>
    h.database.db
      .selectFrom('email_message')
      .selectAll()
      .where('message_id', '=', opts.messageId)
      .where('direction', '=', 'in')
      .executeTakeFirst(),
  );
  await h.jobs.settle();
  return row;
}

async function reference(enquiryId: string | null): Promise<string> {
  const e = await h.database.db
    .selectFrom('enquiry')
    .select('reference')
    .where('id', '=', enquiryId!)
    .executeTakeFirstOrThrow();
  return e.reference;
}

async function kinds(enquiryId: string | null): Promise<string[]> {
  const rows = await h.database.db
    .selectFrom('enquiry_event')
    .select('kind')
    .where('enquiry_id', '=', enquiryId!)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.kind);
}

describeIfImap('email out: acknowledgements and replies', () => {
  beforeAll(async () => {
    [imap, smtp] = await Promise.all([startImapServer(), startSmtpServer()]);
    h = await startHarness({
      now: WEDNESDAY_10AM,
      jobs: true,
      env: { IMAP_URL: imap.url, IMAP_PASSWORD: imap.password, SMTP_URL: smtp.url, PRESSDESK_EMAIL_FROM: OFFICE },
      config: { email: { pollSeconds: 5 } },
    });
    managerId = (
      await h.services.users.create(
        { ...MANAGER, name: 'Maya Manager', role: 'manager' },
        { userId: null, email: 'test' },
      )
    ).id;
    watcher = new ImapWatcher({
      db: h.database.db,
      config: h.config,
      intake: h.services.emailIntake,
      log: h.services.log,
      backoffMs: { min: 100, max: 400 },
    });
    watcher.start();
  }, 60_000);
  afterAll(async () => {
    await watcher?.stop();
    await h?.close();
    await Promise.all([imap?.stop(), smtp?.close()]);
  });

  it('acknowledges a new emailed enquiry once, threaded, with the reference and the honest next step; the reply to it joins the enquiry', async () => {
    const messageId = newId('new');
    const row = await deliver({
      from: 'Ann Reporter <ann@gazette.example>',
      subject: 'Road closure on the A38',
      text: 'Is the A38 closed?',
      messageId,
    });
    const ref = await reference(row.enquiry_id);
    const [ack] = await smtp.waitFor(1);
    expect(ack.to).toEqual(['ann@gazette.example']);
    expect(ack.parsed.from?.value).toEqual([{ name: 'Press Office', address: 'press.office@press.example.org' }]);
    expect(ack.parsed.replyTo?.value).toEqual([{ name: 'Press Office', address: 'press.office@press.example.org' }]);
    // Press Desk's own subject, never the sender's text.
    expect(ack.parsed.subject).toBe(`Your enquiry ${ref} to Press Office`);
    expect(ack.parsed.inReplyTo).toBe(messageId);
    expect(ack.parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(ack.parsed.text).toContain(`Your reference is ${ref}.`);
    expect(ack.parsed.text).toContain('A press officer will respond by');
    expect(await kinds(row.enquiry_id)).toEqual(['received', 'email_in', 'email_out']);
    // Issue 17: the acknowledgement carries a working status link to this enquiry; the stored copy has it blanked.
    const link = /https:\/\/press\.example\.org(\/status\/[A-Za-z0-9_-]{22})/.exec(ack.parsed.text ?? '');
    expect(link, ack.parsed.text).not.toBeNull();
    const status = await h.app.request(link![1]);
    expect(status.status).toBe(200);
    expect(await status.text()).toContain(ref);
    const stored = await h.database.db
      .selectFrom('outbound_message')
      .select('content')
      .where('enquiry_id', '=', row.enquiry_id)
      .execute();
    expect(stored.map((m) => m.content).join('')).not.toContain(link![1]);

    // The journalist answers the acknowledgement: it joins, and is not acknowledged again.
    const reply = newId('reply');
    const joined = await deliver({
      from: 'Ann Reporter <ann@gazette.example>',
      subject: ack.parsed.subject,
      text: 'Also: until when?',
      messageId: reply,
      inReplyTo: ack.parsed.messageId,
      references: [messageId, ack.parsed.messageId!],
    });
    expect(joined).toMatchObject({ outcome: 'joined', enquiry_id: row.enquiry_id });
    expect(smtp.messages).toHaveLength(1);
  });

  it('answers no automatic mail: an out-of-office reply to the acknowledgement joins quietly, and one that matches nothing is ignored', async () => {
    smtp.clear();
    const first = newId('ooo-first');
    const row = await deliver({
      from: 'Bob Writer <bob@daily.example>',
      subject: 'Flooding',
      text: 'Any flood warnings?',
      messageId: first,
    });
    const [ack] = await smtp.waitFor(1);
    const ooo = newId('ooo');
    const auto = await deliver({
      from: 'Bob Writer <bob@daily.example>',
      subject: `Automatic reply: ${ack.parsed.subject}`,
      text: 'I am out of the office.',
      messageId: ooo,
      inReplyTo: ack.parsed.messageId,
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    expect(auto).toMatchObject({ outcome: 'joined', enquiry_id: row.enquiry_id, is_auto: true });
    const stray = newId('robot');
    const ignored = await deliver({
      from: 'Robot <noreply@robot.example>',
      subject: 'Your ticket',
      text: 'Ticket opened.',
      messageId: stray,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
    expect(ignored).toMatchObject({ outcome: 'ignored_auto', enquiry_id: null });
    await h.jobs.settle();
    expect(smtp.messages).toHaveLength(1);
  });

  it('replies from the desk in the same thread, from the press office, and shows it on the timeline', async () => {
    smtp.clear();
    const messageId = newId('desk');
    const row = await deliver({
      from: 'Cat Editor <cat@weekly.example>',
      subject: 'Budget figures',
      text: 'What is the budget?',
      messageId,
    });
    const ref = await reference(row.enquiry_id);
    const [ack] = await smtp.waitFor(1);
    const desk = await loginAs(h, MANAGER.email, MANAGER.password);
    const page = await desk.get(`/desk/enquiries/${ref}`);
    expect(page.body).toContain('Reply to the journalist by email');
    const res = await desk.post(`/desk/enquiries/${ref}/email`, { email: 'The budget is £2m, agreed in March.' });
    expect(res.status).toBe(303);
    await h.jobs.settle();
    const [, reply] = await smtp.waitFor(2);
    expect(reply.to).toEqual(['cat@weekly.example']);
    // The thread's latest message is the acknowledgement: its subject, not the sender's, carries on.
    expect(reply.parsed.subject).toBe(`Re: Your enquiry ${ref} to Press Office`);
    expect(reply.parsed.inReplyTo).toBe(ack.parsed.messageId);
    expect(reply.parsed.text?.trim()).toBe('The budget is £2m, agreed in March.');
    expect(reply.parsed.headers.get('auto-submitted')).toBeUndefined();
    expect(await kinds(row.enquiry_id)).toEqual([
      'received',
      'email_in',
      'email_out',
      'email_reply_queued',
      'email_out',
    ]);
    const e = await h.database.db
      .selectFrom('enquiry')
      .select('first_response_at')
      .where('id', '=', row.enquiry_id!)
      .executeTakeFirstOrThrow();
    expect(e.first_response_at).not.toBeNull();
  });

  it('retries an SMTP server that says "try later", sends once, and records a permanent refusal as failed', async () => {
    smtp.clear();
    smtp.failNext(2, 451);
    const messageId = newId('retry');
    const row = await deliver({
      from: 'Dan Desk <dan@radio.example>',
      subject: 'Strike',
      text: 'Is there a strike?',
      messageId,
    });
    for (let i = 0; i < 3 && smtp.messages.length === 0; i++) {
      await h.jobs.retryNow();
      await h.jobs.settle();
    }
    expect(smtp.messages.map((m) => m.to)).toEqual([['dan@radio.example']]);
    expect((await kinds(row.enquiry_id)).filter((k) => k === 'email_out')).toHaveLength(1);

    smtp.failNext(1, 550);
    const desk = await loginAs(h, MANAGER.email, MANAGER.password);
    const ref = await reference(row.enquiry_id);
    expect((await desk.post(`/desk/enquiries/${ref}/email`, { email: 'No strike planned.' })).status).toBe(303);
    await h.jobs.settle();
    expect(await kinds(row.enquiry_id)).toContain('email_out_failed');
    expect(smtp.messages).toHaveLength(1);
  });

  it('acknowledges the From address only, never Reply-To', async () => {
    smtp.clear();
    const messageId = newId('reply-to');
    const row = await deliver({
      from: 'Fay Writer <fay@gazette.example>',
      replyTo: 'victim@elsewhere.example',
      subject: 'Bridge works',
      text: 'When do they end?',
      messageId,
    });
    const [ack] = await smtp.waitFor(1);
    expect(ack.to).toEqual(['fay@gazette.example']);
    expect(ack.parsed.subject).toBe(`Your enquiry ${await reference(row.enquiry_id)} to Press Office`);
  });

  it('acknowledges no role address, nothing of the office’s own domain, no From that is not one plain mailbox, and no bulk mail', async () => {
    smtp.clear();
    const senders = [
      { from: 'Robot <no-reply@tickets.example>', headers: {} },
      { from: 'Postmaster <postmaster@gazette.example>', headers: {} },
      { from: 'Mailer <MAILER-DAEMON@gazette.example>', headers: {} },
      { from: 'A Colleague <colleague@press.example.org>', headers: {} },
      { from: 'Sub Office <someone@north.press.example.org>', headers: {} },
      { from: 'Ann <ann@gazette.example>, Eve <eve@elsewhere.example>', headers: {} },
      { from: '<ann@gazette.example?cc=eve@elsewhere.example>', headers: {} },
      { from: 'Bulk News <news@bulk.example>', headers: { Precedence: 'bulk' } },
    ];
    for (const [i, s] of senders.entries()) {
      const messageId = newId(`noack-${i}`);
      const raw = Buffer.from(
        [
          `From: ${s.from}`,
          'To: press.office@press.example.org',
          `Subject: Question ${i}`,
          `Message-ID: ${messageId}`,
          ...Object.entries(s.headers).map(([k, v]) => `${k}: ${v}`),
          '',
          'Hello',
          '',
        ].join('\r\n'),
      );
      await imap.append(raw);
      await until(`message ${messageId}`, () =>
        h.database.db.selectFrom('email_message').select('id').where('message_id', '=', messageId).executeTakeFirst(),
      );
    }
    await h.jobs.settle();
    expect(smtp.messages).toEqual([]);
  });

  it('tells of a status change under Press Desk’s own subject, and never by email to a role address or the office’s own', async () => {
    smtp.clear();
    const actor = { userId: managerId, email: MANAGER.email };
    const messageId = newId('closed');
    const row = await deliver({
      from: 'Gil Asker <gil@times.example>',
      subject: 'Click here: prize.example',
      text: 'A question.',
      messageId,
    });
    const ref = await reference(row.enquiry_id);
    await smtp.waitFor(1);
    await h.services.casework.setStatus(ref, 'closed', actor);
    await h.jobs.settle();
    const [, closed] = await smtp.waitFor(2);
    expect(closed.to).toEqual(['gil@times.example']);
    expect(closed.parsed.subject).toBe(`Your enquiry ${ref} to Press Office`);
    expect(closed.parsed.text).toContain(`your enquiry ${ref} is now closed`);

    smtp.clear();
    for (const email of ['noreply@gazette.example', 'press.office@press.example.org']) {
      const res = await h.postJson('/api/enquiries', {
        name: 'Hal',
        outlet: 'Herald',
        email,
        phone: '+447911123456',
        subject: 'Odd address',
        details: 'Hello',
      });
      expect(res.status).toBe(201);
      const { reference: r } = (await res.json()) as { reference: string };
      await h.services.casework.setStatus(r, 'closed', actor);
    }
    await h.jobs.settle();
    expect(smtp.messages).toEqual([]);
    // The journalist still hears by text, the other way they gave.
    expect(h.twilio.messages.filter((m) => m.to === '+447911123456' && m.body?.includes('is now closed'))).toHaveLength(
      2,
    );
  });
});
