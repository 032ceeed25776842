/**
 * Issue 27, item 6: calendar feeds of the rota. A manager makes a private feed address for a
 * person on the rota (or for themselves, of the whole rota) on /desk/rota/feeds; a calendar reads
 * `GET /rota/feed/{token}.ics`. Each feed is read here with a real iCalendar parser (ical.js), not
 * by matching strings: the instants of a shift across the October clock change, in
 * Europe/London; the periods a person actually holds after an override; free/transparent events;
 * and lines folded at 75 octets (RFC 5545), checked on the raw text. Revoked, replaced and
 * tampered addresses answer 404, and only managers reach the page.
 */
import { createHash } from 'node:crypto';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { decodeEntities, inputValue, loginAs, type DeskClient } from '../support/desk-client.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';
import { putOnRota } from '../support/rota.js';

// Tuesday 20 October 2026, 13:00 in London (BST): the clock goes back early on Sunday 25 October.
const TUESDAY_BEFORE_CLOCK_CHANGE = '2026-10-20T12:00:00Z';
const ZONE = 'Europe/London';
const TEST = { userId: null, email: 'test' };
const MONA = { name: 'Mona Manager', email: 'mona.manager@press.example', password: 'correct horse battery 1' };
const MIKE = { name: 'Mike Manager', email: 'mike.manager@press.example', password: 'correct horse battery 2' };
const OWEN = { name: 'Owen Officer', email: 'owen.officer@press.example', password: 'correct horse battery 3' };
// A long name with letters of two bytes in UTF-8, so folding must count octets, not characters.
const JO = { name: 'Siobhán Ní Bhriain-Ó Súilleabháin', phone: '+447911200001' };
const SAM = { name: 'Sam Patel', phone: '+447911200003' };
const ALI = { name: 'Ali Khan', phone: '+447911200005' };

let h: Harness;
afterEach(async () => h?.close());

async function start(log?: ReturnType<typeof createLogger>) {
  h = await startHarness({ now: TUESDAY_BEFORE_CLOCK_CHANGE, log });
  await h.services.users.create({ ...MONA, role: 'manager' }, TEST);
  await h.services.users.create({ ...MIKE, role: 'manager' }, TEST);
  await h.services.users.create({ ...OWEN, role: 'officer' }, TEST);
  return loginAs(h, MONA.email, MONA.password);
}

/** An instant given as London wall-clock time ("2026-10-23 17:00"). */
function london(wall: string): Date {
  const dt = DateTime.fromFormat(wall, 'yyyy-MM-dd HH:mm', { zone: ZONE });
  if (!dt.isValid) throw new Error(`not a London time: ${wall}`);
  return dt.toJSDate();
}

/** Jo on call from Friday 23 October 17:00 to Monday 26 October 09:00, London time: across the clock change. */
async function joOverTheClockChange(): Promise<string> {
  await putOnRota(h, JO, 'primary', { from: london('2026-10-23 17:00'), to: london('2026-10-26 09:00') });
  return personId(JO.phone);
}

async function personId(phone: string): Promise<string> {
  const p = await h.services.rota.findPersonByPhone(phone);
  expect(p, `person ${phone}`).toBeTruthy();
  return p!.id;
}

/** An override for `person` (added to the staff list if new), as a manager adds one when someone swaps. */
async function override(person: { name: string; phone: string }, role: 'primary' | 'backup', from: Date, to: Date) {
  if (!(await h.services.rota.findPersonByPhone(person.phone))) await h.services.rota.addPerson(person);
  await h.services.rota.addShift({
    phone: person.phone,
    role,
    startsAt: from,
    endsAt: to,
    override: true,
    createdBy: 'test',
  });
}

/** The form on the feeds page whose action is `action`, posted as the manager's browser would. */
async function press(client: DeskClient, action: string) {
  const page = await client.get('/desk/rota/feeds');
  expect(page.status).toBe(200);
  expect(page.body, `a form posting to ${action}`).toContain(`action="${action}"`);
  return client.post(action);
}

/** "Create (or replace) feed link" for a person or the whole rota: the address shown once, as a path. */
async function makeFeed(client: DeskClient, action: string): Promise<string> {
  const res = await press(client, action);
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  const url = inputValue(res.body, 'issued-url');
  expect(url, 'the feed address on the page').toMatch(
    /^https:\/\/press\.example\.org\/rota\/feed\/[A-Za-z0-9_-]{22}\.ics$/,
  );
  return url!.slice(PUBLIC_BASE_URL.length);
}

