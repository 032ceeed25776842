/**
 * Email intake from the press office's shared mailbox (issue 16, item 1), against a real IMAP
 * server (Dovecot, started by the test) and the whole service in-process: messages delivered by
 * IMAP APPEND become enquiries or join theirs, exactly once, and are flagged only after commit.
 */
import { Hono } from 'hono';
import { ImapFlow } from 'imapflow';
import type Mail from 'nodemailer/lib/mailer';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { DeskEnv } from '../../src/web/session.js';
import { requireSession } from '../../src/web/session.js';
import { attachmentRoutes } from '../../src/email/attachments.routes.js';
import { parseEmail } from '../../src/email/email-parse.js';
import { recordSent } from '../../src/email/email.repository.js';
import type { EmailTables } from '../../src/email/email.tables.js';
import { ImapWatcher, PROCESSED_KEYWORD, type ImapWatcherDeps } from '../../src/email/imap.watcher.js';
import { AppError } from '../../src/http/errors.js';
import { eraseEnquiries } from '../../src/privacy/privacy.repository.js';
import { clientEnv } from '../support/client-address.js';
import { decodeEntities, loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { spokenReference } from '../support/spoken.js';
import { describeIfImap, startImapServer, type ImapServer } from '../support/imap-server.js';
import { composeTo, newId, waitFor } from '../support/mail.js';

const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const WEDNESDAY_10PM = '2026-12-02T22:00:00Z';
const OFFICE = 'Press Office <press.office@press.example.org>';
const FALLBACK = '+443001234567';
const MANAGER = { email: 'maya.manager@press.example', password: 'manager-password-1' };
const MB = 1024 * 1024;

let imap: ImapServer;
let h: Harness;
let watcher: ImapWatcher | null = null;

/** A message to the press office as a mail program would send it. */
const compose = (opts: Mail.Options) => composeTo(OFFICE, opts);

function watch(extra: Partial<ImapWatcherDeps> = {}): ImapWatcher {
  const w = new ImapWatcher({
    db: h.database.db,
    config: h.config,
    intake: h.services.emailIntake,
    log: h.services.log,
    backoffMs: { min: 100, max: 400 },
    ...extra,
  });
  w.start();
  return w;
}

const edb = () => h.database.db.withTables<EmailTables>();

/** The row of a received message, once intake has recorded it. */
function received(messageId: string) {
  return waitFor(`message ${messageId}`, () =>
    edb()
      .selectFrom('email_message')
      .selectAll()
      .where('message_id', '=', messageId)
      .where('direction', '=', 'in')
      .executeTakeFirst(),
  );
}

async function enquiry(id: string | null) {
  if (!id) throw new Error('no enquiry');
  return h.database.db.selectFrom('enquiry').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function events(enquiryId: string) {
  return h.database.db
    .selectFrom('enquiry_event')
    .select(['kind', 'data'])
    .where('enquiry_id', '=', enquiryId)
    .orderBy('id')
    .execute();
}

async function flagsOf(uid: number, mailbox = 'INBOX'): Promise<string[]> {
  return (await imap.list(mailbox)).find((m) => m.uid === uid)?.flags ?? [];
}

/** Delivers `raw` and waits until it is recorded and flagged on the server. */
async function deliver(raw: Buffer, messageId: string) {
  const uid = await imap.append(raw);
  const row = await received(messageId);
  await waitFor(`flags on uid ${uid}`, async () => (await flagsOf(uid)).includes(PROCESSED_KEYWORD));
  return { uid, row };
}

describeIfImap('email intake from the shared mailbox', () => {
  beforeAll(async () => {
    imap = await startImapServer();
    h = await startHarness({
      now: WEDNESDAY_10AM,
      jobs: true,
      env: { IMAP_URL: imap.url, IMAP_PASSWORD: imap.password, PRESSDESK_EMAIL_FROM: OFFICE },
      // Room for a 20 MB attachment's message, so the inline image beside it is kept.
      config: { email: { pollSeconds: 5, maxMessageBytes: 60_000_000 }, onCall: { bundleSeconds: 0 } },
    });
    await h.services.users.create(
      { ...MANAGER, name: 'Maya Manager', role: 'manager' },
      { userId: null, email: 'test' },
    );
    watcher = watch();
  }, 60_000);
  afterAll(async () => {
    await watcher?.stop();
    await h?.close();
    await imap?.stop();
  });
  beforeEach(() => h.clock.set(WEDNESDAY_10AM));

  it('makes a new email an enquiry: name and address from From, subject, text; flagged only once committed', async () => {
    const messageId = newId('new');
    const { uid, row } = await deliver(
      await compose({
        from: 'Ann Reporter <ann.reporter@gazette.example>',
        subject: 'Road closure on the A38',
        text: 'Is the A38 closed at Exeter?\n\n-- \nAnn Reporter, Evening Gazette',
        messageId,
      }),
      messageId,
    );
    expect(row).toMatchObject({
      outcome: 'new_enquiry',
      is_auto: false,
      from_address: 'ann.reporter@gazette.example',
      from_name: 'Ann Reporter',
      mailbox: 'INBOX',
      uid: String(uid),
    });
    const e = await enquiry(row.enquiry_id);
    expect(e).toMatchObject({
      channel: 'email',
      name: 'Ann Reporter',
      email: 'ann.reporter@gazette.example',
      subject: 'Road closure on the A38',
      urgent: false,
      out_of_hours: false,
    });
    // The signature is kept (the desk folds it), not cut.
    expect(e.details).toContain('Is the A38 closed at Exeter?');
    expect(e.details).toContain('Ann Reporter, Evening Gazette');
    expect((await events(e.id)).map((x) => x.kind)).toEqual(['received', 'email_in']);
    expect(await flagsOf(uid)).toEqual(['$PressDesk', '\\Seen']);
  });

  it('joins a reply to its enquiry by In-Reply-To, and one from its journalist with [PD-…] in the subject by the reference', async () => {
    const first = newId('thread');
    const { row } = await deliver(
      await compose({
        from: 'Bo Writer <bo@herald.example>',
        subject: 'Prison numbers',
        text: 'How many inmates?',
        messageId: first,
      }),
      first,
    );
    const e = await enquiry(row.enquiry_id);

    const reply = newId('reply');
    const joined = (
      await deliver(
        await compose({
          from: 'Bo Writer <bo@herald.example>',
          subject: 'Re: Prison numbers',
          text: 'Also: how many staff?\n\n> How many inmates?',
          messageId: reply,
          inReplyTo: first,
          references: [first],
        }),
        reply,
      )
    ).row;
    expect(joined).toMatchObject({ outcome: 'joined', enquiry_id: e.id });

    const byRef = newId('byref');
    const joinedByRef = (
      await deliver(
        await compose({
          from: 'Bo Writer <BO@Herald.example>',
          subject: `Re: [${e.reference}] Prison numbers`,
          text: 'Following up.',
          messageId: byRef,
        }),
        byRef,
      )
    ).row;
    expect(joinedByRef).toMatchObject({ outcome: 'joined', enquiry_id: e.id });
    const bare = newId('bare');
    expect(
      (
        await deliver(
          await compose({
            from: 'Bo Writer <bo@herald.example>',
            subject: `Question about ${e.reference.toLowerCase()}`,
            text: 'One more.',
            messageId: bare,
          }),
          bare,
        )
      ).row.enquiry_id,
    ).toBe(e.id);

    const bodies = (await events(e.id)).filter((x) => x.kind === 'email_in').map((x) => x.data.body);
    expect(bodies).toEqual([
      'How many inmates?',
      'Also: how many staff?\n\n> How many inmates?',
      'Following up.',
      'One more.',
    ]);
    expect(
      await h.database.db.selectFrom('enquiry').select('id').where('email', '=', 'bo@herald.example').execute(),
    ).toHaveLength(1);

    // The desk shows what is new in each email and folds the quoted history.
    const staff = await loginAs(h, MANAGER.email, MANAGER.password);
    const page = (await staff.get(`/desk/enquiries/${e.reference}`)).body;
    expect(page).toContain('Email in from Bo Writer &lt;bo@herald.example&gt;');
    expect(page).toMatch(
      /<div class="pre">Also: how many staff\?<\/div><details><summary>Quoted text and signature<\/summary><div class="pre">&gt; How many inmates\?<\/div><\/details>/,
    );
  });

  it('lets nobody else into an enquiry by typing its reference: a stranger with [PD-…] starts a new enquiry that names it, and cannot make the old one urgent', async () => {
    h.clock.set(WEDNESDAY_10PM);
    const first = newId('victim');
    const victim = await enquiry(
      (
        await deliver(
          await compose({
            from: 'Vi Reporter <vi@gazette.example>',
            subject: 'Council budget',
            text: 'What is the budget?',
            messageId: first,
          }),
          first,
        )
      ).row.enquiry_id,
    );
    expect(victim.urgent).toBe(false);

    const forged = newId('stranger');
    const row = (
      await deliver(
        await compose({
          from: 'Eve <eve@elsewhere.example>',
          subject: `URGENT Re: [${victim.reference}] Council budget`,
          text: 'Call me now.',
          messageId: forged,
        }),
        forged,
      )
    ).row;
    expect(row.outcome).toBe('new_enquiry');
    expect(row.enquiry_id).not.toBe(victim.id);
    // The old enquiry is untouched: not urgent, nothing added, nobody paged about it.
    expect(await enquiry(victim.id)).toMatchObject({ urgent: false, needs_on_call: false, journalist_added_at: null });
    expect((await events(victim.id)).map((x) => x.kind)).toEqual(['received', 'email_in']);
    expect(await h.database.db.selectFrom('page').select('id').where('enquiry_id', '=', victim.id).execute()).toEqual(
      [],
    );
    // The new one says which enquiry it named, for the desk to judge.
    const made = await enquiry(row.enquiry_id);
    expect(made).toMatchObject({ email: 'eve@elsewhere.example', urgent: true });
    expect((await events(made.id)).find((x) => x.kind === 'email_in')?.data).toMatchObject({
      mentions: victim.reference,
    });
    const staff = await loginAs(h, MANAGER.email, MANAGER.password);
    const page = decodeEntities((await staff.get(`/desk/enquiries/${made.reference}`)).body);
    expect(page).toContain(
      `(names ${victim.reference} but is not from its journalist nor a reply to our email: not added to it)`,
    );

    // Answering the journalist's own message (its Message-ID in In-Reply-To) is not enough either.
    const cc = newId('cc');
    expect(
      (
        await deliver(
          await compose({
            from: 'Cy Colleague <cy@gazette.example>',
            subject: 'Re: Council budget',
            text: 'Adding to this.',
            messageId: cc,
            inReplyTo: first,
            references: [first],
          }),
          cc,
        )
      ).row,
    ).toMatchObject({ outcome: 'new_enquiry' });
    expect((await events(victim.id)).map((x) => x.kind)).toEqual(['received', 'email_in']);
  });

  it('joins a reply from another address when it answers a message Press Desk sent for that enquiry', async () => {
    const first = newId('desk-sent');
    const e = await enquiry(
      (
        await deliver(
          await compose({
            from: 'Di Reporter <di@gazette.example>',
            subject: 'Library closures',
            text: 'Which libraries?',
            messageId: first,
          }),
          first,
        )
      ).row.enquiry_id,
    );
    const ours = newId('ours').replace('@news.example', '@press.example.org');
    await recordSent(h.database.db, {
      messageId: ours,
      enquiryId: e.id,
      to: [{ name: '', address: 'di@gazette.example' }],
      subject: `Your enquiry ${e.reference}`,
      body: 'Thank you',
      inReplyTo: first,
      references: [first],
      at: new Date(),
    });
    const reply = newId('colleague');
    const row = (
      await deliver(
        await compose({
          from: 'Ed Desk <ed.desk@gazette.example>',
          subject: `Re: Your enquiry ${e.reference}`,
          text: 'Di is away; I am following this.',
          messageId: reply,
          inReplyTo: ours,
          references: [first, ours],
        }),
        reply,
      )
    ).row;
    expect(row).toMatchObject({ outcome: 'joined', enquiry_id: e.id });
  });

  it('threads by References too: a reply whose In-Reply-To is a message it never saw joins the enquiry of ours in its References', async () => {
    const first = newId('refs-first');
    const e = await enquiry(
      (
        await deliver(
          await compose({
            from: 'Flo Reporter <flo@gazette.example>',
            subject: 'Bus lanes',
            text: 'Which roads?',
            messageId: first,
          }),
          first,
        )
      ).row.enquiry_id,
    );
    const ours = newId('ours-refs').replace('@news.example', '@press.example.org');
    await recordSent(h.database.db, {
      messageId: ours,
      enquiryId: e.id,
      to: [{ name: '', address: 'flo@gazette.example' }],
      subject: `Your enquiry ${e.reference}`,
      body: 'Thank you',
      inReplyTo: first,
      references: [first],
      at: new Date(),
    });
    // Flo forwarded ours within her newsroom; her editor answers the forward (unseen by us).
    const forward = newId('forward');
    const reply = newId('editor');
    const row = (
      await deliver(
        await compose({
          from: 'Gus Editor <gus.editor@gazette.example>',
          subject: 'Re: Fwd: Bus lanes',
          text: 'Following up for Flo.',
          messageId: reply,
          inReplyTo: forward,
          references: [first, ours, forward],
        }),
        reply,
      )
    ).row;
    expect(row).toMatchObject({ outcome: 'joined', enquiry_id: e.id });
  });

  it('threads by the newest of ours in References when a thread has run through two enquiries', async () => {
    // Flo's first question, answered; later, in the same thread, a second one the desk made its own enquiry and answered.
    const threadOf = async (label: string, subject: string, references: string[]) => {
      const theirs = newId(`${label}-q`);
      const e = await enquiry(
        (
          await deliver(
            await compose({
              from: 'Flo Reporter <flo@gazette.example>',
              subject,
              text: 'A question.',
              messageId: theirs,
            }),
            theirs,
          )
        ).row.enquiry_id,
      );
      const ours = newId(`${label}-a`).replace('@news.example', '@press.example.org');
      await recordSent(h.database.db, {
        messageId: ours,
        enquiryId: e.id,
        to: [{ name: '', address: 'flo@gazette.example' }],
        subject: `Your enquiry ${e.reference}`,
        body: 'Our answer',
        inReplyTo: theirs,
        references: [...references, theirs],
        at: new Date(),
      });
      return { e, chain: [...references, theirs, ours] };
    };
    const older = await threadOf('older', 'Tram fares', []);
    const newer = await threadOf('newer', 'Tram fares, part two', older.chain);

    // Her editor answers a forward of the desk's latest message (the forward unseen by us).
    const forward = newId('fwd-two');
    const reply = newId('editor-two');
    const row = (
      await deliver(
        await compose({
          from: 'Gus Editor <gus.editor@gazette.example>',
          subject: 'Re: Fwd: Tram fares, part two',
          text: 'Following up the second one.',
          messageId: reply,
          inReplyTo: forward,
          references: [...newer.chain, forward],
        }),
        reply,
      )
    ).row;
    expect(row).toMatchObject({ outcome: 'joined', enquiry_id: newer.e.id });
    expect(newer.e.id).not.toBe(older.e.id);
  });

  it('records From only when it is one plain mailbox: parameters, several senders or an address as display name are not taken as the journalist', async () => {
    const cases = [
      { from: '<ann@gazette.example?cc=eve@elsewhere.example>', name: '' },
      { from: 'Ann <ann@gazette.example>, Eve <eve@elsewhere.example>', name: 'Ann' },
    ];
    for (const c of cases) {
      const id = newId('from');
      const raw = Buffer.from(
        [
          `From: ${c.from}`,
          'To: press.office@press.example.org',
          'Subject: Odd sender',
          `Message-ID: ${id}`,
          '',
          'Hello',
          '',
        ].join('\r\n'),
      );
      const e = await enquiry((await deliver(raw, id)).row.enquiry_id);
      expect(e).toMatchObject({ email: null, name: c.name });
      const staff = await loginAs(h, MANAGER.email, MANAGER.password);
      expect((await staff.get(`/desk/enquiries/${e.reference}`)).body).not.toContain('mailto:');
    }
    const tricked = newId('from');
    const e = await enquiry(
      (
        await deliver(
          await compose({
            from: '"chief.constable@police.example" <eve@elsewhere.example>',
            subject: 'Trick',
            text: 'Hello',
            messageId: tricked,
          }),
          tricked,
        )
      ).row.enquiry_id,
    );
    expect(e).toMatchObject({ email: 'eve@elsewhere.example', name: '' });
  });

  it('never puts a stored address raw in a mailto: link (rows from before addresses were checked)', async () => {
    const id = newId('legacy');
    const e = await enquiry(
      (
        await deliver(
          await compose({ from: 'Ann <ann.o@gazette.example>', subject: 'Legacy', text: 'Hello', messageId: id }),
          id,
        )
      ).row.enquiry_id,
    );
    const staff = await loginAs(h, MANAGER.email, MANAGER.password);
    expect((await staff.get(`/desk/enquiries/${e.reference}`)).body).toContain(
      `href="mailto:ann.o@gazette.example?subject=Your%20enquiry%20${e.reference}"`,
    );
    await h.database.db
      .updateTable('enquiry')
      .set({ email: 'ann@gazette.example?cc=eve@elsewhere.example&body=hi' })
      .where('id', '=', e.id)
      .execute();
    const page = (await staff.get(`/desk/enquiries/${e.reference}`)).body;
    expect(page).not.toContain('mailto:');
    expect(decodeEntities(page)).toContain('ann@gazette.example?cc=eve@elsewhere.example&body=hi');
  });

  it('makes the same subject from someone else a new enquiry (never threads by subject alone)', async () => {
    const a = newId('same');
    const b = newId('same');
    const one = (
      await deliver(
        await compose({
          from: 'Di Press <di@mail.example>',
          subject: 'Statement on the flooding',
          text: 'Any statement?',
          messageId: a,
        }),
        a,
      )
    ).row;
    const two = (
      await deliver(
        await compose({
          from: 'Ed Other <ed@other.example>',
          subject: 'Statement on the flooding',
          text: 'Any statement?',
          messageId: b,
        }),
        b,
      )
    ).row;
    expect(two.outcome).toBe('new_enquiry');
    expect(two.enquiry_id).not.toBe(one.enquiry_id);
    // Nor by subject from the same person: a new message without our reference or headers starts afresh.
    const c = newId('same');
    expect(
      (
        await deliver(
          await compose({
            from: 'Di Press <di@mail.example>',
            subject: 'Re: Statement on the flooding',
            text: 'And now?',
            messageId: c,
          }),
          c,
        )
      ).row.enquiry_id,
    ).not.toBe(one.enquiry_id);
  });

  it('makes an email naming a reference that does not exist a new enquiry, like any other', async () => {
    const id = newId('noref');
    const row = (
      await deliver(
        await compose({
          from: 'Di Press <di@mail.example>',
          // A well-formed reference that no enquiry has (a typo, or one from another office).
          subject: 'Re: [PD-222-222] Statement on the flooding',
          text: 'Following up.',
          messageId: id,
        }),
        id,
      )
    ).row;
    expect(row.outcome).toBe('new_enquiry');
    expect((await enquiry(row.enquiry_id)).subject).toContain('PD-222-222');
  });

  it('records and ignores an out-of-office reply that matches no thread; one in a thread joins it, urgent or not', async () => {
    const before = await h.database.db
      .selectFrom('enquiry')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const ooo = newId('ooo');
    const row = (
      await deliver(
        await compose({
          from: 'Fay Away <fay@away.example>',
          subject: 'Out of office: URGENT',
          text: 'I am away until Monday.',
          messageId: ooo,
          headers: { 'Auto-Submitted': 'auto-replied' },
        }),
        ooo,
      )
    ).row;
    expect(row).toMatchObject({
      outcome: 'ignored_auto',
      is_auto: true,
      auto_reason: 'auto-submitted',
      enquiry_id: null,
    });
    const list = newId('list');
    expect(
      (
        await deliver(
          await compose({
            from: 'News List <list@lists.example>',
            subject: 'Daily digest',
            text: 'Digest',
            messageId: list,
            headers: { 'List-Id': '<daily.lists.example>' },
          }),
          list,
        )
      ).row,
    ).toMatchObject({ outcome: 'ignored_auto', auto_reason: 'list' });
    const after = await h.database.db
      .selectFrom('enquiry')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);

    const first = newId('asked');
    const e = await enquiry(
      (
        await deliver(
          await compose({
            from: 'Gil Asker <gil@times.example>',
            subject: 'Budget',
            text: 'Budget question',
            messageId: first,
          }),
          first,
        )
      ).row.enquiry_id,
    );
    const auto = newId('ooo');
    const inThread = (
      await deliver(
        await compose({
          from: 'Gil Asker <gil@times.example>',
          subject: 'Automatic reply: URGENT Budget',
          text: 'Away today.',
          messageId: auto,
          inReplyTo: first,
          headers: { 'Auto-Submitted': 'auto-replied' },
        }),
        auto,
      )
    ).row;
    expect(inThread).toMatchObject({ outcome: 'joined', enquiry_id: e.id, is_auto: true });
    // A robot's "URGENT" upgrades nothing.
    expect((await enquiry(e.id)).urgent).toBe(false);
    expect((await events(e.id)).at(-1)).toMatchObject({ kind: 'email_in', data: { auto: true } });
  });

  it('attaches a bounce of a message we sent to its enquiry, not a new one', async () => {
    const first = newId('bounced');
    const e = await enquiry(
      (
        await deliver(
          await compose({
            from: 'Hal Typo <hal@typo.example>',
            subject: 'Court case',
            text: 'Court question',
            messageId: first,
          }),
          first,
        )
      ).row.enquiry_id,
    );
    const ours = newId('ours').replace('@news.example', '@press.example.org');
    await recordSent(h.database.db, {
      messageId: ours,
      enquiryId: e.id,
      to: [{ name: 'Hal Typo', address: 'hal@typo.example' }],
      subject: `[${e.reference}] Court case`,
      body: 'Thank you',
      inReplyTo: first,
      references: [first],
      at: new Date(),
    });

    const dsnId = newId('dsn');
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.press.example.org>',
      'To: press.office@press.example.org',
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: ${dsnId}`,
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"',
      '',
      '--B1',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'Your message could not be delivered.',
      '--B1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.press.example.org',
      '',
      'Final-Recipient: rfc822; hal@typo.example',
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 <hal@typo.example>: Recipient address rejected',
      '--B1',
      'Content-Type: text/rfc822-headers',
      '',
      'From: Press Office <press.office@press.example.org>',
      'To: hal@typo.example',
      `Subject: [${e.reference}] Court case`,
      `Message-ID: ${ours}`,
      '--B1--',
      '',
    ].join('\r\n');
    const row = (await deliver(Buffer.from(dsn), dsnId)).row;
    expect(row).toMatchObject({ outcome: 'bounce', is_bounce: true, is_auto: true, enquiry_id: e.id });
    expect((await events(e.id)).at(-1)).toMatchObject({
      kind: 'email_bounce',
      data: { bouncedMessageId: ours, recipient: 'hal@typo.example', status: '5.1.1' },
    });
    expect(
      await h.database.db
        .selectFrom('enquiry')
        .select('id')
        .where('subject', '=', 'Undelivered Mail Returned to Sender')
        .execute(),
    ).toEqual([]);
  });

  it('pages the on-call officer for an urgent email at 22:00, and a reply saying URGENT upgrades its enquiry', async () => {
    h.clock.set(WEDNESDAY_10PM);
    const id = newId('urgent');
    const e = await enquiry(
      (
        await deliver(
          await compose({
            from: 'Ivy News <ivy@wire.example>',
            subject: 'URGENT: fire at the depot',
            text: 'Need a line by 23:00',
            messageId: id,
          }),
          id,
        )
      ).row.enquiry_id,
    );
    expect(e).toMatchObject({
      channel: 'email',
      urgent: true,
      urgent_reason: 'journalist',
      out_of_hours: true,
      needs_on_call: true,
    });
    // Nobody is on the rota: the out-of-hours line, the shipped 03 number, is called (it cannot take texts).
    const page = await waitFor('the page call', async () =>
      h.twilio.calls.find((c) => c.twiml?.includes(`Reference ${spokenReference(e.reference)}.`)),
    );
    expect(page.twiml).toContain('fire at the depot');
    expect(page.to).toBe(FALLBACK);
    expect(h.twilio.messages.filter((m) => m.to === FALLBACK)).toEqual([]);

    const calm = newId('calm');
    const plain = await enquiry(
      (
        await deliver(
          await compose({
            from: 'Jo Calm <jo@wire.example>',
            subject: 'Quiet question',
            text: 'No rush',
            messageId: calm,
          }),
          calm,
        )
      ).row.enquiry_id,
    );
    expect(plain.urgent).toBe(false);
    const up = newId('upgrade');
    await deliver(
      await compose({
        from: 'Jo Calm <jo@wire.example>',
        subject: 'Re: Quiet question - now URGENT',
        text: 'It is urgent now',
        messageId: up,
        inReplyTo: calm,
      }),
      up,
    );
    expect(await enquiry(plain.id)).toMatchObject({ urgent: true, needs_on_call: true });
    await waitFor('the upgrade page', async () =>
      h.twilio.calls.find((c) => c.twiml?.includes(`Reference ${spokenReference(plain.reference)}.`)),
    );
  });

  it('reads an HTML-only email with an inline image and a 20 MB attachment: text from the HTML, the image kept, the 20 MB file listed, downloads for staff only', async () => {
    const id = newId('html');
    const image = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const big = Buffer.alloc(20 * MB, 0x41);
    const raw = await compose({
      from: 'Kay Photo <kay@pictures.example>',
      subject: 'Photo request',
      html: '<html><body><p>Dear press office,</p><p>Can we use <b>this photo</b>?</p><img src="cid:pic1"><div class="sig">Kay</div></body></html>',
      messageId: id,
      attachments: [
        { filename: 'photo.png', content: image, cid: 'pic1', contentType: 'image/png' },
        { filename: 'raw-footage.mov', content: big, contentType: 'video/quicktime' },
        { filename: 'page.html', content: '<script>alert(1)</script>', contentType: 'text/html' },
      ],
    });
    const { row } = await deliver(raw, id);
    const e = await enquiry(row.enquiry_id);
    expect(e.details).toMatch(/Dear press office,\s+Can we use this photo\?/);
    expect(e.details).not.toContain('<p>');
    const files = await edb()
      .selectFrom('email_attachment')
      .selectAll()
      .where('email_id', '=', row.id)
      .orderBy('id')
      .execute();
    expect(files.map((f) => [f.filename, f.inline, f.size_bytes, f.not_stored])).toEqual([
      ['photo.png', true, String(image.length), null],
      ['raw-footage.mov', false, String(20 * MB), 'too_large'],
      ['page.html', false, '25', null],
    ]);
    expect(files[0].content?.equals(image)).toBe(true);
    expect(files[1].content).toBeNull();
    const listed = (await events(e.id)).find((x) => x.kind === 'email_in')!.data.attachments as Array<{
      filename: string;
      stored: boolean;
    }>;
    expect(listed.map((a) => [a.filename, a.stored])).toEqual([
      ['photo.png', true],
      ['raw-footage.mov', false],
      ['page.html', true],
    ]);

    // Mounted as src/desk/desk.routes.ts mounts the desk's own routes: behind requireSession.
    const desk = new Hono<DeskEnv>();
    desk.use('*', requireSession(h.services.auth));
    desk.route('/', attachmentRoutes({ db: h.database.db }));
    const app = new Hono().route('/desk', desk);
    app.onError((err, c) => (err instanceof AppError ? c.text(err.message, err.status as 404) : c.text('error', 500)));
    const staff = await loginAs(h, MANAGER.email, MANAGER.password);
    const get = (path: string, cookie?: string) =>
      app.request(path, { headers: cookie ? { Cookie: cookie } : {} }, clientEnv(staff.address));

    const anonymous = await get(`/desk/attachments/${files[0].id}`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/desk\/login/);
    const img = await get(`/desk/attachments/${files[0].id}`, staff.cookie);
    expect(img.status).toBe(200);
    expect(Buffer.from(await img.arrayBuffer()).equals(image)).toBe(true);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(img.headers.get('content-disposition')).toMatch(/^attachment; filename="photo.png"/);
    expect(img.headers.get('x-content-type-options')).toBe('nosniff');
    expect(img.headers.get('content-security-policy')).toMatch(/^sandbox/);
    const html = await get(`/desk/attachments/${files[2].id}`, staff.cookie);
    expect(html.headers.get('content-type')).toBe('application/octet-stream');
    expect(html.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect((await get(`/desk/attachments/${files[1].id}`, staff.cookie)).status).toBe(404);

    // Erasure takes the files, the people named and the text with the enquiry.
    await h.database.db.transaction().execute((tx) => eraseEnquiries(tx, [e.id], new Date()));
    expect((await get(`/desk/attachments/${files[0].id}`, staff.cookie)).status).toBe(404);
    const erased = await edb()
      .selectFrom('email_message')
      .selectAll()
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(erased).toMatchObject({
      from_address: null,
      from_name: null,
      subject: '[erased]',
      body_text: '[erased]',
      to_addresses: [],
    });
    const kept = await edb()
      .selectFrom('email_attachment')
      .select(['filename', 'not_stored'])
      .where('email_id', '=', row.id)
      .execute();
    expect(kept.every((k) => k.filename === null && k.not_stored === 'erased')).toBe(true);
    const timeline = JSON.stringify(await events(e.id));
    expect(timeline).not.toContain('kay@pictures.example');
    expect(timeline).not.toContain('photo.png');
  }, 60_000);

  it('keeps nothing of a message over email.maxMessageBytes but its text, every attachment listed', async () => {
    const raw = await compose({
      from: 'Lu <lu@x.example>',
      subject: 'Big',
      text: 'Body text',
      attachments: [{ filename: 'a.txt', content: 'small' }],
    });
    const parsed = await parseEmail(raw, { maxAttachmentBytes: 1024, maxMessageBytes: 10_000 }, 50_000);
    expect(parsed.text).toBe('Body text');
    expect(parsed.attachments).toMatchObject([
      { filename: 'a.txt', size: 5, content: null, notStored: 'message_too_large' },
    ]);
  });

  it('decodes ISO-8859-1 and UTF-8 with emoji in the subject', async () => {
    const latinId = newId('latin');
    const latin = Buffer.from(
      [
        'From: =?ISO-8859-1?Q?Jos=E9_Pe=F1a?= <jose@diario.example>',
        'To: press.office@press.example.org',
        'Subject: =?ISO-8859-1?Q?Caf=E9_ferm=E9_=E0_Exeter?=',
        `Message-ID: ${latinId}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=ISO-8859-1',
        'Content-Transfer-Encoding: 8bit',
        '',
        "Le caf\xe9 est ferm\xe9 ? \xa3200 d'amende.",
        '',
      ].join('\r\n'),
      'latin1',
    );
    const a = await enquiry((await deliver(latin, latinId)).row.enquiry_id);
    expect(a).toMatchObject({
      name: 'José Peña',
      subject: 'Café fermé à Exeter',
      details: "Le café est fermé ? £200 d'amende.",
    });

    const emojiId = newId('emoji');
    const b = await enquiry(
      (
        await deliver(
          await compose({
            from: '"Zoë 🌊" <zoe@coast.example>',
            subject: 'Flood 🌊 warning — URGENT?',
            text: 'Water 💧 rising',
            messageId: emojiId,
          }),
          emojiId,
        )
      ).row.enquiry_id,
    );
    expect(b).toMatchObject({
      name: 'Zoë 🌊',
      subject: 'Flood 🌊 warning — URGENT?',
      details: 'Water 💧 rising',
      urgent: true,
    });
  });

  it('reconnects when the IMAP server restarts mid-IDLE, and misses nothing', async () => {
    await waitFor('the watcher to idle', async () => watcher!.state === 'idle');
    await imap.restart();
    const id = newId('after-restart');
    const uid = await imap.append(
      await compose({
        from: 'Mo Back <mo@back.example>',
        subject: 'After the restart',
        text: 'Still there?',
        messageId: id,
      }),
    );
    const row = await received(id);
    expect(row.outcome).toBe('new_enquiry');
    await waitFor('the flag', async () => (await flagsOf(uid)).includes(PROCESSED_KEYWORD));
    await waitFor('the watcher to idle again', async () => watcher!.state === 'idle');
  }, 60_000);

  it('takes a message committed but not flagged (a crash in between) once: found recorded, then only flagged', async () => {
    await watcher!.stop();
    let crashed = false;
    const crashing = watch({
      afterCommit: () => {
        crashed = true;
        // The process "dies" here: nothing after the commit happens.
        void crashing.stop(0);
        throw new Error('simulated crash between commit and flag');
      },
    });
    const id = newId('crash');
    const uid = await imap.append(
      await compose({ from: 'Ned Crash <ned@crash.example>', subject: 'Crash test', text: 'Once only', messageId: id }),
    );
    const row = await received(id);
    await waitFor('the crash', async () => crashed);
    await crashing.stop();
    expect(await flagsOf(uid)).not.toContain(PROCESSED_KEYWORD);

    watcher = watch();
    await waitFor('the flag after restart', async () => (await flagsOf(uid)).includes(PROCESSED_KEYWORD));
    const rows = await edb()
      .selectFrom('email_message')
      .select(['id', 'enquiry_id'])
      .where('message_id', '=', id)
      .execute();
    expect(rows).toEqual([{ id: row.id, enquiry_id: row.enquiry_id }]);
    expect(
      await h.database.db.selectFrom('enquiry').select('id').where('email', '=', 'ned@crash.example').execute(),
    ).toHaveLength(1);
  }, 60_000);

  it('takes 1,000 messages waiting at start, each once', async () => {
    await watcher!.stop();
    watcher = null;
    const client = new ImapFlow({
      host: imap.host,
      port: imap.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: imap.user, pass: imap.password },
      logger: false,
      disableAutoIdle: true,
    });
    await client.connect();
    const ids: string[] = [];
    try {
      for (let i = 0; i < 1000; i++) {
        const id = `<bulk-${i}-${process.pid}@bulk.example>`;
        ids.push(id);
        const raw = [
          `From: Reporter ${i} <reporter${i}@bulk.example>`,
          'To: press.office@press.example.org',
          `Subject: Bulk question ${i}`,
          `Message-ID: ${id}`,
          '',
          `Question number ${i}`,
          '',
        ].join('\r\n');
        await client.append('INBOX', raw);
      }
    } finally {
      await client.logout();
    }
    const started = performance.now();
    watcher = watch();
    await waitFor(
      'all 1,000 recorded',
      async () => {
        const r = await edb()
          .selectFrom('email_message')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('message_id', 'like', '<bulk-%')
          .executeTakeFirstOrThrow();
        return Number(r.n) === 1000;
      },
      120_000,
    );
    const seconds = (performance.now() - started) / 1000;
    console.info(
      `email intake: 1,000 waiting messages taken in ${seconds.toFixed(1)} s (${Math.round(1000 / seconds)} messages/s)`,
    );
    const made = await h.database.db
      .selectFrom('enquiry')
      .select(['email'])
      .where('subject', 'like', 'Bulk question %')
      .execute();
    expect(made).toHaveLength(1000);
    expect(new Set(made.map((m) => m.email)).size).toBe(1000);
    await waitFor(
      'every bulk message flagged',
      async () => (await imap.list()).every((m) => m.flags.includes(PROCESSED_KEYWORD)),
      60_000,
    );
    // Nothing more happens when the watcher looks again.
    await watcher.stop();
    watcher = watch();
    await waitFor('the watcher to idle', async () => watcher!.state === 'idle');
    const again = await edb()
      .selectFrom('email_message')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('message_id', 'like', '<bulk-%')
      .executeTakeFirstOrThrow();
    expect(Number(again.n)).toBe(1000);
  }, 180_000);

  it('moves processed mail to email.processedFolder when one is set (created if missing), the new and the already recorded', async () => {
    await watcher!.stop();
    const inInbox = (await imap.list()).length;
    expect(inInbox).toBeGreaterThan(1000);
    watcher = watch({ config: { email: { ...h.config.email, processedFolder: 'Processed' } } });
    const id = newId('moved');
    await imap.append(
      await compose({
        from: 'Pat Mover <pat@move.example>',
        subject: 'Moved along',
        text: 'Where did it go?',
        messageId: id,
      }),
    );
    expect((await received(id)).outcome).toBe('new_enquiry');
    await waitFor('the inbox to empty', async () => (await imap.list()).length === 0, 60_000);
    const moved = await imap.list('Processed');
    expect(moved).toHaveLength(inInbox + 1);
    expect(moved.find((m) => m.messageId === id)?.flags).toEqual(['$PressDesk', '\\Seen']);
    // Nothing was taken twice on the way.
    const again = await edb().selectFrom('email_message').select('message_id').where('message_id', '=', id).execute();
    expect(again).toHaveLength(1);
  }, 120_000);
});
