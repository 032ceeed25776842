/**
 * Shared checks for the hostile-input tests: send a request to the in-process app, then judge
 * the answer the same way for every case and channel:
 *
 * - never a 5xx;
 * - a refusal is a 4xx that names the problem (JSON `error.code` + `error.message` on /api and
 *   /twilio, an HTML page with the problem on the form), and stores nothing;
 * - an acceptance stores exactly one enquiry whose text equals what was sent after the
 *   documented normalisation (`normaliseText`: NFC, CRLF→LF, control and bidi-override
 *   characters removed, trimmed; single-line fields fold line breaks). Phones become E.164.
 *
 * `expected*` compute what should be stored from what was sent (the oracle). Some corpus cases
 * also give literal expectations, so the oracle is not only checked against itself.
 *
 * `intakeRunner` puts the three together for the form and the API, so both channels run their
 * cases through one path and cannot drift apart in how strictly they judge.
 */
import { expect, it } from 'vitest';
import { ENQUIRY_FIELDS, normalisePhone, normaliseText } from '../../src/enquiries/enquiry.input.js';
import { MAX_SMS_BODY } from '../../src/sms/inbound.service.js';
import type { Enquiry } from '../../src/enquiries/enquiry.tables.js';
import type { Harness } from '../support/harness.js';

/** Field names a 422 may name: the enquiry fields and the honeypot. */
export const KNOWN_FIELDS: readonly string[] = [...ENQUIRY_FIELDS, 'website'];

/** A complete, valid enquiry (API shape) that cases change one part of. */
export const VALID = {
  name: 'Ann Reporter',
  outlet: 'Evening Gazette',
  email: 'ann@gazette.example',
  subject: 'Road closure on the A38',
  details: 'Can you confirm why the A38 was closed this morning?',
} as const;

/** Wednesday 2 December 2026, 10:00 London: the office is open, so nothing pages. */
export const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';

export type Outcome =
  | { kind: 'accepted'; reference: string; row: Enquiry }
  | { kind: 'refused'; status: number; fields?: Record<string, string> };

/** What the row should hold for these submitted values (strings only; other types are refused). */
export type ExpectedRow = Pick<Enquiry, 'name' | 'outlet' | 'email' | 'phone' | 'subject' | 'details'>;

/** The oracle for form and API submissions: the stored row from the submitted values. */
export function expectedRow(values: Record<string, unknown>): ExpectedRow {
  const text = (k: string, multiline = false) => normaliseText(String(values[k]), multiline);
  const optional = (k: string) => {
    const v = values[k];
    if (typeof v !== 'string') return null;
    const s = normaliseText(v, false);
    return s === '' ? null : s;
  };
  const phoneText = optional('phone');
  return {
    name: text('name'),
    outlet: text('outlet'),
    email: optional('email'),
    phone: phoneText === null ? null : normalisePhone(phoneText),
    subject: text('subject'),
    details: text('details', true),
  };
}

