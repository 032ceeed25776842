import pg from 'pg';
import type { Logger } from '../log.js';

/** A new enquiry, or `resync` after the LISTEN connection was lost (arrivals meanwhile were missed). */
type Listener = (event: { reference: string } | { resync: true }) => void;

/**
 * New-enquiry notifications for this web process: one LISTEN connection to PostgreSQL (the
 * insert trigger NOTIFYs every process), fanned out to the open queue pages' event streams.
 * Reconnects with backoff when the database restarts.
 */
export class LiveFeed {
  private client: pg.Client | null = null;
  private readonly listeners = new Set<Listener>();
  private stopped = false;
  private retryMs = 500;
  private connecting: Promise<void> | null = null;
  private lostConnection = false;

  constructor(private readonly deps: { url: string; log: Logger }) {}

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
      if (msg.channel !== 'pressdesk_enquiry' || !msg.payload) return;
      let reference: string;
      try {
        reference = String(JSON.parse(msg.payload).reference);
      } catch (err) {
        this.deps.log.warn({ err, payload: msg.payload }, 'bad enquiry notification');
        return;
      }
      for (const fn of this.listeners) fn({ reference });
    });
    client.on('error', (err) => {
      this.deps.log.warn({ err }, 'live feed connection lost; reconnecting');
      this.dropAndRetry(client);
    });
    client.on('end', () => this.dropAndRetry(client));
    try {
      await client.connect();
      await client.query('LISTEN pressdesk_enquiry');
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
    if (this.stopped || this.listeners.size === 0) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 10_000);
    setTimeout(() => void this.ensureConnected(), wait).unref();
  }

  /** Closes the LISTEN connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    const c = this.client;
    this.client = null;
    if (c) await c.end().catch(() => undefined);
  }
}
