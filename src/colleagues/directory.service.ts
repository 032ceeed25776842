import { DateTime } from 'luxon';
import { audit, type Actor } from '../audit/audit.repository.js';
import type { Clock } from '../clock.js';
import type { Config, OfficeConfig } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import { AppError } from '../http/errors.js';
import type { Colleague, WeekHours } from './colleagues.tables.js';
import * as repo from './directory.repository.js';
import {
  colleagueForm,
  type ColleagueErrors,
  type ColleagueField,
  type ColleagueForm,
  type HoursChoice,
  weekOf,
} from './directory.forms.js';
import { questionsOfColleague } from './questions.repository.js';

/** What the add or edit form sent, before it is checked (`hours`: any, office, weekdays or keep). */
export type ColleagueInput = Partial<Record<ColleagueField, string>>;

/** The retention sweep's name in the audit log. */
const RETENTION: Actor = { userId: null, email: 'retention' };

/** Colleagues erased per transaction by the retention sweep. */
const SWEEP_BATCH = 100;

const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const DAY_LABEL = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' } as const;

type Day = (typeof WEEK)[number];
type Intervals = ReadonlyArray<readonly [string, string]>;

function sameIntervals(a: Intervals, b: Intervals): boolean {
  return a.length === b.length && a.every(([x, y], i) => x === b[i][0] && y === b[i][1]);
}

function sameWeek(week: WeekHours, other: OfficeConfig['hours']): boolean {
  return WEEK.every((d) => sameIntervals(week[d] ?? [], other[d] ?? []));
}

/** The same usual hours (jsonb keeps a week's days in its own order, so not by their JSON). */
function sameHours(a: WeekHours | null, b: WeekHours | null): boolean {
  return a === null || b === null ? a === b : sameWeek(a, b);
}

/** Monday to Friday one and the same interval, nothing at the weekend: that interval, else null. */
function weekdaysOnly(week: WeekHours): readonly [string, string] | null {
  const mon = week.mon ?? [];
  if (mon.length !== 1) return null;
  const workdays = (['tue', 'wed', 'thu', 'fri'] as const).every((d) => sameIntervals(week[d] ?? [], mon));
  return workdays && !(week.sat ?? []).length && !(week.sun ?? []).length ? mon[0] : null;
}

/**
 * A colleague's usual hours in a few words, for the directory and the ask form: "Any time" (null),
 * "Office hours" (the same week as the office's now), "Mon–Fri 08:00–16:00", or the days grouped
 * where they share their times ("Mon–Thu 09:00–17:00; Fri 09:00–16:30").
 */
export function describeHours(week: WeekHours | null, officeHours: OfficeConfig['hours']): string {
  if (week === null) return 'Any time';
  if (sameWeek(week, officeHours)) return 'Office hours';
  return describeWeek(week);
}

/** A week of hours in a few words, days grouped where they share their times: "Mon–Fri 09:00–17:00". */
export function describeWeek(week: OfficeConfig['hours']): string {
  const groups: Array<{ from: Day; to: Day; times: Intervals }> = [];
  for (const d of WEEK) {
    const times = week[d] ?? [];
    const last = groups[groups.length - 1];
    if (last && times.length && sameIntervals(last.times, times) && WEEK.indexOf(last.to) === WEEK.indexOf(d) - 1)
      last.to = d;
    else if (times.length) groups.push({ from: d, to: d, times });
  }
  if (!groups.length) return 'No usual hours';
  return groups
    .map((g) => {
      const days = g.from === g.to ? DAY_LABEL[g.from] : `${DAY_LABEL[g.from]}–${DAY_LABEL[g.to]}`;
      return `${days} ${g.times.map(([a, b]) => `${a}–${b}`).join(', ')}`;
    })
    .join('; ');
}

/**
 * The edit form's hours as stored, to fill it in again: `any`, `office`, `weekdays` with its
 * times, or `keep` when the stored week is none of these now (a copy of the office's hours as
 * they were, since changed in the configuration): saving then leaves it as it is.
 */
