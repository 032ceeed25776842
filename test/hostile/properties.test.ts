/**
 * Property-based fuzzing of the intake with fast-check: generated JSON objects, strings in each
 * field, form bodies and SMS texts. Bounded and reproducible: a fixed seed per property and a
 * fixed number of runs (a failure prints its seed and counterexample; rerun with that seed).
 *
 * For every input: never a 5xx; 201/303 ⇒ the stored row equals the normalised input, field by
 * field; 422 ⇒ the fields named are known ones. For a single string in a required text field the
 * verdict itself is predicted: accepted exactly when its normalised form is 1…limit characters.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS, normaliseText } from '../../src/enquiries/enquiry.input.js';
import { startHarness, type Harness } from '../support/harness.js';
import {
  enquiryCount,
  expectedRow,
  expectedSmsDetails,
  expectStored,
  formBody,
  formValues,
  judgeApi,
  judgeForm,
  judgeSms,
  KNOWN_FIELDS,
  VALID,
  WEDNESDAY_10AM,
} from './support.js';

const RUNS = 200;
const SEED = 20_261_202;
const TEXT_FIELDS = ['name', 'outlet', 'subject', 'details'] as const;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM, config: { intake: { rateLimit: null } } });
});
afterAll(async () => h?.close());

/** One "character" of hostile text: the awkward ones often, any code point otherwise. */
const hostileUnit = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '\u0000',
      '\r',
      '\n',
      '\r\n',
      '\t',
      '\u202E',
      '\u2066',
      '\u200F',
      '\uFEFF',
      '\u0085',
      '\u007F',
      'e\u0301',
      '\uD800',
      '\uDC00',
      ' ',
      '\u00A0',
      '<',
      '>',
      '&',
      "'",
      '"',
      '%',
      '+',
      '=',
      ';',
      '\\',
      '😀',
      '👩🏽‍💻',
      'ß',
      'İ',
    ),
  },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
);
const hostileString = (maxLength = 60) => fc.string({ unit: hostileUnit, maxLength });

/** Any JSON value, or hostile text (the values fields most often receive). */
const fieldValue = fc.oneof(
  { weight: 3, arbitrary: hostileString() },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null, 'true', 'on', 'yes please') },
);
const fieldName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...KNOWN_FIELDS) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'valueOf') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

const options = (offset: number, runs = RUNS) => ({ seed: SEED + offset, numRuns: runs, endOnFailure: true });

