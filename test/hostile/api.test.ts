/**
 * Hostile input for the JSON API (`POST /api/enquiries`): every case must get a clean 201 whose
 * row equals the normalised input, or a 4xx JSON error naming the problem, never a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENQUIRY_FIELDS } from '../../src/enquiries/enquiry.input.js';
import { startHarness, type Harness } from '../support/harness.js';
import { HOSTILE_STRINGS, WRONG_TYPES } from './corpus.js';
import {
  expectStored,
  intakeRunner,
  itHandlesContentTypes,
  judgeApi,
  VALID,
  WEDNESDAY_10AM,
  type Outcome,
} from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM, config: { intake: { rateLimit: null } } });
});
afterAll(async () => h?.close());

const api = intakeRunner(() => h, {
  path: '/api/enquiries',
  contentType: 'application/json',
  judge: judgeApi,
  // The oracle reads the bytes as the server must (UTF-8, replacement characters, a BOM skipped).
  readBody: (body) =>
    JSON.parse((typeof body === 'string' ? body : new TextDecoder().decode(body)).replace(/^\uFEFF/, '')) as Record<
      string,
      unknown
    >,
});
const { submitRaw } = api;

/** Sends a JSON object; judges; when accepted, checks the row against the oracle for that object. */
const submit = (label: string, values: Record<string, unknown>): Promise<Outcome> =>
  submitRaw(label, JSON.stringify(values), undefined, () => values);

describe('POST /api/enquiries with hostile strings', () => {
  it.each(HOSTILE_STRINGS.map((s) => [s.label, s] as const))('%s in every text field', async (label, s) => {
    const outcome = await submit(label, {
      ...VALID,
      name: s.value,
      outlet: s.value,
      subject: s.value,
      details: s.value,
    });
    if (s.literal !== undefined && s.literal !== '') {
      expect(outcome.kind).toBe('accepted');
      expectStored(outcome, { name: s.literal, subject: s.literal }, label);
    }
  });

  it.each(HOSTILE_STRINGS.map((s) => [s.label, s] as const))('%s as the details (multi-line)', async (label, s) => {
    await submit(label, { ...VALID, details: s.value });
  });

  it.each(HOSTILE_STRINGS.map((s) => [s.label, s] as const))('%s as email, phone and deadline', async (label, s) => {
    const { email: _e, ...rest } = VALID;
    const outcome = await submit(label, { ...rest, email: s.value, phone: s.value, deadline: s.value });
    // None of these is an email address, a phone number and a deadline at once.
    expect(outcome.kind, label).toBe('refused');
  });

  it('keeps line breaks in the details and folds them elsewhere (literal check of the normalisation)', async () => {
    const outcome = await submit('line breaks', {
      ...VALID,
      subject: ' a\r\nb\tc ',
      details: ' \u202Ea\r\nb\r\u0000c\u2066 ',
    });
    expectStored(outcome, { subject: 'a b c', details: 'a\nb\nc' }, 'line breaks');
  });
});

describe('POST /api/enquiries with wrong types', () => {
  const cases = ENQUIRY_FIELDS.flatMap((field) =>
    WRONG_TYPES.filter((t) => !(field === 'urgent' && typeof t.value === 'boolean')).map(
      (t) => [field, t.label, t.value] as const,
    ),
  );
  it.each(cases)('%s as %s is refused with 422 naming the field', async (field, label, value) => {
    const outcome = await submit(`${field}=${label}`, { ...VALID, [field]: value });
    expect(outcome.kind).toBe('refused');
    if (outcome.kind === 'refused') {
      expect(outcome.status).toBe(422);
      expect(outcome.fields?.[field]).toBeDefined();
    }
  });

  it.each([
    ['yes please', 'refused'],
    ['maybe', 'refused'],
    ['TRUE', 'accepted'],
    [' yes ', 'accepted'],
    ['1', 'accepted'],
    ['off', 'accepted'],
    [1, 'refused'],
    ['true\u0000', 'refused'],
  ] as const)('urgent: %j is %s', async (urgent, kind) => {
    const outcome = await submit(`urgent=${JSON.stringify(urgent)}`, { ...VALID, urgent });
    expect(outcome.kind).toBe(kind);
    if (outcome.kind === 'refused') expect(outcome.fields?.urgent).toBe('Urgent must be true or false');
  });

  it('null for an optional field means "not given"; for a required one it is "enter …"', async () => {
    const ok = await submit('email null + phone', {
      ...VALID,
      email: null,
      phone: '07911 123456',
      deadline: null,
      urgent: null,
    });
    expectStored(ok, { email: null, phone: '+447911123456' }, 'optional nulls');
    const refused = await submit('name null', { ...VALID, name: null });
    expect(refused).toMatchObject({ kind: 'refused', status: 422, fields: { name: 'Enter your name' } });
  });
});

