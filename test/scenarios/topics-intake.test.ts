/**
 * Issue 28, item 3: topic rules at intake. A manager keeps topics with search words (the queue's
 * syntax); a new enquiry whose words match gets the topic, marked suggested, whichever way it came
 * (the web form, the API, a text, an email), in the same transaction as the enquiry; its timeline
 * says "Topic suggested: Flooding (rule)". A topic that assigns routes a new enquiry to its
 * officer (the first such topic by name), with the topic on the timeline as the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEmail } from '../../src/email/email-parse.js';
import { decodeEntities, loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { composeTo } from '../support/mail.js';

// Wednesday 2 December 2026, 10:00 in London: open.
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const OFFICE = 'Press Office <press.office@press.example.org>';
const MANAGER = { name: 'Mona Manager', email: 'mona.manager@press.example', password: 'manager-password-1' };
const FAY = { name: 'Fay Officer', email: 'fay.officer@press.example', password: 'officer-password-1' };
const GUS = { name: 'Gus Officer', email: 'gus.officer@press.example', password: 'officer-password-2' };
const TEST = { userId: null, email: 'test' };

let h: Harness;
let manager: DeskClient;
const users: Record<string, string> = {};
let uid = 0;

/** A manager adds a topic on the desk's Topics page; returns its id. */
async function addTopic(fields: Record<string, string>): Promise<string> {
  const res = await manager.post('/desk/topics', fields);
  expect(res.status, res.body.slice(0, 500)).toBe(303);
  return /\/desk\/topics\/(\d+)/.exec(res.location ?? '')![1];
}

/** The enquiry's topics as [name, source], by name. */
async function topicsOf(reference: string): Promise<Array<[string, string]>> {
  const rows = await h.database.db
    .selectFrom('enquiry_topic')
    .innerJoin('topic', 'topic.id', 'enquiry_topic.topic_id')
    .innerJoin('enquiry', 'enquiry.id', 'enquiry_topic.enquiry_id')
    .where('enquiry.reference', '=', reference)
    .select(['topic.name', 'enquiry_topic.source'])
    .orderBy('topic.name')
    .execute();
  return rows.map((r) => [r.name, r.source]);
}

async function enquiry(reference: string) {
  return h.database.db.selectFrom('enquiry').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
}

/** The enquiry page's timeline titles, as the desk shows them. */
async function timelineText(reference: string): Promise<string> {
  const page = await manager.get(`/desk/enquiries/${reference}`);
  expect(page.status).toBe(200);
  return decodeEntities(page.body.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
}

async function viaApi(subject: string, details = 'Any comment?'): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: '+447911123401',
    subject,
    details,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM, config: { intake: { rateLimit: null, pageRateLimit: null } } });
  await h.services.users.create({ ...MANAGER, role: 'manager' }, TEST);
  users.fay = (await h.services.users.create({ ...FAY, role: 'officer' }, TEST)).id;
  users.gus = (await h.services.users.create({ ...GUS, role: 'officer' }, TEST)).id;
  manager = await loginAs(h, MANAGER.email, MANAGER.password);
  await manager.get('/desk/topics');
  await addTopic({ name: 'Flooding', terms: 'flood OR flooding OR flooded' });
  await addTopic({ name: 'Roads', terms: 'road closure OR closed road', assignTo: users.gus });
  // Both assign; "Collisions" comes first by name, so it routes what both match.
  await addTopic({ name: 'Collisions', terms: 'collision OR crash', assignTo: users.fay });
  await addTopic({ name: 'Custody', terms: '' });
});
afterAll(async () => h?.close());

