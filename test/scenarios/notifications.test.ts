/**
 * Issue 29, item 4: assignment tells people; mentions. Assigning an enquiry to a colleague tells
 * them: a notification on their Notifications page, its unread count beside "Notifications" in the
 * header of every desk page, and, in their open live queue, a notification event. When the
 * enquiry is urgent and they are not signed in, their mobile also gets one text through the outbox
 * (reference, deadline, who assigned it, the link; nothing of the journalist), never a second for
 * the same enquiry. Assigning yourself tells nobody. A note that mentions a colleague ("@Sam
 * Patel", "@kim.lee") tells them, linking to the note; a mention that names nobody, or several
 * people, is said back to the writer. A deactivated colleague's notifications to others stay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEntities, loginAs, type DeskClient } from '../support/desk-client.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';

// Wednesday 2 December 2026, 10:00 in London: the office is open (urgent enquiries page nobody).
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const TEST = { userId: null, email: 'test' };
const PASSWORD = 'officer-password-1';
const MANAGER = { name: 'Mona Manager', email: 'mona.manager@press.example', password: 'manager-password-1' };
const PEOPLE = {
  kimLee: { name: 'Kim Lee', email: 'kim.lee@press.example', mobile: '+447911123458' },
  kimPatel: { name: 'Kim Patel', email: 'k.patel@press.example', mobile: null },
  sam: { name: 'Sam Patel', email: 'sam.patel@press.example', mobile: '+447911123459' },
  otto: { name: 'Otto Officer', email: 'otto.officer@press.example', mobile: '+447911123460' },
} as const;
type Person = keyof typeof PEOPLE;
const JOURNALIST = { name: 'Ann Reporter', outlet: 'Evening Gazette', email: 'ann.reporter@gazette.example' };

let h: Harness;
let mona: DeskClient;
const ids = {} as Record<Person, string>;

function text(html: string): string {
  return decodeEntities(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
}

/** The page's confirmation at its top (the `Notice`). */
function notice(html: string): string | null {
  const m = /<div class="notice" role="status"[^>]*>\s*<p>([\s\S]*?)<\/p>/.exec(html);
  return m ? decodeEntities(m[1]).trim() : null;
}

/** The header's "Notifications" link as read out ("Notifications , 2 new"), or null when it has no count. */
function headerCount(html: string): string | null {
  const m = /<nav aria-label="Desk">[\s\S]*?<a href="\/desk\/notifications"[^>]*>([\s\S]*?)<\/a>/.exec(html);
  if (!m) throw new Error('no Notifications link in the header');
  const c = /class="nav-count"[\s\S]*?(\d+)/.exec(m[1]);
  return c ? c[1] : null;
}