describe('POST /api/enquiries with hostile bodies', () => {
  const valid = JSON.stringify(VALID);
  const nested = (depth: number, inner = '') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
  it.each([
    ['null', 'null', 400],
    ['a number', '42', 400],
    ['a huge number', '1e400', 400],
    ['a string', '"Ann Reporter"', 400],
    ['true', 'true', 400],
    ['an array', '[]', 400],
    ['an array of the enquiry', `[${valid}]`, 400],
    ['empty', '', 400],
    ['white space', ' \n\t ', 400],
    ['truncated', valid.slice(0, -3), 400],
    ['single-quoted', valid.replace(/"/g, "'"), 400],
    ['trailing comma', `${valid.slice(0, -1)},}`, 400],
    ['two documents', `${valid}${valid}`, 400],
    ['JavaScript, not JSON', `({name: "Ann"})`, 400],
    ['NaN', `{"name": NaN}`, 400],
    ['32,000 nested arrays (under the size limit)', nested(32_000), 400],
    ['100,000 nested arrays (over the size limit)', nested(100_000), 413],
    ['an empty object', '{}', 422],
    [
      '32,000 nested arrays in the name',
      `{"name":${nested(32_000, '"x"')},"outlet":"o","subject":"s","details":"d","email":"a@b.example"}`,
      422,
    ],
    [
      '10,000 nested objects in the details',
      `{"name":"n","outlet":"o","subject":"s","email":"a@b.example","details":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
      422,
    ],
    ['an infinite urgent', `${valid.slice(0, -1)},"urgent":1e400}`, 422],
    [
      'a 30-digit name',
      `{"name":123456789012345678901234567890,"outlet":"o","subject":"s","details":"d","email":"a@b.example"}`,
      422,
    ],
    ['a number deadline', `${valid.slice(0, -1)},"deadline":1e21}`, 422],
  ] as const)('%s → %i', async (label, body, status) => {
    const outcome = await submitRaw(label, body);
    expect(outcome).toMatchObject({ kind: 'refused', status });
  });

  it('a duplicated key: the last value counts (JSON.parse), and that is what is stored', async () => {
    const body = `{"name":"First","name":"Second",${valid.slice(1)}`.replace('"name":"Ann Reporter",', '');
    const outcome = await submitRaw('duplicate key', body);
    expectStored(outcome, { name: 'Second' }, 'duplicate key');
  });

  it('a UTF-8 byte order mark before the JSON is tolerated', async () => {
    const outcome = await submitRaw('BOM', `\uFEFF${valid}`);
    expect(outcome.kind).toBe('accepted');
  });

  it('prototype-pollution keys are ordinary unknown keys: ignored, nothing polluted', async () => {
    const body = `{"__proto__":{"urgent":true,"name":"Polluted","isAdmin":true},"constructor":{"prototype":{"polluted":"yes"}},"toString":"x","hasOwnProperty":1,${valid.slice(1)}`;
    const outcome = await submitRaw('prototype keys', body);
    expectStored(outcome, { name: 'Ann Reporter' }, 'prototype keys');
    if (outcome.kind === 'accepted') expect(outcome.row.urgent).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('a thousand unknown fields and a 50,000-character key are ignored', async () => {
    const extra = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`extra${i}`, i]));
    const outcome = await submit('unknown fields', { ...VALID, ...extra, ['k'.repeat(50_000)]: 'v' });
    expect(outcome.kind).toBe('accepted');
  });

  it('a body one byte under the limit is read; one byte over is 413', async () => {
    const max = h.config.intake.maxBodyBytes;
    const fill = (n: number) => JSON.stringify({ ...VALID, padding: '' }).length + n;
    const pad = (total: number) => JSON.stringify({ ...VALID, padding: 'p'.repeat(total - fill(0)) });
    expect(pad(max).length).toBe(max);
    expect((await submitRaw('at the limit', pad(max))).kind).toBe('accepted');
    expect(await submitRaw('over the limit', pad(max + 1))).toMatchObject({ kind: 'refused', status: 413 });
  });
});

describe('POST /api/enquiries with unusual content types', () => {
  const valid = JSON.stringify(VALID);
  itHandlesContentTypes(api, valid, [
    ['application/json; charset=utf-8', 'accepted'],
    ['APPLICATION/JSON', 'accepted'],
    [' application/json ; charset=UTF-8', 'accepted'],
    ['application/vnd.pressdesk.enquiry+json', 'accepted'],
    ['application/json; charset=utf-16', 'accepted'], // the body is UTF-8 whatever the label says: read as UTF-8
    ['text/plain', 415],
    ['text/json', 415],
    ['application/jsonx', 415],
    ['application/x-www-form-urlencoded', 415],
    ['multipart/form-data; boundary=x', 415],
    ['', 415],
    [null, 415],
  ] as const);

  it('a body really in UTF-16 is refused as not JSON (400)', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(valid, 'utf16le')]);
    expect(await submitRaw('UTF-16 body', utf16, 'application/json; charset=utf-16')).toMatchObject({
      kind: 'refused',
      status: 400,
    });
  });
});

describe('POST /api/enquiries with invalid UTF-8 bytes', () => {
  // Each is spliced raw into the JSON strings of the name and the details.
  const BAD_BYTES: Array<[string, number[]]> = [
    ['0xFF', [0xff]],
    ['0xFE 0xFF', [0xfe, 0xff]],
    ['a lone continuation byte', [0x80]],
    ['an overlong "/" (C0 AF)', [0xc0, 0xaf]],
    ['an overlong NUL (C0 80)', [0xc0, 0x80]],
    ['an encoded surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
    ['a truncated euro sign (E2 82)', [0xe2, 0x82]],
    ['above U+10FFFF (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80]],
    ['a five-byte form (F8 88 80 80 80)', [0xf8, 0x88, 0x80, 0x80, 0x80]],
  ];
  it.each(BAD_BYTES)('%s: stored with U+FFFD in its place, or refused', async (label, bytes) => {
    const enc = (s: string) => Buffer.from(s, 'utf8');
    const body = Buffer.concat([
      enc('{"name":"Ann '),
      Buffer.from(bytes),
      enc(' Reporter","outlet":"Gazette","email":"ann@gazette.example","subject":"Bytes","details":"x'),
      Buffer.from(bytes),
      enc('y"}'),
    ]);
    const outcome = await submitRaw(label, body);
    if (outcome.kind === 'accepted') {
      expect(outcome.row.name).toMatch(/^Ann \uFFFD+ Reporter$/);
      expect(outcome.row.details).toMatch(/^x\uFFFD+y$/);
    }
  });

  it('invalid bytes in a key are just an unknown key', async () => {
    const body = Buffer.concat([
      Buffer.from('{"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`":1,${JSON.stringify(VALID).slice(1)}`),
    ]);
    expect((await submitRaw('bad key', body)).kind).toBe('accepted');
  });
});
