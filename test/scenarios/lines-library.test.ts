/**
 * Issue 28, items 1 and 2: the library of lines to take and reply templates. Managers add lines;
 * officers find them as they type (`GET /desk/lines/suggest`), and a line inserted in a reply
 * reaches the journalist in exactly its words. A used line whose words change becomes a new line
 * replacing it; a withdrawn line is no longer offered, is refused, and lists where it was used; a
 * line past its review date warns. Templates fill every placeholder and refuse unknown ones.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Suggestion } from '../../src/lines/lines.service.js';
import { decodeEntities, type DeskClient, fieldError, loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

// Tuesday 8 December 2026, 10:00 in London: the office is open.
const TUESDAY_10AM = '2026-12-08T10:00:00Z';
const JOURNALIST = '+447911123456';
const OFFICER = { name: 'Otto Officer', email: 'otto.officer@press.example', password: 'correct horse battery 2' };
const MANAGER = { name: 'Mona Manager', email: 'mona.manager@press.example', password: 'correct horse battery 1' };
const TEST = { userId: null, email: 'test' };
const FOI = 'We cannot comment on that here. Please make a Freedom of Information request.';
const FLOOD = 'Crews are pumping water from homes on Mill Lane. Avoid the area until further notice.';

let h: Harness;
afterEach(async () => h?.close());

const text = (html: string) => decodeEntities(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');

async function start() {
  h = await startHarness({ now: TUESDAY_10AM, jobs: true, config: { intake: { rateLimit: null } } });
  await h.services.users.create({ ...OFFICER, role: 'officer' }, TEST);
  await h.services.users.create({ ...MANAGER, role: 'manager' }, TEST);
  const mona = await loginAs(h, MANAGER.email, MANAGER.password);
  const otto = await loginAs(h, OFFICER.email, OFFICER.password);
  return { mona, otto };
}

async function enquiry(subject = 'Flooding in Mill Lane', phone = JOURNALIST): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone,
    subject,
    details: 'What is happening?',
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

/** A manager adds a line through the form; returns its number. */
async function addLine(
  mona: DeskClient,
  fields: { title: string; text: string; reviewBy?: string; topic?: string[] },
): Promise<string> {
  const res = await mona.post('/desk/lines', {
    title: fields.title,
    text: fields.text,
    approvedBy: 'Chief Superintendent Jo Bloggs',
    approvedOn: '2026-12-01',
    reviewBy: fields.reviewBy ?? '',
    incident: '',
    topic: fields.topic ?? [],
  });
  expect(res.status, text(res.body)).toBe(303);
  return /\/desk\/lines\/(\d+)\?done=added/.exec(res.location ?? '')![1];
}

async function suggest(client: DeskClient, q: string, reference?: string) {
  const res = await client.get(
    `/desk/lines/suggest?q=${encodeURIComponent(q)}${reference ? `&enquiry=${reference}` : ''}`,
    { Accept: 'application/json' },
  );
  return { status: res.status, json: JSON.parse(res.body) as { items: Suggestion[] } };
}

async function textsTo(to: string): Promise<string[]> {
  await h.jobs.settle();
  return h.twilio.messages.filter((m) => m.to === to).map((m) => m.body ?? '');
}

