/**
 * The email tests' servers: a real Dovecot started from a throw-away configuration (APPEND, list,
 * flags, folders, restart, who it runs as) and the recording SMTP server driven by nodemailer
 * (headers kept, envelope recorded, failNext seen by the client as a temporary failure). Also the
 * skip / must-run decision when Dovecot is missing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeIfImap, startImapServer, type ImapServer } from '../../support/imap-server.js';
import { startSmtpServer, type SmtpRecorder } from '../../support/smtp-server.js';

function rawMessage(id: string, subject: string): string {
  return [
    'From: Jo Reporter <jo@news.example.com>',
    'To: press.office@press.example.org',
    `Subject: ${subject}`,
    `Message-ID: <${id}>`,
    'Date: Mon, 3 Mar 2025 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Could someone call me back about the new bridge?',
    '',
  ].join('\r\n');
}

/** The real uid of a process, from /proc. */
function uidOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Uid:'));
  return Number(line?.split(/\s+/)[1]);
}

function clientFor(server: ImapServer): ImapFlow {
  const url = new URL(server.url);
  const client = new ImapFlow({
    host: url.hostname,
    port: Number(url.port),
    secure: false,
    doSTARTTLS: false,
    auth: { user: decodeURIComponent(url.username), pass: server.password },
    logger: false,
  });
  // The restart test drops the connection on purpose.
  client.on('error', () => {});
  return client;
}

describeIfImap('Dovecot for the tests', () => {
  let server: ImapServer;

  beforeAll(async () => {
    server = await startImapServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('listens on loopback with a URL for IMAP_URL that names the URL-encoded user', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`imap://${encodeURIComponent(server.user)}@127.0.0.1:${server.port}`);
    expect(server.user).toContain('@');
    expect(server.url).not.toContain(`${server.user}@`);
  });

  it('delivers by APPEND and lists UIDs, flags and Message-IDs', async () => {
    const a = await server.append(rawMessage('first@news.example.com', 'First'));
    const b = await server.append(Buffer.from(rawMessage('second@news.example.com', 'Second')));
    expect(b).toBeGreaterThan(a);
    const inbox = await server.list();
    expect(inbox.slice(-2)).toEqual([
      { uid: a, flags: [], messageId: '<first@news.example.com>' },
      { uid: b, flags: [], messageId: '<second@news.example.com>' },
    ]);
  });

  it('accepts the test user only with its password', async () => {
    const wrong = new ImapFlow({
      host: server.host,
      port: server.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: server.user, pass: 'not-the-password' },
      logger: false,
    });
    await expect(wrong.connect()).rejects.toMatchObject({ authenticationFailed: true });
    wrong.close();
    const other = new ImapFlow({
      host: server.host,
      port: server.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: 'someone.else', pass: server.password },
      logger: false,
    });
    await expect(other.connect()).rejects.toMatchObject({ authenticationFailed: true });
    other.close();
  });

  it('shows flags a client set and messages it moved to a folder', async () => {
    await server.createFolder('Processed');
    const uid = await server.append(rawMessage('flag-me@news.example.com', 'Flag me'));
    const moved = await server.append(rawMessage('move-me@news.example.com', 'Move me'));
    const client = clientFor(server);
    await client.connect();
    try {
      const lock = await client.getMailboxLock('INBOX');
      try {
        await client.messageFlagsAdd(String(uid), ['\\Seen', '$PressDesk'], { uid: true });
        await client.messageMove(String(moved), 'Processed', { uid: true });
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
    const inbox = await server.list();
    expect(inbox.find((m) => m.uid === uid)?.flags).toEqual(['$PressDesk', '\\Seen']);
    expect(inbox.some((m) => m.messageId === '<move-me@news.example.com>')).toBe(false);
    const processed = await server.list('Processed');
    expect(processed.map((m) => m.messageId)).toEqual(['<move-me@news.example.com>']);
    expect(await server.append(rawMessage('straight@news.example.com', 'Straight in'), 'Processed')).toBeGreaterThan(0);
    expect((await server.list('Processed')).length).toBe(2);
  });

  it('runs as the current user (mail as nobody when that is root: Dovecot refuses root there)', () => {
    const me = os.userInfo();
    expect(uidOf(server.pid())).toBe(me.uid);
    const maildir = path.join(server.dir, 'home', 'Maildir');
    const owners = new Set(readdirSync(maildir).map((f) => statSync(path.join(maildir, f)).uid));
    const expected = me.uid === 0 ? Number(statSync(path.join(server.dir, 'home')).uid) : me.uid;
    if (me.uid === 0) expect(expected).not.toBe(0);
    expect([...owners]).toEqual([expected]);
  });

  it('restart keeps the mail and the port, and a connected client sees the connection drop', async () => {
    const uid = await server.append(rawMessage('survivor@news.example.com', 'Survivor'));
    const client = clientFor(server);
    await client.connect();
    const before = await client.mailboxOpen('INBOX');
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const pid = server.pid();
    await server.restart();
    await closed;
    expect(server.pid()).not.toBe(pid);
    const inbox = await server.list();
    expect(inbox.find((m) => m.uid === uid)?.messageId).toBe('<survivor@news.example.com>');
    const again = clientFor(server);
    await again.connect();
    try {
      const after = await again.mailboxOpen('INBOX');
      expect(after.uidValidity).toBe(before.uidValidity);
    } finally {
      await again.logout();
    }
  });

  it('stop ends Dovecot and removes its folder', async () => {
    const extra = await startImapServer({ user: 'desk', password: 'pw' });
    const pid = extra.pid();
    await extra.stop();
    expect(() => process.kill(pid, 0)).toThrow();
    expect(() => statSync(extra.dir)).toThrow();
    await extra.stop();
  });
});

