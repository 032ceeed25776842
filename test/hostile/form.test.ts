/**
 * Hostile input for the public form (`POST /enquiries`): every case must get a 303 to a
 * confirmation whose row equals the normalised input, or a 4xx page naming the problem (the form
 * re-shown with each error beside its field for 422), never a 5xx, and hostile markup is never
 * echoed unescaped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { HOSTILE_STRINGS } from './corpus.js';
import {
  expectedRow,
  expectStored,
  formBody,
  formValues,
  intakeRunner,
  itHandlesContentTypes,
  judgeForm,
  VALID,
  WEDNESDAY_10AM,
} from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM, config: { intake: { rateLimit: null } } });
});
afterAll(async () => h?.close());

const FORM = 'application/x-www-form-urlencoded';
const validPairs = (): Array<[string, string]> => Object.entries(VALID);

const form = intakeRunner(() => h, {
  path: '/enquiries',
  contentType: FORM,
  judge: judgeForm,
  // The oracle reads urlencoded bodies only; other content types are judged but not compared.
  readBody: (body, contentType) => (contentType?.startsWith(FORM) ? formValues(body) : null),
});
const { post: postRaw, submitRaw } = form;

const submit = (label: string, pairs: Array<[string, string]>) => submitRaw(label, formBody(pairs));
const replace = (changes: Record<string, string>, base = validPairs()): Array<[string, string]> => {
  const out = base.filter(([k]) => !(k in changes));
  return [...out, ...Object.entries(changes)];
};

describe('POST /enquiries with hostile strings', () => {
  it.each(HOSTILE_STRINGS.map((s) => [s.label, s] as const))('%s in every text field', async (label, s) => {
    const outcome = await submit(
      label,
      replace({ name: s.value, outlet: s.value, subject: s.value, details: s.value }),
    );
    if (s.literal !== undefined && s.literal !== '')
      expectStored(outcome, { name: s.literal, subject: s.literal }, label);
  });

  it.each(HOSTILE_STRINGS.map((s) => [s.label, s] as const))('%s as the details (multi-line)', async (label, s) => {
    await submit(label, replace({ details: s.value }));
  });

  it.each(HOSTILE_STRINGS.map((s) => [s.label, s] as const))('%s as email, phone and deadline', async (label, s) => {
    const outcome = await submit(label, replace({ email: s.value, phone: s.value, deadline: s.value }));
    expect(outcome.kind).toBe('refused');
  });

  it('re-shows hostile values escaped, inside their fields', async () => {
    const res = await postRaw(formBody(replace({ name: '"><script>alert(1)</script>', email: 'not an email' })));
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).not.toContain('<script>alert(1)');
  });
});

describe('POST /enquiries with hostile encodings', () => {
  const rest = formBody(validPairs().filter(([k]) => k !== 'name'));
  it.each([
    ['a lone percent sign', 'name=100%'],
    ['%zz', 'name=%zzAnn'],
    ['a truncated escape', 'name=Ann%E0%A4%A'],
    ['%%%%', 'name=%%%%'],
    ['an escaped NUL', 'name=Ann%00Reporter'],
    ['escaped invalid UTF-8 (FF)', 'name=Ann%FFReporter'],
    ['escaped overlong "/" (C0 AF)', 'name=Ann%C0%AFReporter'],
    ['an escaped surrogate (ED A0 80)', 'name=Ann%ED%A0%80Reporter'],
    ['an escaped right-to-left override', 'name=Ann%E2%80%AEReporter'],
    ['plus signs and escaped plus', 'name=Ann+Reporter%2B1'],
    ['escaped CRLF', 'name=Ann%0D%0AReporter'],
    ['an escaped ampersand and equals', 'name=A%26B%3DC'],
    ['unescaped UTF-8', 'name=Zoë 📰'],
  ])('%s in the name', async (label, name) => {
    await submitRaw(label, `${name}&${rest}`);
  });

  it.each([
    ['0xFF', [0xff]],
    ['a lone continuation byte', [0x80]],
    ['an overlong NUL (C0 80)', [0xc0, 0x80]],
    ['an encoded surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
    ['a truncated sequence (E2 82)', [0xe2, 0x82]],
  ])('raw invalid UTF-8 %s in the name and the details', async (label, bytes) => {
    const body = Buffer.concat([
      Buffer.from('name=Ann'),
      Buffer.from(bytes),
      Buffer.from('Reporter&details=x'),
      Buffer.from(bytes),
      Buffer.from(`y&${formBody(validPairs().filter(([k]) => k !== 'name' && k !== 'details'))}`),
    ]);
    const outcome = await submitRaw(label, body);
    if (outcome.kind === 'accepted') expect(outcome.row.name).toMatch(/^Ann\uFFFD+Reporter$/);
  });
});

describe('POST /enquiries with odd shapes', () => {
  it('a field sent twice: the first value counts', async () => {
    const outcome = await submit('duplicate', [
      ['name', 'First'],
      ['name', 'Second'],
      ...validPairs().filter(([k]) => k !== 'name'),
    ]);
    expectStored(outcome, { name: 'First' }, 'duplicate');
  });

  it('every field sent three times: the first values count', async () => {
    const pairs = validPairs().flatMap(
      ([k, v]) =>
        [
          [k, v],
          [k, `${v} (2)`],
          [k, `${v} (3)`],
        ] as Array<[string, string]>,
    );
    expectStored(await submit('triplicate', pairs), { name: VALID.name, details: VALID.details }, 'triplicate');
  });

  it.each([
    ['urgent=yes please', [['urgent', 'yes please']], 'refused'],
    [
      'urgent sent as "" then "true"',
      [
        ['urgent', ''],
        ['urgent', 'true'],
      ],
      'accepted',
    ],
    ['urgent=on', [['urgent', 'on']], 'accepted'],
    ['name[]=x instead of name', [['name[]', 'x']], 'refused'],
    ['name.first=x instead of name', [['name.first', 'x']], 'refused'],
  ] as const)('%s', async (label, extra, kind) => {
    const drop = new Set<string>(extra.map(([k]) => k));
    const pairs = [
      ...validPairs().filter(([k]) => !drop.has(k) && !(label.includes('instead of name') && k === 'name')),
      ...extra.map(([k, v]) => [k, v] as [string, string]),
    ];
    expect((await submit(label, pairs)).kind).toBe(kind);
  });

  it('prototype-pollution names are ignored, nothing polluted', async () => {
    const pairs: Array<[string, string]> = [
      ['__proto__', 'x'],
      ['__proto__', 'y'],
      ['__proto__[name]', 'Polluted'],
      ['constructor[prototype][polluted]', 'yes'],
      ['hasOwnProperty', '1'],
      ['toString', '1'],
      ...validPairs(),
    ];
    expectStored(await submit('prototype names', pairs), { name: VALID.name }, 'prototype names');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['only separators', '&&&&'],
    ['only an equals sign', '='],
    ['names without values', 'name&outlet&subject&details'],
    ['semicolons as separators', 'name=Ann;outlet=Gazette;subject=S;details=D;email=a@b.example'],
    ['5,000 unknown parameters', Array.from({ length: 5_000 }, (_, i) => `p${i}=1`).join('&')],
  ])('%s: the form again with the problems', async (label, body) => {
    expect(await submitRaw(label, body)).toMatchObject({ kind: 'refused', status: 422 });
  });

  it('5,000 unknown parameters next to a valid enquiry are ignored', async () => {
    const body = `${Array.from({ length: 5_000 }, (_, i) => `p${i}=1`).join('&')}&${formBody(validPairs())}`;
    expect((await submitRaw('many params', body)).kind).toBe('accepted');
  });

  it('an oversized form is 413 with a page saying so', async () => {
    const outcome = await submit('oversized', replace({ details: 'x'.repeat(h.config.intake.maxBodyBytes) }));
    expect(outcome).toMatchObject({ kind: 'refused', status: 413 });
  });
});

describe('POST /enquiries with unusual content types', () => {
  const valid = formBody(validPairs());
  itHandlesContentTypes(form, valid, [
    ['application/x-www-form-urlencoded; charset=UTF-8', 'accepted'],
    ['APPLICATION/X-WWW-FORM-URLENCODED', 'accepted'],
    ['application/x-www-form-urlencoded; charset=utf-16', 'accepted'],
    ['application/json', 415],
    ['text/plain', 415],
    ['', 415],
    [null, 415],
  ] as const);

  const multipart = (boundary: string, parts: Array<{ name: string; value: string; filename?: string }>) =>
    `${parts
      .map(
        (p) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"\r\nContent-Type: text/plain` : ''}\r\n\r\n${p.value}\r\n`,
      )
      .join('')}--${boundary}--\r\n`;

  it('multipart/form-data with text parts is read like the urlencoded form', async () => {
    const body = multipart(
      'XyZ',
      Object.entries(VALID).map(([name, value]) => ({ name, value })),
    );
    const outcome = await submitRaw('multipart', body, 'multipart/form-data; boundary=XyZ');
    expectStored(outcome, expectedRow({ ...VALID }), 'multipart');
  });

  it('a file where the name should be is "enter your name"', async () => {
    const parts = Object.entries(VALID).map(([name, value]) => ({
      name,
      value,
      ...(name === 'name' ? { filename: 'evil.exe' } : {}),
    }));
    const outcome = await submitRaw('file part', multipart('XyZ', parts), 'multipart/form-data; boundary=XyZ');
    expect(outcome).toMatchObject({ kind: 'refused', status: 422 });
  });

  it.each([
    ['no boundary', 'multipart/form-data', multipart('XyZ', [{ name: 'name', value: 'Ann' }])],
    ['the wrong boundary', 'multipart/form-data; boundary=other', multipart('XyZ', [{ name: 'name', value: 'Ann' }])],
    ['a body that is not multipart', 'multipart/form-data; boundary=XyZ', 'name=Ann&outlet=Gazette'],
    [
      'an unterminated part',
      'multipart/form-data; boundary=XyZ',
      '--XyZ\r\nContent-Disposition: form-data; name="name"\r\n\r\nAnn',
    ],
    ['an empty body', 'multipart/form-data; boundary=XyZ', ''],
  ])('broken multipart (%s) is a 4xx page', async (label, type, body) => {
    const outcome = await submitRaw(label, body, type);
    expect(outcome.kind).toBe('refused');
  });
});
