/**
 * Issue 28, item 3, on the desk: the managers' Topics page refuses a duplicate name and search
 * words that can match nothing, or only exclude, with a 422 beside the field, and says how many of
 * the last 30 days' enquiries words would have matched; any officer changes an enquiry's topics on
 * its page (audited, on the timeline); the queue filters by topic with its other filters; a topic
 * that requires sign-off gates the response and replies even where the office's rule would not; a
 * topic's line is suggested beside the response box; and erasure leaves the topics countable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEntities, fieldError, loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

// Wednesday 2 December 2026, 10:00 in London: open.
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const MANAGER = { name: 'Mona Manager', email: 'mona.manager@press.example', password: 'manager-password-1' };
const OFFICER = { name: 'Otto Officer', email: 'otto.officer@press.example', password: 'officer-password-1' };
const TEST = { userId: null, email: 'test' };
const JOURNALIST_PHONE = '+447911123470';

let h: Harness;
let manager: DeskClient;
let otto: DeskClient;
const topics: Record<string, string> = {};
const refs: Record<string, string> = {};

function text(html: string): string {
  return decodeEntities(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
}

function rows(html: string): string[] {
  return [...html.matchAll(/id="row-(PD-[A-Z0-9-]+)"/g)].map((m) => m[1]);
}

async function viaApi(subject: string, outlet = 'Evening Gazette', phone = '+447911123401'): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet,
    phone,
    subject,
    details: 'Any comment?',
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

async function topicNames(reference: string): Promise<string[]> {
  const r = await h.database.db
    .selectFrom('enquiry_topic')
    .innerJoin('topic', 'topic.id', 'enquiry_topic.topic_id')
    .innerJoin('enquiry', 'enquiry.id', 'enquiry_topic.enquiry_id')
    .where('enquiry.reference', '=', reference)
    .select('topic.name')
    .orderBy('topic.name')
    .execute();
  return r.map((x) => x.name);
}

beforeAll(async () => {
  h = await startHarness({
    now: WEDNESDAY_10AM,
    config: { intake: { rateLimit: null, pageRateLimit: null }, statements: { signOff: 'never' } },
  });
  await h.services.users.create({ ...MANAGER, role: 'manager' }, TEST);
  await h.services.users.create({ ...OFFICER, role: 'officer' }, TEST);
  manager = await loginAs(h, MANAGER.email, MANAGER.password);
  otto = await loginAs(h, OFFICER.email, OFFICER.password);
  // Enquiries from before the topics existed: the words are measured against them.
  h.clock.set('2026-11-20T10:00:00Z');
  refs.oldFlood = await viaApi('Flooding at the river Exe');
  refs.oldOther = await viaApi('Speed cameras on the B3212');
  h.clock.set(WEDNESDAY_10AM);
  const now = h.clock.now();
  const line = await h.database.db
    .insertInto('line_to_take')
    .values({
      title: 'River levels',
      text: 'We are working with the Environment Agency and will update residents.',
      approved_by: 'Ch Supt Reid',
      approved_at: now,
      created_at: now,
      created_by: MANAGER.email,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  topics.line = line.id;
});
afterAll(async () => h?.close());

describe('the managers’ Topics page', () => {
  it('is for managers only', async () => {
    expect((await otto.get('/desk/topics')).status).toBe(403);
    expect((await manager.get('/desk/topics')).status).toBe(200);
  });

  it('says how many of the last 30 days’ enquiries the words would have matched, saving nothing', async () => {
    await manager.get('/desk/topics');
    const check = await manager.post('/desk/topics', { name: 'Flooding', terms: 'flooding OR flood', check: 'yes' });
    expect(check.status).toBe(200);
    expect(text(check.body)).toContain(
      'These words would have matched 1 of the 2 enquiries received in the last 30 days',
    );
    expect(await h.database.db.selectFrom('topic').select('id').execute()).toEqual([]);
  });

  it('adds a topic (audited) and shows its reach on its page', async () => {
    const res = await manager.post('/desk/topics', {
      name: 'Flooding',
      terms: 'flooding OR flood',
      suggestLine: topics.line,
    });
    expect(res.status).toBe(303);
    topics.flooding = /\/desk\/topics\/(\d+)/.exec(res.location!)![1];
    const page = await manager.get(res.location!);
    expect(text(page.body)).toContain('The topic has been added');
    expect(text(page.body)).toContain('Its words match 1 of the 2 enquiries received in the last 30 days');
    const audit = await h.database.db
      .selectFrom('audit_log')
      .select(['action', 'user_email'])
      .where('action', '=', 'topic.added')
      .execute();
    expect(audit).toEqual([{ action: 'topic.added', user_email: MANAGER.email }]);
    const custody = await manager.post('/desk/topics', { name: 'Custody', terms: 'custody', requireSignoff: 'yes' });
    expect(custody.status).toBe(303);
    topics.custody = /\/desk\/topics\/(\d+)/.exec(custody.location!)![1];
    const roads = await manager.post('/desk/topics', { name: 'Roads', terms: '' });
    topics.roads = /\/desk\/topics\/(\d+)/.exec(roads.location!)![1];
  });

  it('refuses a name another topic has, in any case, with 422 beside the name', async () => {
    await manager.get('/desk/topics');
    const res = await manager.post('/desk/topics', { name: 'FLOODING', terms: 'rain' });
    expect(res.status).toBe(422);
    expect(fieldError(res.body, 'topic-name')).toBe('There is already a topic called “Flooding”');
    // Renaming another topic to it is refused the same way.
    await manager.get(`/desk/topics/${topics.roads}`);
    const rename = await manager.post(`/desk/topics/${topics.roads}`, { name: 'flooding', terms: '' });
    expect(rename.status).toBe(422);
    expect(fieldError(rename.body, 'topic-name')).toContain('There is already a topic called');
  });

  it('refuses words that can match nothing, or only exclude, with 422 beside the terms', async () => {
    await manager.get('/desk/topics');
    const nothing = await manager.post('/desk/topics', { name: 'Weather', terms: 'the and of' });
    expect(nothing.status).toBe(422);
    expect(fieldError(nothing.body, 'topic-terms')).toContain('Those terms can match nothing');
    const only = await manager.post('/desk/topics', { name: 'Weather', terms: '-weather' });
    expect(only.status).toBe(422);
    expect(fieldError(only.body, 'topic-terms')).toContain('not only what they are not');
    // What was typed is kept.
    expect(only.body).toContain('value="-weather"');
  });
});

describe('an enquiry’s topics on its page', () => {
  it('lists them (suggested ones marked), suggests the topic’s line by the response box, and any officer changes them', async () => {
    refs.flood = await viaApi('Flooding in Exeter', 'Radio North');
    expect(await topicNames(refs.flood)).toEqual(['Flooding']);
    const page = await otto.get(`/desk/enquiries/${refs.flood}`);
    const words = text(page.body);
    expect(words).toMatch(/Topics Flooding \(suggested\)/);
    expect(words).toContain(`Suggested line for Flooding: ${topics.line} · River levels`);
    expect(page.body).toContain(`href="/desk/lines/${topics.line}"`);

    // Otto adds Roads and takes Flooding off.
    const res = await otto.post(`/desk/enquiries/${refs.flood}/topics`, { topics: [topics.roads] });
    expect(res.status).toBe(303);
    expect(await topicNames(refs.flood)).toEqual(['Roads']);
    const after = text((await otto.get(res.location!)).body);
    expect(after).toContain('Topics saved: added Roads; removed Flooding');
    expect(after).toContain('Topics changed: added Roads; removed Flooding');
    const audit = await h.database.db
      .selectFrom('audit_log')
      .select(['user_email', 'detail'])
      .where('action', '=', 'enquiry.topics_changed')
      .executeTakeFirstOrThrow();
    expect(audit.user_email).toBe(OFFICER.email);
    expect(audit.detail).toMatchObject({ added: [{ name: 'Roads' }], removed: [{ name: 'Flooding' }] });

    // Back again, both.
    await otto.post(`/desk/enquiries/${refs.flood}/topics`, { topics: [topics.roads, topics.flooding] });
    expect(await topicNames(refs.flood)).toEqual(['Flooding', 'Roads']);
  });

  it('refuses a topic that is archived or does not exist', async () => {
    await otto.get(`/desk/enquiries/${refs.flood}`);
    const res = await otto.post(`/desk/enquiries/${refs.flood}/topics`, { topics: ['999999'] });
    expect(res.status).toBe(422);
    expect(await topicNames(refs.flood)).toEqual(['Flooding', 'Roads']);
  });
});

describe('the queue’s topic filter', () => {
  it('lists only enquiries with the topic, with the other filters, and counts them for the live queue', async () => {
    refs.flood2 = await viaApi('Flood warnings for Topsham', 'Evening Gazette');
    refs.roadsOnly = await viaApi('Pothole complaints', 'Evening Gazette');
    await otto.get(`/desk/enquiries/${refs.roadsOnly}`);
    await otto.post(`/desk/enquiries/${refs.roadsOnly}/topics`, { topics: [topics.roads] });

    const flooding = await otto.get(`/desk?topic=${topics.flooding}`);
    expect(flooding.status).toBe(200);
    // The enquiry about flooding from before the topic existed has none: rules apply from then on.
    expect(new Set(rows(flooding.body))).toEqual(new Set([refs.flood, refs.flood2]));
    // The select keeps the choice; the "This week" link keeps the filter.
    expect(flooding.body).toMatch(new RegExp(`<option value="${topics.flooding}" selected`));
    expect(decodeEntities(flooding.body)).toMatch(/href="\/desk\?topic=\d+&from=/);
    expect(rows((await otto.get(`/desk?topic=${topics.flooding}&outlet=gazette`)).body)).toEqual([refs.flood2]);
    expect(rows((await otto.get(`/desk?topic=${topics.roads}&outlet=gazette`)).body)).toEqual([refs.roadsOnly]);
    const counts = await otto.get(`/desk/queue/counts?topic=${topics.flooding}`, { Accept: 'application/json' });
    expect(JSON.parse(counts.body)).toMatchObject({ total: 2 });
    // Nonsense is no filter, never an error.
    expect((await otto.get('/desk?topic=abc')).status).toBe(200);
  });
});

describe('a topic that requires sign-off', () => {
  it('gates the response and the SMS reply, though the office’s rule (never) would not', async () => {
    refs.custody = await viaApi('Death in custody at Heavitree Road', 'Evening Gazette', JOURNALIST_PHONE);
    expect(await topicNames(refs.custody)).toEqual(['Custody']);
    const page = await otto.get(`/desk/enquiries/${refs.custody}`);
    expect(text(page.body)).toContain('Sign-off is required before this response is released (the topic Custody)');
    const release = await otto.post(`/desk/enquiries/${refs.custody}/response`, {
      response: 'We have referred the matter to the IOPC.',
      release: 'yes',
    });
    expect(release.status).toBe(422);
    expect(fieldError(release.body, 'release')).toContain('needs sign-off');
    const reply = await otto.post(`/desk/enquiries/${refs.custody}/reply`, {
      reply: 'We have referred it to the IOPC.',
    });
    expect(reply.status).toBe(422);
    expect(fieldError(reply.body, 'reply')).toContain('needs sign-off');

    // Another enquiry, without the topic, is released as the office's rule says.
    await otto.get(`/desk/enquiries/${refs.flood2}`);
    const free = await otto.post(`/desk/enquiries/${refs.flood2}/response`, {
      response: 'Flood warnings are issued by the Environment Agency.',
      release: 'yes',
    });
    expect(free.status).toBe(303);
  });
});

describe('erasure', () => {
  it('leaves the enquiry’s topics, so the figures by topic still add up', async () => {
    const before = (await manager.get('/desk/topics')).body;
    const countOf = (html: string) =>
      new RegExp(`href="/desk\\?status=all&amp;topic=${topics.custody}">(\\d+)<`).exec(html)?.[1];
    expect(countOf(before)).toBe('1');
    await manager.get('/desk/privacy');
    const erased = await manager.post('/desk/privacy/erase', { phone: JOURNALIST_PHONE, email: '', confirm: 'yes' });
    expect(erased.status).toBe(200);
    expect(erased.body).toContain('Erased personal data from 1 enquiry');
    const row = await h.database.db
      .selectFrom('enquiry')
      .select(['status', 'subject'])
      .where('reference', '=', refs.custody)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('erased');
    expect(row.subject).not.toContain('Heavitree');
    expect(await topicNames(refs.custody)).toEqual(['Custody']);
    expect(countOf((await manager.get('/desk/topics')).body)).toBe('1');
  });
});
