/**
 * Issue 28, item 6: reports by topic and outlet, month by month in office time: volumes, first
 * response times in office hours, respond-by times met, lines used and outcomes, the same numbers
 * on the page, in the JSON and in the CSV. An enquiry with two topics counts under each; outlets
 * group whatever their capitals and spaces; referrals and "not a media enquiry" are never missed;
 * erasing a journalist leaves every figure as it was.
 *
 * A known October, November and December 2026 (all GMT), read on Tuesday 15 December at noon with
 * `months=2`: November and December shown, October read only for November's change in volume.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnquiryOutcome, EnquiryStatus } from '../../src/enquiries/enquiry.model.js';
import { decodeEntities, loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

const NOW = '2026-12-15T12:00:00Z';
const MANAGER = { email: 'hana.head@press.example', password: 'manager-password-28' };
const OFFICER = { email: 'olu.officer@press.example', password: 'officer-password-28' };
const SYSTEM = { userId: null, email: 'test' };
const DPO = { userId: null, email: 'dpo@press.example' };

let h: Harness;
let officerId: string;
const topicId: Record<string, string> = {};
let lineId: string;

type Seed = {
  ref: string;
  received: string;
  outlet: string;
  topics: string[];
  status: EnquiryStatus;
  /** First response, and its office-time seconds. */
  response?: [string, number];
  respondBy?: string;
  outcome?: EnquiryOutcome;
  /** Library lines said unchanged, and other words said. */
  lines?: number;
  words?: number;
  assigned?: boolean;
};

// Expected figures are worked out by hand in the tests below.
const SEEDS: Seed[] = [
  // October: read only for November's change.
  {
    ref: 'PD-OCT-AAA',
    received: '2026-10-20T10:00:00Z',
    outlet: 'BBC',
    topics: ['Flooding'],
    status: 'answered',
    response: ['2026-10-20T11:00:00Z', 3600],
  },
  // November.
  // N1: two topics; answered in an hour, before its respond-by time, with a library line.
  {
    ref: 'PD-NOV-AAA',
    received: '2026-11-02T10:00:00Z',
    outlet: 'BBC',
    topics: ['Flooding', 'Crime'],
    status: 'closed',
    response: ['2026-11-02T11:00:00Z', 3600],
    respondBy: '2026-11-02T12:00:00Z',
    outcome: 'answered_with_line',
    lines: 1,
    assigned: true,
  },
  // N2: answered four hours later, two hours past its respond-by time.
  {
    ref: 'PD-NOV-BBB',
    received: '2026-11-03T10:00:00Z',
    outlet: 'bbc ',
    topics: ['Flooding'],
    status: 'answered',
    response: ['2026-11-03T14:00:00Z', 14400],
    respondBy: '2026-11-03T12:00:00Z',
    outcome: 'answered',
    words: 1,
  },
  // N3: referred to FOI with no response, its respond-by time long gone: not missed.
  {
    ref: 'PD-NOV-CCC',
    received: '2026-11-04T10:00:00Z',
    outlet: 'Daily Gazette',
    topics: [],
    status: 'closed',
    respondBy: '2026-11-04T12:00:00Z',
    outcome: 'referred_foi',
  },
  // N4: not a media enquiry.
  {
    ref: 'PD-NOV-DDD',
    received: '2026-11-05T10:00:00Z',
    outlet: 'daily  gazette',
    topics: ['Crime'],
    status: 'closed',
    respondBy: '2026-11-05T12:00:00Z',
    outcome: 'not_media',
  },
  // December.
  // D1: answered in 30 minutes with a line, then the line again by text, and other words.
  {
    ref: 'PD-DEC-AAA',
    received: '2026-12-01T10:00:00Z',
    outlet: ' BBC',
    topics: ['Crime'],
    status: 'closed',
    response: ['2026-12-01T10:30:00Z', 1800],
    respondBy: '2026-12-01T12:00:00Z',
    outcome: 'answered_with_line',
    lines: 2,
    words: 1,
  },
  // D2: still open, its respond-by time passed: missed.
  {
    ref: 'PD-DEC-BBB',
    received: '2026-12-02T10:00:00Z',
    outlet: 'Wire',
    topics: [],
    status: 'new',
    respondBy: '2026-12-02T12:00:00Z',
  },
  // D3: still open, its respond-by time still ahead: neither met nor missed.
  {
    ref: 'PD-DEC-CCC',
    received: '2026-12-14T10:00:00Z',
    outlet: 'BBC',
    topics: ['Flooding'],
    status: 'in_progress',
    respondBy: '2026-12-16T12:00:00Z',
  },
  // D4: answered in time, then referred to another organisation: not counted as met either.
  {
    ref: 'PD-DEC-DDD',
    received: '2026-12-03T10:00:00Z',
    outlet: 'Wire',
    topics: [],
    status: 'closed',
    response: ['2026-12-03T11:00:00Z', 3600],
    respondBy: '2026-12-03T12:00:00Z',
    outcome: 'referred_other',
  },
  // D5: a duplicate, closed without a response after its respond-by time.
  {
    ref: 'PD-DEC-EEE',
    received: '2026-12-04T10:00:00Z',
    outlet: 'Daily Gazette',
    topics: [],
    status: 'closed',
    respondBy: '2026-12-04T12:00:00Z',
    outcome: 'duplicate',
  },
];

