import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseDeadline } from '../../../src/enquiries/enquiry.input.js';

const timezone = 'Europe/London';
const at = (iso: string) => ({ now: DateTime.fromISO(iso, { zone: timezone }), timezone });

describe('a deadline must be within the next year', () => {
  it('takes one a year away to the minute, and refuses one a minute later', () => {
    const ctx = at('2026-12-02T10:00:00Z');
    expect(parseDeadline('2027-12-02T10:00Z', ctx)).toMatchObject({ ok: true });
    expect(parseDeadline('2027-12-02T10:01Z', ctx)).toMatchObject({ ok: false, code: 'deadlineFar' });
  });

  it('counts a year from 29 February to 28 February', () => {
    const ctx = at('2028-02-29T12:00:00Z');
    expect(parseDeadline('2029-02-28T12:00Z', ctx)).toMatchObject({ ok: true });
    expect(parseDeadline('2029-03-01T00:00Z', ctx)).toMatchObject({ ok: false, code: 'deadlineFar' });
  });

  it('takes office time without an offset, and still refuses the past', () => {
    const ctx = at('2026-07-01T09:00:00Z');
    // 14:30 in London in July is 13:30 UTC.
    expect(parseDeadline('2026-07-01T14:30', ctx)).toEqual({ ok: true, value: new Date('2026-07-01T13:30:00Z') });
    expect(parseDeadline('2026-07-01T09:59', ctx)).toMatchObject({ ok: false, code: 'deadlinePast' });
  });
});
