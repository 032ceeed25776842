import { csvCell, officeIso } from '../http/csv.js';
import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { ENQUIRY_CHANNELS, type EnquiryChannel } from '../enquiries/enquiry.model.js';
import { openingPeriods } from '../hours/office-hours.js';
import { AppError } from '../http/errors.js';
import * as repo from './reports.repository.js';
import * as signOffRepo from './signoff-report.repository.js';

/** Which period a report covers, as chosen on the page. */
export type PeriodChoice = { kind: 'week' } | { kind: '4weeks' } | { kind: 'custom'; from: string; to: string };

export type Figures = Awaited<ReturnType<ReportsService['figures']>>;

/** The most overrides of sign-off the report lists (newest first); it says how many more there were. */
export const OVERRIDES_LISTED = 100;

// The calendar table reaches this far back and ahead of "now": reports over older periods count
// working time as zero, so the window is wide.
const CALENDAR_PAST_DAYS = 3 * 366;
const CALENDAR_FUTURE_DAYS = 400;

/** Figures on how fast the office answers and where the backlog is, computed in SQL. */
export class ReportsService {
  constructor(private readonly deps: { db: Db; clock: Clock; config: Pick<Config, 'office' | 'onCall'> }) {}

  /**
   * Writes the office calendar (opening periods from the same rules intake uses) into the
   * database for working-time figures. Run at start and daily; cheap (about 2,000 rows).
   */
  async syncCalendar(): Promise<number> {
    const now = this.deps.clock();
    const periods = openingPeriods(
      new Date(now.getTime() - CALENDAR_PAST_DAYS * 86_400_000),
      new Date(now.getTime() + CALENDAR_FUTURE_DAYS * 86_400_000),
      this.deps.config.office,
    );
    await repo.replaceOfficePeriods(this.deps.db, periods);
    return periods.length;
  }

