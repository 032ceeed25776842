/**
 * Issue 18, item 3: page the story once. Out of hours, once on-call has an incident, its urgent
 * enquiries go into one summary text per `incidents.summaryMinutes` instead of a page each;
 * anything else, and an enquiry taken out of the incident, pages as before. And the on-call
 * officer can declare the incident from the link in a page.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../src/incidents/incident.tables.js';
import { summarySms } from '../../src/incidents/incident-summary.service.js';
import { smsCapacity, smsLength } from '../../src/oncall/paging.messages.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';

// Christmas Eve 2026, 22:00: the office is closed until 9:00am Tuesday 29 December.
const CHRISTMAS_EVE_10PM = '2026-12-24T22:00:00Z';
const ON_CALL = '+447911200001';
const MANAGER = { userId: null, email: 'manager@press.example.org' };
const MINUTE = 60_000;
const LINK = new RegExp(`\\nOpen: ${PUBLIC_BASE_URL.replace(/[.]/g, '\\.')}(/m/[A-Za-z0-9_-]{22})\\n`);

let h: Harness;
afterEach(async () => h?.close());

async function start() {
  h = await startHarness({
    now: CHRISTMAS_EVE_10PM,
    jobs: true,
    // One address sends everything here: the per-address limits are not what is under test.
    config: { onCall: { bundleSeconds: 0 }, intake: { rateLimit: null, pageRateLimit: null } },
  });
  await h.services.rota.addPerson({ name: 'Olu On-Call', phone: ON_CALL });
  await h.services.rota.addShift({
    phone: ON_CALL,
    role: 'primary',
    startsAt: new Date('2026-12-01T00:00:00Z'),
    endsAt: new Date('2027-01-05T09:00:00Z'),
    createdBy: 'test',
  });
}

let seq = 0;
/** A journalist's phone no other arrival uses (so SMS do not thread into one enquiry). */
function phone(): string {
  return `+447911123${String(nextSeq() % 1000).padStart(3, '0')}`;
}

/** The next number of this file's sequence (distinct phones and email addresses). */
function nextSeq(): number {
  seq += 1;
  return seq;
}

async function byApi(
  subject: string,
  opts: { urgent: boolean; deadline?: string },
): Promise<{ reference: string; pagedOnCall: boolean; nextStep: string }> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: phone(),
    subject,
    details: 'What can you tell us?',
    urgent: opts.urgent,
    ...(opts.deadline ? { deadline: opts.deadline } : {}),
  });
  expect(res.status).toBe(201);
  return res.json() as Promise<{ reference: string; pagedOnCall: boolean; nextStep: string }>;
}

async function byForm(subject: string, urgent: boolean): Promise<string> {
  const res = await h.postForm('/enquiries', {
    name: 'Sam Desk',
    outlet: 'Radio North',
    email: `sam${nextSeq()}@radionorth.example`,
    phone: '',
    subject,
    details: 'Any update tonight?',
    deadline: '',
    ...(urgent ? { urgent: 'true' } : {}),
  });
  expect(res.status).toBe(303);
  return res.headers.get('location')!.split('/')[2];
}

async function bySms(text: string): Promise<void> {
  expect((await h.sms(phone(), text)).status).toBe(200);
}

const toOnCall = () => h.twilio.messages.filter((m) => m.to === ON_CALL);