async function enquiry(subject: string, opts: { urgent?: boolean; deadline?: string } = {}): Promise<string> {
  const res = await h.postJson('/api/enquiries', { ...JOURNALIST, subject, details: 'Any comment?', ...opts });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

/** Posts an action from the enquiry's page, as a browser does; returns the page it lands on. */
async function act(c: DeskClient, ref: string, action: string, fields: Record<string, string>) {
  await c.get(`/desk/enquiries/${ref}`);
  const res = await c.post(`/desk/enquiries/${ref}/${action}`, fields);
  expect(res.status, res.body.slice(0, 300)).toBe(303);
  const page = await c.get(res.location!);
  expect(page.status).toBe(200);
  return { location: res.location!, body: page.body };
}

/** Texts the fake Twilio was given for `who`'s mobile, once every queued job has run. */
async function textsTo(who: Person): Promise<string[]> {
  await h.jobs.settle();
  return h.twilio.messages.filter((m) => m.to === PEOPLE[who].mobile).map((m) => m.body ?? '');
}

async function notificationsOf(who: Person) {
  return h.database.db
    .selectFrom('desk_notification')
    .select(['kind', 'by_name', 'event_id', 'read_at'])
    .where('user_id', '=', ids[who])
    .orderBy('id')
    .execute();
}

beforeAll(async () => {
  h = await startHarness({
    now: WEDNESDAY_10AM,
    jobs: true,
    config: { intake: { rateLimit: null, pageRateLimit: null }, statements: { signOff: 'never' } },
  });
  await h.services.users.create({ ...MANAGER, role: 'manager' }, TEST);
  for (const [key, p] of Object.entries(PEOPLE) as Array<[Person, (typeof PEOPLE)[Person]]>) {
    const user = await h.services.users.create(
      { name: p.name, email: p.email, password: PASSWORD, role: 'officer' },
      TEST,
    );
    ids[key] = user.id;
    if (p.mobile)
      await h.services.users.update(
        user.id,
        { name: p.name, email: p.email, mobile: p.mobile, role: 'officer', active: 'yes' },
        TEST,
      );
  }
  mona = await loginAs(h, MANAGER.email, MANAGER.password);
});
afterAll(async () => h?.close());

describe('assigning an enquiry', () => {
  let sam: DeskClient;
  beforeAll(async () => {
    sam = await loginAs(h, PEOPLE.sam.email, PASSWORD);
  });

  it('tells the assignee: a count beside Notifications on every desk page, and the notification on their page', async () => {
    const ref = await enquiry('Road closures for the parade');
    expect(headerCount((await sam.get('/desk')).body)).toBeNull();
    await act(mona, ref, 'assign', { assignee: ids.sam });

    expect(headerCount((await sam.get('/desk')).body)).toBe('1');
    expect(headerCount((await sam.get('/desk/account')).body)).toBe('1');
    expect(text((await sam.get('/desk')).body)).toContain('Notifications , 1 new');
    // Nobody else's count moves.
    expect(headerCount((await mona.get('/desk')).body)).toBeNull();

    const page = await sam.get('/desk/notifications');
    expect(page.status).toBe(200);
    expect(text(page.body)).toContain(`Unread: Mona Manager assigned you ${ref}`);
    const link = new RegExp(`<a href="(/desk/notifications/\\d+)">Mona Manager assigned you ${ref}</a>`).exec(
      page.body,
    );
    expect(link).not.toBeNull();

    // Opening it goes to the enquiry and marks it read.
    const open = await sam.get(link![1]);
    expect(open.status).toBe(303);
    expect(open.location).toBe(`/desk/enquiries/${ref}`);
    expect(headerCount((await sam.get('/desk')).body)).toBeNull();
    expect(text((await sam.get('/desk/notifications')).body)).not.toContain('Unread:');
    // Not urgent: no text, though Sam has a mobile.
    expect(await textsTo('sam')).toEqual([]);
  });

  it('texts an urgent one once to an assignee who is not signed in: reference, deadline, who, the link; nothing of the journalist', async () => {
    const ref = await enquiry('Crash on the A38 near Exeter', { urgent: true, deadline: '2026-12-02T15:00' });
    await act(mona, ref, 'assign', { assignee: ids.kimLee });

    const texts = await textsTo('kimLee');
    expect(texts).toHaveLength(1);
    const [sms] = texts;
    expect(sms).toContain(`Mona Manager assigned you urgent enquiry ${ref}.`);
    expect(sms).toContain('Deadline ');
    expect(sms).toContain(`${PUBLIC_BASE_URL}/desk/enquiries/${ref}`);
    for (const personal of [JOURNALIST.name, JOURNALIST.outlet, JOURNALIST.email, 'A38', 'Exeter'])
      expect(sms).not.toContain(personal);
    expect(await notificationsOf('kimLee')).toMatchObject([{ kind: 'assigned', by_name: 'Mona Manager' }]);

    // Taken away and given back: a second notification, but never a second text for this enquiry.
    await act(mona, ref, 'assign', { assignee: ids.sam });
    await act(mona, ref, 'assign', { assignee: ids.kimLee });
    expect(await textsTo('kimLee')).toHaveLength(1);
    expect(await notificationsOf('kimLee')).toHaveLength(2);
  });

  it('does not text an urgent one to an assignee who is signed in, nor one without a mobile', async () => {
    const before = (await notificationsOf('sam')).length;
    const ref = await enquiry('Flooding in the valley', { urgent: true });
    await act(mona, ref, 'assign', { assignee: ids.sam });
    expect(await textsTo('sam')).toEqual([]);
    expect(await notificationsOf('sam')).toHaveLength(before + 1);

    const other = await enquiry('Burst water main', { urgent: true });
    await act(mona, other, 'assign', { assignee: ids.kimPatel });
    await h.jobs.settle();
    expect(await notificationsOf('kimPatel')).toHaveLength(1);
    expect(h.twilio.messages.filter((m) => (m.body ?? '').includes(other))).toEqual([]);
  });

  it('texts an urgent one once the assignee has signed out', async () => {
    const otto = await loginAs(h, PEOPLE.otto.email, PASSWORD);
    expect((await otto.post('/desk/logout')).status).toBe(303);
    const ref = await enquiry('Power cut at the hospital', { urgent: true });
    await act(mona, ref, 'assign', { assignee: ids.otto });
    const texts = await textsTo('otto');
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain(ref);
  });

  it('tells nobody when you assign yourself, urgent or not', async () => {
    const kim = await loginAs(h, PEOPLE.kimPatel.email, PASSWORD);
    const before = (await notificationsOf('kimPatel')).length;
    const ref = await enquiry('School closures', { urgent: true });
    const done = await act(kim, ref, 'assign', { assignee: ids.kimPatel });
    expect(notice(done.body)).toBe('Assigned to you');
    expect(await notificationsOf('kimPatel')).toHaveLength(before);
  });

  it('tells an open live queue of its own user only, as a notification event', async () => {
    const otto = await loginAs(h, PEOPLE.otto.email, PASSWORD);
    const samStream = await openStream(h, sam);
    const ottoStream = await openStream(h, otto);
    await samStream.until(/event: ready/);
    await ottoStream.until(/event: ready/);

    const ref = await enquiry('Missing walker on the moor');
    await act(mona, ref, 'assign', { assignee: ids.sam });
    await samStream.until(/event: notification/);
    // What desk.js then reads to update the count and say it.
    const latest = await sam.get('/desk/notifications/latest.json');
    expect(JSON.parse(latest.body)).toMatchObject({
      unread: expect.any(Number),
      newest: { text: `Mona Manager assigned you ${ref}` },
    });

    // Otto's queue hears of the change, never of Sam's notification.
    await ottoStream.until(new RegExp(`event: changed\\ndata: \\{"reference":"${ref}"\\}`));
    const after = await enquiry('Later arrival');
    await ottoStream.until(new RegExp(after));
    expect(ottoStream.text()).not.toContain('event: notification');
    await samStream.close();
    await ottoStream.close();
  });

  it('marks all read at once', async () => {
    expect(Number(headerCount((await sam.get('/desk')).body))).toBeGreaterThan(0);
    const res = await sam.post('/desk/notifications/read');
    expect(res.status).toBe(303);
    const page = await sam.get(res.location!);
    expect(notice(page.body)).toBe('All your notifications are marked as read.');
    expect(text(page.body)).toContain('All read.');
    expect(headerCount(page.body)).toBeNull();
  });
});

describe('mentioning a colleague in a note', () => {
  let otto: DeskClient;
  beforeAll(async () => {
    otto = await loginAs(h, PEOPLE.otto.email, PASSWORD);
  });

  it('tells each colleague named, by full name or email name, linking to the note; the writer is told who was told', async () => {
    const ref = await enquiry('Figures on knife crime');
    const samBefore = (await notificationsOf('sam')).length;
    const done = await act(otto, ref, 'note', {
      note: '@Sam Patel can you check the figures? cc @kim.lee, and a copy went to jo@gazette.example',
    });
    expect(notice(done.body)).toBe('Note added. Kim Lee and Sam Patel were told.');
    const eventId = new URL(done.location, PUBLIC_BASE_URL).searchParams.get('event');
    expect(done.body).toContain(`id="event-${eventId}"`);

    const sams = await notificationsOf('sam');
    expect(sams).toHaveLength(samBefore + 1);
    expect(sams.at(-1)).toMatchObject({ kind: 'mentioned', by_name: 'Otto Officer', event_id: eventId });
    expect((await notificationsOf('kimLee')).at(-1)).toMatchObject({ kind: 'mentioned', event_id: eventId });

    const sam = await loginAs(h, PEOPLE.sam.email, PASSWORD);
    const page = await sam.get('/desk/notifications');
    const link = new RegExp(
      `<a href="(/desk/notifications/\\d+)">Otto Officer mentioned you in a note on ${ref}</a>`,
    ).exec(page.body);
    expect(link).not.toBeNull();
    expect((await sam.get(link![1])).location).toBe(`/desk/enquiries/${ref}#event-${eventId}`);
    // A mention is not an assignment: no text, whatever the urgency.
    expect((await textsTo('sam')).filter((s) => s.includes(ref))).toEqual([]);
  });

  it('says back a mention that names nobody, or several people, and tells no one of it', async () => {
    const ref = await enquiry('Speed cameras on the B3212');
    const count = async () => (await h.database.db.selectFrom('desk_notification').select('id').execute()).length;
    const before = await count();
    const done = await act(otto, ref, 'note', { note: 'Ask @kim and @Nobody, or see what @BBCNews said.' });
    expect(notice(done.body)).toBe(
      'Note added. Nobody was told of @Nobody and @BBCNews: they match no one on the desk. ' +
        'Nobody was told of @kim: it could be Kim Lee or Kim Patel. Write the full name, as @Kim Lee.',
    );
    expect(await count()).toBe(before);
  });

  it('tells nobody when you mention yourself', async () => {
    const ref = await enquiry('Bonfire night advice');
    const before = (await notificationsOf('otto')).length;
    const done = await act(otto, ref, 'note', { note: 'Reminder to @Otto Officer: ring back at 3.' });
    expect(notice(done.body)).toBe('Note added');
    expect(await notificationsOf('otto')).toHaveLength(before);
  });

  it('the note box says how', async () => {
    const ref = await enquiry('Parking at the stadium');
    expect(text((await otto.get(`/desk/enquiries/${ref}`)).body)).toContain('Type @ and a name');
  });
});

describe('whose notifications', () => {
  it('nobody opens another’s, and a bad id is a 404', async () => {
    const samsOne = await h.database.db
      .selectFrom('desk_notification')
      .select('id')
      .where('user_id', '=', ids.sam)
      .executeTakeFirstOrThrow();
    const otto = await loginAs(h, PEOPLE.otto.email, PASSWORD);
    expect((await otto.get(`/desk/notifications/${samsOne.id}`)).status).toBe(404);
    expect((await otto.get('/desk/notifications/not-a-number')).status).toBe(404);
  });

  it('deactivating the colleague who assigned or mentioned leaves the others’ notifications as they were', async () => {
    await h.services.users.setActive(ids.otto, false, { userId: null, email: 'test' });
    const sam = await loginAs(h, PEOPLE.sam.email, PASSWORD);
    expect(text((await sam.get('/desk/notifications')).body)).toContain('Otto Officer mentioned you in a note on');
  });
});

/** An open `/desk/events` stream and what it has sent so far (as test/scenarios/live-queue-session.test.ts reads one). */
async function openStream(harness: Harness, c: DeskClient) {
  const res = await harness.app.request('/desk/events', { headers: { Cookie: c.cookie, Accept: 'text/event-stream' } });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let got = '';
  let done = false;
  return {
    text: () => got,
    async until(pattern: RegExp) {
      const deadline = Date.now() + 10_000;
      while (!pattern.test(got)) {
        if (done) throw new Error(`stream ended before ${pattern}: ${got}`);
        if (Date.now() > deadline) throw new Error(`no ${pattern} after 10 s; got: ${got}`);
        const chunk = await reader.read();
        if (chunk.done) done = true;
        else got += decoder.decode(chunk.value);
      }
    },
    close: () => reader.cancel(),
  };
}