  /**
   * Resolves a period choice to instants in office time: this week (Monday 00:00 to now), the
   * last 4 weeks (28 days to now), or whole custom days `from`..`to` inclusive. Throws a
   * validation error naming the field for bad dates.
   */
  period(choice: PeriodChoice): { from: Date; to: Date; label: string } {
    const zone = this.deps.config.office.timezone;
    const now = DateTime.fromJSDate(this.deps.clock()).setZone(zone);
    if (choice.kind === 'week') return { from: now.startOf('week').toJSDate(), to: now.toJSDate(), label: 'This week' };
    if (choice.kind === '4weeks')
      return { from: now.startOf('day').minus({ days: 27 }).toJSDate(), to: now.toJSDate(), label: 'Last 4 weeks' };
    const from = DateTime.fromISO(choice.from, { zone });
    const to = DateTime.fromISO(choice.to, { zone });
    const fields: Record<string, string> = {};
    if (!/^\d{4}-\d{2}-\d{2}$/.test(choice.from) || !from.isValid) fields.from = 'Enter a start date like 2026-11-02';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(choice.to) || !to.isValid) fields.to = 'Enter an end date like 2026-11-29';
    if (!fields.from && !fields.to && to < from) fields.to = 'The end date must be on or after the start date';
    if (!fields.from && !fields.to && to.diff(from, 'days').days > 800)
      fields.to = 'Choose a period of at most two years';
    if (Object.keys(fields).length) throw new AppError('validation', 'Check the dates', { fields });
    return {
      from: from.startOf('day').toJSDate(),
      to: to.plus({ days: 1 }).startOf('day').toJSDate(),
      label: `${choice.from} to ${choice.to}`,
    };
  }

  private scope(from: Date, to: Date, assignedTo: string | null): repo.ReportScope {
    return {
      from,
      to,
      timezone: this.deps.config.office.timezone,
      assignedTo,
      fallbackNumber: this.deps.config.onCall.fallbackNumber,
      now: this.deps.clock(),
    };
  }

  /**
   * Every figure of the reports page for [from, to), optionally only one officer's enquiries.
   * Enquiry figures cover those received in the period; chases, pages and deadline warnings and
   * breaches count what happened in it; questions to colleagues, those asked in it; sign-off,
   * the requests sent, the responses released and the overrides in it.
   */
  async figures(from: Date, to: Date, assignedTo: string | null) {
    const s = this.scope(from, to, assignedTo);
    const [
      received,
      timings,
      missedList,
      backlog,
      trend,
      pages,
      chases,
      alerts,
      colleagues,
      approvers,
      released,
      overrides,
      outcomes,
    ] = await Promise.all([
      repo.received(this.deps.db, s),
      repo.timings(this.deps.db, s),
      repo.missedDeadlines(this.deps.db, s),
      repo.backlogByAge(this.deps.db, s),
      repo.openTrend(this.deps.db, s),
      repo.pages(this.deps.db, s),
      repo.chases(this.deps.db, s),
      repo.deadlineAlerts(this.deps.db, s),
      repo.waitingOnColleagues(this.deps.db, s),
      signOffRepo.timeInSignOff(this.deps.db, s),
      signOffRepo.releasedBySignOff(this.deps.db, s),
      signOffRepo.overrides(this.deps.db, s, OVERRIDES_LISTED),
      repo.outcomes(this.deps.db, s),
    ]);
    // By language (issue 31) only where there is a choice: an English-only office's figures are as before.
    const languages = this.deps.config.office.languages;
    const byLanguage =
      languages.length > 1
        ? await repo
            .receivedByLanguage(this.deps.db, s)
            .then((rows) => Object.fromEntries(languages.map((l) => [l, rows.find((r) => r.language === l)?.n ?? 0])))
        : null;
    const { firstResponse, close } = timings;
    const deadlines = { ...timings.deadlines, missedList };

    const byChannel = Object.fromEntries(ENQUIRY_CHANNELS.map((c) => [c, 0])) as Record<EnquiryChannel, number>;
    let inHours = 0;
    let outOfHours = 0;
    for (const t of received.totals) {
      byChannel[t.channel] += t.n;
      if (t.out_of_hours) outOfHours += t.n;
      else inHours += t.n;
    }
    const byHour = Array.from({ length: 24 }, (_, hour) => ({
      hour,
      n: received.byHour.find((x) => x.hour === hour)?.n ?? 0,
    }));
    const judged = deadlines.met + deadlines.missed;
    return {
      period: { from: from.toISOString(), to: to.toISOString() },
      received: {
        total: inHours + outOfHours,
        byChannel,
        ...(byLanguage ? { byLanguage } : {}),
        inHours,
        outOfHours,
        byDay: received.byDay,
        byHour,
      },
      firstResponse,
      close,
      deadlines: {
        met: deadlines.met,
        missed: deadlines.missed,
        pending: deadlines.pending,
        withdrawnBeforeDeadline: deadlines.withdrawnBeforeDeadline,
        // With a deadline, closed as a referral, not a media enquiry or a duplicate: neither met nor missed (repo.NOT_OWED).
        notOwed: deadlines.notOwed,
        shareMet: judged ? deadlines.met / judged : null,
        missedList: deadlines.missedList,
        // Announced in the period (src/deadlines), whenever the enquiry arrived: near its respond-by
        // time with no response, and past it.
        warnings: alerts.warnings,
        breaches: alerts.breaches,
      },
      // Of the enquiries received in the period; see repo.timings for how they are kept out of the other figures.
      withdrawn: timings.withdrawn,
      // How the enquiries received in the period ended (issue 28): each outcome, and those without one
      // (not recorded: closed before outcomes were kept; withdrawn; erased while open; still open).
      outcomes,
      backlog: { byAge: backlog, open: backlog.reduce((a, b) => a + b.n, 0), trend },
      pages,
      chases: {
        total: chases.total,
        enquiries: chases.enquiries,
        byRoute: {
          statusPage: chases.byKind.journalist_added,
          sms: chases.byKind.sms_in,
          email: chases.byKind.email_in,
        },
        byDay: chases.byDay,
      },
      // Questions asked of colleagues outside the desk in the period, once per colleague asked, by
      // department ('' none given, null not recorded: the colleague was erased) and in total.
      colleagues: { byDepartment: colleagues.byDepartment.map(waitFigures), total: waitFigures(colleagues.total) },
      signOff: {
        // Requests sent in the period, by approver (null: erased from the directory) and in total.
        byApprover: approvers.byApprover.map(approverFigures),
        total: approverFigures(approvers.total),
        // The share is of the releases that needed sign-off (approved or overridden): the ones
        // that needed none, or whose entry predates the outcome, say nothing about sign-off.
        released: {
          ...released,
          shareApproved:
            released.approved + released.overridden
              ? released.approved / (released.approved + released.overridden)
              : null,
        },
        overrides: { total: overrides.total, list: overrides.list, more: overrides.total - overrides.list.length },
      },
    };
  }

  /**
   * The CSV export: one row per enquiry received in the period, UTF-8. Times are office time
   * (ISO 8601 with their UTC offset, the zone named in the header: a press office reads its day
   * in its own time, and the offset keeps the autumn's repeated hour unambiguous); durations are
   * in minutes (to a tenth), the header saying so.
   */
  async *csv(from: Date, to: Date, assignedTo: string | null): AsyncGenerator<string> {
    const s = this.scope(from, to, assignedTo);
    const zone = this.deps.config.office.timezone;
    const times = ['received_at', 'deadline', 'respond_by', 'first_response_at', 'closed_at', 'resolved_at'];
    const minutes = {
      first_response_minutes: 'first_response_seconds',
      first_response_working_minutes: 'first_response_working_seconds',
    } as const;
    const columns = [
      'reference',
      'channel',
      // Issue 31: only where the office offers a choice, so an English-only office's export is unchanged.
      ...(this.deps.config.office.languages.length > 1 ? ['language'] : []),
      'status',
      'urgent',
      'urgent_reason',
      'out_of_hours',
      ...times,
      'assigned_to',
      'outlet',
      'subject',
      ...Object.keys(minutes),
      'deadline_outcome',
      'page_status',
      'page_acknowledged_at',
      'outcome',
      'outcome_org',
    ];
    const isTime = (c: string) => times.includes(c) || c === 'page_acknowledged_at';
    const header = columns.map((c) => (isTime(c) ? `${c} (${zone})` : c));
    const cell = (row: Record<string, unknown>, c: string): unknown => {
      if (c in minutes) {
        const secs = row[minutes[c as keyof typeof minutes]];
        return secs === null || secs === undefined ? null : Math.round(Number(secs) / 6) / 10;
      }
      const v = row[c];
      return isTime(c) && v instanceof Date ? officeIso(v, zone) : v;
    };
    // A byte-order mark so spreadsheet programs read the UTF-8 correctly.
    yield `\uFEFF${header.map(csvCell).join(',')}\r\n`;
    let after: string | null = null;
    for (;;) {
      const rows = await repo.enquiriesForExport(this.deps.db, s, after, 1000);
      if (!rows.length) return;
      let chunk = '';
      for (const row of rows) chunk += `${columns.map((c) => csvCell(cell(row, c))).join(',')}\r\n`;
      yield chunk;
      after = rows[rows.length - 1].id;
    }
  }
}

/** Minutes to a tenth, as the CSV gives durations (null stays null). */
function tenths(minutes: number | null): number | null {
  return minutes === null ? null : Math.round(minutes * 10) / 10;
}

/** An approver's line of the time-in-sign-off figures, its times in minutes to a tenth. */
function approverFigures(r: signOffRepo.ApproverRow): signOffRepo.ApproverRow {
  const t = r.toDecision;
  return { ...r, toDecision: { n: t.n, medianMinutes: tenths(t.medianMinutes), p90Minutes: tenths(t.p90Minutes) } };
}

/** A department's line of the waiting-on-colleagues figures, its times in minutes to a tenth. */
function waitFigures(r: repo.ColleagueWaitRow): repo.ColleagueWaitRow {
  const t = r.toFirstAnswer;
  return { ...r, toFirstAnswer: { n: t.n, medianMinutes: tenths(t.medianMinutes), p90Minutes: tenths(t.p90Minutes) } };
}