/** Waits until the on-call phone has had `n` texts in all. */
async function onCallTexts(n: number) {
  const until = performance.now() + 5000;
  while (toOnCall().length < n) {
    if (performance.now() > until) throw new Error(`on-call had ${toOnCall().length} texts, expected ${n}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  await h.jobs.settle();
  return toOnCall();
}

async function incidentRow(id: string): Promise<Incident> {
  return h.database.db.selectFrom('incident').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** References of enquiries withheld for the incident (intake's `page_withheld` reason incident). */
async function withheld(incidentId: string): Promise<string[]> {
  const rows = await h.database.db
    .selectFrom('enquiry_event')
    .innerJoin('enquiry', 'enquiry.id', 'enquiry_event.enquiry_id')
    .select('enquiry.reference')
    .where('enquiry_event.kind', '=', 'page_withheld')
    .where('enquiry.incident_id', '=', incidentId)
    .execute();
  return rows.map((r) => r.reference);
}

async function kinds(reference: string): Promise<string[]> {
  const rows = await h.database.db
    .selectFrom('enquiry_event')
    .innerJoin('enquiry', 'enquiry.id', 'enquiry_event.enquiry_id')
    .select('enquiry_event.kind')
    .where('enquiry.reference', '=', reference)
    .orderBy('enquiry_event.id')
    .execute();
  return rows.map((r) => r.kind);
}

/** Moves the clock to `at` and runs whatever jobs are then due. */
async function advanceTo(at: string) {
  h.clock.set(at);
  await h.jobs.settle();
}

describe('an incident on-call has: one page, then summaries', () => {
  it('pages the first urgent enquiry once, sends one summary per interval for the rest, and still pages anything else', async () => {
    await start();
    const incident = await h.services.incidents.declare(
      { name: 'Market St cordon', terms: 'market street cordon' },
      { kind: 'staff', actor: MANAGER },
    );
    expect(incident.acknowledged_at).toBeNull();

    // The first urgent enquiry pages: on-call does not have the story yet.
    const first = await byApi('Market Street cordon: what is happening?', { urgent: true });
    expect(first.pagedOnCall).toBe(true);
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    expect(toOnCall()).toHaveLength(1);
    expect(toOnCall()[0].body).toContain(first.reference);
    await h.sms(ON_CALL, 'ACK');
    await h.jobs.settle();
    expect((await incidentRow(incident.id)).acknowledged_at).not.toBeNull();

    // 49 more about the same story, by every channel, from 22:01 to 22:09: none pages.
    h.clock.set('2026-12-24T22:01:00Z');
    const urgentApi: string[] = [];
    for (let i = 0; i < 20; i++) {
      const urgent = i % 2 === 0;
      // Four urgent ones have deadlines before the office opens, one after.
      const deadline = i < 8 && urgent ? '2026-12-24T23:30' : i === 10 ? '2026-12-29T12:00' : undefined;
      const r = await byApi(`Market Street cordon - update ${i}`, { urgent, ...(deadline ? { deadline } : {}) });
      expect(r.pagedOnCall).toBe(false);
      if (urgent) {
        urgentApi.push(r.reference);
        expect(r.nextStep).toContain('already working on this story');
      }
    }
    h.clock.set('2026-12-24T22:05:00Z');
    for (let i = 0; i < 15; i++) await byForm(`Police cordon on Market Street (${i})`, i % 3 === 0);
    h.clock.set('2026-12-24T22:09:00Z');
    for (let i = 0; i < 14; i++)
      await bySms(`${i % 2 === 0 ? 'URGENT ' : ''}Why is there a cordon on Market Street? (${i})`);
    await h.jobs.settle();

    const linked = await h.database.db
      .selectFrom('enquiry')
      .select('reference')
      .where('incident_id', '=', incident.id)
      .execute();
    expect(linked).toHaveLength(50);
    // 10 by API, 5 by the form, 7 by SMS: 22 urgent enquiries that did not page.
    const held = await withheld(incident.id);
    expect(held).toHaveLength(22);
    expect(toOnCall()).toHaveLength(1);
    expect(await h.database.db.selectFrom('page').select('id').execute()).toHaveLength(1);
    expect(await kinds(urgentApi[0])).toEqual(expect.arrayContaining(['received', 'page_withheld', 'incident_linked']));

    // One summary job, due 15 minutes after the first withheld arrival (22:01): later ones do not postpone it.
    const summaryJobs = (await h.jobs.pending()).filter((j) => j.task_identifier === 'incident_summary');
    expect(summaryJobs.map((j) => j.run_at.toISOString())).toEqual(['2026-12-24T22:16:00.000Z']);

    await advanceTo('2026-12-24T22:15:59Z');
    expect(toOnCall()).toHaveLength(1);
    await advanceTo('2026-12-24T22:16:00Z');
    await onCallTexts(2);
    expect(toOnCall()).toHaveLength(2);
    const summary = toOnCall()[1].body!;
    expect(summary).toMatch(
      new RegExp(
        `^Incident 'Market St cordon': 22 more urgent enquiries, 4 with deadlines before the office opens Tue 29 Dec 09:00\\. Soonest: ${urgentApi[0]} by Thu 24 Dec 23:30\\. Reply INFO ${urgentApi[0]} or open the desk\\.$`,
      ),
    );
    expect(smsLength(summary)).toBeLessThanOrEqual(smsCapacity(summary, 2));
    for (const ref of held) expect(await kinds(ref)).toContain('incident_summary');
    expect((await incidentRow(incident.id)).summarised_to?.toISOString()).toBe('2026-12-24T22:16:00.000Z');

    // Run again (a retried job): nothing new, nothing sent. Quiet for an interval: nothing either.
    expect(await h.services.incidentSummaries.send(incident.id)).toBe(0);
    await advanceTo('2026-12-24T22:40:00Z');
    expect(toOnCall()).toHaveLength(2);

    // More arrive: another summary after the next interval, counting only them.
    const late = [
      await byApi('Market Street cordon: shots fired?', { urgent: true }),
      await byApi('Market Street cordon casualties', { urgent: true }),
    ];
    await bySms('URGENT Market Street cordon, any arrests?');
    expect(late.every((r) => !r.pagedOnCall)).toBe(true);
    await advanceTo('2026-12-24T22:54:00Z');
    expect(toOnCall()).toHaveLength(2);
    await advanceTo('2026-12-24T22:55:00Z');
    await onCallTexts(3);
    expect(toOnCall()).toHaveLength(3);
    expect(toOnCall()[2].body).toMatch(
      /^Incident 'Market St cordon': 3 more urgent enquiries, none with a deadline before the office opens Tue 29 Dec 09:00\. Latest: PD-/,
    );

    // An urgent enquiry about something else pages at once.
    const other = await byApi('Fire at the bus depot', { urgent: true });
    expect(other.pagedOnCall).toBe(true);
    await onCallTexts(4);
    expect(toOnCall()).toHaveLength(4);
    expect(toOnCall()[3].body).toMatch(new RegExp(`^URGENT media enquiry ${other.reference}\\.`));

    // Taking a withheld urgent enquiry out of the incident pages it, as if it had never been in one.
    await h.services.incidents.unlink(late[0].reference, MANAGER);
    await onCallTexts(5);
    expect(toOnCall()).toHaveLength(5);
    expect(toOnCall()[4].body).toMatch(new RegExp(`^URGENT media enquiry ${late[0].reference}\\.`));
    expect(await kinds(late[0].reference)).toEqual(
      expect.arrayContaining(['incident_summary', 'incident_unlinked', 'page_created']),
    );
  });
});

describe('declaring an incident from the link in a page', () => {
  it('links the enquiry, acknowledges the incident at once, and its next urgent enquiry goes straight into a summary', async () => {
    await start();
    const paged = await byApi('Flooding on the ring road', { urgent: true });
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    const path = LINK.exec(toOnCall()[0].body!)![1];

    const view = await h.app.request(path);
    const html = await view.text();
    expect(html).toContain('Declare an incident from this enquiry');
    expect(html).toContain('out of hours you get one summary text every few minutes instead of a page for each');
    expect(html).toContain(`action="${path}/declare"`);
    // The name empty, for the officer's own words (issue 22); the terms the subject's two most
    // distinctive words (issue 23), not the whole subject, for the officer to check.
    expect(html).toMatch(/id="incident-name" name="name"[^>]*value=""/);
    expect(html).toMatch(/id="incident-terms" name="terms"[^>]*value="flooding ring"/);
    const csrf = /name="_csrf" value="([^"]*)"/.exec(html)![1];
    const post = (fields: Record<string, string>) =>
      h.app.request(`${path}/declare`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, reference: paged.reference, ...fields }).toString(),
      });

    // Terms that match nothing are refused beside the field, what was typed kept.
    let res = await post({ name: 'Ring road flooding', terms: 'the and' });
    expect(res.status).toBe(422);
    const problem = await res.text();
    expect(problem).toContain(
      '<a href="#incident-terms">Use words that appear in the enquiries, like: market street cordon</a>',
    );
    expect(problem).toMatch(/id="incident-name" name="name"[^>]*value="Ring road flooding"/);
    // Without the view's form token: refused.
    res = await h.app.request(`${path}/declare`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ reference: paged.reference, name: 'x', terms: 'ring road' }).toString(),
    });
    expect(res.status).toBe(403);
    expect(await h.database.db.selectFrom('incident').select('id').execute()).toHaveLength(0);

    res = await post({ name: 'Ring road flooding', terms: 'ring road flooding' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${path}?done=declare`);
    expect(await (await h.app.request(res.headers.get('location')!)).text()).toContain(
      'Incident declared, and this enquiry linked to it.',
    );
    const incident = await h.database.db.selectFrom('incident').selectAll().executeTakeFirstOrThrow();
    expect(incident).toMatchObject({ name: 'Ring road flooding', declared_by: 'Olu On-Call' });
    expect(incident.acknowledged_at?.toISOString()).toBe(CHRISTMAS_EVE_10PM.replace('Z', '.000Z'));
    const link = await h.database.db
      .selectFrom('enquiry_event')
      .innerJoin('enquiry', 'enquiry.id', 'enquiry_event.enquiry_id')
      .select('enquiry_event.data')
      .where('enquiry.reference', '=', paged.reference)
      .where('enquiry_event.kind', '=', 'incident_linked')
      .executeTakeFirstOrThrow();
    expect(link.data).toMatchObject({ incidentId: incident.id, how: 'oncall' });
    expect(await (await h.app.request(path)).text()).not.toContain('Declare an incident from this enquiry');

    // The very next urgent enquiry about it does not page: it goes into the summary.
    h.clock.set('2026-12-24T22:03:00Z');
    const next = await byApi('Ring road flooding: is it closed?', { urgent: true, deadline: '2026-12-24T23:00' });
    expect(next.pagedOnCall).toBe(false);
    await h.jobs.settle();
    expect(toOnCall()).toHaveLength(1);
    await advanceTo('2026-12-24T22:18:00Z');
    await onCallTexts(2);
    expect(toOnCall()[1].body).toBe(
      `Incident 'Ring road flooding': 1 more urgent enquiry, 1 with a deadline before the office opens Tue 29 Dec 09:00. Soonest: ${next.reference} by Thu 24 Dec 23:00. Reply INFO ${next.reference} or open the desk.`,
    );
  });
});

