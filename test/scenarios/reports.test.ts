import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import type { PageAction } from '../../src/enquiries/enquiry.model.js';

// Thursday 31 December 2026, 12:00 GMT: the office is open.
const NOW = '2026-12-31T12:00:00Z';
const MANAGER = { email: 'head.of.news@press.example', password: 'manager-password-1' };
const OFFICER = { email: 'olive.officer@press.example', password: 'officer-password-1' };
const ON_CALL = '+447911200001';
const FALLBACK = '+443001234567';

let h: Harness;
let officerId: string;

type Seed = {
  ref: string;
  channel: 'web' | 'api' | 'sms';
  received: string;
  ooh?: boolean;
  urgent?: boolean;
  deadline?: string;
  firstResponse?: string;
  closed?: string;
  status: 'new' | 'in_progress' | 'answered' | 'closed';
  assigned?: boolean;
};

// A known quarter, spanning the October clock change, a weekend, and Christmas with its
// substitute bank holiday. Expected figures are worked out by hand in the tests below.
const SEEDS: Seed[] = [
  // A: Friday 16:00 BST before the clocks go back; answered Monday 10:00 GMT.
  // Working time: Fri 16:00-17:00 (1h) + Mon 09:00-10:00 (1h) = 7,200 s. Elapsed 67 h = 241,200 s.
  {
    ref: 'PD-AAA-AAA',
    channel: 'web',
    received: '2026-10-23T15:00:00Z',
    firstResponse: '2026-10-26T10:00:00Z',
    status: 'answered',
  },
  // B: Christmas Eve 16:30; answered Tuesday 29th 09:30 (25th Christmas, 28th substitute Boxing Day).
  // Working: 30 min + 30 min = 3,600 s. Elapsed 113 h = 406,800 s.
  {
    ref: 'PD-BBB-BBB',
    channel: 'web',
    received: '2026-12-24T16:30:00Z',
    firstResponse: '2026-12-29T09:30:00Z',
    status: 'answered',
  },
  // C: Wednesday morning, answered in 30 minutes.
  {
    ref: 'PD-CCC-CCC',
    channel: 'api',
    received: '2026-12-02T10:00:00Z',
    firstResponse: '2026-12-02T10:30:00Z',
    status: 'answered',
    assigned: true,
  },
  // D: Saturday night SMS, urgent, deadline passed without a response; paged and acknowledged in 3 minutes.
  {
    ref: 'PD-DDD-DDD',
    channel: 'sms',
    received: '2026-11-28T23:00:00Z',
    ooh: true,
    urgent: true,
    deadline: '2026-11-29T10:00:00Z',
    status: 'new',
  },
  // E: deadline met (response 11:00 for a 12:00 deadline); closed at 15:00. Working = elapsed = 7,200 s.
  {
    ref: 'PD-EEE-EEE',
    channel: 'api',
    received: '2026-11-30T09:00:00Z',
    deadline: '2026-11-30T12:00:00Z',
    firstResponse: '2026-11-30T11:00:00Z',
    closed: '2026-11-30T15:00:00Z',
    status: 'closed',
    assigned: true,
  },
  // F: Sunday 02:00 SMS, paged through every step to the fallback line; nobody acknowledged.
  { ref: 'PD-FFF-FFF', channel: 'sms', received: '2026-12-06T02:00:00Z', ooh: true, urgent: true, status: 'new' },
  // G: this morning, still open.
  { ref: 'PD-GGG-GGG', channel: 'web', received: '2026-12-31T10:00:00Z', status: 'in_progress' },
];

