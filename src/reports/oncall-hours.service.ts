import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { bankHolidayName } from '../hours/office-hours.js';
import { csvText, officeIso } from '../http/csv.js';
import { AppError } from '../http/errors.js';
import * as repo from './oncall-hours.repository.js';

/** The month a report covers, in office time: `YYYY-MM`, its first instant and the first instant of the next month. */
export interface ReportMonth {
  month: string;
  label: string;
  from: Date;
  to: Date;
}

/** One acknowledged callout: when, which enquiry, how, and minutes from the page reaching them to the acknowledgement. */
export interface Callout {
  at: Date;
  reference: string;
  via: string;
  minutesToAck: number | null;
}

/** One person's line of the month: hours to a hundredth, counted in real elapsed time. */
export interface PersonMonth {
  personId: string;
  name: string;
  /** Still on the staff list (someone who has left is still counted for the time they held). */
  active: boolean;
  primaryHours: number;
  nights: number;
  weekendHours: number;
  bankHolidayHours: number;
  backupHours: number;
  pagesReceived: number;
  callouts: Callout[];
}

/** The on-call hours report of one month. */
export interface OnCallHours {
  month: ReportMonth;
  /** Where the hours stop: the end of the month, or now while the month is still running (the rota ahead may yet change). */
  until: Date;
  people: PersonMonth[];
}

/** Where the small hours of a night end, in office time: a night is held when any of 00:00 to this hour is. */
export const NIGHT_ENDS_HOUR = 6;

const HOUR = 3_600_000;

/** A stretch [from, to) in epoch ms during which one person held one role. */
export interface HeldSpan {
  personId: string;
  role: 'primary' | 'backup';
  from: number;
  to: number;
}

/**
 * The rule for which of several overlapping entries holds a role, copied from RotaService
 * (src/oncall/rota.service.ts, `pick` and `outranks`, which `schedule()` and `onCallAt()` apply):
 * an override beats a shift, then the most recently created wins (created_at, then the larger
 * id). Reports may not import src/oncall (folder order), so it is repeated here; a scenario test
 * (test/scenarios/reports-oncall-hours.test.ts) checks the two agree.
 */
function outranks(a: repo.HeldEntry, b: repo.HeldEntry): boolean {
  if (a.isOverride !== b.isOverride) return a.isOverride;
  const byTime = a.createdAt.getTime() - b.createdAt.getTime();
  if (byTime !== 0) return byTime > 0;
  return BigInt(a.id) > BigInt(b.id);
}

/**
 * Who held each role over [from, to), as `schedule()` works it out: the entries' starts and ends
 * cut the period, and between two cuts the rule above picks one entry per role. Time nobody held
 * (the out-of-hours line answered) is left out.
 */
export function heldSpans(entries: readonly repo.HeldEntry[], from: Date, to: Date): HeldSpan[] {
  const f = from.getTime();
  const t = to.getTime();
  const live = entries.filter((e) => e.endsAt.getTime() > e.startsAt.getTime());
  const cuts = new Set<number>([f, t]);
  for (const e of live) for (const ms of [e.startsAt.getTime(), e.endsAt.getTime()]) if (ms > f && ms < t) cuts.add(ms);
  const times = [...cuts].sort((a, b) => a - b);
  const spans: HeldSpan[] = [];
  const lastOf: Partial<Record<HeldSpan['role'], HeldSpan>> = {};
  for (let i = 0; i + 1 < times.length; i++) {
    const start = times[i];
    const covering = live.filter((e) => e.startsAt.getTime() <= start && start < e.endsAt.getTime());
    for (const role of ['primary', 'backup'] as const) {
      let best: repo.HeldEntry | undefined;
      for (const e of covering) if (e.role === role && (!best || outranks(e, best))) best = e;
      if (!best) continue;
      const last = lastOf[role];
      if (last && last.personId === best.personId && last.to === start) last.to = times[i + 1];
      else {
        const span: HeldSpan = { personId: best.personId, role, from: start, to: times[i + 1] };
        spans.push(span);
        lastOf[role] = span;
      }
    }
  }
  return spans;
}

/** Hours to a hundredth from milliseconds. */
function hours(ms: number): number {
  return Math.round(ms / (HOUR / 100)) / 100;
}

/**
 * The on-call hours report (issue 27, item 7): per person and month, the hours held as primary
 * (with nights, weekend and bank-holiday hours among them), hours as backup, pages received and
 * callouts acknowledged, for allowances and for rest after a bad night. Everything is in office
 * time and counted in real hours: the October night the clocks go back is an hour longer.
 */
export class OnCallHoursService {
  constructor(private readonly deps: { db: Db; clock: Clock; config: Pick<Config, 'office'> }) {}

