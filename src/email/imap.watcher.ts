import { ImapFlow } from 'imapflow';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../log.js';
import type { Outcome } from '../health/health.model.js';
import { parseEmail } from './email-parse.js';
import { imapOutcome, type ImapStage } from './mail-health.js';
import type { EmailIntakeService } from './email-intake.service.js';
import { recordedUids, type MailboxLocation } from './email.repository.js';

/** The keyword set on every message taken (with \Seen) when processed mail stays in the mailbox. */
export const PROCESSED_KEYWORD = '$PressDesk';
/** UIDs per flag or move command: keeps command lines short on servers that limit them. */
const UIDS_PER_COMMAND = 200;

export interface ImapWatcherDeps {
  db: Db;
  config: Pick<Config, 'email'>;
  intake: EmailIntakeService;
  log: Logger;
  /** Reconnect delays: the first after a failure, doubling up to the most (ms). Defaults 1 s and 60 s. */
  backoffMs?: { min: number; max: number };
  /**
   * Called after each message's transaction has committed and before it is flagged or moved on
   * the server. A throw abandons the connection there, as a crash would (tests use it to prove
   * that a message committed but not flagged is not taken twice).
   */
  afterCommit?: (at: MailboxLocation) => Promise<void> | void;
  /**
   * Told how each session started (src/health: the mailbox's measured health): working once the
   * mailbox is open, failing with the class when connecting, signing in or opening failed. A
   * session that fails later (a dropped connection) says so at its reconnect. Must not throw.
   */
  health?: (outcome: Outcome) => Promise<void>;
}

/** What the watcher is doing, for health pages and tests. */
export type WatcherState = 'stopped' | 'connecting' | 'reading' | 'idle' | 'waiting_to_reconnect';

/**
 * The connection to the shared mailbox: connects, takes every message not yet processed, then
 * waits in IDLE (or, when the server cannot IDLE, polls every `email.pollSeconds`; it also looks
 * that often anyway, in case a notification was lost) and takes what arrives. Each message is
 * committed by intake first and only then flagged `\Seen` + `$PressDesk` (or moved to
 * `email.processedFolder`), so a crash at any point loses nothing, and a message committed but
 * not flagged is found recorded next time and only flagged. A lost connection is retried with
 * backoff, and the mailbox is searched again on every (re)connect: nothing that arrived meanwhile
 * is missed.
 */
export class ImapWatcher {
  private stopping = false;
  private loop: Promise<void> | null = null;
  private client: ImapFlow | null = null;
  private wake: (() => void) | null = null;
  private current: WatcherState = 'stopped';
  private readonly imap: NonNullable<Config['email']['imap']>;

  constructor(private readonly deps: ImapWatcherDeps) {
    const imap = deps.config.email.imap;
    if (!imap) throw new Error('ImapWatcher needs config.email.imap (IMAP_URL or IMAP_HOST/IMAP_USER)');
    this.imap = imap;
  }

  /** What the watcher is doing now. */
  get state(): WatcherState {
    return this.current;
  }