describe('topics suggested at intake, by every channel alike', () => {
  it('a text about flooding gets the topic, marked suggested, on its timeline', async () => {
    const res = await h.sms('+447911000101', 'Which roads flooded overnight in Exeter?');
    expect(res.status).toBe(200);
    const row = await h.database.db
      .selectFrom('enquiry')
      .select('reference')
      .where('phone', '=', '+447911000101')
      .executeTakeFirstOrThrow();
    expect(await topicsOf(row.reference)).toEqual([['Flooding', 'rule']]);
    expect(await timelineText(row.reference)).toContain('Topic suggested: Flooding (rule)');
  });

  it('the web form does the same', async () => {
    const res = await h.postForm('/enquiries', {
      name: 'Sam Desk',
      outlet: 'Radio North',
      email: 'sam@radionorth.example',
      phone: '',
      subject: 'Flooding response',
      details: 'How many homes were evacuated?',
      deadline: '',
    });
    expect(res.status).toBe(303);
    const reference = res.headers.get('location')!.split('/')[2];
    expect(await topicsOf(reference)).toEqual([['Flooding', 'rule']]);
  });

  it('an email does the same', async () => {
    uid += 1;
    const raw = await composeTo(OFFICE, {
      from: 'Jo Writer <jo.writer@gazette.example>',
      subject: 'Flood defences at Topsham',
      text: 'Were the flood gates closed in time?',
      messageId: `<topics-${uid}@gazette.example>`,
    });
    const mail = await parseEmail(raw, { maxAttachmentBytes: 1_000_000, maxMessageBytes: 5_000_000 });
    const r = await h.services.emailIntake.receive({ mailbox: 'INBOX', uidValidity: '1', uid }, mail);
    const row = await h.database.db
      .selectFrom('enquiry')
      .select('reference')
      .where('id', '=', r.enquiryId!)
      .executeTakeFirstOrThrow();
    expect(await topicsOf(row.reference)).toEqual([['Flooding', 'rule']]);
  });

  it('an enquiry no topic matches gets none, and a topic without words is never suggested', async () => {
    const reference = await viaApi('Custody suite opening hours');
    expect(await topicsOf(reference)).toEqual([]);
    expect(await timelineText(reference)).not.toContain('Topic suggested');
  });

  it('an archived topic is not suggested; brought back, it is again', async () => {
    const flooding = await h.database.db
      .selectFrom('topic')
      .select('id')
      .where('name', '=', 'Flooding')
      .executeTakeFirstOrThrow();
    expect((await manager.post(`/desk/topics/${flooding.id}/archive`)).status).toBe(303);
    expect(await topicsOf(await viaApi('Flooding in Crediton'))).toEqual([]);
    expect((await manager.post(`/desk/topics/${flooding.id}/unarchive`)).status).toBe(303);
    expect(await topicsOf(await viaApi('Flooding in Tiverton'))).toEqual([['Flooding', 'rule']]);
  });
});

describe('the assign rule', () => {
  it('routes a new enquiry to the topic’s officer, with the topic as the reason; it stays new', async () => {
    const reference = await viaApi('Road closure on the A30', 'How long will the road closure last?');
    expect(await topicsOf(reference)).toEqual([['Roads', 'rule']]);
    const row = await enquiry(reference);
    expect(row.assigned_to).toBe(users.gus);
    expect(row.status).toBe('new');
    expect(await timelineText(reference)).toContain('Assigned to Gus Officer (topic Roads)');
  });

  it('the first matching topic by name wins when two assign', async () => {
    const reference = await viaApi('Crash causes road closure near Honiton');
    expect(await topicsOf(reference)).toEqual([
      ['Collisions', 'rule'],
      ['Roads', 'rule'],
    ]);
    expect((await enquiry(reference)).assigned_to).toBe(users.fay);
    expect(await timelineText(reference)).toContain('Topics suggested: Collisions, Roads (rule)');
  });

  it('does not assign to an officer who is no longer active', async () => {
    await h.database.db.updateTable('app_user').set({ active: false }).where('id', '=', users.gus).execute();
    try {
      const reference = await viaApi('Road closure at Exeter St David’s');
      expect(await topicsOf(reference)).toEqual([['Roads', 'rule']]);
      expect((await enquiry(reference)).assigned_to).toBeNull();
    } finally {
      await h.database.db.updateTable('app_user').set({ active: true }).where('id', '=', users.gus).execute();
    }
  });
});
