/**
 * The arithmetic of a repeating rotation, with no I/O: when each turn begins and ends, and who
 * takes it. Handovers are computed as dates and wall-clock times in the office's zone (luxon),
 * never by adding hours, so a weekly Friday 17:00 handover stays at 17:00 on the office's clock
 * across the clock changes: the turn over the change is 167 or 169 hours long.
 */
import { DateTime } from 'luxon';
import { earliestOccurrence } from '../hours/parse.js';

/** What fixes a rotation's handovers. */
export interface RotationPlan {
  /** ISO weekday of the first handover: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Handover time of day in office time, "HH:MM". */
  time: string;
  /** Length of each turn in calendar days. */
  lengthDays: number;
  /** "YYYY-MM-DD": turn 1 begins at the first `weekday` on or after this date. */
  startDate: string;
  /** The office's time zone (IANA), e.g. Europe/London. */
  zone: string;
}

/** One turn: `index` 0 is turn 1; it holds the rota over [startsAt, endsAt). */
export interface Turn {
  index: number;
  startsAt: Date;
  endsAt: Date;
}

/** Someone in the turn order, and whether they are on the active staff list. */
export interface TurnMember {
  personId: string;
  active: boolean;
}

const DAY_MS = 86_400_000;

/** The calendar date (as a UTC midnight, for plain date arithmetic) of turn 1's handover. */
function firstDate(plan: RotationPlan): DateTime {
  const start = DateTime.fromISO(plan.startDate, { zone: 'utc' });
  if (!start.isValid) throw new TypeError(`not a date: ${plan.startDate}`);
  return start.plus({ days: (plan.weekday - start.weekday + 7) % 7 });
}

/**
 * The instant turn `index` (0 = turn 1) begins: the date `index × lengthDays` calendar days after
 * the first handover's, at the handover time on the office's clock. A time the clocks skip that
 * day (01:30 on the spring-forward Sunday) is taken as the same time after the jump (02:30), and
 * a time that happens twice (01:30 on the autumn Sunday) as the first of the two, as the desk
 * reads a typed time (`earliestOccurrence`).
 */
export function handoverAt(plan: RotationPlan, index: number): Date {
  const day = firstDate(plan).plus({ days: index * plan.lengthDays });
  const [hour, minute] = plan.time.split(':').map(Number);
  const at = DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour, minute }, { zone: plan.zone });
  if (!at.isValid) throw new TypeError(`no such handover: ${plan.startDate} ${plan.time} in ${plan.zone}`);
  return earliestOccurrence(at).toJSDate();
}

/** The office date ("YYYY-MM-DD") of turn 1's handover. */
export function firstHandoverDate(plan: RotationPlan): string {
  return firstDate(plan).toISODate() ?? plan.startDate;
}

/**
 * Every turn overlapping [from, to), in order: the turn under way at `from` (if turn 1 has
 * begun by then), then each turn beginning before `to`. Empty when `to <= from`.
 */
export function turnsBetween(plan: RotationPlan, from: Date, to: Date): Turn[] {
  if (to <= from) return [];
  const first = handoverAt(plan, 0).getTime();
  // A first guess by plain arithmetic (off by at most an hour's shift per clock change), then exact.
  let index = Math.max(0, Math.floor((from.getTime() - first) / (plan.lengthDays * DAY_MS)) - 1);
  while (handoverAt(plan, index + 1) <= from) index++;
  const turns: Turn[] = [];
  for (let start = handoverAt(plan, index); start < to; index++) {
    const end = handoverAt(plan, index + 1);
    if (end > from) turns.push({ index, startsAt: start, endsAt: end });
    start = end;
  }
  return turns;
}

/**
 * Who takes turn `index`: the member at that place in the order, or, when they have left the
 * active staff list, the next active member after them (the others keep their own turns, so
 * their plans are not shuffled by someone leaving). Null when nobody in the order is active.
 */
export function memberFor<M extends TurnMember>(members: readonly M[], index: number): M | null {
  const n = members.length;
  for (let i = 0; i < n; i++) {
    const m = members[(index + i) % n];
    if (m.active) return m;
  }
  return null;
}

/** The active member after `personId` in the turn order (wrapping round), for a turn they can no longer take; null when none. */
export function substituteFor<M extends TurnMember>(members: readonly M[], personId: string): M | null {
  const at = members.findIndex((m) => m.personId === personId);
  if (at < 0) return null;
  const m = memberFor(members, at + 1);
  return m && m.personId !== personId ? m : null;
}
