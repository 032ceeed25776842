/**
 * Issue 23, item 4: the queue a press officer expects. Received from/to (office days, Europe/London)
 * with a one-click "This week" (Monday 00:00 office time to now); an outlet filter (contains, any
 * case); a result count ("12 enquiries" / "1 enquiry"); views other than the open queue newest
 * first. Filters are GET parameters (a view can be bookmarked) and bad values get a clear message,
 * never a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEntities, loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

const OFFICER = { email: 'fay.officer@press.example', password: 'officer-password-1' };

let h: Harness;
let officer: DeskClient;
const refs: Record<string, string> = {};

/** An enquiry received at `at` (the test clock is set there first). */
async function receivedAt(at: string, key: string, fields: Record<string, unknown> = {}): Promise<void> {
  h.clock.set(at);
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: '+447911123401',
    subject: `Filter test ${key}`,
    details: 'Why?',
    ...fields,
  });
  expect(res.status).toBe(201);
  refs[key] = ((await res.json()) as { reference: string }).reference;
}

beforeAll(async () => {
  h = await startHarness({
    now: '2026-11-20T10:00:00Z',
    jobs: false,
    config: { intake: { rateLimit: null, pageRateLimit: null } },
  });
  await h.services.users.create({ ...OFFICER, name: 'Fay Officer', role: 'officer' }, { userId: null, email: 'test' });
  // Last week (Friday 27 November), this week's Monday just after midnight London time, and Wednesday.
  await receivedAt('2026-11-27T15:00:00Z', 'lastFriday', { outlet: 'BBC Radio Midshire' });
  await receivedAt('2026-11-30T00:05:00Z', 'monday', { outlet: 'Midshire Gazette' });
  await receivedAt('2026-12-02T09:30:00Z', 'wednesday', { outlet: 'bbc news online' });
  // Now: Wednesday 2 December 2026, 11:00.
  h.clock.set('2026-12-02T11:00:00Z');
  officer = await loginAs(h, OFFICER.email, OFFICER.password);
});
afterAll(async () => h?.close());

function rowsOrder(html: string): string[] {
  return [...html.matchAll(/id="row-(PD-[A-Z0-9-]+)"/g)].map((m) => m[1]);
}

/** The announced result count ("3 enquiries"). */
function count(html: string): string | null {
  const m = /<p id="result-count"[^>]*role="status"[^>]*>([^<]*)/.exec(html);
  return m ? decodeEntities(m[1]).trim() : null;
}

describe('received from / to and "This week"', () => {
  it('filters by the days received, in office time, both ends included', async () => {
    const page = await officer.get('/desk?q=filter&from=2026-11-28&to=2026-11-30');
    expect(page.status).toBe(200);
    expect(rowsOrder(page.body)).toEqual([refs.monday]);
    expect(rowsOrder((await officer.get('/desk?q=filter&to=2026-11-27')).body)).toEqual([refs.lastFriday]);
    // The form keeps what was asked (a bookmarked view shows its own filters).
    expect(page.body).toContain('value="2026-11-28"');
    expect(page.body).toContain('value="2026-11-30"');
  });

  it('offers "This week": from Monday 00:00 office time to now, keeping the other filters', async () => {
    const queue = await officer.get('/desk?q=filter');
    const link = /<a href="([^"]*)"[^>]*>\s*This week\s*<\/a>/.exec(queue.body);
    expect(link).not.toBeNull();
    const href = decodeEntities(link![1]);
    expect(href).toContain('from=2026-11-30');
    expect(href).toContain('q=filter');
    const week = await officer.get(href);
    expect(new Set(rowsOrder(week.body))).toEqual(new Set([refs.monday, refs.wednesday]));
    expect(count(week.body)).toBe('2 enquiries');
  });

  it('says what is wrong with a date that is not one, or a from after the to, and never fails', async () => {
    const notDate = await officer.get('/desk?from=last+tuesday');
    expect(notDate.status).toBe(422);
    expect(decodeEntities(notDate.body)).toContain('Received from must be a date, such as 2026-11-30');
    expect(notDate.body).toContain('aria-invalid="true"');
    const impossible = await officer.get('/desk?to=2026-02-30');
    expect(impossible.status).toBe(422);
    expect(decodeEntities(impossible.body)).toContain('Received to must be a date');
    const backwards = await officer.get('/desk?from=2026-12-02&to=2026-11-30');
    expect(backwards.status).toBe(422);
    expect(decodeEntities(backwards.body)).toContain('Received from must be on or before received to');
    expect(rowsOrder(backwards.body)).toEqual([]);
  });
});

