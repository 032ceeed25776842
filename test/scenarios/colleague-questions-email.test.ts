/**
 * Issue 26, item 2, by email, against a real IMAP server (Dovecot) and a recording SMTP server: a
 * question to a colleague goes by email through the outbox; their reply, with an attachment, is
 * read from the shared mailbox and lands on the enquiry's timeline as their answer (internal),
 * not as the journalist's message; the desk's next reply to the journalist stays in the
 * journalist's own thread.
 */
import type Mail from 'nodemailer/lib/mailer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ImapWatcher } from '../../src/email/imap.watcher.js';
import { decodeEntities, loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { describeIfImap, startImapServer, type ImapServer } from '../support/imap-server.js';
import { composeTo, newId, waitFor as until } from '../support/mail.js';
import { startSmtpServer, type SmtpRecorder } from '../support/smtp-server.js';
import { eventsOf } from '../support/timeline.js';

const TUESDAY_10AM = '2026-12-08T10:00:00Z';
const OFFICE = 'Press Office <press.office@press.example.org>';
const OFFICER = { name: 'Otto Officer', email: 'otto.officer@press.example', password: 'correct horse battery 2' };
const HEAD_OF_SERVICE = 'mary.jones@council.example';

let imap: ImapServer;
let smtp: SmtpRecorder;
let h: Harness;
let watcher: ImapWatcher;
let otto: DeskClient;

/** Delivers a message to the shared mailbox and waits until intake has recorded it. */
async function deliver(opts: Mail.Options & { messageId: string }) {
  await imap.append(await composeTo(OFFICE, opts));
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

describeIfImap('asking a colleague by email', () => {
  beforeAll(async () => {
    [imap, smtp] = await Promise.all([startImapServer(), startSmtpServer()]);
    h = await startHarness({
      now: TUESDAY_10AM,
      jobs: true,
      env: { IMAP_URL: imap.url, IMAP_PASSWORD: imap.password, SMTP_URL: smtp.url, PRESSDESK_EMAIL_FROM: OFFICE },
      config: { email: { pollSeconds: 5 }, intake: { rateLimit: null } },
    });
    await h.services.users.create({ ...OFFICER, role: 'officer' }, { userId: null, email: 'test' });
    otto = await loginAs(h, OFFICER.email, OFFICER.password);
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

  it("takes the colleague's emailed reply, with its attachment, as their answer and keeps it out of the journalist's thread", async () => {
    // Arrange: a journalist's emailed enquiry (acknowledged by email), and a head of service in the directory.
    const journalistMessage = newId('journalist');
    const received = await deliver({
      from: 'Ann Reporter <ann@gazette.example>',
      subject: 'Bin collections in Northfield',
      text: 'Why were the bins not collected this week?',
      messageId: journalistMessage,
    });
    const { reference } = await h.database.db
      .selectFrom('enquiry')
      .select('reference')
      .where('id', '=', received.enquiry_id!)
      .executeTakeFirstOrThrow();
    await smtp.waitFor(1);
    smtp.clear();
    const now = h.clock.now();
    const { id: mary } = await h.database.db
      .insertInto('colleague')
      .values({
        name: 'Dr Mary Jones',
        role: 'Head of Waste Services',
        department: 'Environment',
        mobile: null,
        email: HEAD_OF_SERVICE,
        usual_hours: null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    // Act: the officer asks her by email.
    const asked = await otto.post(`/desk/enquiries/${reference}/questions`, {
      colleagues: [mary],
      via: 'email',
      question: 'Which rounds were missed, and when will they be collected?',
      due: '2026-12-08T15:00',
    });
    expect(asked.status).toBe(303);
    await h.jobs.settle();
    const [question] = await smtp.waitFor(1);
    expect(question.to).toEqual([HEAD_OF_SERVICE]);
    expect(question.parsed.subject).toContain(`Question from the press office about ${reference}`);
    expect(question.parsed.text).toContain('Which rounds were missed, and when will they be collected?');
    expect(question.parsed.text).toMatch(/https:\/\/press\.example\.org\/q\/[A-Za-z0-9_-]{22}/);
    // Not an automatic message: she is asked to reply.
    expect(question.parsed.headers.get('auto-submitted')).toBeUndefined();

    // She replies, quoting the question, with a spreadsheet attached.
    const answerId = newId('answer');
    const answer = await deliver({
      from: `Mary Jones <${HEAD_OF_SERVICE}>`,
      subject: `Re: ${question.parsed.subject}`,
      text: `Rounds 4 and 7 were missed; collection on Thursday.\n\nOn Tue, 8 Dec 2026, Press Office wrote:\n> Which rounds were missed?`,
      messageId: answerId,
      inReplyTo: question.parsed.messageId,
      references: [question.parsed.messageId!],
      attachments: [{ filename: 'rounds.csv', content: 'round,status\n4,missed\n7,missed\n', contentType: 'text/csv' }],
    });

    // Expect: recorded as her answer on the enquiry; no new enquiry; no acknowledgement to her.
    expect(answer).toMatchObject({ outcome: 'colleague_answer', enquiry_id: received.enquiry_id });
    const [event] = await eventsOf(h.database.db, reference, 'question_answered');
    expect(event.data).toMatchObject({
      from: 'Dr Mary Jones (Head of Waste Services)',
      via: 'email',
      text: 'Rounds 4 and 7 were missed; collection on Thursday.',
      attachments: [expect.objectContaining({ filename: 'rounds.csv', stored: true })],
    });
    expect(await eventsOf(h.database.db, reference, 'email_in')).toHaveLength(1);
    expect(await h.database.db.selectFrom('enquiry').select('id').execute()).toHaveLength(1);
    expect(smtp.messages).toHaveLength(1);
    const page = decodeEntities((await otto.get(`/desk/enquiries/${reference}`)).body);
    expect(page).toContain('Rounds 4 and 7 were missed; collection on Thursday.');
    // Her attachment downloads from the desk.
    const href = /href="(\/desk\/attachments\/\d+)" download="">rounds\.csv/.exec(page);
    expect(href, 'attachment link').not.toBeNull();
    expect((await otto.get(href![1])).body).toContain('7,missed');

    // The desk's reply to the journalist answers the journalist's thread, never hers.
    smtp.clear();
    const replied = await otto.post(`/desk/enquiries/${reference}/email`, { email: 'Collections resume Thursday.' });
    expect(replied.status).toBe(303);
    await h.jobs.settle();
    const [toJournalist] = await smtp.waitFor(1);
    expect(toJournalist.to).toEqual(['ann@gazette.example']);
    expect(toJournalist.parsed.references ?? []).not.toContain(question.parsed.messageId);
    expect(toJournalist.parsed.inReplyTo).not.toBe(answerId);
    expect(toJournalist.parsed.subject).not.toContain('Question from the press office');
  });
});
