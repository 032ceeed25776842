/**
 * Issue 18, item 5: the report of one incident (GET /desk/incidents/:id/report, and .json), for
 * the debrief: enquiries by channel and by hour of office time, time from the declaration to the
 * first holding line, how many journalists were sent a line, how many were answered, and missed
 * deadlines by the reports page's rule. Enquiries arrive through the real intake (API, web form,
 * SMS) and are linked by the incident's terms; the lines given are written as the holding-line
 * service stores them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrivalBuckets, MAX_HOURLY_BUCKETS } from '../../src/incidents/incident-report.service.js';
import type { Incident } from '../../src/incidents/incident.tables.js';
import { DeskClient, loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

// Wednesday 2 December 2026, 10:00 GMT: the office is open (no pages involved).
const DECLARED = '2026-12-02T10:00:00Z';
const ACTOR = { userId: null, email: 'head@press.example' };
const MANAGER = { email: 'head@press.example', password: 'manager-password-1' };
const OFFICER = { email: 'olive@press.example', password: 'officer-password-1' };

let h: Harness;
let incident: Incident;
let quiet: Incident;
const refs: Record<string, string> = {};

async function viaApi(at: string, key: string, extra: Record<string, unknown> = {}) {
  h.clock.set(at);
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    email: `${key}@gazette.example`,
    subject: 'Police cordon on Market Street',
    details: 'What happened?',
    ...extra,
  });
  expect(res.status).toBe(201);
  refs[key] = ((await res.json()) as { reference: string }).reference;
}

async function lastReference(): Promise<string> {
  const row = await h.database.db
    .selectFrom('enquiry')
    .select('reference')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  return row.reference;
}

/** A line the office gave, and who it was queued to, as the holding-line service records it. */
async function giveLine(kind: 'holding' | 'press', at: string, to: Array<[string, string]>) {
  const db = h.database.db;
  const line = await db
    .insertInto('incident_line')
    .values({
      incident_id: incident.id,
      kind,
      text: `The ${kind} line.`,
      created_at: new Date(at),
      created_by: ACTOR.email,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const [key, contact] of to) {
    const e = await db.selectFrom('enquiry').select('id').where('reference', '=', refs[key]).executeTakeFirstOrThrow();
    await db
      .insertInto('incident_line_sent')
      .values({ line_id: line.id, enquiry_id: e.id, contact, queued_at: new Date(at) })
      .execute();
  }
}

beforeAll(async () => {
  h = await startHarness({ now: DECLARED, config: { intake: { rateLimit: null } } });
  await h.services.users.create({ ...MANAGER, name: 'Hana Head', role: 'manager' }, { userId: null, email: 'test' });
  await h.services.users.create(
    { ...OFFICER, name: 'Olive Officer', role: 'officer' },
    { userId: null, email: 'test' },
  );
  incident = await h.services.incidents.declare(
    { name: 'Market Street cordon', description: 'A cordon after a stabbing.', terms: 'cordon' },
    { kind: 'staff', actor: ACTOR },
  );
  quiet = await h.services.incidents.declare(
    { name: 'Reservoir <drill>', terms: 'reservoir drill' },
    { kind: 'staff', actor: ACTOR },
  );

  // 10:00-11:00: three arrivals (two by API, one by the web form), one more taken out again.
  await viaApi('2026-12-02T10:05:00Z', 'early', { deadline: '2026-12-02T10:30' }); // never answered: missed
  await viaApi('2026-12-02T10:20:00Z', 'met', { deadline: '2026-12-02T11:00' }); // answered 10:40: met
  h.clock.set('2026-12-02T10:50:00Z');
  const form = await h.postForm('/enquiries', {
    name: 'Sam Desk',
    outlet: 'Radio North',
    email: 'sam@radionorth.example',
    phone: '',
    subject: 'Cordon in town',
    details: 'Why is there a cordon?',
    deadline: '',
  });
  expect(form.status).toBe(303);
  refs.form = await lastReference();
  await viaApi('2026-12-02T10:55:00Z', 'unlinked');
  // 11:00-12:00: a text and a late answer.
  h.clock.set('2026-12-02T11:10:00Z');
  await h.sms('+447911123401', 'Why is there a police cordon on Market Street?');
  refs.sms1 = await lastReference();
  await viaApi('2026-12-02T11:30:00Z', 'late', { deadline: '2026-12-02T12:00' }); // answered 12:30: missed
  // Nothing 12:00-13:00; one text after 13:00.
  h.clock.set('2026-12-02T13:05:00Z');
  await h.sms('+447911123402', 'Is the cordon still up?');
  refs.sms2 = await lastReference();
  // Not about the incident.
  await viaApi('2026-12-02T13:10:00Z', 'other', { subject: 'Council budget', details: 'When is the vote?' });

  h.clock.set('2026-12-02T13:20:00Z');
  await h.services.incidents.unlink(refs.unlinked, ACTOR);
  h.clock.set('2026-12-02T10:40:00Z');
  await h.services.casework.recordResponse(refs.met, 'Officers are at the scene.', ACTOR);
  h.clock.set('2026-12-02T12:30:00Z');
  await h.services.casework.recordResponse(refs.late, 'Officers are at the scene.', ACTOR);

  // The holding line 25 minutes after the declaration, to three people (the same person twice);
  // the press line later, to two, one of them new.
  await giveLine('holding', '2026-12-02T10:25:00Z', [
    ['early', 'early@gazette.example'],
    ['met', 'met@gazette.example'],
    ['form', 'sam@radionorth.example'],
  ]);
  await giveLine('press', '2026-12-02T12:00:00Z', [
    ['met', 'met@gazette.example'],
    ['sms1', '+447911123401'],
  ]);

  h.clock.set('2026-12-02T14:00:00Z');
  await h.services.deadlines.sweep();
});
afterAll(async () => h?.close());

describe('the report of an incident', () => {
  it('gives every figure for the enquiries linked to it now', async () => {
    const officer = await loginAs(h, OFFICER.email, OFFICER.password);
    const res = await officer.get(`/desk/incidents/${incident.id}/report.json`);
    expect(res.status).toBe(200);
    const r = JSON.parse(res.body);
    expect(r.incident).toMatchObject({
      id: incident.id,
      name: 'Market Street cordon',
      declaredAt: '2026-12-02T10:00:00.000Z',
      closedAt: null,
    });
    // Six linked: the one taken out and the one about something else are not counted.
    expect(r.enquiries).toMatchObject({
      total: 6,
      byChannel: { api: 3, web: 1, sms: 2, voice: 0, email: 0 },
      answered: 2,
      withDeadline: 3,
      missedDeadlines: 2,
    });
    // Only the early one was still unanswered when its respond-by time passed.
    expect(r.enquiries.breaches).toBe(1);
    expect(r.enquiries.arrivals).toEqual({
      unit: 'hour',
      buckets: [
        { start: '2026-12-02T10:00:00.000Z', label: 'Wed 2 Dec 10:00', n: 3 },
        { start: '2026-12-02T11:00:00.000Z', label: 'Wed 2 Dec 11:00', n: 2 },
        { start: '2026-12-02T12:00:00.000Z', label: 'Wed 2 Dec 12:00', n: 0 },
        { start: '2026-12-02T13:00:00.000Z', label: 'Wed 2 Dec 13:00', n: 1 },
      ],
    });
    expect(r.lines).toMatchObject({
      firstHoldingAfterSeconds: 1500,
      firstHoldingAt: '2026-12-02T10:25:00.000Z',
      journalistsReached: 4,
      journalistsGotHolding: 3,
    });
    expect(r.lines.given.map((l: { kind: string; recipients: number }) => [l.kind, l.recipients])).toEqual([
      ['holding', 3],
      ['press', 2],
    ]);
  });

  it('shows the figures on the page, with the chart and its numbers', async () => {
    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    const page = await manager.get(`/desk/incidents/${incident.id}/report`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>Report: Market Street cordon</h1>');
    expect(page.body).toMatch(/<dt>First holding line<\/dt>\s*<dd>25m after the declaration<\/dd>/);
    expect(page.body).toMatch(
      /<dt>Deadlines missed<\/dt>\s*<dd>\s*2 <span class="hint">of 3 enquiries with a deadline<\/span>/,
    );
    expect(page.body).toMatch(
      /<dt>Journalists sent a line<\/dt>\s*<dd>\s*4 <span class="hint">\(3 a holding line\)<\/span>/,
    );
    expect(page.body).toContain('Enquiries by hour (office time)');
    expect((page.body.match(/<svg /g) ?? []).length).toBe(1);
    expect(page.body).not.toContain('<script');
  });

  it('says when no holding line was given and nothing is linked, and escapes the name', async () => {
    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    const r = JSON.parse((await manager.get(`/desk/incidents/${quiet.id}/report.json`)).body);
    expect(r.enquiries).toMatchObject({
      total: 0,
      answered: 0,
      missedDeadlines: 0,
      arrivals: { unit: 'hour', buckets: [] },
    });
    expect(r.lines).toMatchObject({ firstHoldingAfterSeconds: null, firstHoldingAt: null, journalistsReached: 0 });
    const page = await manager.get(`/desk/incidents/${quiet.id}/report`);
    expect(page.body).toMatch(/<dt>First holding line<\/dt>\s*<dd>None given<\/dd>/);
    expect(page.body).toContain('No holding or press line has been given.');
    expect(page.body).toContain('Reservoir &lt;drill&gt;');
    expect(page.body).not.toContain('Reservoir <drill>');
  });

  it('is for signed-in staff only, and 404 for an incident that does not exist', async () => {
    const anonymous = new DeskClient(h);
    const res = await anonymous.get(`/desk/incidents/${incident.id}/report`);
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/^\/desk\/login/);
    expect((await anonymous.get(`/desk/incidents/${incident.id}/report.json`)).status).not.toBe(200);
    const officer = await loginAs(h, OFFICER.email, OFFICER.password);
    expect((await officer.get('/desk/incidents/999999/report')).status).toBe(404);
    expect((await officer.get('/desk/incidents/not-a-number/report.json')).status).toBe(404);
  });
});

describe('arrivals by hour of office time', () => {
  const zone = 'Europe/London';
  it('keeps the two 01:00 hours of the night the clocks go back apart', () => {
    const r = arrivalBuckets(
      [
        { hour: new Date('2026-10-25T00:00:00Z'), n: 2 }, // 01:00 BST
        { hour: new Date('2026-10-25T02:00:00Z'), n: 1 }, // 02:00 GMT
      ],
      zone,
    );
    expect(r.unit).toBe('hour');
    expect(r.buckets.map((b) => [b.label, b.n])).toEqual([
      ['Sun 25 Oct 01:00', 2],
      ['Sun 25 Oct 01:00', 0],
      ['Sun 25 Oct 02:00', 1],
    ]);
  });

  it('counts by day when the incident runs longer than the hourly chart can show', () => {
    const r = arrivalBuckets(
      [
        { hour: new Date('2026-12-01T22:00:00Z'), n: 4 },
        { hour: new Date('2026-12-01T23:00:00Z'), n: 1 },
        { hour: new Date(Date.UTC(2026, 11, 1, 22) + MAX_HOURLY_BUCKETS * 3_600_000), n: 3 },
      ],
      zone,
    );
    expect(r.unit).toBe('day');
    expect(r.buckets.map((b) => [b.label, b.n])).toEqual([
      ['Tue 1 Dec', 5],
      ['Wed 2 Dec', 0],
      ['Thu 3 Dec', 0],
      ['Fri 4 Dec', 3],
    ]);
  });
});