/** Each journalist's own address, so erasing one touches only their enquiry. */
const emailOf = (ref: string) => `${ref.toLowerCase()}@news.example`;

async function seed() {
  const db = h.database.db;
  const at = new Date('2026-10-01T09:00:00Z');
  for (const name of ['Flooding', 'Crime', 'Old topic']) {
    const t = await db
      .insertInto('topic')
      .values({ name, created_at: at, created_by: 'test', archived_at: name === 'Old topic' ? at : null })
      .returning('id')
      .executeTakeFirstOrThrow();
    topicId[name] = t.id;
  }
  lineId = (
    await db
      .insertInto('line_to_take')
      .values({
        title: 'Arrests',
        text: 'We do not name people who have been arrested.',
        approved_by: 'test',
        approved_at: at,
        created_at: at,
        created_by: 'test',
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  for (const s of SEEDS) {
    const received = new Date(s.received);
    const closed = s.status === 'closed' ? new Date(received.getTime() + 5 * 3_600_000) : null;
    const e = await db
      .insertInto('enquiry')
      .values({
        reference: s.ref,
        channel: 'web',
        status: s.status,
        name: `Journalist ${s.ref}`,
        outlet: s.outlet,
        email: emailOf(s.ref),
        phone: null,
        subject: `Subject ${s.ref}`,
        details: 'Details',
        deadline: null,
        urgent: false,
        urgent_reason: null,
        out_of_hours: false,
        needs_on_call: false,
        respond_by: s.respondBy ? new Date(s.respondBy) : null,
        received_at: received,
        updated_at: received,
        first_response_at: s.response ? new Date(s.response[0]) : null,
        first_response_working_s: s.response ? s.response[1] : null,
        closed_at: closed,
        resolved_at: s.status === 'answered' ? new Date(s.response![0]) : closed,
        outcome: s.outcome ?? null,
        outcome_org: s.outcome === 'referred_other' ? 'Home Office' : null,
        assigned_to: s.assigned ? officerId : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const t of s.topics)
      await db
        .insertInto('enquiry_topic')
        .values({ enquiry_id: e.id, topic_id: topicId[t], source: 'officer', added_at: received, added_by: 'test' })
        .execute();
    const said = (n: number, line: string | null, text: string) =>
      Array.from({ length: n }, (_, i) => ({
        enquiry_id: e.id,
        at: new Date(received.getTime() + (i + 1) * 60_000),
        kind: i ? ('sms_reply' as const) : ('response' as const),
        text,
        line_id: line,
      }));
    const rows = [
      ...said(s.lines ?? 0, lineId, 'We do not name people who have been arrested.'),
      ...said(s.words ?? 0, null, `Our answer to ${s.ref}`),
    ];
    if (rows.length) await db.insertInto('said').values(rows).execute();
  }
}

beforeAll(async () => {
  h = await startHarness({ now: NOW });
  await h.services.users.create({ ...MANAGER, name: 'Hana Head', role: 'manager' }, SYSTEM);
  officerId = (await h.services.users.create({ ...OFFICER, name: 'Olu Officer', role: 'officer' }, SYSTEM)).id;
  await h.services.reports.syncCalendar();
  await seed();
});
afterAll(async () => h?.close());

type Json = {
  months: Array<{ month: string; label: string; partial: boolean }>;
  topics: Group[];
  outlets: Group[];
  total: Group;
};
type M = {
  received: number;
  answered: number;
  firstResponseWorking: { n: number; median: number | null; p90: number | null };
  respondBy: { met: number; missed: number; notOwed: number; shareMet: number | null };
  linesUsed: number;
  answeredWithLine: number;
  referredFoi: number;
  referredOther: number;
  notMedia: number;
  duplicate: number;
};
type Group = {
  key: string;
  name: string;
  archived?: boolean;
  months: Array<M & { month: string; receivedChange: number }>;
  all: M;
};

async function report(query = 'months=2', as = MANAGER): Promise<Json> {
  const desk = await loginAs(h, as.email, as.password);
  const res = await desk.get(`/desk/reports/topics.json?${query}`);
  expect(res.status).toBe(200);
  return JSON.parse(res.body) as Json;
}

const byName = (groups: Group[], name: string) => {
  const g = groups.find((x) => x.name === name);
  expect(g, `${name} in ${groups.map((x) => x.name).join(', ')}`).toBeDefined();
  return g!;
};

/** The CSV as rows keyed by its header (no cell of this data holds a comma). */
function parseCsv(body: string): Array<Record<string, string>> {
  const lines = body
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');
  const header = lines[0].split(',');
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
}

/** The cells of one row of a page's table (by caption): the row labelled `row` in the row group headed `group`. */
function pageRow(html: string, caption: string, group: string, row: string): string[] {
  const table = html.split(`>${caption}</caption>`)[1].split('</table>')[0];
  const body = table.split('<tbody>').find((b) => decodeEntities(b).includes(`class="group">${group}`));
  expect(body, `${group} in ${caption}`).toBeDefined();
  const tr = body!.split('<tr>').find((r) => decodeEntities(r).includes(`<th scope="row">${row}</th>`));
  expect(tr, `${row} of ${group}`).toBeDefined();
  return [...tr!.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => decodeEntities(m[1]));
}

describe('reports by topic and outlet', () => {
  it('counts each topic month by month, an enquiry with two topics under both and once in the total', async () => {
    const r = await report();
    expect(r.months.map((m) => [m.month, m.label, m.partial])).toEqual([
      ['2026-11', 'November 2026', false],
      ['2026-12', 'December 2026', true],
    ]);
    // Current topics, then "No topic"; the archived topic with no enquiries is left out.
    expect(r.topics.map((t) => t.name)).toEqual(['Crime', 'Flooding', 'No topic']);

    const flooding = byName(r.topics, 'Flooding');
    const [nov, dec] = flooding.months;
    // November: N1 and N2 (October had one: +1). Office-time first responses [3600, 14400].
    expect(nov).toMatchObject({
      month: '2026-11',
      received: 2,
      receivedChange: 1,
      answered: 2,
      linesUsed: 1,
      answeredWithLine: 1,
    });
    expect(nov.firstResponseWorking).toEqual({ n: 2, median: 9000, p90: 13320 });
    expect(nov.respondBy).toEqual({ met: 1, missed: 1, notOwed: 0, shareMet: 0.5 });
    // December: D3, open with its respond-by time ahead: neither met nor missed.
    expect(dec).toMatchObject({
      received: 1,
      receivedChange: -1,
      answered: 0,
      firstResponseWorking: { n: 0, median: null, p90: null },
    });
    expect(dec.respondBy).toEqual({ met: 0, missed: 0, notOwed: 0, shareMet: null });
    expect(flooding.all).toMatchObject({ received: 3, answered: 2, linesUsed: 1, respondBy: { met: 1, missed: 1 } });

    const crime = byName(r.topics, 'Crime');
    expect(crime.months[0]).toMatchObject({
      received: 2,
      receivedChange: 2,
      answered: 1,
      notMedia: 1,
      linesUsed: 1,
      respondBy: { met: 1, missed: 0, notOwed: 1, shareMet: 1 },
    });
    expect(crime.months[1]).toMatchObject({
      received: 1,
      receivedChange: -1,
      answered: 1,
      linesUsed: 2,
      answeredWithLine: 1,
      firstResponseWorking: { median: 1800 },
    });
    expect(crime.all).toMatchObject({
      received: 3,
      answered: 2,
      linesUsed: 3,
      answeredWithLine: 2,
      notMedia: 1,
      firstResponseWorking: { n: 2, median: 2700 },
    });

    const none = byName(r.topics, 'No topic');
    expect(none.months[0]).toMatchObject({
      received: 1,
      receivedChange: 1,
      referredFoi: 1,
      respondBy: { met: 0, missed: 0, notOwed: 1 },
    });
    expect(none.months[1]).toMatchObject({
      received: 3,
      receivedChange: 2,
      answered: 1,
      referredOther: 1,
      duplicate: 1,
      respondBy: { met: 0, missed: 1, notOwed: 2 },
    });

    // Every enquiry once: N1 is not counted twice.
    expect(r.total.name).toBe('All enquiries');
    expect(r.total.months.map((m) => [m.received, m.receivedChange])).toEqual([
      [4, 3],
      [5, 1],
    ]);
    expect(r.total.months[0]).toMatchObject({
      answered: 2,
      linesUsed: 1,
      answeredWithLine: 1,
      referredFoi: 1,
      notMedia: 1,
      respondBy: { met: 1, missed: 1, notOwed: 2 },
    });
    expect(r.total.months[1]).toMatchObject({
      answered: 2,
      linesUsed: 2,
      referredOther: 1,
      duplicate: 1,
      respondBy: { met: 1, missed: 1, notOwed: 2 },
    });
    expect(r.total.all).toMatchObject({
      received: 9,
      answered: 4,
      linesUsed: 3,
      firstResponseWorking: { n: 4, median: 3600 },
    });
  });

  it('groups outlets whatever their capitals and spaces, named by their most common spelling', async () => {
    const r = await report();
    expect(r.outlets.map((o) => [o.name, o.all.received])).toEqual([
      ['BBC', 4],
      ['Daily Gazette', 3],
      ['Wire', 2],
    ]);
    const bbc = byName(r.outlets, 'BBC');
    // "BBC" and "bbc " in November (October's one: +1), " BBC" and "BBC" in December.
    expect(bbc.months.map((m) => [m.received, m.receivedChange])).toEqual([
      [2, 1],
      [2, 0],
    ]);
    expect(bbc.months[0].respondBy).toMatchObject({ met: 1, missed: 1 });
    const gazette = byName(r.outlets, 'Daily Gazette');
    expect(gazette.months[0]).toMatchObject({
      received: 2,
      referredFoi: 1,
      notMedia: 1,
      respondBy: { met: 0, missed: 0, notOwed: 2 },
    });
  });

  it('gives the same numbers on the page, in the JSON and in the CSV', async () => {
    const r = await report();
    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    const csvRes = await manager.get('/desk/reports/topics.csv?months=2');
    expect(csvRes.status).toBe(200);
    expect(csvRes.headers.get('content-type')).toContain('text/csv');
    expect(csvRes.headers.get('content-disposition')).toContain('topics-and-outlets-2026-11-to-2026-12.csv');
    const rows = parseCsv(csvRes.body);
    const page = await manager.get('/desk/reports/topics?months=2');
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('<script');

    const checks: Array<[string, string, Group, string]> = [
      ['topic', 'Figures by topic and month', byName(r.topics, 'Flooding'), ''],
      ['topic', 'Figures by topic and month', byName(r.topics, 'Crime'), ''],
      ['topic', 'Figures by topic and month', byName(r.topics, 'No topic'), ''],
      ['outlet', 'Figures by outlet and month', byName(r.outlets, 'BBC'), ''],
      ['outlet', 'Figures by outlet and month', byName(r.outlets, 'Daily Gazette'), ''],
      ['total', 'Figures by topic and month', r.total, ''],
    ];
    for (const [dimension, caption, g] of checks) {
      const months = [
        ...g.months.map((m, i) => ({
          m: m as M,
          month: m.month,
          change: String(m.receivedChange),
          label: r.months[i].label + (r.months[i].partial ? ' (so far)' : ''),
        })),
        { m: g.all, month: 'all', change: '', label: 'All 2 months' },
      ];
      for (const { m, month, change, label } of months) {
        const csv = rows.find((x) => x.dimension === dimension && x.group === g.name && x.month === month);
        expect(csv, `${dimension} ${g.name} ${month}`).toBeDefined();
        const minutes = (s: number | null) => (s === null ? '' : String(Math.round(s / 6) / 10));
        expect(csv).toMatchObject({
          received: String(m.received),
          received_change: change,
          answered: String(m.answered),
          first_response_working_median_minutes: minutes(m.firstResponseWorking.median),
          first_response_working_p90_minutes: minutes(m.firstResponseWorking.p90),
          respond_by_met: String(m.respondBy.met),
          respond_by_missed: String(m.respondBy.missed),
          respond_by_not_owed: String(m.respondBy.notOwed),
          lines_used: String(m.linesUsed),
          answered_with_line: String(m.answeredWithLine),
          referred_foi: String(m.referredFoi),
          referred_other: String(m.referredOther),
          not_media: String(m.notMedia),
          duplicate: String(m.duplicate),
        });
        const cells = pageRow(page.body, caption, g.name, label);
        const judged = m.respondBy.met + m.respondBy.missed;
        expect(cells[0]).toBe(String(m.received));
        expect(cells[2]).toBe(String(m.answered));
        expect(cells[5]).toBe(
          judged ? `${Math.round((m.respondBy.shareMet ?? 0) * 1000) / 10}% (${m.respondBy.met} of ${judged})` : '—',
        );
        expect(cells.slice(6)).toEqual(
          [m.linesUsed, m.answeredWithLine, m.referredFoi, m.referredOther, m.notMedia, m.duplicate].map(String),
        );
      }
    }
    // The times as the page words them: office hours and minutes.
    expect(pageRow(page.body, 'Figures by topic and month', 'Flooding', 'November 2026').slice(1, 5)).toEqual([
      '+1',
      '2',
      '2h 30m',
      '3h 42m',
    ]);
    expect(pageRow(page.body, 'Figures by topic and month', 'Flooding', 'December 2026 (so far)').slice(1, 6)).toEqual([
      '−1',
      '0',
      '—',
      '—',
      '—',
    ]);
  });

  it('shows an officer only their own enquiries, as /desk/reports does', async () => {
    const r = await report('months=2', OFFICER);
    expect(r.total.all.received).toBe(1);
    expect(byName(r.topics, 'Flooding').all.received).toBe(1);
    expect(byName(r.topics, 'Crime').all.received).toBe(1);
    const officer = await loginAs(h, OFFICER.email, OFFICER.password);
    expect((await officer.get('/desk/reports/topics')).body).toContain('Reports by topic and outlet: your enquiries');
  });

  it('refuses a bad number of months, naming the parameter', async () => {
    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    for (const bad of ['0', '25', 'six', '2.5', '-1']) {
      const json = await manager.get(`/desk/reports/topics.json?months=${bad}`);
      expect(json.status, bad).toBe(422);
      expect(JSON.parse(json.body).error.fields).toEqual({ months: 'Enter a number of months from 1 to 24' });
      expect((await manager.get(`/desk/reports/topics.csv?months=${bad}`)).status).toBe(422);
    }
    const page = await manager.get('/desk/reports/topics?months=99');
    expect(page.status).toBe(422);
    expect(page.body).toContain('Enter a number of months from 1 to 24');
    expect(page.body).toMatch(/<input[^>]*aria-describedby="[^"]*months-error/);
    // Absent: six months, ending with this one.
    const r = await report('');
    expect(r.months.map((m) => m.month)).toEqual(['2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12']);
    expect(byName(r.topics, 'Flooding').months[3]).toMatchObject({ month: '2026-10', received: 1, receivedChange: 1 });
  });

  it('counts months in office time: an enquiry at 00:30 on 1 July (BST) is July’s', async () => {
    const db = h.database.db;
    const e = await db
      .insertInto('enquiry')
      .values({
        reference: 'PD-JUL-AAA',
        channel: 'web',
        status: 'closed',
        name: 'J',
        outlet: 'Summer Times',
        email: 'jul@news.example',
        phone: null,
        subject: 's',
        details: 'd',
        deadline: null,
        urgent: false,
        urgent_reason: null,
        out_of_hours: true,
        needs_on_call: false,
        respond_by: null,
        received_at: new Date('2026-06-30T23:30:00Z'),
        updated_at: new Date('2026-06-30T23:30:00Z'),
        closed_at: new Date('2026-07-01T10:00:00Z'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    try {
      const r = await report('months=6');
      expect(byName(r.outlets, 'Summer Times').months.map((m) => m.received)).toEqual([1, 0, 0, 0, 0, 0]);
      // June is read for July's change: nothing there.
      expect(r.total.months[0]).toMatchObject({ month: '2026-07', received: 1, receivedChange: 1 });
    } finally {
      await db.deleteFrom('enquiry').where('id', '=', e.id).execute();
    }
  });

  it('keeps every figure when journalists are erased', async () => {
    const before = await report('months=3');
    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    const csvBefore = (await manager.get('/desk/reports/topics.csv?months=3')).body;
    // N1 (two topics, a line used), N3 (referred to FOI) and D4 (referred elsewhere), all closed.
    for (const ref of ['PD-NOV-AAA', 'PD-NOV-CCC', 'PD-DEC-DDD']) {
      expect(await h.services.privacy.erase({ phone: null, email: emailOf(ref) }, DPO)).toMatchObject({ erased: 1 });
    }
    const erased = await h.database.db
      .selectFrom('enquiry')
      .select(['reference', 'erased_at', 'email'])
      .where('reference', 'in', ['PD-NOV-AAA', 'PD-NOV-CCC', 'PD-DEC-DDD'])
      .execute();
    expect(erased.every((e) => e.erased_at !== null && e.email !== emailOf(e.reference))).toBe(true);
    expect(await report('months=3')).toEqual(before);
    expect((await manager.get('/desk/reports/topics.csv?months=3')).body).toBe(csvBefore);
  });

  it('gives the 20 outlets with most enquiries their own rows and counts the rest together', async () => {
    const db = h.database.db;
    // Twenty more outlets with one enquiry each: BBC (4), Daily Gazette (3), Wire (2) and the first 17 of them are the top 20.
    await db
      .insertInto('enquiry')
      .values(
        Array.from({ length: 20 }, (_, i) => ({
          reference: `PD-OUT-${String.fromCharCode(65 + i)}AA`,
          channel: 'web' as const,
          status: 'new' as const,
          name: 'J',
          outlet: `Outlet ${String(i + 1).padStart(2, '0')}`,
          email: 'o@news.example',
          phone: null,
          subject: 's',
          details: 'd',
          deadline: null,
          urgent: false,
          urgent_reason: null,
          out_of_hours: false,
          needs_on_call: false,
          respond_by: null,
          received_at: new Date('2026-12-10T10:00:00Z'),
          updated_at: new Date('2026-12-10T10:00:00Z'),
        })),
      )
      .execute();
    const r = await report();
    expect(r.outlets).toHaveLength(21);
    expect(r.outlets.slice(0, 3).map((o) => o.name)).toEqual(['BBC', 'Daily Gazette', 'Wire']);
    expect(r.outlets[19].name).toBe('Outlet 17');
    const other = r.outlets[20];
    expect(other.name).toBe('Other outlets');
    expect(other.months.map((m) => m.received)).toEqual([0, 3]);
    expect(r.outlets.reduce((n, o) => n + o.all.received, 0)).toBe(r.total.all.received);
    const csv = parseCsv(
      (await (await loginAs(h, MANAGER.email, MANAGER.password)).get('/desk/reports/topics.csv?months=2')).body,
    );
    expect(
      csv.find((x) => x.dimension === 'outlet' && x.group === 'Other outlets' && x.month === 'all')?.received,
    ).toBe('3');
  });
});
