/**
 * kill -9 during email intake: the real service (npm start) reads a shared mailbox (Dovecot)
 * holding 300 messages and is killed with SIGKILL part-way, wherever it is (downloading a
 * message, inside its transaction, between the commit and the flag), then restarted. Afterwards
 * every message has made exactly one enquiry and is flagged: none lost, none taken twice.
 */
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import type { EmailTables } from '../../src/email/email.tables.js';
import { describeIfImap, startImapServer, type ImapServer } from '../support/imap-server.js';
import { openProcessFixture, type ProcessFixture } from '../support/process-fixture.js';
import { describeOutputs } from '../support/service-process.js';

const MESSAGES = 300;

let fixture: ProcessFixture;
let imap: ImapServer;

async function waitFor(what: string, fn: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await fn())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describeIfImap('kill -9 while taking mail from the shared mailbox', () => {
  beforeAll(async () => {
    imap = await startImapServer();
    fixture = await openProcessFixture();
  }, 60_000);
  afterAll(async () => {
    await fixture?.close();
    await imap?.stop();
  });

  it('leaves every message taken exactly once after a restart', async () => {
    onTestFailed(() => console.error(describeOutputs(fixture.services)));
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
    try {
      for (let i = 0; i < MESSAGES; i++) {
        const raw = [
          `From: Reporter ${i} <reporter${i}@kill.example>`,
          'To: press.office@press.example.org',
          `Subject: Question ${i}`,
          `Message-ID: <kill-${i}@kill.example>`,
          '',
          `Question number ${i}`,
          '',
        ].join('\r\n');
        await client.append('INBOX', raw);
      }
    } finally {
      await client.logout();
    }
    const db = fixture.database.db.withTables<EmailTables>();
    const recorded = async () =>
      Number(
        (
          await db
            .selectFrom('email_message')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const env = { IMAP_URL: imap.url, IMAP_PASSWORD: imap.password };

    const first = await fixture.start({ name: 'first', env, config: { email: { pollSeconds: 5 } } });
    await waitFor('intake to be under way', async () => (await recorded()) >= 40, 60_000);
    first.kill('SIGKILL');
    const atKill = await recorded();
    expect(atKill).toBeLessThan(MESSAGES);

    await fixture.start({ name: 'second', env, config: { email: { pollSeconds: 5 } } });
    await waitFor('every message recorded', async () => (await recorded()) === MESSAGES, 90_000);
    await waitFor(
      'every message flagged',
      async () => (await imap.list()).every((m) => m.flags.includes('$PressDesk')),
      30_000,
    );

    const rows = await db.selectFrom('email_message').select(['message_id', 'outcome', 'enquiry_id']).execute();
    expect(rows).toHaveLength(MESSAGES);
    expect(new Set(rows.map((r) => r.message_id)).size).toBe(MESSAGES);
    expect(rows.every((r) => r.outcome === 'new_enquiry' && r.enquiry_id)).toBe(true);
    const enquiries = await fixture.database.db.selectFrom('enquiry').select(['email', 'channel']).execute();
    expect(enquiries).toHaveLength(MESSAGES);
    expect(new Set(enquiries.map((e) => e.email)).size).toBe(MESSAGES);
    // Nothing more arrives while the second process keeps watching.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await recorded()).toBe(MESSAGES);
  }, 240_000);
});
