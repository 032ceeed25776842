/**
 * Measured health of the services outside Press Desk (issue 27, item 9): paging (Twilio), the
 * shared mailbox (IMAP) and SMTP are each `ok`, `failing` (with the class of the last error) or
 * `off` (not configured), by what actually happened, not by whether settings are present:
 * - every send's outcome (the outbox's senders, wrapped in src/services.ts) and every mailbox
 *   session (src/email/imap.watcher.ts) is `note`d;
 * - at start the worker `checkAtStart`s what can be checked without sending anything (Twilio's
 *   account look-up, the SMTP login), so a wrong token or password shows on the desk at once, not
 *   at the first page; a failing channel is checked again every few minutes (`recheckFailing`), so
 *   it turns back to `ok` once put right even when nothing is sent.
 *
 * The worker measures and the web processes show it, so the state lives in PostgreSQL
 * (`service_health`, one row per channel). A send that finds the channel as it was writes
 * nothing: the row is written on a change of state or class (and by the checks), so a busy night
 * costs no write per text.
 */
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { LiveNotice } from '../feature.js';
import type { Logger } from '../log.js';
import { CHANNELS, type Channel, type HealthReport, type Outcome } from './health.model.js';
import { healthNotices } from './health.notices.js';
import { readHealth, recordOutcome } from './service-health.repository.js';

/** How long this process trusts its own last write: after that, an unchanged outcome is compared with the row again. */
const RECONFIRM_MS = 60_000;

/** A check of a channel that sends nothing (Twilio's account look-up, the SMTP login); a failure is an outcome, a throw a bug. */
export type HealthCheck = () => Promise<Outcome>;

export interface ServiceHealthDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  config: Pick<Config, 'twilio' | 'email' | 'office' | 'onCall'>;
  /** The checks by channel; a channel without one is measured only by its use (the mailbox: its session). */
  checks: Partial<Record<Channel, HealthCheck>>;
}

/** Which channels are configured: the others are `off`, whatever was measured before. */
export function configuredChannels(config: Pick<Config, 'twilio' | 'email'>): Record<Channel, boolean> {
  return {
    paging: config.twilio.configured,
    mailbox: config.email.imap !== null,
    smtp: Boolean(config.email.smtpUrl && config.email.from),
  };
}

/** The record of each channel's measured health: written by the worker, read by `/readyz` and the desk. */
export class ServiceHealth {
  private readonly on: Record<Channel, boolean>;
  /** What this process last wrote or confirmed per channel, and when: an unchanged outcome within `RECONFIRM_MS` writes nothing. */
  private readonly written = new Map<Channel, { key: string; at: number }>();

  constructor(private readonly deps: ServiceHealthDeps) {
    this.on = configuredChannels(deps.config);
  }

  /**
   * Records what a send or a session found (null: it says nothing about the channel, such as a
   * refusal of one recipient's number). Never throws: the send it follows has happened, and a
   * failure here must not make the outbox send it again; the failure is logged instead.
   */
  async note(channel: Channel, outcome: Outcome | null): Promise<void> {
    if (!outcome || !this.on[channel]) return;
    const now = this.deps.clock();
    const last = this.written.get(channel);
    if (last && last.key === keyOf(outcome) && Math.abs(now.getTime() - last.at) < RECONFIRM_MS) return;
    try {
      await this.write(channel, outcome, now, false);
    } catch (err) {
      this.deps.log.warn({ err, channel }, 'could not record the health of a channel');
    }
  }

  /**
   * The start-up check (src/main.ts, in the process that sends): every configured channel that
   * has a check, at once. Never throws (start-up goes on); a failure to record is logged.
   */
  async checkAtStart(): Promise<void> {
    const results = await Promise.allSettled(CHANNELS.map((c) => this.check(c)));
    for (const r of results)
      if (r.status === 'rejected') this.deps.log.error({ err: r.reason }, 'start-up health check failed');
  }

  /** Checks again every configured channel whose last measurement failed (the task `service_health_check`). */
  async recheckFailing(): Promise<void> {
    const failing = (await readHealth(this.deps.db)).filter((r) => r.state === 'failing').map((r) => r.channel);
    await Promise.all(failing.map((c) => this.check(c)));
  }

  /** Every channel's health: `off` when not configured, else its last measurement (`ok` until one fails). */
  async read(): Promise<HealthReport> {
    const rows = await readHealth(this.deps.db);
    const report = {} as HealthReport;
    for (const channel of CHANNELS) {
      const row = rows.find((r) => r.channel === channel);
      report[channel] = !this.on[channel]
        ? { state: 'off' }
        : !row
          ? { state: 'ok' }
          : row.state === 'ok' || !row.error_class
            ? { state: 'ok', since: row.since }
            : { state: 'failing', errorClass: row.error_class, code: row.error_code, since: row.since };
    }
    return report;
  }

  /** The desk's banner: one notice per failing channel (src/health/health.notices.ts). */
  async notices(): Promise<LiveNotice[]> {
    const { office, onCall } = this.deps.config;
    return healthNotices(await this.read(), { office, fallbackNumber: onCall.fallbackNumber, now: this.deps.clock() });
  }

  private async check(channel: Channel): Promise<void> {
    const check = this.deps.checks[channel];
    if (!check || !this.on[channel]) return;
    const outcome = await check();
    await this.write(channel, outcome, this.deps.clock(), true);
  }

  private async write(channel: Channel, outcome: Outcome, at: Date, checked: boolean): Promise<void> {
    const changed = await recordOutcome(this.deps.db, channel, outcome, at, checked);
    this.written.set(channel, { key: keyOf(outcome), at: at.getTime() });
    if (!changed) return;
    if (outcome.ok) this.deps.log.info({ channel }, `${channel} works`);
    else
      this.deps.log.warn(
        { channel, errorClass: outcome.errorClass, code: outcome.code },
        `${channel} is failing (${outcome.errorClass})`,
      );
  }
}

/** An outcome as one comparable word: its state, class and code. */
function keyOf(o: Outcome): string {
  return o.ok ? 'ok' : `${o.errorClass}:${o.code ?? ''}`;
}