  /** Starts watching in the background; returns at once. Calling it twice does nothing more. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run().finally(() => {
      this.current = 'stopped';
    });
  }

  /**
   * Stops after the message in hand (its transaction and flag), logs out and resolves. A
   * connection stuck mid-command is closed after `graceMs`.
   */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopping = true;
    this.wake?.();
    const loop = this.loop;
    if (!loop) return;
    const timer = setTimeout(() => this.client?.close(), graceMs);
    try {
      await loop;
    } finally {
      clearTimeout(timer);
      this.loop = null;
    }
  }

  private async run(): Promise<void> {
    const { min, max } = this.deps.backoffMs ?? { min: 1_000, max: 60_000 };
    let delay = min;
    while (!this.stopping) {
      this.current = 'connecting';
      const client = this.newClient();
      this.client = client;
      // Until the mailbox is open, a failure is the mailbox's health; after it, the session's own.
      let stage: ImapStage | 'open_done' = 'connect';
      try {
        await client.connect();
        stage = 'open';
        await client.mailboxOpen(this.deps.config.email.mailbox);
        if (this.deps.config.email.processedFolder)
          await this.ensureFolder(client, this.deps.config.email.processedFolder);
        else if (!this.keywordsAllowed(client)) {
          // Intake stays exactly once (the database knows every UID), but each look at the
          // mailbox then has to go through every message in it.
          this.deps.log.warn(
            { mailbox: this.deps.config.email.mailbox },
            `the mailbox does not keep the ${PROCESSED_KEYWORD} keyword: set email.processedFolder so processed mail is moved out`,
          );
        }
        stage = 'open_done';
        await this.deps.health?.({ ok: true });
        this.deps.log.info({ mailbox: this.deps.config.email.mailbox }, 'connected to the shared mailbox');
        while (!this.stopping && client.usable) {
          this.current = 'reading';
          await this.drain(client);
          // Backoff starts afresh only once mail could be taken: a database that is down fails
          // every drain after a good connect, and must not be retried every second for ever.
          delay = min;
          if (this.stopping) break;
          this.current = 'idle';
          await this.waitForMail(client);
        }
      } catch (err) {
        if (!this.stopping) {
          this.deps.log.warn({ err, retryInMs: delay }, 'shared mailbox connection failed; reconnecting');
          if (stage !== 'open_done') await this.deps.health?.(imapOutcome(err, stage));
        }
      } finally {
        if (client.usable) await client.logout().catch(() => client.close());
        else client.close();
        this.client = null;
      }
      if (this.stopping) break;
      this.current = 'waiting_to_reconnect';
      await this.sleep(delay);
      delay = Math.min(delay * 2, max);
    }
  }

  private newClient(): ImapFlow {
    const { host, port, secure, user, auth } = this.imap;
    const client = new ImapFlow({
      host,
      port,
      secure,
      auth: 'accessToken' in auth ? { user, accessToken: auth.accessToken } : { user, pass: auth.pass },
      // imapflow's own log would carry addresses and subjects; failures reach ours as errors.
      logger: false,
      // IDLE is started here, between searches, never by the library in the middle of our work.
      disableAutoIdle: true,
      clientInfo: { name: 'Press Desk' },
    });
    // Without a listener a socket error would be thrown at the process; the loop sees the close.
    client.on('error', (err: unknown) => this.deps.log.debug({ err }, 'shared mailbox connection error'));
    return client;
  }

  private async ensureFolder(client: ImapFlow, folder: string): Promise<void> {
    const list = await client.list();
    if (!list.some((m) => m.path === folder)) await client.mailboxCreate(folder);
  }

  /**
   * Takes every message not yet processed, oldest first, then looks again (mail that arrived
   * meanwhile) until a search finds nothing new. Messages already recorded (committed before a
   * crash or a lost connection) are only flagged.
   */
  private async drain(client: ImapFlow): Promise<void> {
    const mailbox = this.deps.config.email.mailbox;
    for (;;) {
      const box = client.mailbox;
      if (!box) throw new Error('mailbox not open');
      const uidValidity = box.uidValidity.toString();
      // Moved mail leaves the mailbox; flagged mail stays, and the keyword tells it apart. \Seen
      // alone would not do: someone reading the shared mailbox in their mail program sets it.
      const found = await client.search(
        this.deps.config.email.processedFolder ? { all: true } : { unKeyword: PROCESSED_KEYWORD },
        { uid: true },
      );
      const uids = (Array.isArray(found) ? found : []).sort((a, b) => a - b);
      if (!uids.length) return;
      const recorded = await recordedUids(this.deps.db, mailbox, uidValidity, uids);
      await this.markProcessed(
        client,
        uids.filter((u) => recorded.has(u)),
      );
      const todo = uids.filter((u) => !recorded.has(u));
      if (!todo.length) return;
      for (const uid of todo) {
        if (this.stopping) return;
        await this.take(client, { mailbox, uidValidity, uid });
      }
    }
  }

  /** Reads, records and then flags one message. */
  private async take(client: ImapFlow, at: MailboxLocation): Promise<void> {
    const { maxAttachmentBytes, maxMessageBytes } = this.deps.config.email;
    // download() reads with BODY.PEEK: the message is not marked \Seen until it is committed.
    const dl = await client.download(String(at.uid), undefined, { uid: true, chunkSize: 1024 * 1024 });
    if (!dl.content) return; // expunged meanwhile (someone deleted it in their mail program)
    let parsed: Awaited<ReturnType<typeof parseEmail>>;
    try {
      parsed = await parseEmail(dl.content, { maxAttachmentBytes, maxMessageBytes }, dl.meta.expectedSize);
    } catch (err) {
      if (!client.usable) throw err;
      // A message the parser cannot read must not be retried for ever; it stays for a person.
      this.deps.log.warn(
        { err, uid: at.uid },
        'a message in the shared mailbox could not be read; left there, flagged',
      );
      await this.deps.intake.recordUnreadable(at, dl.meta.expectedSize ?? null);
      await this.deps.afterCommit?.(at);
      await this.markProcessed(client, [at.uid]);
      return;
    }
    const result = await this.deps.intake.receive(at, parsed);
    this.deps.log.info(
      { uid: at.uid, outcome: result.outcome, reference: result.reference, emailId: result.emailId },
      'email taken from the shared mailbox',
    );
    await this.deps.afterCommit?.(at);
    await this.markProcessed(client, [at.uid]);
  }

  /** Whether the open mailbox keeps keywords of our own (PERMANENTFLAGS with \*, or none given). */
  private keywordsAllowed(client: ImapFlow): boolean {
    const flags = client.mailbox ? client.mailbox.permanentFlags : undefined;
    return !flags || flags.has('\\*') || flags.has(PROCESSED_KEYWORD);
  }

  private async markProcessed(client: ImapFlow, uids: number[]): Promise<void> {
    const folder = this.deps.config.email.processedFolder;
    const flags = this.keywordsAllowed(client) ? ['\\Seen', PROCESSED_KEYWORD] : ['\\Seen'];
    for (let i = 0; i < uids.length; i += UIDS_PER_COMMAND) {
      const range = uids.slice(i, i + UIDS_PER_COMMAND).join(',');
      // \Seen first also when moving, so the copy in the folder does not show as unread.
      await client.messageFlagsAdd(range, flags, { uid: true });
      if (folder) await client.messageMove(range, folder, { uid: true });
    }
  }

  /**
   * Waits in IDLE until the server says the mailbox changed, `pollSeconds` pass, the connection
   * drops or the watcher stops. The next command (the search) ends the IDLE.
   */
  private waitForMail(client: ImapFlow): Promise<void> {
    return new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        client.off('exists', finish);
        client.off('close', finish);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(finish, this.deps.config.email.pollSeconds * 1000);
      client.on('exists', finish);
      client.on('close', finish);
      this.wake = finish;
      if (this.stopping || !client.usable) return finish();
      // Servers without IDLE get imapflow's polling fallback; its errors surface as a close.
      client.idle().catch(() => finish());
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