  /**
   * The month `text` names (`YYYY-MM`), or the previous month in office time when it is absent or
   * blank. AppError('validation') on `month` for anything else.
   */
  month(text?: string | null): ReportMonth {
    const zone = this.deps.config.office.timezone;
    let start: DateTime;
    if (text === undefined || text === null || text.trim() === '') {
      start = DateTime.fromJSDate(this.deps.clock()).setZone(zone).startOf('month').minus({ months: 1 });
    } else {
      start = DateTime.fromFormat(text.trim(), 'yyyy-MM', { zone });
      if (!/^\d{4}-\d{2}$/.test(text.trim()) || !start.isValid || start.year < 2000 || start.year > 2999)
        throw new AppError('validation', 'Check the month', { fields: { month: 'Enter a month like 2026-11' } });
    }
    return {
      month: start.toFormat('yyyy-MM'),
      label: start.setLocale('en-GB').toFormat('LLLL yyyy'),
      from: start.toJSDate(),
      to: start.plus({ months: 1 }).toJSDate(),
    };
  }

  /**
   * Every person who held the rota, was paged or acknowledged a page in `m`, by name. Hours are
   * those held up to the end of the month, or up to now in the current month: a shift still
   * ahead has not been worked (and a future month has no hours yet).
   */
  async report(m: ReportMonth): Promise<OnCallHours> {
    const { db } = this.deps;
    const office = this.deps.config.office;
    const until = new Date(Math.max(m.from.getTime(), Math.min(m.to.getTime(), this.deps.clock().getTime())));
    const [entries, pages, acks] = await Promise.all([
      until > m.from ? repo.heldEntriesBetween(db, m.from, until) : Promise.resolve([]),
      repo.pagesReceived(db, m.from, m.to),
      repo.acknowledgementsBetween(db, m.from, m.to),
    ]);
    const tally = new Map<
      string,
      { primary: number; backup: number; weekend: number; holiday: number; nights: Set<string> }
    >();
    const of = (id: string) => {
      let t = tally.get(id);
      if (!t) {
        t = { primary: 0, backup: 0, weekend: 0, holiday: 0, nights: new Set() };
        tally.set(id, t);
      }
      return t;
    };
    for (const span of until > m.from ? heldSpans(entries, m.from, until) : []) {
      const t = of(span.personId);
      if (span.role === 'backup') {
        t.backup += span.to - span.from;
        continue;
      }
      t.primary += span.to - span.from;
      // Day by office-zone day: a day's length is whatever the zone says (23 or 25 hours at a change).
      let day = DateTime.fromMillis(span.from, { zone: office.timezone }).startOf('day');
      while (day.toMillis() < span.to) {
        const next = day.plus({ days: 1 });
        const held = Math.min(span.to, next.toMillis()) - Math.max(span.from, day.toMillis());
        if (day.weekday >= 6) t.weekend += held;
        if (bankHolidayName(day, office)) t.holiday += held;
        const nightEnd = day.set({ hour: NIGHT_ENDS_HOUR }).toMillis();
        if (span.from < nightEnd && span.to > day.toMillis()) t.nights.add(day.toISODate() ?? '');
        day = next;
      }
    }
    const pagesBy = new Map(pages.map((p) => [p.personId, p.n]));
    const ids = [...new Set([...tally.keys(), ...pagesBy.keys(), ...acks.map((a) => a.personId)])];
    const people = await repo.peopleByIds(db, ids);
    const rows = people.map((p): PersonMonth => {
      const t = tally.get(p.id);
      return {
        personId: p.id,
        name: p.name,
        active: p.active,
        primaryHours: hours(t?.primary ?? 0),
        nights: t?.nights.size ?? 0,
        weekendHours: hours(t?.weekend ?? 0),
        bankHolidayHours: hours(t?.holiday ?? 0),
        backupHours: hours(t?.backup ?? 0),
        pagesReceived: pagesBy.get(p.id) ?? 0,
        callouts: acks
          .filter((a) => a.personId === p.id)
          .map((a) => ({
            at: a.acknowledgedAt,
            reference: a.reference,
            via: a.via,
            minutesToAck: a.firstSentAt
              ? Math.round((a.acknowledgedAt.getTime() - a.firstSentAt.getTime()) / 6_000) / 10
              : null,
          })),
      };
    });
    rows.sort((a, b) => a.name.localeCompare(b.name, 'en-GB') || Number(BigInt(a.personId) - BigInt(b.personId)));
    return { month: m, until, people: rows };
  }

  /**
   * The report as CSV (UTF-8 with a byte-order mark, CRLF, formula-looking text defused like the
   * other exports): one row per person, hours as decimals, the acknowledgement times in office
   * time with their offset (the zone named in the header), separated by "; ".
   */
  async csv(m: ReportMonth): Promise<string> {
    const zone = this.deps.config.office.timezone;
    const { people } = await this.report(m);
    const header = [
      'month',
      'person_id',
      'person',
      'primary_hours',
      'nights',
      'weekend_hours',
      'bank_holiday_hours',
      'backup_hours',
      'pages_received',
      'callouts_acknowledged',
      `acknowledged_at (${zone})`,
    ];
    return csvText(
      header,
      people.map((p) => [
        m.month,
        p.personId,
        p.name,
        p.primaryHours,
        p.nights,
        p.weekendHours,
        p.bankHolidayHours,
        p.backupHours,
        p.pagesReceived,
        p.callouts.length,
        p.callouts.map((c) => officeIso(c.at, zone)).join('; '),
      ]),
    );
  }
}
