import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../../src/hours/parse.js';

const zone = 'Europe/London';
const parsed = (text: string) => parseInstant(text, zone)?.toISO() ?? null;

describe('parseInstant: ISO-8601 with an offset, or YYYY-MM-DDTHH:mm read in the office zone', () => {
  it('reads a time with Z or an offset as that instant, shown in office time', () => {
    expect(parsed('2026-12-28T10:00:00Z')).toBe('2026-12-28T10:00:00.000+00:00');
    expect(parsed('2026-07-01T10:00:00+02:00')).toBe('2026-07-01T09:00:00.000+01:00');
    expect(parsed('2026-07-01T10:00-05:00')).toBe('2026-07-01T16:00:00.000+01:00');
    expect(parsed('2026-07-01T10:00:00.250Z')).toBe('2026-07-01T11:00:00.250+01:00');
  });

  it('reads a time without an offset as office time, summer and winter', () => {
    expect(parsed('2026-07-01T10:00')).toBe('2026-07-01T10:00:00.000+01:00');
    expect(parsed('2026-12-28T10:00:30')).toBe('2026-12-28T10:00:30.000+00:00');
  });

  it('reads the repeated autumn hour as its first occurrence (the earlier deadline)', () => {
    expect(parsed('2026-10-25T01:30')).toBe('2026-10-25T01:30:00.000+01:00');
  });

  it.each([
    ['nonsense', 'tomorrow'],
    ['a date without a time', '2026-12-28'],
    ['a day that does not exist', '2026-02-30T10:00'],
    ['a day that does not exist, with an offset', '2026-02-30T10:00Z'],
    ['an hour that does not exist', '2026-12-28T25:00'],
    ['"24:00" (say 00:00 the next day)', '2026-12-28T24:00'],
    ['a local time skipped by the spring clock change', '2026-03-29T01:30'],
    ['a local time skipped by the spring clock change in 2027', '2027-03-28T01:00'],
    ['a time with a stray suffix', '2026-12-28T10:00Zulu'],
    ['an empty string', ''],
  ])('rejects %s', (_, text) => {
    expect(parseInstant(text, zone)).toBeNull();
  });

  it('accepts the same wall time with an explicit offset even on the spring-forward day', () => {
    expect(parsed('2026-03-29T01:30:00Z')).toBe('2026-03-29T02:30:00.000+01:00');
  });

  it('with an offset, reads exactly what luxon reads, and refuses exactly what it refuses or moves', () => {
    // The offset case is computed by hand (it is on intake's hot path); luxon is the reference.
    const two = (n: number) => String(n).padStart(2, '0');
    fc.assert(
      fc.property(
        fc.record({
          y: fc.integer({ min: 1970, max: 2100 }),
          mo: fc.integer({ min: 0, max: 13 }),
          d: fc.integer({ min: 0, max: 32 }),
          h: fc.integer({ min: 0, max: 25 }),
          mi: fc.integer({ min: 0, max: 60 }),
          s: fc.option(fc.integer({ min: 0, max: 60 })),
          frac: fc.option(fc.integer({ min: 0, max: 999 })),
          off: fc.oneof(
            fc.constant('Z'),
            fc
              .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 14 }), fc.constantFrom(0, 30, 45))
              .map(([sg, oh, om]) => `${sg}${two(oh)}:${two(om)}`),
          ),
        }),
        ({ y, mo, d, h, mi, s, frac, off }) => {
          const secs = s === null ? '' : `:${two(s)}${frac === null ? '' : `.${String(frac).padStart(3, '0')}`}`;
          const text = `${y}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}${secs}${off}`;
          const ref = DateTime.fromISO(text, { setZone: true });
          const moved =
            ref.isValid &&
            (ref.year !== y ||
              ref.month !== mo ||
              ref.day !== d ||
              ref.hour !== h ||
              ref.minute !== mi ||
              ref.second !== (s ?? 0));
          const expected = ref.isValid && !moved ? ref.setZone(zone).toISO() : null;
          expect(parsed(text)).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
