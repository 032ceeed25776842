import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { csvText } from '../http/csv.js';
import { AppError } from '../http/errors.js';
import * as repo from './topic-report.repository.js';

/** How many months the report shows when not told (`months`), and the most it shows. */
export const DEFAULT_MONTHS = 6;
export const MAX_MONTHS = 24;
/** Outlets with their own rows (by enquiries received in the months shown); the rest are "Other outlets". */
export const TOP_OUTLETS = 20;

/** One month of the report, in office time. `partial`: it is the current month, counted up to now. */
export interface MonthColumn {
  month: string;
  label: string;
  from: string;
  to: string;
  partial: boolean;
}

/** A group's measures with the share of respond-by times met (of those met or missed; null when none). */
export type Measures = repo.GroupMeasures & {
  respondBy: repo.GroupMeasures['respondBy'] & { shareMet: number | null };
};

/** A group's measures in one month, with the change in enquiries received from the month before. */
export type MonthMeasures = Measures & { month: string; receivedChange: number };

/** One row group of the report: a topic, "No topic", an outlet, "Other outlets", or every enquiry. */
export interface ReportGroup {
  key: string;
  name: string;
  /** A topic since archived (still counted for the enquiries it has). */
  archived?: boolean;
  /** One entry per month shown, oldest first. */
  months: MonthMeasures[];
  /** Over every month shown. */
  all: Measures;
}

/** The report by topic and outlet. */
export interface TopicReport {
  months: MonthColumn[];
  /** Office time zone of the month boundaries. */
  timezone: string;
  /** Each topic (an enquiry with two topics counts under both), then "No topic". */
  topics: ReportGroup[];
  /** The outlets with most enquiries in the months shown (at most TOP_OUTLETS), then "Other outlets". */
  outlets: ReportGroup[];
  /** Every enquiry once. */
  total: ReportGroup;
}

const EMPTY: repo.GroupMeasures = {
  received: 0,
  answered: 0,
  firstResponseWorking: { n: 0, median: null, p90: null },
  respondBy: { met: 0, missed: 0, notOwed: 0 },
  linesUsed: 0,
  answeredWithLine: 0,
  referredFoi: 0,
  referredOther: 0,
  notMedia: 0,
  duplicate: 0,
};

/** Adds the share met to a group's measures. */
function measures(m: repo.GroupMeasures): Measures {
  const judged = m.respondBy.met + m.respondBy.missed;
  return { ...m, respondBy: { ...m.respondBy, shareMet: judged ? m.respondBy.met / judged : null } };
}

/** Minutes to a tenth from seconds (null stays null), as the CSV exports give durations. */
function minutes(seconds: number | null): number | null {
  return seconds === null ? null : Math.round(seconds / 6) / 10;
}

/**
 * Volumes, response times in office time, respond-by times met, lines used and outcomes, by topic
 * and by outlet, month by month (issue 28, item 6). Two queries a report, in SQL.
 */
export class TopicReportService {
  constructor(private readonly deps: { db: Db; clock: Clock; config: Pick<Config, 'office' | 'onCall'> }) {}

  /**
   * How many months `text` asks for: blank or absent is DEFAULT_MONTHS; a whole number 1 to
   * MAX_MONTHS. AppError('validation') on `months` for anything else.
   */
  months(text?: string | null): number {
    const t = (text ?? '').trim();
    if (t === '') return DEFAULT_MONTHS;
    const n = /^\d{1,2}$/.test(t) ? Number(t) : Number.NaN;
    if (!(n >= 1 && n <= MAX_MONTHS))
      throw new AppError('validation', 'Check the number of months', {
        fields: { months: `Enter a number of months from 1 to ${MAX_MONTHS}` },
      });
    return n;
  }