export function hoursChoiceOf(
  week: WeekHours | null,
  officeHours: OfficeConfig['hours'],
): { hours: HoursChoice; from: string; to: string } {
  if (week === null) return { hours: 'any', from: '', to: '' };
  if (sameWeek(week, officeHours)) return { hours: 'office', from: '', to: '' };
  const weekdays = weekdaysOnly(week);
  if (weekdays) return { hours: 'weekdays', from: weekdays[0], to: weekdays[1] };
  return { hours: 'keep', from: '', to: '' };
}

/** Who a duplicate mobile or email belongs to, for the message beside the field. */
function whoIs(c: Colleague): string {
  const what = [c.role, c.department].filter(Boolean).join(', ');
  return what ? `${c.name} (${what})` : c.name;
}

/** What a subject access request about a colleague gets: their directory entry and their part in questions. */
export interface ColleagueExport {
  exportedAt: string;
  colleague: {
    id: string;
    name: string;
    role: string;
    department: string;
    mobile: string | null;
    email: string | null;
    usualHours: WeekHours | null;
    usualHoursDescribed: string;
    active: boolean;
    createdAt: string;
    updatedAt: string;
  };
  questions: Awaited<ReturnType<typeof questionsOfColleague>>;
}

export interface DirectoryServiceDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'office' | 'retention'> & { twilio: Pick<Config['twilio'], 'allowedCountries'> };
  /**
   * The copies of a colleague that later features hold (their name on sign-off requests and
   * approvals: src/statements), forgotten in the erasure's transaction; wired in src/services.ts.
   */
  forgetElsewhere?: (tx: Tx, colleagueId: string) => Promise<void>;
}

/**
 * The directory of colleagues outside the desk (issue 26): people the press officers ask for
 * facts (an investigating officer, a duty inspector, a service head), kept by managers, who
 * never sign in. Each change is one transaction with its audit row, whose detail names the
 * colleague by id only. Erased on request, and `retention.monthsAfterClose` after they were
 * deactivated (daily, `sweep`); an erasure forgets them in the questions that copied their name
 * and address, and their answers stay on the enquiries, unsigned.
 */
export class DirectoryService {
  private readonly form: ColleagueForm;

  constructor(private readonly deps: DirectoryServiceDeps) {
    this.form = colleagueForm(deps.config.twilio.allowedCountries);
  }

  /** The directory: active colleagues first, by name. */
  list(): Promise<Colleague[]> {
    return repo.listColleagues(this.deps.db);
  }

  /** Colleagues who may be asked a question (the active ones), by name. */
  active(): Promise<repo.AskableColleague[]> {
    return repo.activeColleagues(this.deps.db);
  }

  /** The colleague with id `id`, or undefined. */
  find(id: string): Promise<Colleague | undefined> {
    return repo.findColleague(this.deps.db, id);
  }

  /** The colleague with id `id`; AppError('not_found') when there is none (never added, or erased). */
  async get(id: string): Promise<Colleague> {
    const c = await this.find(id);
    if (!c) throw notFound();
    return c;
  }

  /** `describeHours` with the office's hours. */
  describe(week: WeekHours | null): string {
    return describeHours(week, this.deps.config.office.hours);
  }

  /**
   * Adds a colleague. AppError('validation') naming every refused field (`colleagueForm`), and a
   * mobile or email address an active colleague already has (naming them).
   */
  async add(input: ColleagueInput, actor: Actor): Promise<Colleague> {
    const summary = 'The colleague could not be added';
    const details = this.check(input, null, summary);
    return this.settlingRaces(details, null, summary, async (tx, now) => {
      await this.refuseTakenContacts(tx, details, null, null, summary);
      const colleague = await repo.insertColleague(tx, details, now);
      await audit(tx, { at: now, actor, action: 'colleague.added', detail: { colleagueId: colleague.id } });
      return colleague;
    });
  }