/** What a calendar gets from a feed address: the status, the raw text and its type. */
async function fetchFeed(path: string) {
  const res = await h.app.request(path);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

interface FeedEvent {
  uid: string;
  summary: string;
  description: string;
  start: Date;
  end: Date;
  /** The start and end as UTC times (no time zone, no floating time). */
  utc: boolean;
  transp: string;
  busy: string;
}

/** The feed parsed by ical.js: the calendar's name and its events, by start. */
function parse(text: string): { name: string; events: FeedEvent[] } {
  const cal = new ICAL.Component(ICAL.parse(text));
  expect(cal.name).toBe('vcalendar');
  expect(cal.getFirstPropertyValue('version')).toBe('2.0');
  const events = cal.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    return {
      uid: e.uid,
      summary: e.summary,
      description: e.description,
      start: e.startDate.toJSDate(),
      end: e.endDate.toJSDate(),
      utc: e.startDate.zone?.tzid === 'UTC' && e.endDate.zone?.tzid === 'UTC',
      transp: String(v.getFirstPropertyValue('transp')),
      busy: String(v.getFirstPropertyValue('x-microsoft-cdo-busystatus')),
    };
  });
  return {
    name: String(cal.getFirstPropertyValue('x-wr-calname')),
    events: events.sort((a, b) => a.start.getTime() - b.start.getTime()),
  };
}

const wall = (d: Date) => DateTime.fromJSDate(d).setZone(ZONE).toFormat('ccc d LLL yyyy HH:mm');