describe('without Dovecot', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  async function fresh() {
    vi.resetModules();
    return import('../../support/imap-server.js');
  }

  it('skips with a message naming the package, unless PRESSDESK_REQUIRE_IMAP is set', async () => {
    vi.stubEnv('PRESSDESK_DOVECOT_PATH', '/nonexistent/dovecot');
    vi.stubEnv('PRESSDESK_REQUIRE_IMAP', '');
    const m = await fresh();
    expect(m.imapAvailable()).toBe(false);
    expect(m.imapPlan()).toBe('skip');
    expect(m.IMAP_SKIP_MESSAGE).toContain('apt-get install dovecot-imapd');
    vi.stubEnv('PRESSDESK_REQUIRE_IMAP', '1');
    expect(m.imapPlan()).toBe('fail');
  });

  it('startImapServer throws ImapServerUnavailable naming the package', async () => {
    vi.stubEnv('PRESSDESK_DOVECOT_PATH', '/nonexistent/dovecot');
    const m = await fresh();
    const err = await m.startImapServer().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(m.ImapServerUnavailable);
    expect((err as Error).message).toContain('apt-get install dovecot-imapd');
  });
});

describe('recording SMTP server', () => {
  let smtp: SmtpRecorder;

  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp?.close();
  });
  afterEach(() => smtp.clear());

  it('records a message sent with nodemailer: envelope, headers and parse', async () => {
    const transport = nodemailer.createTransport(smtp.url);
    await transport.sendMail({
      from: '"Press Office" <press.office@press.example.org>',
      to: 'Jo Reporter <jo@news.example.com>',
      subject: 'Re: Bridge [PD-000123] – ünïcode',
      text: 'Thanks, we will call you back.',
      inReplyTo: '<first@news.example.com>',
      references: ['<first@news.example.com>'],
    });
    transport.close();
    const [mail] = await smtp.waitFor(1);
    expect(mail.from).toBe('press.office@press.example.org');
    expect(mail.to).toEqual(['jo@news.example.com']);
    expect(mail.user).toBe(smtp.user);
    expect(mail.parsed.subject).toBe('Re: Bridge [PD-000123] – ünïcode');
    expect(mail.parsed.inReplyTo).toBe('<first@news.example.com>');
    expect(mail.parsed.references).toBe('<first@news.example.com>');
    expect(mail.parsed.from?.value[0]).toMatchObject({
      name: 'Press Office',
      address: 'press.office@press.example.org',
    });
    expect(mail.parsed.text?.trim()).toBe('Thanks, we will call you back.');
    expect(mail.raw).toMatch(/^In-Reply-To: <first@news\.example\.com>\r$/m);
    expect(mail.at).toBeInstanceOf(Date);
  });

  it('records the null return path of a bounce-like message as an empty sender', async () => {
    const transport = nodemailer.createTransport(smtp.url);
    await transport.sendMail({
      envelope: { from: '', to: ['jo@news.example.com'] },
      from: 'mailer-daemon@press.example.org',
      to: 'jo@news.example.com',
      subject: 'x',
      text: 'y',
    });
    transport.close();
    const [mail] = await smtp.waitFor(1);
    expect(mail.from).toBe('');
  });

  it('failNext refuses with a 451 the client sees as temporary, then accepts again', async () => {
    smtp.failNext(1);
    const transport = nodemailer.createTransport(smtp.url);
    const send = () =>
      transport.sendMail({
        from: 'press.office@press.example.org',
        to: 'jo@news.example.com',
        subject: 'Retry me',
        text: 'x',
      });
    const err = (await send().catch((e: unknown) => e)) as { responseCode?: number; message?: string };
    expect(err.responseCode).toBe(451);
    expect(String(err.responseCode).startsWith('4')).toBe(true);
    expect(smtp.messages).toHaveLength(0);
    expect(smtp.refused).toBe(1);
    await send();
    transport.close();
    expect((await smtp.waitFor(1)).map((m) => m.parsed.subject)).toEqual(['Retry me']);
  });

  it('failNext takes another code, and waitFor says how many came when it times out', async () => {
    smtp.failNext(1, 550);
    const transport = nodemailer.createTransport(smtp.url);
    const err = (await transport
      .sendMail({ from: 'a@press.example.org', to: 'b@news.example.com', subject: 's', text: 't' })
      .catch((e: unknown) => e)) as { responseCode?: number };
    transport.close();
    expect(err.responseCode).toBe(550);
    await expect(smtp.waitFor(1, 100)).rejects.toThrow('expected 1 message(s) within 100 ms, got 0');
  });
});
