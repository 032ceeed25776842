import { sql } from 'kysely';
import pg from 'pg';
import type { Tx } from '../db/database.js';
import type { Logger } from '../log.js';

/**
 * A new enquiry (or one the journalist or the deadline sweep changed), `changed`: one the desk
 * changed (assigned, status, response…; open queues refresh its row if shown, and their counts), or
 * `resync` after the LISTEN connection was lost (arrivals meanwhile were missed).
 */
export type LiveEvent = { reference: string; changed?: true } | { resync: true };
type Listener = (event: LiveEvent) => void;
/** Someone's presence on the enquiry `reference` changed (issue 29: who has it open, who is writing). */
type PresenceListener = (reference: string) => void;
/** A member of staff (`userId`) has a new desk notification (issue 29, item 4). */
type NoticeListener = (userId: string) => void;
/** Sessions of a member of staff (`userId`) were ended (issue 30, item 3): their open streams re-check theirs now. */
type SessionEndListener = (userId: string) => void;

const CHANNEL = 'pressdesk_enquiry';
/** References per NOTIFY: a payload must stay under PostgreSQL's 8000 bytes. */
const REFERENCES_PER_NOTIFY = 200;

/**
 * LiveFeed's `sessionsEnded` without a LiveFeed: for a process that only sends (the `user`
 * command), so a user it disables or resets is signed out of open streams at once too.
 */
export async function notifySessionsEnded(tx: Tx, userIds: readonly string[]): Promise<void> {
  if (!userIds.length) return;
  await sql`SELECT pg_notify(${CHANNEL}, ${JSON.stringify({ references: [], sessionsEnded: userIds })})`.execute(tx);
}

/**
 * The least time between two NOTIFYs from one process. Each NOTIFY is a transaction of its own
 * and wakes every listening connection; at hundreds of arrivals a second one per arrival cost
 * intake a few per cent of its throughput (issue 32). A queue sees an arrival at most this much later.
 */
const NOTIFY_BEAT_MS = 20;

/**
 * New-enquiry notifications between web processes. Receiving: one LISTEN connection to
 * PostgreSQL, fanned out to the open queue pages' event streams, reconnecting with backoff when
 * the database restarts. Sending: `announce` after an enquiry is committed.
 *
 * The NOTIFY used to come from an insert trigger, one per enquiry. PostgreSQL serialises the
 * commits of notifying transactions (a database-wide lock held through the commit's WAL flush),
 * which cost intake about a fifth of its throughput under load (issue 6). Now each process sends
 * one NOTIFY at a time, at most one per `NOTIFY_BEAT_MS`, carrying every reference announced since
 * the last one: nothing waits at low load, and under load a burst shares one NOTIFY instead of
 * queueing its commits.
 */
export class LiveFeed {
  private client: pg.Client | null = null;
  private readonly listeners = new Set<Listener>();
  private stopped = false;
  private retryMs = 500;
  private connecting: Promise<void> | null = null;
  private lostConnection = false;
  private readonly unannounced: string[] = [];
  private readonly unannouncedChanges: string[] = [];
  private readonly unannouncedPresence: string[] = [];
  private readonly presenceListeners = new Set<PresenceListener>();
  private readonly noticeListeners = new Set<NoticeListener>();
  private readonly sessionEndListeners = new Set<SessionEndListener>();
  private announcing: Promise<void> | null = null;

  constructor(private readonly deps: { url: string; log: Logger; pool: pg.Pool }) {}

  /**
   * Tells every process's open queues that the enquiry `reference` has arrived. Call it after the
   * enquiry's transaction has committed (a queue told earlier would look for a row it cannot see
   * yet). Best effort by design: a failed NOTIFY is logged and the enquiry shows on the next
   * page load, as after a lost LISTEN connection; the enquiry itself is already safe.
   */
  announce(reference: string): void {
    this.unannounced.push(reference);
    this.announcing ??= this.sendAnnouncements().finally(() => {
      this.announcing = null;
    });
  }

