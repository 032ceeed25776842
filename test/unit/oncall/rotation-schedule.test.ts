/**
 * Issue 27, item 5: the arithmetic of a repeating rotation. Handovers stay at the same time on
 * the office's clock (Europe/London) across both clock changes, so the turn over a change is 167
 * or 169 hours; the turn order survives someone leaving the staff list.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  firstHandoverDate,
  handoverAt,
  memberFor,
  substituteFor,
  turnsBetween,
  type RotationPlan,
} from '../../../src/oncall/rotation.schedule.js';

const ZONE = 'Europe/London';
const HOUR = 3_600_000;
const WEEKLY_FRIDAY: RotationPlan = { weekday: 5, time: '17:00', lengthDays: 7, startDate: '2026-10-09', zone: ZONE };

/** "Fri 23 Oct 17:00 BST": an instant on the office's clock. */
function office(d: Date): string {
  return DateTime.fromJSDate(d, { zone: ZONE }).setLocale('en-GB').toFormat('ccc d LLL HH:mm ZZZZ');
}

describe('rotation handovers', () => {
  it('turn 1 begins on the first handover weekday on or after the start date', () => {
    expect(firstHandoverDate(WEEKLY_FRIDAY)).toBe('2026-10-09');
    expect(firstHandoverDate({ ...WEEKLY_FRIDAY, startDate: '2026-10-06' })).toBe('2026-10-09');
    expect(firstHandoverDate({ ...WEEKLY_FRIDAY, startDate: '2026-10-10' })).toBe('2026-10-16');
    expect(office(handoverAt(WEEKLY_FRIDAY, 0))).toBe('Fri 9 Oct 17:00 BST');
  });

  it('a Friday 17:00 handover stays 17:00 in London across the October change: that turn lasts 169 hours', () => {
    const turns = turnsBetween(WEEKLY_FRIDAY, new Date('2026-10-09T16:00:00Z'), new Date('2026-11-07T00:00:00Z'));
    expect(turns.map((t) => [t.index, office(t.startsAt), (t.endsAt.getTime() - t.startsAt.getTime()) / HOUR])).toEqual(
      [
        [0, 'Fri 9 Oct 17:00 BST', 168],
        [1, 'Fri 16 Oct 17:00 BST', 168],
        [2, 'Fri 23 Oct 17:00 BST', 169],
        [3, 'Fri 30 Oct 17:00 GMT', 168],
        [4, 'Fri 6 Nov 17:00 GMT', 168],
      ],
    );
  });

  it('and across the March change: that turn lasts 167 hours', () => {
    const plan = { ...WEEKLY_FRIDAY, startDate: '2027-03-19' };
    const [a, b, c] = turnsBetween(plan, new Date('2027-03-19T17:00:00Z'), new Date('2027-04-03T00:00:00Z'));
    expect([a, b, c].map((t) => [office(t.startsAt), office(t.endsAt)])).toEqual([
      ['Fri 19 Mar 17:00 GMT', 'Fri 26 Mar 17:00 GMT'],
      ['Fri 26 Mar 17:00 GMT', 'Fri 2 Apr 17:00 BST'],
      ['Fri 2 Apr 17:00 BST', 'Fri 9 Apr 17:00 BST'],
    ]);
    expect((b.endsAt.getTime() - b.startsAt.getTime()) / HOUR).toBe(167);
  });

  it('a handover time the clocks skip is taken after the jump; one that happens twice, the first time', () => {
    const daily = { weekday: 6, time: '01:30', lengthDays: 1, startDate: '2027-03-27', zone: ZONE };
    expect(office(handoverAt(daily, 1))).toBe('Sun 28 Mar 02:30 BST');
    const autumn = { ...daily, startDate: '2026-10-24' };
    expect(office(handoverAt(autumn, 1))).toBe('Sun 25 Oct 01:30 BST');
    expect(handoverAt(autumn, 1).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('lists the turn under way at the start of the period first, and none before turn 1', () => {
    const at = new Date('2026-10-14T11:00:00Z');
    const turns = turnsBetween(WEEKLY_FRIDAY, at, new Date('2026-10-17T00:00:00Z'));
    expect(turns.map((t) => t.index)).toEqual([0, 1]);
    expect(turnsBetween(WEEKLY_FRIDAY, new Date('2026-10-01T00:00:00Z'), new Date('2026-10-09T16:00:00Z'))).toEqual([]);
    expect(turnsBetween(WEEKLY_FRIDAY, at, at)).toEqual([]);
  });

  it('finds the turn under way far from the start without walking every turn before it', () => {
    const plan = { ...WEEKLY_FRIDAY, lengthDays: 1, startDate: '2026-01-01', weekday: 4 };
    const at = new Date('2036-07-01T12:00:00Z');
    const [t] = turnsBetween(plan, at, new Date(at.getTime() + HOUR));
    expect(t.startsAt <= at && at < t.endsAt).toBe(true);
    expect(office(t.startsAt)).toBe('Mon 30 Jun 17:00 BST');
  });
});

describe('who takes a turn', () => {
  const order = [
    { personId: 'jo', active: true },
    { personId: 'sam', active: false },
    { personId: 'kim', active: true },
  ];

  it('is the person at that place in the order, round and round', () => {
    expect([0, 2, 3, 5].map((i) => memberFor(order, i)?.personId)).toEqual(['jo', 'kim', 'jo', 'kim']);
  });

  it('someone who left is skipped: the next active person takes their turn, the others keep their own', () => {
    expect(memberFor(order, 1)?.personId).toBe('kim');
    expect(memberFor(order, 4)?.personId).toBe('kim');
    expect(substituteFor(order, 'sam')?.personId).toBe('kim');
    expect(substituteFor(order, 'nobody')).toBeNull();
  });

  it('nobody, when nobody in the order is active', () => {
    expect(memberFor([{ personId: 'sam', active: false }], 0)).toBeNull();
    expect(memberFor([], 0)).toBeNull();
  });
});
