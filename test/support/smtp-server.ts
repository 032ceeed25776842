/**
 * A recording SMTP server for the email tests (the `smtp-server` package): 127.0.0.1, a free
 * port, no TLS, any credentials (or none) accepted. Every accepted message is kept with its
 * envelope, raw text and mailparser's parse; `failNext` refuses the next messages with a
 * temporary (4xx) reply so retry paths can be tested.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/** One message the server accepted. */
export interface RecordedMail {
  /** Envelope sender (MAIL FROM); '' for the null return path `<>`. */
  from: string;
  /** Envelope recipients (RCPT TO), in order. */
  to: string[];
  /** The message as received (after dot-unstuffing), decoded as UTF-8. */
  raw: string;
  parsed: ParsedMail;
  /** The user name the client authenticated with, or null when it sent no AUTH. */
  user: string | null;
  at: Date;
}

export interface SmtpRecorderOptions {
  /** Put in `url` (default `pressdesk`); any credentials are accepted anyway. */
  user?: string;
  /** Put in `url` (default: random hex). */
  password?: string;
  /** Refuse a login with any other user or password (535 5.7.8), as a real server does; default: any is accepted. */
  checkCredentials?: boolean;
}

export interface SmtpRecorder {
  host: string;
  port: number;
  user: string;
  password: string;
  /** smtp://user:pass@127.0.0.1:PORT (URL-encoded) — for SMTP_URL. */
  url: string;
  /** Every accepted message, oldest first (the live array: read it, do not change it). */
  readonly messages: readonly RecordedMail[];
  /** Refuses the next `n` messages at the end of DATA with `code` (default 451, a temporary failure); they are not recorded. */
  failNext(n: number, code?: number): void;
  /** How many messages have been refused by failNext so far. */
  readonly refused: number;
  /** Resolves with the messages once at least `n` have been accepted; rejects after `timeoutMs` (default 10 s) saying how many came. */
  waitFor(n: number, timeoutMs?: number): Promise<readonly RecordedMail[]>;
  /** Forgets the recorded messages (and any pending failNext). */
  clear(): void;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** An error whose responseCode becomes the SMTP reply code (smtp-server's convention). */
class SmtpReply extends Error {
  constructor(
    message: string,
    readonly responseCode: number,
  ) {
    super(message);
  }
}

function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/**
 * Starts the recorder on 127.0.0.1 and a free port. Call `close()` (afterAll) to stop it.
 */
export async function startSmtpServer(opts: SmtpRecorderOptions = {}): Promise<SmtpRecorder> {
  const user = opts.user ?? 'pressdesk';
  const password = opts.password ?? randomBytes(8).toString('hex');
  const messages: RecordedMail[] = [];
  let failures: { left: number; code: number } = { left: 0, code: 451 };
  let refused = 0;
  const waiters = new Set<() => void>();

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    hideSTARTTLS: true,
    authOptional: true,
    // AUTH over plain text is what a loopback test server is for.
    allowInsecureAuth: true,
    logger: false,
    // A reverse DNS lookup of 127.0.0.1 can hang for seconds on a machine without a resolver.
    disableReverseLookup: true,
    // close() should not wait 30 s for a pooled client to hang up.
    closeTimeout: 100,
    onAuth(auth, _session, callback) {
      if (opts.checkCredentials && (auth.username !== user || auth.password !== password))
        return callback(new SmtpReply('Authentication credentials invalid', 535));
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      readAll(stream).then(
        async (buf) => {
          if (failures.left > 0) {
            failures.left -= 1;
            refused += 1;
            callback(new SmtpReply('Temporary failure requested by the test (failNext)', failures.code));
            return;
          }
          const parsed = await simpleParser(buf);
          const sessionUser = session.user;
          messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: buf.toString('utf8'),
            parsed,
            user: typeof sessionUser === 'string' ? sessionUser : null,
            at: new Date(),
          });
          callback(null, 'Queued');
          for (const w of [...waiters]) w();
        },
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      );
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Errors after start (a client resetting its connection) are not the test's concern.
  server.on('error', () => {});
  const port = (server.server.address() as AddressInfo).port;

  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    url: `smtp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    messages,
    get refused() {
      return refused;
    },
    failNext(n: number, code = 451) {
      failures = { left: n, code };
    },
    waitFor(n: number, timeoutMs = 10_000) {
      if (messages.length >= n) return Promise.resolve(messages);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < n) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(messages);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`SMTP recorder: expected ${n} message(s) within ${timeoutMs} ms, got ${messages.length}`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    clear() {
      messages.length = 0;
      failures = { left: 0, code: 451 };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