  /**
   * Changes a colleague's details (every field of the form). The audit row names the fields that
   * changed, never their values.
   */
  async update(id: string, input: ColleagueInput, actor: Actor): Promise<Colleague> {
    const summary = 'The colleague could not be changed';
    const details = this.check(input, await this.get(id), summary);
    return this.settlingRaces(details, id, summary, async (tx, now) => {
      const old = await repo.lockColleague(tx, id);
      if (!old) throw notFound();
      // An inactive colleague's mobile and email are not held against anyone until reactivated.
      if (old.active) await this.refuseTakenContacts(tx, details, id, null, summary);
      const changed: string[] = (['name', 'role', 'department', 'mobile', 'email'] as const).filter(
        (k) => old[k] !== details[k],
      );
      if (!sameHours(old.usual_hours, details.usual_hours)) changed.push('usual_hours');
      // Saved as it was: nothing to write or audit (and an inactive colleague's retention runs on).
      if (!changed.length) return old;
      const colleague = await repo.updateColleague(tx, id, details, now);
      if (!colleague) throw notFound();
      await audit(tx, { at: now, actor, action: 'colleague.updated', detail: { colleagueId: id, changed } });
      return colleague;
    });
  }

  /** Takes a colleague out of the ask form (their questions stay). Retention counts from now. */
  deactivate(id: string, actor: Actor): Promise<Colleague> {
    return this.setActive(id, false, actor);
  }

  /**
   * Puts a deactivated colleague back; AppError('validation') on `active` when an active colleague
   * now has their mobile or email address.
   */
  reactivate(id: string, actor: Actor): Promise<Colleague> {
    return this.setActive(id, true, actor);
  }

  private async setActive(id: string, active: boolean, actor: Actor): Promise<Colleague> {
    const now = this.deps.clock();
    const run = () =>
      this.deps.db.transaction().execute(async (tx) => {
        const before = await repo.lockColleague(tx, id);
        if (!before) throw notFound();
        if (before.active === active) return before;
        if (active) await this.refuseTakenContacts(tx, before, id, 'active', 'The colleague could not be reactivated');
        const colleague = await repo.setColleagueActive(tx, id, active, now);
        if (!colleague) throw notFound();
        await audit(tx, {
          at: now,
          actor,
          action: active ? 'colleague.reactivated' : 'colleague.deactivated',
          detail: { colleagueId: id },
        });
        return colleague;
      });
    try {
      return await run();
    } catch (err) {
      // Two reactivations at once: the second meets the unique index, and is told as the check would.
      if (!repo.isDuplicateContact(err)) throw err;
      const c = await this.get(id);
      await this.refuseTakenContacts(this.deps.db, c, id, 'active', 'The colleague could not be reactivated');
      throw err;
    }
  }

  /**
   * Erases a colleague on request (their erasure or the office's decision): their row goes, and
   * the questions that copied their name and address forget them. AppError('not_found') when
   * there is no such colleague.
   */
  async erase(id: string, actor: Actor): Promise<void> {
    const now = this.deps.clock();
    await this.deps.db.transaction().execute(async (tx) => {
      if (!(await repo.lockColleague(tx, id))) throw notFound();
      await this.deps.forgetElsewhere?.(tx, id);
      await repo.eraseColleague(tx, id);
      await audit(tx, { at: now, actor, action: 'colleague.erased', detail: { colleagueId: id, by: 'request' } });
    });
  }

  /** Everything Press Desk holds about a colleague (their subject access request), recorded in the audit log. */
  async export(id: string, actor: Actor): Promise<ColleagueExport> {
    const now = this.deps.clock();
    return this.deps.db.transaction().execute(async (tx) => {
      const c = await repo.findColleague(tx, id);
      if (!c) throw notFound();
      const questions = await questionsOfColleague(tx, id);
      await audit(tx, {
        at: now,
        actor,
        action: 'colleague.exported',
        detail: { colleagueId: id, questions: questions.length },
      });
      return {
        exportedAt: now.toISOString(),
        colleague: {
          id: c.id,
          name: c.name,
          role: c.role,
          department: c.department,
          mobile: c.mobile,
          email: c.email,
          usualHours: c.usual_hours,
          usualHoursDescribed: this.describe(c.usual_hours),
          active: c.active,
          deactivatedAt: c.deactivated_at?.toISOString() ?? null,
          createdAt: c.created_at.toISOString(),
          updatedAt: c.updated_at.toISOString(),
        },
        questions,
      };
    });
  }