async function seed() {
  const db = h.database.db;
  const ids: Record<string, string> = {};
  for (const s of SEEDS) {
    const row = await db
      .insertInto('enquiry')
      .values({
        reference: s.ref,
        channel: s.channel,
        status: s.status,
        name: 'Journalist',
        outlet: `Outlet ${s.ref.slice(3, 6)}`,
        email: 'desk@news.example',
        phone: null,
        subject: `Subject ${s.ref}`,
        details: 'Details',
        deadline: s.deadline ? new Date(s.deadline) : null,
        urgent: s.urgent ?? false,
        urgent_reason: s.urgent ? 'journalist' : null,
        out_of_hours: s.ooh ?? false,
        needs_on_call: s.urgent ?? false,
        respond_by: null,
        received_at: new Date(s.received),
        updated_at: new Date(s.received),
        first_response_at: s.firstResponse ? new Date(s.firstResponse) : null,
        closed_at: s.closed ? new Date(s.closed) : null,
        resolved_at: s.status === 'answered' ? new Date(s.firstResponse!) : s.closed ? new Date(s.closed) : null,
        assigned_to: s.assigned ? officerId : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids[s.ref] = row.id;
  }
  const page = async (
    ref: string,
    created: string,
    status: 'acknowledged' | 'exhausted',
    ack: string | null,
    steps: Array<[number, PageAction, string, string]>,
  ) => {
    const p = await db
      .insertInto('page')
      .values({
        enquiry_id: ids[ref],
        short_code: '1234',
        status,
        created_at: new Date(created),
        acknowledged_at: ack ? new Date(ack) : null,
        acknowledged_by: ack ? ON_CALL : null,
        ack_via: ack ? 'sms' : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const [i, action, to, sent] of steps) {
      const m = await db
        .insertInto('outbound_message')
        .values({
          owner_kind: 'page_step',
          medium: action,
          idempotency_key: `page-step:${ref}:${i}:${action}`,
          to_number: to,
          content: null,
          state: 'sent',
          provider_sid: `SM${ref}${i}${action}`,
          attempts: 1,
          created_at: new Date(sent),
          sent_at: new Date(sent),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('page_step')
        .values({
          page_id: p.id,
          step_index: i,
          action,
          to_number: to,
          person_id: null,
          state: 'sent',
          outbound_id: m.id,
          created_at: new Date(sent),
        })
        .execute();
    }
  };
  await page('PD-DDD-DDD', '2026-11-28T23:00:00Z', 'acknowledged', '2026-11-28T23:03:05Z', [
    [0, 'sms', ON_CALL, '2026-11-28T23:00:05Z'],
  ]);
  await page('PD-FFF-FFF', '2026-12-06T02:00:00Z', 'exhausted', null, [
    [0, 'sms', ON_CALL, '2026-12-06T02:00:10Z'],
    [1, 'call', ON_CALL, '2026-12-06T02:10:10Z'],
    [2, 'sms', '+447911200002', '2026-12-06T02:20:10Z'],
    [3, 'sms', FALLBACK, '2026-12-06T02:30:10Z'],
  ]);
}

beforeAll(async () => {
  h = await startHarness({ now: NOW });
  await h.services.users.create({ ...MANAGER, name: 'Hana Head', role: 'manager' }, { userId: null, email: 'test' });
  officerId = (
    await h.services.users.create(
      { ...OFFICER, name: 'Olive Officer', role: 'officer' },
      { userId: null, email: 'test' },
    )
  ).id;
  await h.services.reports.syncCalendar();
  await seed();
});
afterAll(async () => h?.close());

const QUARTER = 'period=custom&from=2026-10-01&to=2026-12-31';

describe('reports for a known quarter', () => {
  it('counts working time with the same calendar as intake (DST, weekend, bank holidays)', async () => {
    const [row] = (
      await h.database.pool.query(
        `SELECT office_working_seconds('2026-10-23T15:00:00Z', '2026-10-26T10:00:00Z') AS a,
                office_working_seconds('2026-12-24T16:30:00Z', '2026-12-29T09:30:00Z') AS b`,
      )
    ).rows;
    expect(row).toEqual({ a: 7200, b: 3600 });
  });

  it('gives every figure exactly', async () => {
    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    const res = await manager.get(`/desk/reports.json?${QUARTER}`);
    expect(res.status).toBe(200);
    const f = JSON.parse(res.body);
    expect(f.period.to).toBe('2027-01-01T00:00:00.000Z');
    expect(f.period.from).toBe('2026-09-30T23:00:00.000Z'); // 1 October 00:00 BST

    expect(f.received).toMatchObject({ total: 7, byChannel: { web: 3, api: 2, sms: 2 }, inHours: 5, outOfHours: 2 });
    expect(f.received.byDay).toContainEqual({ day: '2026-10-23', n: 1 });
    expect(f.received.byDay).toContainEqual({ day: '2026-11-28', n: 1 });
    // 23:00Z on 28 November is 23:00 in London; 15:00Z on 23 October is 16:00 BST.
    expect(f.received.byHour.find((x: { hour: number }) => x.hour === 16).n).toBe(2); // A (16:00 BST) and B (16:30 GMT)
    expect(f.received.byHour.find((x: { hour: number }) => x.hour === 23).n).toBe(1);

    // First response: working [1800, 3600, 7200, 7200]; elapsed [1800, 7200, 241200, 406800].
    expect(f.firstResponse.working).toEqual({ n: 4, median: 5400, p90: 7200 });
    expect(f.firstResponse.elapsed).toEqual({ n: 4, median: 124200, p90: 357120 });
    expect(f.firstResponse.without).toBe(3);
    expect(f.close.elapsed).toEqual({ n: 1, median: 21600, p90: 21600 });
    expect(f.close.working).toEqual({ n: 1, median: 21600, p90: 21600 });

    expect(f.deadlines).toMatchObject({ met: 1, missed: 1, pending: 0, shareMet: 0.5 });
    expect(f.deadlines.missedList.map((m: { reference: string }) => m.reference)).toEqual(['PD-DDD-DDD']);

    expect(f.backlog.open).toBe(3);
    expect(f.backlog.byAge).toEqual([
      { band: 'under 4 hours', n: 1 },
      { band: '4 to 24 hours', n: 0 },
      { band: '1 to 3 days', n: 0 },
      { band: '3 to 7 days', n: 0 },
      { band: 'over 7 days', n: 2 },
    ]);
    const trend = Object.fromEntries(f.backlog.trend.map((t: { day: string; open: number }) => [t.day, t.open]));
    expect(f.backlog.trend).toHaveLength(92);
    expect([trend['2026-10-22'], trend['2026-10-23'], trend['2026-10-25'], trend['2026-10-26']]).toEqual([0, 1, 1, 0]);
    expect(trend['2026-11-29']).toBe(1); // D
    expect(trend['2026-11-30']).toBe(1); // E came and closed the same day
    expect(trend['2026-12-24']).toBe(3); // D, F, B
    expect(trend['2026-12-29']).toBe(2); // B answered
    expect(trend['2026-12-31']).toBe(3); // D, F, G

    expect(f.pages).toEqual({
      n: 2,
      acknowledged: 1,
      exhausted: 1,
      escalated: 1,
      fallback: 1,
      toAck: { n: 1, median: 180, p90: 180 },
    });
  });

  it('shows officers only their own enquiries', async () => {
    const officer = await loginAs(h, OFFICER.email, OFFICER.password);
    const f = JSON.parse((await officer.get(`/desk/reports.json?${QUARTER}`)).body);
    expect(f.received.total).toBe(2);
    expect(f.deadlines).toMatchObject({ met: 1, missed: 0 });
    const page = await officer.get(`/desk/reports?${QUARTER}`);
    expect(page.body).toContain('Reports: your enquiries');
  });

  it('renders the page with SVG charts and their numbers as tables', async () => {
    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    const page = await manager.get(`/desk/reports?${QUARTER}`);
    expect(page.status).toBe(200);
    expect((page.body.match(/<svg /g) ?? []).length).toBe(4);
    expect((page.body.match(/<summary>Show the numbers<\/summary>/g) ?? []).length).toBe(4);
    expect(page.body).toContain('PD-DDD-DDD');
    expect(page.body).not.toContain('<script');
  });

  it('refuses bad custom dates with messages beside the fields', async () => {
    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    const page = await manager.get('/desk/reports?period=custom&from=2026-13-01&to=yesterday');
    expect(page.status).toBe(422);
    expect(page.body).toContain('Enter a start date like 2026-11-02');
    expect(page.body).toContain('Enter an end date like 2026-11-29');
    const json = await manager.get('/desk/reports.json?period=custom&from=2026-12-31&to=2026-12-01');
    expect(json.status).toBe(422);
    expect(JSON.parse(json.body).error.fields.to).toMatch(/on or after/);
  });

  it('exports one CSV row per enquiry with stable columns, defusing spreadsheet formulas', async () => {
    await h.database.db
      .updateTable('enquiry')
      .set({ subject: '=HYPERLINK("http://evil")' })
      .where('reference', '=', 'PD-GGG-GGG')
      .execute();
    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    const res = await manager.get(`/desk/reports.csv?${QUARTER}`);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'reference,channel,status,urgent,urgent_reason,out_of_hours,received_at (Europe/London),deadline (Europe/London),respond_by (Europe/London),first_response_at (Europe/London),closed_at (Europe/London),resolved_at (Europe/London),assigned_to,outlet,subject,first_response_minutes,first_response_working_minutes,deadline_outcome,page_status,page_acknowledged_at (Europe/London),outcome,outcome_org',
    );
    expect(lines).toHaveLength(8);
    const a = lines.find((l) => l.startsWith('PD-AAA-AAA'))!.split(',');
    expect(a[15]).toBe('4020');
    expect(a[16]).toBe('120');
    expect(lines.find((l) => l.startsWith('PD-DDD-DDD'))).toContain(',missed,acknowledged,');
    expect(lines.find((l) => l.startsWith('PD-GGG-GGG'))).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });
});

describe('the morning handover', () => {
  it('on the first working day after Christmas covers everything since Christmas Eve’s close, once', async () => {
    const hh = await startHarness({
      now: '2026-12-26T10:00:00Z',
      config: { handover: { smsNumbers: ['+447911200009'] } },
      jobs: true,
    });
    try {
      await hh.services.users.create(
        { ...OFFICER, name: 'Olive Officer', role: 'officer' },
        { userId: null, email: 'test' },
      );
      const urgent = await hh.postJson('/api/enquiries', {
        name: 'Night Desk',
        outlet: 'Wire',
        phone: '+447911123401',
        subject: 'Boxing Day fire',
        details: 'x',
        urgent: true,
      });
      const quiet = await hh.postJson('/api/enquiries', {
        name: 'Feature Writer',
        outlet: 'Monthly',
        email: 'f@w.example',
        subject: 'Feature idea',
        details: 'x',
        deadline: '2026-12-30T12:00',
      });
      const [u, q] = [(await urgent.json()).reference, (await quiet.json()).reference];
      await hh.jobs.settle();
      // Closed days: nothing is made.
      hh.clock.set('2026-12-28T10:00:00Z');
      expect(await hh.services.digest.generateIfDue()).toBeNull();
      // Tuesday 29th, 09:05: the office opened at 09:00.
      hh.clock.set('2026-12-29T09:05:00Z');
      const id = await hh.services.digest.generateIfDue();
      expect(id).not.toBeNull();
      expect(await hh.services.digest.generateIfDue()).toBeNull();
      const digest = await hh.database.db.selectFrom('handover_digest').selectAll().executeTakeFirstOrThrow();
      expect(digest.since.toISOString()).toBe('2026-12-24T17:00:00.000Z');
      expect(digest.opened_at.toISOString()).toBe('2026-12-29T09:00:00.000Z');
      expect(digest.summary).toMatchObject({ total: 2, urgent: 1, paged: 1, acknowledged: 0, unanswered: 2 });

      await hh.jobs.settle();
      const sms = hh.twilio.messages.filter((m) => m.to === '+447911200009');
      expect(sms).toHaveLength(1);
      expect(sms[0].body).toContain('2 enquiries while closed, 1 urgent, 1 paged (0 acknowledged), 2 unanswered');

      const officer = await loginAs(hh, OFFICER.email, OFFICER.password);
      const queue = await officer.get('/desk');
      expect(queue.body).toContain('While the office was closed');
      expect(queue.body).toContain(u);
      expect(queue.body).toContain(q);
      expect((await officer.post(`/desk/handover/${id}/dismiss`)).status).toBe(303);
      expect((await officer.get('/desk')).body).not.toContain('While the office was closed');
    } finally {
      await hh.close();
    }
  });
});