  /**
   * Tells every process's open queues that the desk changed the enquiry `reference` (after its
   * transaction committed): they refresh its row where they show it, and their counts; it is never
   * shown as a new arrival. Best effort, as `announce`.
   */
  announceChange(reference: string): void {
    this.unannouncedChanges.push(reference);
    this.announcing ??= this.sendAnnouncements().finally(() => {
      this.announcing = null;
    });
  }

  /**
   * Tells every process's open enquiry pages that who has `reference` open (or is writing on it)
   * changed, so they re-read it (issue 29). Shares the NOTIFY with the queue's announcements; a
   * process not yet upgraded reads no `presence` and ignores it. Best effort, as `announce`.
   */
  announcePresence(reference: string): void {
    this.unannouncedPresence.push(reference);
    this.announcing ??= this.sendAnnouncements().finally(() => {
      this.announcing = null;
    });
  }

  /** Subscribes to presence changes (see `announcePresence`); returns the unsubscribe function. Connects on first use. */
  subscribePresence(fn: PresenceListener): () => void {
    this.presenceListeners.add(fn);
    void this.ensureConnected();
    return () => this.presenceListeners.delete(fn);
  }

  /**
   * Tells every process's open queues that `userIds` have a new desk notification (the
   * notifications feature's `NotifiedPort`). The NOTIFY is sent in the caller's transaction, so it
   * arrives only once the notification is committed and readable; notifications are few (an
   * assignment, a mention), so one NOTIFY each costs intake nothing. A process not yet upgraded
   * reads no `notified` and ignores it.
   */
  async notifyUsers(tx: Tx, userIds: readonly string[]): Promise<void> {
    if (!userIds.length) return;
    await sql`SELECT pg_notify(${CHANNEL}, ${JSON.stringify({ references: [], notified: userIds })})`.execute(tx);
  }

  /** Subscribes to new desk notifications (see `notifyUsers`); returns the unsubscribe function. */
  subscribeNotices(fn: NoticeListener): () => void {
    this.noticeListeners.add(fn);
    void this.ensureConnected();
    return () => this.noticeListeners.delete(fn);
  }

  /**
   * Tells every process that sessions of `userIds` were ended (disabled, role changed, password
   * reset, signed out), so their open streams check their session now instead of at the next
   * `desk.liveQueue.sessionCheckSeconds` (which stays the safety net: a NOTIFY lost with the LISTEN
   * connection). Sent in the caller's transaction: it arrives once the sessions are gone. Carries
   * user ids only, never a token or its hash. A process not yet upgraded ignores `sessionsEnded`.
   */
  sessionsEnded(tx: Tx, userIds: readonly string[]): Promise<void> {
    return notifySessionsEnded(tx, userIds);
  }

  /** Subscribes to ended sessions (see `sessionsEnded`); returns the unsubscribe function. Connects on first use. */
  subscribeSessionEnds(fn: SessionEndListener): () => void {
    this.sessionEndListeners.add(fn);
    void this.ensureConnected();
    return () => this.sessionEndListeners.delete(fn);
  }