  /**
   * Retention: erases every colleague deactivated more than `retention.monthsAfterClose` months
   * ago (an edit since does not restart the count), each as an erasure on request is, audited as the retention
   * sweep. Idempotent, safe on several workers at once (a row is locked and checked again before
   * it goes). Returns how many were erased.
   */
  async sweep(): Promise<number> {
    const now = this.deps.clock();
    const cutoff = DateTime.fromJSDate(now).minus({ months: this.deps.config.retention.monthsAfterClose }).toJSDate();
    let total = 0;
    for (;;) {
      const ids = await repo.inactiveSince(this.deps.db, cutoff, SWEEP_BATCH);
      if (!ids.length) return total;
      const n = await this.deps.db.transaction().execute(async (tx) => {
        let erased = 0;
        for (const id of ids) {
          const c = await repo.lockColleague(tx, id);
          // Reactivated (or again deactivated later) or erased since it was listed: not due (or gone) after all.
          if (!c || c.active || !c.deactivated_at || c.deactivated_at >= cutoff) continue;
          await this.deps.forgetElsewhere?.(tx, id);
          await repo.eraseColleague(tx, id);
          await audit(tx, {
            at: now,
            actor: RETENTION,
            action: 'colleague.erased',
            detail: { colleagueId: id, by: 'retention', inactiveBefore: cutoff.toISOString() },
          });
          erased++;
        }
        return erased;
      });
      total += n;
      // Every one listed was taken by another worker or changed: the next list is theirs to see.
      if (n === 0) return total;
    }
  }

  /**
   * The form's values as stored, or AppError('validation') naming every refused field. `editing`:
   * the colleague being changed (null when adding), whose stored hours `keep` keeps.
   */
  private check(input: ColleagueInput, editing: Colleague | null, summary: string): repo.ColleagueDetails {
    const checked = this.form.validate(input);
    const errors: ColleagueErrors = checked.ok ? {} : { ...checked.errors };
    // `keep` is offered only when editing.
    if (checked.ok && checked.values.hours === 'keep' && !editing)
      errors.hours = 'Choose when they can usually be reached';
    if (!checked.ok || Object.keys(errors).length)
      throw new AppError('validation', summary, { fields: errors as Record<string, string> });
    const v = checked.values;
    return {
      name: v.name,
      role: v.role,
      department: v.department,
      mobile: v.mobile,
      email: v.email,
      usual_hours: weekOf(v.hours, v, this.deps.config.office.hours, editing?.usual_hours ?? null),
    };
  }

  /**
   * Runs `write` in a transaction. The unique indexes settle a race between two managers giving
   * two colleagues one mobile or email address: the loser is told as the check in `write` would
   * have told them (`exceptId`: the colleague being changed).
   */
  private async settlingRaces<T>(
    details: repo.ColleagueDetails,
    exceptId: string | null,
    summary: string,
    write: (tx: Tx, now: Date) => Promise<T>,
  ): Promise<T> {
    const now = this.deps.clock();
    try {
      return await this.deps.db.transaction().execute((tx) => write(tx, now));
    } catch (err) {
      if (!repo.isDuplicateContact(err)) throw err;
      await this.refuseTakenContacts(this.deps.db, details, exceptId, null, summary);
      throw err;
    }
  }

  /**
   * AppError('validation') when another active colleague has `contact`'s mobile or email address,
   * naming them beside the field (or, with `field`, beside that one: the reactivate button).
   */
  private async refuseTakenContacts(
    db: Db | Tx,
    contact: { mobile: string | null; email: string | null },
    exceptId: string | null,
    field: 'active' | null,
    summary: string,
  ): Promise<void> {
    const holder = await repo.activeHolderOf(db, contact, exceptId);
    const fields: Record<string, string> = {};
    if (holder.mobile) fields.mobile = `${whoIs(holder.mobile)} already has this mobile number`;
    if (holder.email) fields.email = `${whoIs(holder.email)} already has this email address`;
    if (!Object.keys(fields).length) return;
    if (field) {
      const which = [fields.mobile && 'mobile number', fields.email && 'email address'].filter(Boolean).join(' and ');
      const who = whoIs((holder.mobile ?? holder.email) as Colleague);
      throw new AppError('validation', summary, {
        fields: { [field]: `${who} now has this colleague’s ${which}: change theirs first` },
      });
    }
    throw new AppError('validation', summary, { fields });
  }
}

function notFound(): AppError {
  return new AppError('not_found', 'There is no such colleague.');
}