describe('the summary job', () => {
  it('goes with the pages, ahead of texts to journalists, and to the out-of-hours line when nobody is on the rota', async () => {
    h = await startHarness({ now: CHRISTMAS_EVE_10PM, config: { intake: { rateLimit: null, pageRateLimit: null } } });
    const incident = await h.services.incidents.declare(
      { name: 'Depot fire', terms: 'depot fire' },
      { kind: 'oncall', name: 'on call (+447911200001)' },
    );
    const r = await byApi('Depot fire: any injuries?', { urgent: true });
    expect(r.pagedOnCall).toBe(false);
    const jobs = async () =>
      (
        await sql<{
          task_identifier: string;
          key: string | null;
          priority: number;
          payload: { to?: string; lane?: string };
        }>`SELECT t.identifier AS task_identifier, j.key, j.priority, j.payload
           FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id ORDER BY j.id`.execute(
          h.database.db,
        )
      ).rows;
    expect((await jobs()).find((j) => j.task_identifier === 'incident_summary')).toMatchObject({
      key: `incident-summary:${incident.id}`,
      priority: -10,
    });

    h.clock.advance(15 * MINUTE);
    expect(await h.services.incidentSummaries.send(incident.id)).toBe(1);
    // The shipped out-of-hours line is an 03 number, which cannot take texts: the summary is said on a call, still with the pages.
    const summary = (await jobs()).filter(
      (j) => j.task_identifier !== 'incident_summary' && j.key?.startsWith('incident-summary:'),
    );
    expect(summary).toEqual([
      expect.objectContaining({
        task_identifier: 'place_call',
        priority: -10,
        payload: expect.objectContaining({ to: h.config.onCall.fallbackNumber, lane: 'page' }),
      }),
    ]);
  });
});