  private async sendAnnouncements(): Promise<void> {
    while (this.unannounced.length || this.unannouncedChanges.length || this.unannouncedPresence.length) {
      const sentAt = performance.now();
      // Every kind shares one NOTIFY; the whole payload stays under REFERENCES_PER_NOTIFY references.
      const references = this.unannounced.splice(0, REFERENCES_PER_NOTIFY);
      const changed = this.unannouncedChanges.splice(0, REFERENCES_PER_NOTIFY - references.length);
      const presence = [
        ...new Set(this.unannouncedPresence.splice(0, REFERENCES_PER_NOTIFY - references.length - changed.length)),
      ];
      const payload = JSON.stringify({
        references,
        ...(changed.length ? { changed } : {}),
        ...(presence.length ? { presence } : {}),
      });
      try {
        // On the LISTEN connection when there is one: it is a session on DATABASE_LISTEN_URL, so an
        // arrival is still announced while a transaction pooler in front of the pool restarts.
        const listening = this.client;
        await (listening ?? this.deps.pool)
          .query('SELECT pg_notify($1, $2)', [CHANNEL, payload])
          .catch((err: unknown) => {
            if (!listening) throw err;
            return this.deps.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]);
          });
      } catch (err) {
        this.deps.log.warn(
          { err, references, changed },
          'could not announce new enquiries to the live queues; they show on the next page load',
        );
      }
      // What arrives within the beat waits for it and shares the next NOTIFY: at a few arrivals
      // a second each still goes at once; under load one goes every beat, not one per arrival.
      const rest = NOTIFY_BEAT_MS - (performance.now() - sentAt);
      if (rest > 0) await new Promise((r) => setTimeout(r, rest));
    }
  }

  /** Subscribes; returns the unsubscribe function. Connects on first use. */
  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    void this.ensureConnected();
    return () => this.listeners.delete(fn);
  }

  /** Resolves once the LISTEN connection is up (or its first attempt failed): subscribe, then await this. */
  async ready(): Promise<void> {
    await this.ensureConnected();
  }

  /** Number of open streams (for metrics and tests). */
  get size(): number {
    return this.listeners.size;
  }

  private ensureConnected(): Promise<void> {
    if (this.client || this.stopped) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.deps.url, application_name: 'press-desk-live' });
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      let references: string[];
      let changed: string[];
      let presence: string[];
      let notified: string[];
      let sessionsEnded: string[];
      try {
        const body = JSON.parse(msg.payload) as {
          references?: unknown;
          reference?: unknown;
          changed?: unknown;
          presence?: unknown;
          notified?: unknown;
          sessionsEnded?: unknown;
        };
        // `reference` alone is what the old insert trigger sent (a process not yet upgraded).
        references = Array.isArray(body.references)
          ? body.references.map(String)
          : body.reference === undefined
            ? []
            : [String(body.reference)];
        changed = Array.isArray(body.changed) ? body.changed.map(String) : [];
        presence = Array.isArray(body.presence) ? body.presence.map(String) : [];
        notified = Array.isArray(body.notified) ? body.notified.map(String) : [];
        sessionsEnded = Array.isArray(body.sessionsEnded) ? body.sessionsEnded.map(String) : [];
      } catch (err) {
        this.deps.log.warn({ err, payload: msg.payload }, 'bad enquiry notification');
        return;
      }
      for (const reference of references) for (const fn of this.listeners) fn({ reference });
      for (const reference of changed) for (const fn of this.listeners) fn({ reference, changed: true });
      for (const reference of presence) for (const fn of this.presenceListeners) fn(reference);
      for (const userId of notified) for (const fn of this.noticeListeners) fn(userId);
      for (const userId of sessionsEnded) for (const fn of this.sessionEndListeners) fn(userId);
    });
    client.on('error', (err) => {
      this.deps.log.warn({ err }, 'live feed connection lost; reconnecting');
      this.dropAndRetry(client);
    });
    client.on('end', () => this.dropAndRetry(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      const reconnected = this.lostConnection;
      this.client = client;
      this.retryMs = 500;
      this.lostConnection = false;
      if (reconnected) for (const fn of this.listeners) fn({ resync: true });
    } catch (err) {
      this.deps.log.warn({ err }, 'live feed could not connect; retrying');
      this.dropAndRetry(client);
    }
  }

  private dropAndRetry(client: pg.Client): void {
    if (this.client === client) this.client = null;
    this.lostConnection = true;
    client.removeAllListeners('notification');
    client.end().catch(() => undefined);
    if (this.stopped || this.listeners.size + this.presenceListeners.size === 0) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 10_000);
    setTimeout(() => void this.ensureConnected(), wait).unref();
  }

  /** Sends what is still to be announced, then closes the LISTEN connection. */
  async stop(): Promise<void> {
    await this.announcing;
    this.stopped = true;
    const c = this.client;
    this.client = null;
    if (c) await c.end().catch(() => undefined);
  }
}