describe('lines to take', () => {
  it('a line found as the officer types is sent in exactly its words, and recorded as used', async () => {
    const { mona, otto } = await start();
    const id = await addLine(mona, { title: 'Flooding on Mill Lane', text: FLOOD });
    const reference = await enquiry();

    // Each word may be the start of one: "flo mill" finds it; the JSON says its size as an SMS.
    const { status, json } = await suggest(otto, 'flo mill', reference);
    expect(status).toBe(200);
    expect(json.items).toEqual([
      {
        kind: 'line',
        id,
        title: 'Flooding on Mill Lane',
        text: FLOOD,
        warning: null,
        segments: 1,
        characters: FLOOD.length,
      },
    ]);

    // Inserted in the reply box and sent: the journalist's text is the line, exactly.
    const sent = await otto.post(`/desk/enquiries/${reference}/reply`, { reply: json.items[0].text });
    expect(sent.status, text(sent.body)).toBe(303);
    expect(await textsTo(JOURNALIST)).toContain(FLOOD);
    // Recorded as the response too: both are on record as the library line.
    await h.services.casework.recordResponse(reference, FLOOD, TEST);
    const said = await h.database.db.selectFrom('said').select(['kind', 'line_id', 'text']).orderBy('id').execute();
    expect(said).toEqual([
      { kind: 'sms_reply', line_id: id, text: FLOOD },
      { kind: 'response', line_id: id, text: FLOOD },
    ]);
    const outbox = await h.database.db
      .selectFrom('outbound_message')
      .select('content')
      .where('to_number', '=', JOURNALIST)
      .where('owner_kind', '=', 'message')
      .execute();
    expect(outbox.map((m) => m.content)).toContain(FLOOD);

    // The line's page shows its size and where it was used.
    const page = text((await otto.get(`/desk/lines/${id}`)).body);
    expect(page).toContain(`${FLOOD.length} characters, 1 SMS`);
    expect(page).toContain(reference);
  });

  it('officers cannot change lines; a used line whose words change becomes a new line replacing it', async () => {
    const { mona, otto } = await start();
    const id = await addLine(mona, { title: 'Flooding on Mill Lane', text: FLOOD });
    expect((await otto.get('/desk/lines/new')).status).toBe(403);
    expect((await otto.get('/desk/lines/templates')).status).toBe(403);

    // Unused: changed in place.
    const edited = await mona.post(`/desk/lines/${id}`, {
      title: 'Flooding, Mill Lane',
      text: FLOOD,
      approvedBy: 'Chief Superintendent Jo Bloggs',
      approvedOn: '2026-12-01',
    });
    expect(edited.location).toBe(`/desk/lines/${id}?done=updated`);

    const reference = await enquiry();
    await h.services.casework.replyBySms(reference, FLOOD, TEST);
    const changed = `${FLOOD} Mill Lane is now closed.`;
    const res = await mona.post(`/desk/lines/${id}`, {
      title: 'Flooding, Mill Lane',
      text: changed,
      approvedBy: 'Chief Superintendent Jo Bloggs',
      approvedOn: '2026-12-08',
    });
    const next = /\/desk\/lines\/(\d+)\?done=superseded/.exec(res.location ?? '')![1];
    expect(next).not.toBe(id);
    const old = await h.services.lines.find(id);
    expect(old).toMatchObject({ state: 'superseded', superseded_by: next, text: FLOOD });
    expect(await h.services.lines.current(id)).toMatchObject({
      ok: false,
      refusal: { kind: 'superseded', by: next, message: `Line ${id} was replaced by line ${next}` },
    });
    // What was sent stays recorded as the old line.
    const said = await h.database.db.selectFrom('said').select('line_id').executeTakeFirstOrThrow();
    expect(said.line_id).toBe(id);
  });

  it('a withdrawn line lists where it was used, is no longer offered, and is refused', async () => {
    const { mona, otto } = await start();
    const id = await addLine(mona, { title: 'Flooding on Mill Lane', text: FLOOD });
    const open = await enquiry('Flooding, open');
    const answered = await enquiry('Flooding, answered', '+447911123457');
    await h.services.casework.replyBySms(open, FLOOD, TEST);
    await h.services.casework.recordResponse(answered, FLOOD, TEST);
    await h.services.casework.setStatus(answered, 'closed', TEST);

    // The confirmation lists both: the open one and the one closed within 90 days.
    const confirm = await mona.get(`/desk/lines/${id}/withdraw`);
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain(`href="/desk/enquiries/${open}"`);
    expect(confirm.body).toContain(`href="/desk/enquiries/${answered}"`);

    const noReason = await mona.post(`/desk/lines/${id}/withdraw`, { reason: '' });
    expect(noReason.status).toBe(422);
    expect(fieldError(noReason.body, 'withdraw-reason')).toContain('Enter why it is withdrawn');

    const res = await mona.post(`/desk/lines/${id}/withdraw`, { reason: 'The road has reopened' });
    expect(res.location).toBe(`/desk/lines/${id}?done=withdrawn`);
    const page = text((await otto.get(`/desk/lines/${id}`)).body);
    expect(page).toContain('Withdrawn on 8 December 2026: The road has reopened');
    expect(page).toContain(open);
    expect(page).toContain(answered);

    expect((await suggest(otto, 'flood')).json.items).toEqual([]);
    expect(await h.services.lines.current(id)).toMatchObject({
      ok: false,
      refusal: { kind: 'withdrawn', message: `Line ${id} was withdrawn on 8 December 2026 (The road has reopened)` },
    });
    const audit = await h.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'like', 'line.%')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['line.added', 'line.withdrawn']);
  });

  it('a line past its review date warns in the suggestions and on its page; one due soon says when', async () => {
    const { mona, otto } = await start();
    // Review dates are checked against today when a line is saved, so they are set back afterwards.
    const past = await addLine(mona, { title: 'Flooding on Mill Lane', text: FLOOD });
    const soon = await addLine(mona, { title: 'Flood defences', text: 'The defences are being checked.' });
    await h.database.db.updateTable('line_to_take').set({ review_by: '2026-11-03' }).where('id', '=', past).execute();
    await h.database.db.updateTable('line_to_take').set({ review_by: '2026-12-15' }).where('id', '=', soon).execute();

    const { json } = await suggest(otto, 'flood');
    const byId = new Map(json.items.map((i) => [i.id, i]));
    expect(byId.get(past)?.warning).toBe(
      'Due for review since 3 November 2026: check it is still right before you send it',
    );
    expect(byId.get(soon)?.warning).toBeNull();
    expect(text((await otto.get(`/desk/lines/${past}`)).body)).toContain('Review due since 3 November 2026');
    expect(text((await otto.get(`/desk/lines/${soon}`)).body)).toContain('Review due on 15 December 2026');
  });

  it('suggests the enquiry’s topics’ lines first, then the most used; at most 8, current lines and templates only', async () => {
    const { mona, otto } = await start();
    const now = h.clock.now();
    const topic = await h.database.db
      .insertInto('topic')
      .values({ name: 'Floods', created_at: now, created_by: 'test' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const ids: string[] = [];
    for (let i = 1; i <= 9; i++) ids.push(await addLine(mona, { title: `Line ${i}`, text: `Words of line ${i}.` }));
    const topical = await addLine(mona, { title: 'Mill Lane', text: FLOOD, topic: [topic.id] });
    const withdrawn = ids[8];
    await h.services.lines.withdraw(TEST, withdrawn, 'wrong');
    // Line 3 was sent twice in the last 90 days, line 5 once.
    const used = await enquiry('Anything', '+447911123458');
    for (const n of [2, 2, 4]) await h.services.casework.replyBySms(used, `Words of line ${n + 1}.`, TEST);
    const reference = await enquiry();
    await h.database.db
      .insertInto('enquiry_topic')
      .values({
        enquiry_id: (
          await h.database.db
            .selectFrom('enquiry')
            .select('id')
            .where('reference', '=', reference)
            .executeTakeFirstOrThrow()
        ).id,
        topic_id: topic.id,
        source: 'officer',
        added_at: now,
      })
      .execute();

    const { json } = await suggest(otto, '', reference);
    expect(json.items).toHaveLength(8);
    expect(json.items.slice(0, 3).map((i) => i.id)).toEqual([topical, ids[2], ids[4]]);
    expect(json.items.map((i) => i.id)).not.toContain(withdrawn);
    // Without the enquiry, the most used come first.
    expect((await suggest(otto, '')).json.items.slice(0, 2).map((i) => i.id)).toEqual([ids[2], ids[4]]);

    // A word matches titles and words alike; templates too, archived ones not.
    const tpl = await h.services.lines.addTemplate(TEST, { title: 'Line about FOI', body: FOI });
    const archived = await h.services.lines.addTemplate(TEST, { title: 'Old line', body: 'Old words.' });
    await h.services.lines.archiveTemplate(TEST, archived);
    const found = (await suggest(otto, 'lin')).json.items;
    expect(found).toHaveLength(8);
    const all = (await h.services.lines.suggest('line', { limit: 8 })).map((s) => `${s.kind}:${s.id}`);
    expect(all).not.toContain(`template:${archived}`);
    expect((await suggest(otto, 'freedom')).json.items.map((i) => `${i.kind}:${i.id}`)).toEqual([`template:${tpl}`]);

    // An enquiry that does not exist: a JSON 404.
    const missing = await otto.get('/desk/lines/suggest?q=x&enquiry=PD-AAA-AAA', { Accept: 'application/json' });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('the library’s pages', () => {
  it('each renders for a manager, with its header section; officers read lines but not the managers’ forms', async () => {
    const { mona, otto } = await start();
    const id = await addLine(mona, { title: 'Flooding on Mill Lane', text: FLOOD });
    const tpl = await h.services.lines.addTemplate(TEST, { title: 'FOI', body: FOI });
    for (const path of [
      '/desk/lines',
      '/desk/lines?q=mill&state=all',
      '/desk/lines/new',
      `/desk/lines/${id}`,
      `/desk/lines/${id}/edit`,
      `/desk/lines/${id}/supersede`,
      `/desk/lines/${id}/withdraw`,
      '/desk/lines/templates',
      `/desk/lines/templates/${tpl}`,
    ]) {
      const res = await mona.get(path);
      expect(res.status, path).toBe(200);
      expect(res.body, path).toContain('aria-current="page">Lines</a>');
    }
    expect((await otto.get(`/desk/lines/${id}`)).status).toBe(200);
    for (const path of [`/desk/lines/${id}/edit`, `/desk/lines/${id}/withdraw`, `/desk/lines/templates/${tpl}`])
      expect((await otto.get(path)).status, path).toBe(403);
    expect((await otto.post(`/desk/lines/${id}/withdraw`, { reason: 'x' })).status).toBe(403);
    expect((await mona.get('/desk/lines/999')).status).toBe(404);
  });
});

describe('reply templates', () => {
  it('fill every placeholder from the enquiry; an unknown placeholder is refused, naming it', async () => {
    const { mona, otto } = await start();
    const refused = await mona.post('/desk/lines/templates', { title: 'FOI', body: 'Dear {nmae}, see {foi_page}.' });
    expect(refused.status).toBe(422);
    expect(decodeEntities(refused.body)).toContain('{nmae} is not a placeholder: use one of {name}, {reference}');
    expect(await h.database.db.selectFrom('reply_template').selectAll().execute()).toEqual([]);
    // The form lists every placeholder with what it becomes.
    expect(text(refused.body)).toContain('{office_hours} the office hours in words');

    const body =
      'Dear {name} ({outlet}), your enquiry {reference}: we are open {office_hours}, next {next_opening}. ' +
      'Follow it at {status_link}. For records, see {foi_page}.{organisation}';
    const added = await mona.post('/desk/lines/templates', { title: 'Holding reply', body });
    expect(added.status, text(added.body)).toBe(303);
    const reference = await enquiry();
    const { json } = await suggest(otto, 'holding', reference);
    expect(json.items).toHaveLength(1);
    expect(json.items[0]).toMatchObject({ kind: 'template', title: 'Holding reply', warning: null });
    expect(json.items[0].text).toBe(
      `Dear Ann Reporter (Evening Gazette), your enquiry ${reference}: we are open 9am to 5pm, Monday to Friday, next now. ` +
        'Follow it at https://press.example.org/status/[link]. For records, see the Freedom of Information page on our website.',
    );
    expect(json.items[0].text).not.toMatch(/\{[a-z_]+\}/);
    // Without an enquiry, the body as written.
    expect((await suggest(otto, 'holding')).json.items[0].text).toBe(body);

    // Archived, not deleted.
    const id = (await h.database.db.selectFrom('reply_template').select('id').executeTakeFirstOrThrow()).id;
    expect((await mona.post(`/desk/lines/templates/${id}/archive`)).status).toBe(303);
    expect((await suggest(otto, 'holding')).json.items).toEqual([]);
    expect(await h.database.db.selectFrom('reply_template').select('archived_at').executeTakeFirstOrThrow()).toEqual({
      archived_at: expect.any(Date),
    });
  });
});