describe("a person's calendar feed", () => {
  it('has their shift at the right instants across the October clock change, as a free event', async () => {
    const mona = await start();
    const jo = await joOverTheClockChange();
    const path = await makeFeed(mona, `/desk/rota/feeds/people/${jo}`);

    const feed = await fetchFeed(path);
    expect(feed.status).toBe(200);
    expect(feed.type).toMatch(/^text\/calendar/);
    const { name, events } = parse(feed.text);
    expect(name).toBe(`On call: ${JO.name} (Press Office)`);
    expect(events).toHaveLength(1);
    const [shift] = events;
    expect(shift.summary).toBe('On call (primary): Press Office');
    // 17:00 BST is 16:00 UTC; 09:00 GMT after the change is 09:00 UTC: 65 hours, not 64.
    expect(shift.start.toISOString()).toBe('2026-10-23T16:00:00.000Z');
    expect(shift.end.toISOString()).toBe('2026-10-26T09:00:00.000Z');
    expect([wall(shift.start), wall(shift.end)]).toEqual(['Fri 23 Oct 2026 17:00', 'Mon 26 Oct 2026 09:00']);
    expect((shift.end.getTime() - shift.start.getTime()) / 3_600_000).toBe(65);
    expect(shift.utc, 'times in UTC (no VTIMEZONE needed)').toBe(true);
    // Free, so the shift does not block the working days around it (Outlook reads its own property too).
    expect(shift.transp).toBe('TRANSPARENT');
    expect(shift.busy).toBe('FREE');
    expect(shift.description).toContain('Office time: Fri 23 Oct 17:00 to Mon 26 Oct 09:00 (Europe/London).');
  });

  it('is RFC 5545 text: CRLF line ends, every line at most 75 octets, long lines folded', async () => {
    const mona = await start();
    const jo = await joOverTheClockChange();
    const { text } = await fetchFeed(await makeFeed(mona, `/desk/rota/feeds/people/${jo}`));

    expect(text.endsWith('END:VCALENDAR\r\n'), 'the last line ends with CRLF too').toBe(true);
    expect(text.replace(/\r\n/g, ''), 'no bare CR or LF').not.toMatch(/[\r\n]/);
    const lines = text.split('\r\n').filter((l) => l !== '');
    const over = lines.filter((l) => Buffer.byteLength(l, 'utf8') > 75);
    expect(over, 'lines longer than 75 octets').toEqual([]);
    const folded = lines.filter((l) => l.startsWith(' '));
    expect(folded.length, 'long lines (the name, the description) are folded').toBeGreaterThan(0);
    // Unfolded by the parser, the name with its two-byte letters comes back whole.
    expect(parse(text).name).toBe(`On call: ${JO.name} (Press Office)`);
  });

  it('shows only the part of a shift they still hold after an override, and the override to who took it', async () => {
    const mona = await start();
    const jo = await joOverTheClockChange();
    await putOnRota(h, ALI, 'backup', { from: london('2026-10-23 17:00'), to: london('2026-10-26 09:00') });
    // Sam swaps in for Saturday's daytime.
    await override(SAM, 'primary', london('2026-10-24 09:00'), london('2026-10-24 21:00'));
    const sam = await personId(SAM.phone);
    const ali = await personId(ALI.phone);

    const joEvents = parse((await fetchFeed(await makeFeed(mona, `/desk/rota/feeds/people/${jo}`))).text).events;
    expect(joEvents.map((e) => [wall(e.start), wall(e.end)])).toEqual([
      ['Fri 23 Oct 2026 17:00', 'Sat 24 Oct 2026 09:00'],
      ['Sat 24 Oct 2026 21:00', 'Mon 26 Oct 2026 09:00'],
    ]);
    expect(joEvents[0].description).toContain(`After: ${SAM.name}.`);
    expect(joEvents[1].description).toContain(`Before: ${SAM.name}.`);
    expect(new Set(joEvents.map((e) => e.uid)).size).toBe(2);

    const samEvents = parse((await fetchFeed(await makeFeed(mona, `/desk/rota/feeds/people/${sam}`))).text).events;
    expect(samEvents.map((e) => [e.summary, wall(e.start), wall(e.end)])).toEqual([
      ['On call (primary): Press Office', 'Sat 24 Oct 2026 09:00', 'Sat 24 Oct 2026 21:00'],
    ]);
    expect(samEvents[0].description).toContain(`Before: ${JO.name}.`);

    // The backup is unbroken while the primary changes beneath: one event, not three.
    const aliEvents = parse((await fetchFeed(await makeFeed(mona, `/desk/rota/feeds/people/${ali}`))).text).events;
    expect(aliEvents.map((e) => [e.summary, wall(e.start), wall(e.end)])).toEqual([
      ['On call (backup): Press Office', 'Fri 23 Oct 2026 17:00', 'Mon 26 Oct 2026 09:00'],
    ]);
  });

  it('stops working when revoked, when replaced, and when its person is taken off the rota; a tampered address is 404 too', async () => {
    const mona = await start();
    const jo = await joOverTheClockChange();
    const first = await makeFeed(mona, `/desk/rota/feeds/people/${jo}`);
    expect((await fetchFeed(first)).status).toBe(200);

    // "Replace feed link": a new address, and the old one stops at once.
    const second = await makeFeed(mona, `/desk/rota/feeds/people/${jo}`);
    expect(second).not.toBe(first);
    const old = await fetchFeed(first);
    expect([old.status, old.type, old.text]).toEqual([404, 'text/plain; charset=UTF-8', 'Not found']);
    expect((await fetchFeed(second)).status).toBe(200);

    // One character changed, the wrong ending, or no token at all: the same 404.
    const token = second.slice('/rota/feed/'.length, -'.ics'.length);
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const path of [
      `/rota/feed/${tampered}.ics`,
      `/rota/feed/${token}.ical`,
      `/rota/feed/${token}`,
      '/rota/feed/x.ics',
    ])
      expect((await fetchFeed(path)).status, path).toBe(404);

    const revoked = await press(mona, `/desk/rota/feeds/people/${jo}/revoke`);
    expect([revoked.status, revoked.location]).toEqual([303, '/desk/rota/feeds?done=revoked']);
    expect((await mona.get(revoked.location!)).body).toContain(
      'The feed has been revoked: its address no longer works.',
    );
    expect((await fetchFeed(second)).status).toBe(404);

    // A new feed, then Jo leaves the rota: it stops too.
    const third = await makeFeed(mona, `/desk/rota/feeds/people/${jo}`);
    expect((await fetchFeed(third)).status).toBe(200);
    await h.services.rota.deactivatePerson(jo);
    expect((await fetchFeed(third)).status).toBe(404);

    // Each change is in the audit log, naming whose feed and never the address.
    const log = await h.database.db
      .selectFrom('audit_log')
      .select(['action', 'user_email', 'detail'])
      .where('action', 'like', 'rota.feed_%')
      .orderBy('id')
      .execute();
    expect(log.map((e) => [e.action, e.user_email, (e.detail as { replaced?: boolean }).replaced])).toEqual([
      ['rota.feed_created', MONA.email, false],
      ['rota.feed_created', MONA.email, true],
      ['rota.feed_revoked', MONA.email, undefined],
      ['rota.feed_created', MONA.email, false],
    ]);
    const all = JSON.stringify(log);
    expect(all).toContain(JO.name);
    for (const path of [first, second, third]) expect(all).not.toContain(path.slice('/rota/feed/'.length, -4));
  });

  it('keeps only a hash of the address, so the desk shows it once', async () => {
    const mona = await start();
    const jo = await joOverTheClockChange();
    const path = await makeFeed(mona, `/desk/rota/feeds/people/${jo}`);
    const token = path.slice('/rota/feed/'.length, -'.ics'.length);

    const rows = await h.database.db.selectFrom('rota_feed').selectAll().execute();
    expect(rows.map((r) => r.token_hash)).toEqual([createHash('sha256').update(token).digest('hex')]);
    expect(JSON.stringify(rows)).not.toContain(token);
    const page = await mona.get('/desk/rota/feeds');
    expect(page.body).not.toContain(token);
    const row = decodeEntities(page.body.slice(page.body.indexOf(`id="feed-row-${jo}"`)));
    expect(row).toMatch(/Made Tue 20 Oct 13:00\. Not read by a calendar yet\./);
    await fetchFeed(path);
    expect(decodeEntities((await mona.get('/desk/rota/feeds')).body)).toMatch(
      /Last read by a calendar Tue 20 Oct 13:00\./,
    );
  });

  it('never writes its token to the log', async () => {
    const lines: string[] = [];
    const mona = await start(createLogger('debug', { write: (line: string) => void lines.push(line) }));
    const jo = await joOverTheClockChange();
    const path = await makeFeed(mona, `/desk/rota/feeds/people/${jo}`);
    const token = path.slice('/rota/feed/'.length, -'.ics'.length);
    expect((await fetchFeed(path)).status).toBe(200);
    expect(lines.some((l) => l.includes('/rota/feed/[link]'))).toBe(true);
    expect(lines.filter((l) => l.includes(token))).toEqual([]);
  });
});

