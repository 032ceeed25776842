/**
 * Every number word a caller can hear in a spoken time (mutation testing found most of the teens
 * unheard by the other tests: docs/testing.md "Mutation testing").
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { spokenTime } from '../../../src/hours/spoken.js';

const spoken = (hour: number, minute: number) =>
  spokenTime(DateTime.fromObject({ hour, minute }, { zone: 'Europe/London' }));

describe('a time spoken on the phone line', () => {
  it('says each minute from one to nineteen in its own word, and the tens with a hyphenated unit', () => {
    const words = [
      'one',
      'two',
      'three',
      'four',
      'five',
      'six',
      'seven',
      'eight',
      'nine',
      'ten',
      'eleven',
      'twelve',
      'thirteen',
      'fourteen',
      'fifteen',
      'sixteen',
      'seventeen',
      'eighteen',
      'nineteen',
    ];
    for (const [i, word] of words.entries())
      expect(spoken(14, i + 1), word).toBe(i + 1 < 10 ? `two oh ${word} p.m.` : `two ${word} p.m.`);
    expect([20, 30, 40, 50, 23, 59].map((m) => spoken(9, m))).toEqual([
      'nine twenty a.m.',
      'nine thirty a.m.',
      'nine forty a.m.',
      'nine fifty a.m.',
      'nine twenty-three a.m.',
      'nine fifty-nine a.m.',
    ]);
  });
});