  /**
   * The report over the last `n` months in office time (the current month, counted up to now, and
   * the `n - 1` before it), of every enquiry, or only those assigned to `assignedTo`.
   */
  async report(n: number, assignedTo: string | null): Promise<TopicReport> {
    const zone = this.deps.config.office.timezone;
    const now = this.deps.clock();
    const current = DateTime.fromJSDate(now).setZone(zone).startOf('month');
    const first = current.minus({ months: n - 1 });
    const columns: MonthColumn[] = Array.from({ length: n }, (_, i) => {
      const start = first.plus({ months: i });
      return {
        month: start.toFormat('yyyy-MM'),
        label: start.setLocale('en-GB').toFormat('LLLL yyyy'),
        from: start.toJSDate().toISOString(),
        to: start.plus({ months: 1 }).toJSDate().toISOString(),
        partial: i === n - 1,
      };
    });
    // The month before the first is read too, for the first month's change in volume.
    const before = first.minus({ months: 1 }).toFormat('yyyy-MM');
    const s: repo.MonthsScope = {
      from: first.minus({ months: 1 }).toJSDate(),
      to: current.plus({ months: 1 }).toJSDate(),
      shownFrom: first.toJSDate(),
      timezone: zone,
      assignedTo,
      fallbackNumber: this.deps.config.onCall.fallbackNumber,
      now,
    };
    const [topicRows, names, outlets] = await Promise.all([
      repo.byTopic(this.deps.db, s),
      repo.topicNames(this.deps.db),
      repo.byOutlet(this.deps.db, s, TOP_OUTLETS),
    ]);

    const group = (rows: repo.GroupRow[], key: string, name: string): ReportGroup => {
      const mine = rows.filter((r) => r.key === key);
      const inMonth = (m: string) => mine.find((r) => r.month === m) ?? EMPTY;
      let previous = inMonth(before).received;
      return {
        key,
        name,
        months: columns.map((c) => {
          const m = inMonth(c.month);
          const change = m.received - previous;
          previous = m.received;
          return { ...measures(m), month: c.month, receivedChange: change };
        }),
        all: measures(mine.find((r) => r.month === null) ?? EMPTY),
      };
    };
    const counted = new Set(topicRows.filter((r) => r.month === null && r.received > 0).map((r) => r.key));
    const topics: ReportGroup[] = names
      .filter((t) => !t.archived || counted.has(t.id))
      .map((t) => ({ ...group(topicRows, t.id, t.name), archived: t.archived }));
    topics.push(group(topicRows, repo.NO_TOPIC_KEY, 'No topic'));

    const outletGroups = [...outlets.names.keys()].map((k) =>
      group(outlets.rows, k, outlets.names.get(k) || '(no outlet given)'),
    );
    outletGroups.sort((a, b) => b.all.received - a.all.received || a.key.localeCompare(b.key));
    const other = group(outlets.rows, repo.OTHER_OUTLETS_KEY, 'Other outlets');
    if (other.all.received) outletGroups.push(other);

    return {
      months: columns,
      timezone: zone,
      topics,
      outlets: outletGroups,
      total: group(topicRows, repo.ALL_KEY, 'All enquiries'),
    };
  }

  /**
   * The report as CSV (UTF-8 with a byte-order mark, CRLF, formula-looking text defused): one row
   * per group and month, and one per group over every month shown (`month` "all"); durations in
   * minutes of office time to a tenth, shares as fractions.
   */
  csv(r: TopicReport): string {
    const header = [
      'dimension',
      'group',
      'month',
      'received',
      'received_change',
      'answered',
      'first_response_working_median_minutes',
      'first_response_working_p90_minutes',
      'respond_by_met',
      'respond_by_missed',
      'respond_by_share_met',
      'respond_by_not_owed',
      'lines_used',
      'answered_with_line',
      'referred_foi',
      'referred_other',
      'not_media',
      'duplicate',
    ];
    const line = (dimension: string, g: ReportGroup, month: string, m: Measures, change: number | null) => [
      dimension,
      g.name,
      month,
      m.received,
      change,
      m.answered,
      minutes(m.firstResponseWorking.median),
      minutes(m.firstResponseWorking.p90),
      m.respondBy.met,
      m.respondBy.missed,
      m.respondBy.shareMet === null ? null : Math.round(m.respondBy.shareMet * 10_000) / 10_000,
      m.respondBy.notOwed,
      m.linesUsed,
      m.answeredWithLine,
      m.referredFoi,
      m.referredOther,
      m.notMedia,
      m.duplicate,
    ];
    const rows: unknown[][] = [];
    const add = (dimension: string, g: ReportGroup) => {
      for (const m of g.months) rows.push(line(dimension, g, m.month, m, m.receivedChange));
      rows.push(line(dimension, g, 'all', g.all, null));
    };
    for (const g of r.topics) add('topic', g);
    for (const g of r.outlets) add('outlet', g);
    add('total', r.total);
    return csvText(header, rows);
  }
}