describe('property: POST /api/enquiries', () => {
  it(`any JSON object (${RUNS} runs): no 5xx; 201 stores the normalised input; 422 names only known fields`, {
    timeout: 60_000,
  }, async () => {
    const arb = fc.record({ startValid: fc.boolean(), changes: fc.dictionary(fieldName, fieldValue, { maxKeys: 6 }) });
    await fc.assert(
      fc.asyncProperty(arb, async ({ startValid, changes }) => {
        const body: Record<string, unknown> = startValid ? { ...VALID } : {};
        for (const [k, v] of Object.entries(changes))
          Object.defineProperty(body, k, { value: v, enumerable: true, configurable: true, writable: true });
        const before = await enquiryCount(h);
        const res = await h.app.request('/api/enquiries', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        const outcome = await judgeApi(h, res, before, 'generated object');
        if (outcome.kind === 'accepted')
          expectStored(outcome, expectedRow(JSON.parse(JSON.stringify(body))), 'generated object');
        else expect([400, 422]).toContain(outcome.status);
      }),
      options(1),
    );
  });

  it(`any string in one text field (${RUNS} runs): accepted exactly when 1…limit characters after normalisation`, {
    timeout: 60_000,
  }, async () => {
    const arb = fc.record({
      field: fc.constantFrom(...TEXT_FIELDS),
      value: fc.oneof(hostileString(80), hostileString(260), fc.string({ unit: 'binary', maxLength: 40 })),
    });
    await fc.assert(
      fc.asyncProperty(arb, async ({ field, value }) => {
        const before = await enquiryCount(h);
        const res = await h.postJson('/api/enquiries', { ...VALID, [field]: value });
        const outcome = await judgeApi(h, res, before, `${field}=${JSON.stringify(value)}`);
        const normalised = normaliseText(value, field === 'details');
        const fits = normalised.length >= 1 && normalised.length <= LIMITS[field];
        expect(outcome.kind, `${field}=${JSON.stringify(value)}`).toBe(fits ? 'accepted' : 'refused');
        if (outcome.kind === 'accepted') expect(outcome.row[field]).toBe(normalised);
        else expect(Object.keys(outcome.fields ?? {})).toEqual([field]);
      }),
      options(2),
    );
  });

  it(`any string as email, phone or deadline (${RUNS} runs): no 5xx, only that field named`, {
    timeout: 60_000,
  }, async () => {
    const arb = fc.record({ field: fc.constantFrom('email', 'phone', 'deadline'), value: hostileString(40) });
    await fc.assert(
      fc.asyncProperty(arb, async ({ field, value }) => {
        const before = await enquiryCount(h);
        const res = await h.postJson('/api/enquiries', { ...VALID, phone: '07911 123456', [field]: value });
        const outcome = await judgeApi(h, res, before, `${field}=${JSON.stringify(value)}`);
        if (outcome.kind === 'accepted')
          expectStored(outcome, expectedRow({ ...VALID, phone: '07911 123456', [field]: value }), field);
        else expect(Object.keys(outcome.fields ?? {})).toEqual([field]);
      }),
      options(3),
    );
  });
});

describe('property: POST /enquiries (form)', () => {
  it(`any form body (${RUNS} runs): no 5xx; 303 stores the normalised first values; 422 names only known fields`, {
    timeout: 60_000,
  }, async () => {
    const pair = fc.tuple(fieldName, fc.oneof(hostileString(), fc.constantFrom('', 'true', 'on')));
    const arb = fc.record({ startValid: fc.boolean(), pairs: fc.array(pair, { maxLength: 8 }), prepend: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(arb, async ({ startValid, pairs, prepend }) => {
        const base: Array<[string, string]> = startValid ? Object.entries(VALID) : [];
        const body = formBody(prepend ? [...pairs, ...base] : [...base, ...pairs]);
        const before = await enquiryCount(h);
        const res = await h.app.request('/enquiries', {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body,
        });
        const outcome = await judgeForm(h, res, before, `form ${body.slice(0, 200)}`);
        if (outcome.kind === 'accepted') expectStored(outcome, expectedRow(formValues(body)), 'generated form');
        else expect(outcome.status).toBe(422);
      }),
      options(4),
    );
  });

  it(`any raw bytes as a form body (${RUNS} runs): no 5xx`, { timeout: 60_000 }, async () => {
    const arb = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.string({ unit: 'binary-ascii', maxLength: 300 }).map((s) => new TextEncoder().encode(s)),
    );
    await fc.assert(
      fc.asyncProperty(arb, async (bytes) => {
        const before = await enquiryCount(h);
        const res = await h.app.request('/enquiries', {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: bytes,
        });
        const outcome = await judgeForm(h, res, before, 'raw bytes');
        if (outcome.kind === 'accepted') expectStored(outcome, expectedRow(formValues(bytes)), 'raw bytes');
      }),
      options(5),
    );
  });
});

describe('property: POST /twilio/sms', () => {
  let n = 0;
  it(`any text (${RUNS / 2} runs): TwiML with a reference and the normalised text stored (400 only for a NUL)`, {
    timeout: 60_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileString(200), fc.string({ unit: 'binary', maxLength: 200 })), async (body) => {
        n += 1;
        const from = `+4479113${String(n).padStart(5, '0')}`;
        const before = await enquiryCount(h);
        const outcome = await judgeSms(h, await h.sms(from, body), before, `sms ${JSON.stringify(body)}`);
        if (body.includes('\u0000')) expect(outcome).toMatchObject({ kind: 'refused', status: 400 });
        else expectStored(outcome, { details: expectedSmsDetails(body), phone: from }, `sms ${JSON.stringify(body)}`);
      }),
      options(6, RUNS / 2),
    );
  });
});
