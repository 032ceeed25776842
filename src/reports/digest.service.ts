// The morning digest. It was called the "handover" until issue 13 gave that word to the
// closing-time handover of urgent enquiries to on-call (src/oncall). Stored data and settings keep
// the old name on purpose: the table `handover_digest`, the config key `handover.smsNumbers`, the
// cron task `handover_check`, job keys `handover:…` and the desk URL `/desk/handover/:id/dismiss`
// are existing data and external contract, so renaming them would break installs and clients.
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { isOpenStatus } from '../enquiries/enquiry.model.js';
import { formatDeadline, formatShortTime } from '../hours/format.js';
import type { EventKind, TimelineEvent } from '../enquiries/timeline.js';
import { officeStatus, openingPeriods } from '../hours/office-hours.js';
import { queueSms } from '../outbox/outbox.service.js';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import * as repo from './digest.repository.js';
import { callsBetween } from '../voice/voice.repository.js';
import type { DigestCall, DigestSummary } from './digest.repository.js';

const LOOKBACK_DAYS = 400;

/** What the digest reports of the night's work on an enquiry, one line per entry of these kinds. */
const OVERNIGHT_KINDS = [
  'page_withheld',
  'acknowledged',
  'callback_ended',
  'reply_queued',
  'note',
  'response_recorded',
  'status_changed',
] as const satisfies readonly EventKind[];

/** Why an urgent enquiry did not page, in the digest's few words. */
const NOT_PAGED = {
  paging_off: 'paging off',
  page_limit: "sender's page limit reached",
  no_sender: 'number withheld',
  incident: 'in the incident summary',
} as const;

/** One line of what was done overnight, in a few words (the times are added by the caller). */
function overnightLine(e: TimelineEvent): string {
  switch (e.kind) {
    case 'page_withheld':
      return `not paged (${NOT_PAGED[e.data.reason] ?? e.data.reason})`;
    case 'acknowledged':
      return `acknowledged the page (${e.data.via})`;
    case 'callback_ended':
      return e.data.status === 'completed' && e.data.seconds
        ? `spoke to the journalist for ${Math.max(1, Math.round(Number(e.data.seconds) / 60))} min`
        : `rang the journalist: ${e.data.status}`;
    case 'reply_queued':
      return 'reply sent by SMS';
    case 'note':
      return 'note added';
    case 'response_recorded':
      return 'line given recorded';
    case 'status_changed':
      return `marked ${e.data.to === 'answered' ? 'answered' : String(e.data.to).replace('_', ' ')}`;
    default:
      return e.kind.replace(/_/g, ' ');
  }
}

/** "07700 900123" for a UK number (the office's way of writing one), the E.164 form otherwise. */
function formatNational(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatNational() ?? e164;
}

/** "Calls: 3 (1 put through to on-call, 1 message, 1 hung up)." for the digest SMS; '' when there were none. */
function callsLine(calls: DigestCall[]): string {
  if (!calls.length) return '';
  const n = (o: DigestCall['outcome']) => calls.filter((c) => c.outcome === o).length;
  const parts = [
    n('connected_on_call') && `${n('connected_on_call')} put through to on-call`,
    n('voicemail') + n('not_accepted') &&
      `${n('voicemail') + n('not_accepted')} message${n('voicemail') + n('not_accepted') === 1 ? '' : 's'}`,
    n('hung_up') && `${n('hung_up')} hung up`,
  ].filter(Boolean);
  return `Phone calls: ${calls.length}${parts.length ? ` (${parts.join(', ')})` : ''}.`;
}

/**
 * The morning digest: when the office opens, a summary of everything that arrived while it
 * was closed (since the previous closing, however long ago: a bank holiday weekend is one
 * digest). Made once per opening whatever the number of workers; shown at the top of the queue
 * until each officer dismisses it, and texted to `handover.smsNumbers`.
 */
export class DigestService {
  constructor(private readonly deps: { db: Db; clock: Clock; config: Pick<Config, 'office' | 'handover'> }) {}

  /** The current opening period's start and the previous closing, or null when the office is closed. */
  currentOpening(now: Date): { openedAt: Date; since: Date } | null {
    if (!officeStatus(now, this.deps.config.office).open) return null;
    const periods = openingPeriods(
      new Date(now.getTime() - LOOKBACK_DAYS * 86_400_000),
      new Date(now.getTime() + 1),
      this.deps.config.office,
    );
    const current = periods[periods.length - 1];
    const previous = periods[periods.length - 2];
    if (!current) return null;
    return { openedAt: current.start, since: previous ? previous.end : new Date(current.start.getTime() - 86_400_000) };
  }

