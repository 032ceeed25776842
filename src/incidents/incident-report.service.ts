/**
 * The report of one incident (issue 18, item 5): what arrived (by channel, by hour of office time),
 * how fast the office gave its first holding line and to how many journalists, how many were
 * answered, and how many deadlines were missed, by the same rule as the reports page. For the
 * debrief after a major incident, so it counts the enquiries linked to it now, whenever they came.
 */
import { decisionsIn } from '../statements/decisions.repository.js';
import { DateTime } from 'luxon';
import { isRowIdDigits } from '../ids.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { ENQUIRY_CHANNELS, type EnquiryChannel } from '../enquiries/enquiry.model.js';
import * as repo from './incident-report.repository.js';
import type { IncidentLineKind } from './incident.tables.js';

/** Longest run of hours the report shows hour by hour; a longer incident is shown day by day. */
export const MAX_HOURLY_BUCKETS = 72;

/** Arrivals in one hour (or, for a long incident, one day) of office time. */
export interface ArrivalBucket {
  /** When the bucket starts (ISO 8601). */
  start: string;
  /** Its start in office time, as the desk reads it ("Thu 24 Dec 22:00", or "Thu 24 Dec" for a day). */
  label: string;
  n: number;
}

/** Everything the per-incident report shows. */
export interface IncidentReport {
  incident: {
    id: string;
    name: string;
    declaredAt: string;
    declaredBy: string;
    acknowledgedAt: string | null;
    closedAt: string | null;
  };
  enquiries: {
    total: number;
    byChannel: Record<EnquiryChannel, number>;
    /** Zero-filled from the first arrival's hour to the last's; `day` buckets when that is longer than MAX_HOURLY_BUCKETS hours. */
    arrivals: { unit: 'hour' | 'day'; buckets: ArrivalBucket[] };
    /** A first response recorded. */
    answered: number;
    withDeadline: number;
    /** By the reports page's rule: answered after the deadline, or not answered and the deadline has passed. */
    missedDeadlines: number;
    /** Passed their respond-by time (deadline or office target) without a response, as the desk was told. */
    breaches: number;
  };
  lines: {
    /** Seconds from the declaration to the first holding line; null when none was given. */
    firstHoldingAfterSeconds: number | null;
    firstHoldingAt: string | null;
    /** Different journalists (contacts) sent at least one line; and at least one holding line. */
    journalistsReached: number;
    journalistsGotHolding: number;
    given: Array<{ kind: IncidentLineKind; createdAt: string; createdBy: string; recipients: number }>;
  };
  /**
   * The release decision of every response recorded on its enquiries (issue 26, item 4), oldest
   * first: what was withheld and why, who decided. The words are gone after an erasure; the
   * reasons stay.
   */
  decisions: Array<{
    reference: string;
    recordedAt: string;
    reasons: string[];
    withheld: string | null;
    decidedBy: string;
    releasedToPage: boolean;
  }>;
}

/** Builds the per-incident report from SQL. */
export class IncidentReports {
  constructor(private readonly deps: { db: Db; clock: Clock; config: Pick<Config, 'office'> }) {}

  /** The report of incident `id`; null when there is no such incident. */
  async report(id: string): Promise<IncidentReport | null> {
    if (!isRowIdDigits(id)) return null;
    const { db } = this.deps;
    const incident = await repo.findIncident(db, id);
    if (!incident) return null;
    const zone = this.deps.config.office.timezone;
    const [totals, channels, hours, given, reached, decisions] = await Promise.all([
      repo.enquiryTotals(db, id, this.deps.clock()),
      repo.byChannel(db, id),
      repo.byHour(db, id, zone),
      repo.linesGiven(db, id),
      repo.journalistsReached(db, id),
      decisionsIn(db, { incidentId: id }),
    ]);
    const byChannel = Object.fromEntries(
      ENQUIRY_CHANNELS.map((c) => [c, channels.find((x) => x.channel === c)?.n ?? 0]),
    ) as Record<EnquiryChannel, number>;
    const firstHolding = given.find((l) => l.kind === 'holding') ?? null;
    return {
      incident: {
        id: incident.id,
        name: incident.name,
        declaredAt: incident.declared_at.toISOString(),
        declaredBy: incident.declared_by,
        acknowledgedAt: incident.acknowledged_at?.toISOString() ?? null,
        closedAt: incident.closed_at?.toISOString() ?? null,
      },
      enquiries: {
        total: totals.total,
        byChannel,
        arrivals: arrivalBuckets(hours, zone),
        answered: totals.answered,
        withDeadline: totals.with_deadline,
        missedDeadlines: totals.missed,
        breaches: totals.breached,
      },
      lines: {
        firstHoldingAfterSeconds: firstHolding
          ? Math.round((firstHolding.created_at.getTime() - incident.declared_at.getTime()) / 1000)
          : null,
        firstHoldingAt: firstHolding?.created_at.toISOString() ?? null,
        journalistsReached: reached.any,
        journalistsGotHolding: reached.holding,
        given: given.map((l) => ({
          kind: l.kind,
          createdAt: l.created_at.toISOString(),
          createdBy: l.created_by,
          recipients: l.recipients,
        })),
      },
      decisions: decisions.map((d) => ({
        reference: d.reference,
        recordedAt: d.recorded_at.toISOString(),
        reasons: d.reasons,
        withheld: d.withheld,
        decidedBy: d.decided_by,
        releasedToPage: d.released_to_page,
      })),
    };
  }
}

/**
 * Hourly counts (non-empty hours, ascending) as a gap-free series from the first to the last
 * hour, zero where nothing came (a lull shows as a lull); by office-time day when that is more
 * than MAX_HOURLY_BUCKETS hours.
 */
export function arrivalBuckets(
  hours: Array<{ hour: Date; n: number }>,
  zone: string,
): { unit: 'hour' | 'day'; buckets: ArrivalBucket[] } {
  if (!hours.length) return { unit: 'hour', buckets: [] };
  const first = hours[0].hour.getTime();
  const last = hours[hours.length - 1].hour.getTime();
  // Hours as elapsed time: an office zone's hours are whole hours of UTC (true of the UK's).
  const span = Math.round((last - first) / 3_600_000) + 1;
  const unit = span > MAX_HOURLY_BUCKETS ? 'day' : 'hour';
  const counts = new Map<number, number>();
  for (const h of hours) {
    const key = unit === 'hour' ? h.hour.getTime() : DateTime.fromJSDate(h.hour, { zone }).startOf('day').toMillis();
    counts.set(key, (counts.get(key) ?? 0) + h.n);
  }
  const buckets: ArrivalBucket[] = [];
  let at = DateTime.fromMillis(first, { zone });
  if (unit === 'day') at = at.startOf('day');
  const end = unit === 'hour' ? last : DateTime.fromMillis(last, { zone }).startOf('day').toMillis();
  while (at.toMillis() <= end) {
    buckets.push({
      start: at.toUTC().toISO()!,
      label: at.setLocale('en-GB').toFormat(unit === 'hour' ? 'ccc d LLL HH:mm' : 'ccc d LLL'),
      n: counts.get(at.toMillis()) ?? 0,
    });
    // Luxon adds hours as elapsed time and days as calendar days, as each bucket needs.
    at = unit === 'hour' ? at.plus({ hours: 1 }) : at.plus({ days: 1 });
  }
  return { unit, buckets };
}