describe('the outlet filter', () => {
  it('matches part of the outlet’s name in any case, and takes % and _ literally', async () => {
    expect(new Set(rowsOrder((await officer.get('/desk?outlet=BBC')).body))).toEqual(
      new Set([refs.lastFriday, refs.wednesday]),
    );
    expect(rowsOrder((await officer.get('/desk?outlet=midshire+gaz')).body)).toEqual([refs.monday]);
    expect(rowsOrder((await officer.get('/desk?outlet=%25')).body)).toEqual([]);
    expect(rowsOrder((await officer.get('/desk?outlet=_')).body)).toEqual([]);
  });
});

describe('the result count', () => {
  it('says how many enquiries match, "1 enquiry" for one, in a status region', async () => {
    expect(count((await officer.get('/desk?q=filter')).body)).toBe('3 enquiries');
    expect(count((await officer.get('/desk?outlet=gazette')).body)).toBe('1 enquiry');
    expect(count((await officer.get('/desk?outlet=nobody-writes-for-this')).body)).toBe('0 enquiries');
  });

  it('is served as JSON with the headline counts, for the live queue', async () => {
    const res = await officer.get('/desk/queue/counts?outlet=bbc', { Accept: 'application/json' });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as Record<string, unknown>;
    expect(body).toMatchObject({ total: 2, totalText: '2 enquiries', open: 3 });
  });
});

describe('newest first outside the open queue', () => {
  it('lists every status newest first, and the open queue by what is due first', async () => {
    const history = await officer.get('/desk?status=all&q=filter');
    expect(rowsOrder(history.body)).toEqual([refs.wednesday, refs.monday, refs.lastFriday]);
    expect(history.body).toContain('newest first');
    // The open queue: the oldest is due first (each has the 240-minute target from its arrival).
    expect(rowsOrder((await officer.get('/desk?q=filter')).body)).toEqual([
      refs.lastFriday,
      refs.monday,
      refs.wednesday,
    ]);
  });

  it('pages a history newest first without repeating or skipping', async () => {
    for (let i = 0; i < 52; i++)
      await receivedAt(new Date(Date.UTC(2026, 11, 2, 11, 0, i)).toISOString(), `bulk${i}`, {
        subject: `History bulk ${i}`,
      });
    const first = await officer.get('/desk?status=all&q=bulk');
    const firstRows = rowsOrder(first.body);
    expect(firstRows[0]).toBe(refs.bulk51);
    const next = /href="(\/desk\?[^"]*after=[^"]*)"/.exec(first.body)![1].replace(/&amp;/g, '&');
    const secondRows = rowsOrder((await officer.get(next)).body);
    expect(secondRows).toEqual([refs.bulk1, refs.bulk0]);
    expect(new Set([...firstRows, ...secondRows]).size).toBe(52);
  });
});

describe('counts that follow changes', () => {
  it('tells open queues when the desk changes an enquiry (a "changed" event, never an arrival), and the counts answer the new state', async () => {
    const res = await h.app.request('/desk/events', { headers: { Cookie: officer.cookie } });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let stream = '';
    const readUntil = async (pattern: RegExp) => {
      const deadline = Date.now() + 10_000;
      while (!pattern.test(stream)) {
        if (Date.now() > deadline) throw new Error(`no ${pattern} in ${stream}`);
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        stream += decoder.decode(value);
      }
    };
    await readUntil(/event: ready/);
    const before = JSON.parse((await officer.get('/desk/queue/counts', { Accept: 'application/json' })).body) as {
      unassigned: number;
    };

    const me = await h.database.db
      .selectFrom('app_user')
      .select('id')
      .where('email', '=', OFFICER.email)
      .executeTakeFirstOrThrow();
    await h.services.casework.assign(refs.monday, me.id, { userId: me.id, email: OFFICER.email });
    await readUntil(new RegExp(`event: changed\\ndata: \\{"reference":"${refs.monday}"\\}`));
    await reader.cancel();
    expect(stream).not.toMatch(new RegExp(`event: enquiry\\ndata: \\{"reference":"${refs.monday}"\\}`));

    const after = JSON.parse((await officer.get('/desk/queue/counts', { Accept: 'application/json' })).body) as {
      unassigned: number;
      mine: number;
    };
    expect(after.unassigned).toBe(before.unassigned - 1);
    expect(after.mine).toBeGreaterThanOrEqual(1);
  });
});