  /**
   * Makes this opening's digest if the office is open and it does not exist yet (the cron task
   * calls this every few minutes). Returns the digest id when it made one.
   */
  async generateIfDue(): Promise<string | null> {
    const now = this.deps.clock();
    const opening = this.currentOpening(now);
    if (!opening || (await repo.digestExists(this.deps.db, opening.openedAt))) return null;
    const rows = await repo.arrivalsBetween(this.deps.db, opening.since, opening.openedAt);
    const calls = await callsBetween(this.deps.db, opening.since, opening.openedAt);
    const done = await repo.eventsBetween(
      this.deps.db,
      rows.map((r) => r.id),
      OVERNIGHT_KINDS,
      opening.since,
      opening.openedAt,
    );
    const incidents = await repo.incidentsBetween(this.deps.db, opening.since, opening.openedAt);
    // People by name, not by phone number or email (issue 23): the rota's and the desk's names.
    const names = await repo.peopleNames(this.deps.db);
    const who = (x: string | null): string | null =>
      x === null
        ? null
        : (names.get(x) ?? names.get(x.toLowerCase()) ?? (/^\+\d{7,15}$/.test(x) ? formatNational(x) : x));
    const summary: DigestSummary = {
      total: rows.length,
      urgent: rows.filter((r) => r.urgent).length,
      paged: rows.filter((r) => r.page_status).length,
      acknowledged: rows.filter((r) => r.page_status === 'acknowledged').length,
      unanswered: rows.filter((r) => !r.first_response_at && isOpenStatus(r.status)).length,
      items: rows.map((r) => ({
        reference: r.reference,
        subject: r.subject,
        outlet: r.outlet,
        urgent: r.urgent,
        deadline: r.deadline?.toISOString() ?? null,
        received_at: r.received_at.toISOString(),
        answered: Boolean(r.first_response_at) || !isOpenStatus(r.status),
        withdrawn: r.status === 'withdrawn',
        page: r.page_status
          ? {
              status: r.page_status,
              paged: (r.paged ?? []).map((p) => who(p)!),
              acknowledgedBy: who(r.acknowledged_by),
            }
          : null,
        overnight: done
          .filter((e) => e.enquiry_id === r.id)
          .map(
            (e) =>
              `${formatShortTime(e.at, this.deps.config.office, now)} ${overnightLine(e)}${e.actor ? ` (${who(e.actor)})` : ''}`,
          ),
        incident: r.incident_id && r.incident_name ? { id: r.incident_id, name: r.incident_name } : null,
      })),
      incidents: incidents.map((i) => ({
        id: i.id,
        name: i.name,
        declared: i.declared_at >= opening.since ? { at: i.declared_at.toISOString(), by: who(i.declared_by)! } : null,
        closed: i.closed_at !== null,
        lines: i.lines.map((l) => ({
          kind: l.kind,
          at: l.created_at.toISOString(),
          by: who(l.created_by)!,
          sentTo: l.sent_to,
        })),
      })),
      calls: calls.map((c) => ({
        at: c.started_at.toISOString(),
        from: c.erased_at ? null : c.from_number,
        outcome: c.outcome,
        urgent: c.urgent,
        reference: c.reference,
        officer: c.dialled_name,
        seconds: c.connected_seconds,
      })),
    };
    return this.deps.db.transaction().execute(async (tx) => {
      const digest = await repo.insertDigest(tx, {
        opened_at: opening.openedAt,
        since: opening.since,
        created_at: now,
        summary,
      });
      if (!digest) return null;
      const text = this.smsText(summary, now);
      for (const phone of this.deps.config.handover.smsNumbers) {
        const key = `handover:${digest.id}:${phone}`;
        await queueSms(tx, { key, enquiryId: null, to: phone, body: text, lane: 'notice' }, now);
      }
      return digest.id;
    });
  }

  /** The digest as one short SMS (its wording still says "handover": recipients know it by that name). */
  smsText(s: DigestSummary, now: Date): string {
    const office = this.deps.config.office;
    const open = s.items.filter((i) => !i.answered).slice(0, 5);
    const lines = open.map(
      (i) =>
        `${i.reference}${i.urgent ? ' URGENT' : ''}${i.deadline ? ` by ${formatDeadline(new Date(i.deadline), office, now)}` : ''}: ${i.subject.slice(0, 40)}`,
    );
    return [
      `${office.name} handover: ${s.total} enquir${s.total === 1 ? 'y' : 'ies'} while closed, ${s.urgent} urgent, ${s.paged} paged (${s.acknowledged} acknowledged), ${s.unanswered} unanswered.`,
      ...lines,
      s.unanswered > open.length ? `…and ${s.unanswered - open.length} more in the desk.` : '',
      callsLine(s.calls ?? []),
    ]
      .filter(Boolean)
      .join('\n');
  }

  /** The digest to show this user at the top of the queue (made in the last 24 hours, not dismissed). */
  forUser(userId: string) {
    return repo.latestUndismissed(this.deps.db, userId, new Date(this.deps.clock().getTime() - 86_400_000));
  }

  /** Hides a digest for this user. */
  dismiss(digestId: string, userId: string): Promise<void> {
    return repo.dismiss(this.deps.db, digestId, userId, this.deps.clock());
  }
}