describe('the summary text', () => {
  it('keeps to two segments of GSM characters, trimming a long or typographic incident name rather than the counts', async () => {
    h = await startHarness({ now: CHRISTMAS_EVE_10PM });
    const now = new Date(CHRISTMAS_EVE_10PM);
    const facts = {
      count: 12,
      dueBeforeOpening: 3,
      opensAt: new Date('2026-12-29T09:00:00Z'),
      first: { reference: 'PD-ABC-DEF', deadline: new Date('2026-12-24T23:30:00Z') },
    };
    const curly = summarySms({ ...facts, incidentName: 'St Mary’s – Siobhán’s “report”' }, h.config.office, now);
    expect(curly).toContain(`Incident 'St Mary's - Siobhan's "report"': 12 more urgent enquiries, 3 with deadlines`);
    const long = summarySms(
      { ...facts, incidentName: 'Flooding across the county '.repeat(5).trim().slice(0, 120) },
      h.config.office,
      now,
    );
    for (const text of [curly, long]) {
      expect(text).toMatch(/^[\x20-\x7e]*$/);
      expect(smsLength(text)).toBeLessThanOrEqual(smsCapacity(text, 2));
      expect(text).toContain('Reply INFO PD-ABC-DEF or open the desk.');
    }
    expect(long).toContain("Incident 'Flooding across the county Flooding");
    // An emoji cannot be folded: the text is UCS-2, two segments of 67, and the name gives way.
    const emoji = summarySms(
      { ...facts, incidentName: '🌊 Flooding across the county and the ring road' },
      h.config.office,
      now,
    );
    expect(smsLength(emoji)).toBeLessThanOrEqual(smsCapacity(emoji, 2));
    expect(emoji).toContain(
      "Incident 'Flooding across the county and the ring road': 12 more urgent enquiries, 3 with deadlines before the office opens Tue 29 Dec 09:00.",
    );
  });
});