/** Number of enquiries stored (to prove a refusal stored nothing and an acceptance one row). */
export async function enquiryCount(h: Harness): Promise<number> {
  const r = await h.database.db
    .selectFrom('enquiry')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function rowByReference(h: Harness, reference: string): Promise<Enquiry> {
  return h.database.db.selectFrom('enquiry').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
}

function expectNo5xx(res: Response, body: string, label: string) {
  if (res.status >= 500) throw new Error(`${label}: answered ${res.status}: ${body.slice(0, 500)}`);
}

/** Judges an answer of `POST /api/enquiries`. `sent` is the parsed body when it was a JSON object. */
export async function judgeApi(h: Harness, res: Response, before: number, label: string): Promise<Outcome> {
  const text = await res.text();
  expectNo5xx(res, text, label);
  const after = await enquiryCount(h);
  if (res.status === 201) {
    const body = JSON.parse(text) as { reference: string };
    expect(body.reference, label).toMatch(/^PD-[2-9A-Z]{3}-[2-9A-Z]{3}$/);
    expect(after, `${label}: one row stored`).toBe(before + 1);
    return { kind: 'accepted', reference: body.reference, row: await rowByReference(h, body.reference) };
  }
  expect(res.status, `${label}: status`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${label}: status`).toBeLessThan(500);
  expect(res.headers.get('content-type') ?? '', `${label}: errors are JSON`).toContain('application/json');
  const body = JSON.parse(text) as { error: { code: string; message: string; fields?: Record<string, string> } };
  expect(body.error.code, label).toMatch(/^[a-z_]+$/);
  expect(body.error.message.length, `${label}: a message`).toBeGreaterThan(5);
  if (res.status === 422) {
    const keys = Object.keys(body.error.fields ?? {});
    expect(keys.length, `${label}: 422 names at least one field`).toBeGreaterThan(0);
    for (const k of keys) {
      expect(KNOWN_FIELDS, `${label}: 422 names only known fields`).toContain(k);
      expect(body.error.fields![k].length, `${label}: message for ${k}`).toBeGreaterThan(5);
    }
  }
  expect(after, `${label}: a refusal stores nothing`).toBe(before);
  return { kind: 'refused', status: res.status, fields: body.error.fields };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Raw markup a hostile value could inject into a page if it were not escaped. */
const INJECTED_MARKUP = /<script>alert|<img src=x|<svg onload|<iframe/i;

/** Judges an answer of `POST /enquiries` (the form). */
export async function judgeForm(h: Harness, res: Response, before: number, label: string): Promise<Outcome> {
  const text = await res.text();
  expectNo5xx(res, text, label);
  const after = await enquiryCount(h);
  expect(text, `${label}: hostile markup is never echoed raw`).not.toMatch(INJECTED_MARKUP);
  if (res.status === 303) {
    const location = res.headers.get('location') ?? '';
    const m = /^\/enquiries\/(PD-[2-9A-Z]{3}-[2-9A-Z]{3})\/confirmation$/.exec(location);
    expect(m, `${label}: 303 to a confirmation (${location})`).not.toBeNull();
    expect(after, `${label}: one row stored`).toBe(before + 1);
    return { kind: 'accepted', reference: m![1], row: await rowByReference(h, m![1]) };
  }
  expect(res.status, `${label}: status`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${label}: status`).toBeLessThan(500);
  expect(res.headers.get('content-type') ?? '', `${label}: a page`).toContain('text/html');
  if (res.status === 422) {
    // The form again, with a summary and each message beside its field.
    expect(text, label).toContain('There is a problem');
    const messages = [
      ...text.matchAll(
        /<p class="error-message" id="([a-z]+)-error"><span class="visually-hidden">Error:<\/span> ([^<]+)<\/p>/g,
      ),
    ];
    expect(messages.length, `${label}: each error beside its field`).toBeGreaterThan(0);
    const fields: Record<string, string> = {};
    for (const [, field, message] of messages) {
      expect(KNOWN_FIELDS, label).toContain(field);
      fields[field] = message;
    }
    expect(after, `${label}: a refusal stores nothing`).toBe(before);
    return { kind: 'refused', status: 422, fields };
  }
  // Any other refusal: an error page whose heading and paragraph say what was wrong.
  expect(text, `${label}: an error page`).toMatch(/<h1>[^<]{3,}<\/h1>\s*<p>[^<]{10,}<\/p>/);
  expect(after, `${label}: a refusal stores nothing`).toBe(before);
  return { kind: 'refused', status: res.status };
}

/** The text of the TwiML reply. */
export function twimlText(xml: string): string {
  const m = /<Message>([\s\S]*)<\/Message>/.exec(xml);
  if (!m) throw new Error(`no <Message> in ${xml}`);
  return m[1]
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** What an inbound SMS's new enquiry stores as details (normalised, capped, a placeholder if empty). */
export function expectedSmsDetails(body: string): string {
  let s = normaliseText(body, true);
  if (s.length > MAX_SMS_BODY) s = `${s.slice(0, MAX_SMS_BODY)} […]`;
  return s || '(SMS with no text)';
}

/** Judges an answer of `POST /twilio/sms` (signed). Accepted: the enquiry the text opened or joined. */
export async function judgeSms(h: Harness, res: Response, before: number, label: string): Promise<Outcome> {
  const text = await res.text();
  expectNo5xx(res, text, label);
  const after = await enquiryCount(h);
  if (res.status === 200) {
    expect(res.headers.get('content-type') ?? '', label).toContain('text/xml');
    const reply = twimlText(text);
    const m = /(PD-[2-9A-Z]{3}-[2-9A-Z]{3})/.exec(reply);
    expect(m, `${label}: the reply carries a reference: ${reply}`).not.toBeNull();
    return { kind: 'accepted', reference: m![1], row: await rowByReference(h, m![1]) };
  }
  expect(res.status, `${label}: status`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${label}: status`).toBeLessThan(500);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(body.error.code, label).toMatch(/^[a-z_]+$/);
  expect(body.error.message.length, `${label}: a message`).toBeGreaterThan(5);
  expect(after, `${label}: a refusal stores nothing`).toBe(before);
  return { kind: 'refused', status: res.status };
}

/** For an accepted submission: the row equals the oracle, field by field. */
export function expectStored(outcome: Outcome, expected: Partial<ExpectedRow>, label: string): void {
  if (outcome.kind !== 'accepted') throw new Error(`${label}: expected an acceptance`);
  const row = outcome.row;
  for (const [k, v] of Object.entries(expected)) {
    expect(row[k as keyof ExpectedRow], `${label}: stored ${k}`).toBe(v);
  }
}

/** Builds a raw form body from pairs; values are percent-encoded like a browser would. */
export function formBody(pairs: Array<[string, string]>): string {
  return new URLSearchParams(pairs).toString();
}

/** The first value of each enquiry field in a form body, as the server's parser reads it. */
export function formValues(body: string | Uint8Array): Record<string, string> {
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) if (KNOWN_FIELDS.includes(k) && !(k in out)) out[k] = v;
  return out;
}

/** Body of a request as the hostile tests send it: text (sent as its UTF-8 bytes) or raw bytes. */
export type RawBody = string | Uint8Array;

/** One intake endpoint of the in-process app, as `intakeRunner` drives it. */
export interface IntakeEndpoint {
  /** Path to POST to, e.g. `/api/enquiries`. */
  path: string;
  /** Content type sent when a case names none (a case passes `null` to send no header at all). */
  contentType: string;
  /** Judges the answer: `judgeApi` or `judgeForm`. */
  judge: (h: Harness, res: Response, before: number, label: string) => Promise<Outcome>;
  /**
   * The values the server must have read from `body` once it accepted it, for the oracle; null
   * where the oracle cannot read a body of that content type (the judge's checks still apply).
   * Called only for an acceptance, so it may assume the body is well formed.
   */
  readBody: (body: RawBody, contentType: string | null) => Record<string, unknown> | null;
}

/** Sends hostile cases to one endpoint; see `intakeRunner`. */
export interface IntakeRunner {
  /** Posts `body` as is, with `contentType` (none when null); no judging. */
  post(body: RawBody, contentType?: string | null): Promise<Response>;
  /**
   * Posts `body` and judges the answer (never a 5xx; a refusal stores nothing and names the
   * problem); when accepted, the one stored row must equal the oracle's row for `sent()`, which
   * defaults to the endpoint's reading of the body. Resolves to the outcome for further checks.
   */
  submitRaw(
    label: string,
    body: RawBody,
    contentType?: string | null,
    sent?: () => Record<string, unknown> | null,
  ): Promise<Outcome>;
}

/**
 * The case runner shared by the form and API hostile tests. `harness` is read at each call, not
 * at creation, because the harness is only started in `beforeAll`.
 */
export function intakeRunner(harness: () => Harness, endpoint: IntakeEndpoint): IntakeRunner {
  const post = async (body: RawBody, contentType: string | null = endpoint.contentType): Promise<Response> => {
    const headers: Record<string, string> = {};
    if (contentType !== null) headers['Content-Type'] = contentType;
    // A Uint8Array body carries no implicit content type, so "missing" really is missing.
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    return harness().app.request(endpoint.path, { method: 'POST', headers, body: Uint8Array.from(bytes) });
  };
  return {
    post,
    async submitRaw(
      label,
      body,
      contentType = endpoint.contentType,
      sent = () => endpoint.readBody(body, contentType),
    ) {
      const h = harness();
      const before = await enquiryCount(h);
      const outcome = await endpoint.judge(h, await post(body, contentType), before, label);
      if (outcome.kind === 'accepted') {
        const values = sent();
        if (values !== null) expectStored(outcome, expectedRow(values), label);
      }
      return outcome;
    },
  };
}

/**
 * Registers one test per content type (named `<type as JSON> → <expectation>`): `validBody`
 * sent with that type must be accepted, or refused with exactly the status given.
 */
export function itHandlesContentTypes(
  runner: IntakeRunner,
  validBody: RawBody,
  cases: ReadonlyArray<readonly [string | null, 'accepted' | number]>,
): void {
  it.each(cases)('%j → %s', async (type, expected) => {
    const outcome = await runner.submitRaw(`content type ${type}`, validBody, type);
    if (expected === 'accepted') expect(outcome.kind).toBe('accepted');
    else expect(outcome).toMatchObject({ kind: 'refused', status: expected });
  });
}