describe("a manager's feed of the whole rota", () => {
  it('lists everyone on call and backup, by name, and is theirs alone to replace or revoke', async () => {
    const mona = await start();
    await joOverTheClockChange();
    await putOnRota(h, ALI, 'backup', { from: london('2026-10-23 17:00'), to: london('2026-10-26 09:00') });
    await override(SAM, 'primary', london('2026-10-24 09:00'), london('2026-10-24 21:00'));

    const path = await makeFeed(mona, '/desk/rota/feeds/rota');
    const { name, events } = parse((await fetchFeed(path)).text);
    expect(name).toBe('On-call rota: Press Office');
    expect(events.map((e) => [e.summary, wall(e.start), wall(e.end)])).toEqual([
      [`${JO.name}: on call (primary)`, 'Fri 23 Oct 2026 17:00', 'Sat 24 Oct 2026 09:00'],
      [`${ALI.name}: backup`, 'Fri 23 Oct 2026 17:00', 'Mon 26 Oct 2026 09:00'],
      [`${SAM.name}: on call (primary)`, 'Sat 24 Oct 2026 09:00', 'Sat 24 Oct 2026 21:00'],
      [`${JO.name}: on call (primary)`, 'Sat 24 Oct 2026 21:00', 'Mon 26 Oct 2026 09:00'],
    ]);
    expect(events.every((e) => e.transp === 'TRANSPARENT' && e.utc)).toBe(true);

    // Another manager's own feed is separate: making it leaves Mona's working.
    const mike = await loginAs(h, MIKE.email, MIKE.password);
    const mikes = await makeFeed(mike, '/desk/rota/feeds/rota');
    expect((await fetchFeed(path)).status).toBe(200);

    const revoked = await press(mona, '/desk/rota/feeds/rota/revoke');
    expect(revoked.status).toBe(303);
    expect((await fetchFeed(path)).status).toBe(404);
    expect((await fetchFeed(mikes)).status).toBe(200);

    // A manager who is disabled loses theirs.
    const mikeUser = await h.database.db
      .selectFrom('app_user')
      .select('id')
      .where('email', '=', MIKE.email)
      .executeTakeFirstOrThrow();
    await h.services.users.setActive(mikeUser.id, false, TEST);
    expect((await fetchFeed(mikes)).status).toBe(404);
  });
});

describe('the feeds page', () => {
  it('is linked from the rota page, and officers cannot reach it or make a feed', async () => {
    const mona = await start();
    const jo = await joOverTheClockChange();
    expect((await mona.get('/desk/rota')).body).toContain('href="/desk/rota/feeds"');

    const owen = await loginAs(h, OWEN.email, OWEN.password);
    expect((await owen.get('/desk/rota/feeds')).status).toBe(403);
    expect((await owen.post(`/desk/rota/feeds/people/${jo}`)).status).toBe(403);
    expect((await owen.post('/desk/rota/feeds/rota')).status).toBe(403);
    expect(await h.database.db.selectFrom('rota_feed').selectAll().execute()).toEqual([]);
  });

  it('refuses a form without the session’s CSRF token', async () => {
    const mona = await start();
    const jo = await joOverTheClockChange();
    expect((await mona.post(`/desk/rota/feeds/people/${jo}`, { _csrf: 'not-the-token' })).status).toBe(403);
    expect(await h.database.db.selectFrom('rota_feed').selectAll().execute()).toEqual([]);
  });
});
