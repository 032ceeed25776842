/**
 * Hostile `at` values for `GET /api/office-hours` through the whole app: the hand-written corpus
 * (each with the status the contract asks for) and generated strings (fast-check): never a 5xx,
 * always JSON, 200 only for a real instant in 1900–9999.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { HOSTILE_INSTANTS } from './corpus.js';
import { WEDNESDAY_10AM } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM });
});
afterAll(async () => h?.close());

async function ask(at: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await h.app.request(`/api/office-hours?at=${encodeURIComponent(at)}`);
  expect(res.headers.get('content-type') ?? '', `${JSON.stringify(at.slice(0, 40))}: JSON`).toContain(
    'application/json',
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('GET /api/office-hours with hostile `at`', () => {
  it.each(HOSTILE_INSTANTS.map((c) => [c.label, c] as const))('%s', async (_label, c) => {
    const { status, body } = await ask(c.value);
    expect(status).toBe(c.status);
    if (status === 400)
      expect(body).toMatchObject({ error: { code: 'bad_request', fields: { at: expect.stringContaining('1900') } } });
    else expect(body).toMatchObject({ open: expect.any(Boolean), at: expect.any(String), reason: expect.any(String) });
  });
});

const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
/** Date-times that look nearly right: any four-digit year, out-of-range fields, odd offsets. */
const isoLike = fc
  .record({
    year: fc.oneof(
      fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
      fc.constantFrom('1899', '1900', '1969', '1970', '9999', '+002026', '-0001', '10000'),
    ),
    month: two(19),
    day: two(39),
    t: fc.constantFrom('T', 't', ' '),
    hour: two(29),
    minute: two(69),
    second: fc.option(two(69), { nil: undefined }),
    fraction: fc.option(fc.stringMatching(/^[0-9]{1,12}$/), { nil: undefined }),
    zone: fc.oneof(
      fc.constant(''),
      fc.constantFrom('Z', 'z', '+00:00', '-00:00', '+14:00', '-12:00', '+24:00', '+99:99', '+0530', '+05', ' 01:00'),
      fc.tuple(fc.constantFrom('+', '-'), two(30), two(70)).map(([s, a, b]) => `${s}${a}:${b}`),
    ),
  })
  .map(
    (p) =>
      `${p.year}-${p.month}-${p.day}${p.t}${p.hour}:${p.minute}${p.second === undefined ? '' : `:${p.second}${p.fraction === undefined ? '' : `.${p.fraction}`}`}${p.zone}`,
  );

describe('property: GET /api/office-hours?at=…', () => {
  it('any string (600 runs): 200 or 400 as JSON, never a 5xx', { timeout: 60_000 }, async () => {
    const arb = fc.oneof(
      { weight: 4, arbitrary: isoLike },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
    );
    await fc.assert(
      fc.asyncProperty(arb, async (at) => {
        const { status, body } = await ask(at);
        expect([200, 400], JSON.stringify(at)).toContain(status);
        if (status === 200) {
          // A real answer: an instant in range, with the next change of state after it.
          const when = Date.parse(String(body.at));
          expect(when).toBeGreaterThanOrEqual(Date.UTC(1900, 0, 1));
          expect(when).toBeLessThanOrEqual(Date.UTC(9999, 11, 31, 23, 59, 59, 999));
        }
      }),
      { seed: 20_261_212, numRuns: 600, endOnFailure: true },
    );
  });
});

describe('before 1970', () => {
  it('knows the weekday of a date with a negative day number (Wednesday 11 June 1969, 1pm BST: open)', async () => {
    const { status, body } = await ask('1969-06-11T12:00Z');
    expect(status).toBe(200);
    expect(body).toMatchObject({ open: true, reason: 'open' });
  });
});
