/**
 * Issue 26, item 5 (its first part): the reports count the time the desk spends waiting on
 * colleagues outside it, by the colleague's department. Questions are asked through the service,
 * answered by replying to the text with the clock moved between, and the figures are read from the
 * service and from the reports page. Each colleague asked counts once (a question to two
 * departments counts in each); a colleague erased from the directory stays counted, as "Not
 * recorded".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntities, loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

// Monday 7 December 2026, 15:00 in London (GMT): the office is open.
const MONDAY_3PM = '2026-12-07T15:00:00Z';
// The report covers Tuesday 8 December, in office time.
const TUESDAY = 'period=custom&from=2026-12-08&to=2026-12-08';
const TUESDAY_FROM = new Date('2026-12-08T00:00:00Z');
const TUESDAY_TO = new Date('2026-12-09T00:00:00Z');
const SYSTEM = { userId: null, email: 'test' };
const MANAGER = { name: 'Mo Manager', email: 'mo.manager@press.example', password: 'manager-password-26' };
const OFFICER = { name: 'Ola Officer', email: 'ola.officer@press.example', password: 'officer-password-26' };
const OFFICER_ACTOR = { userId: null, email: OFFICER.email };

let h: Harness;
afterEach(async () => h?.close());

async function start(): Promise<void> {
  h = await startHarness({ now: MONDAY_3PM, config: { intake: { rateLimit: null } } });
  await h.services.users.create({ ...MANAGER, role: 'manager' }, SYSTEM);
  await h.services.users.create({ ...OFFICER, role: 'officer' }, SYSTEM);
}

let mobiles = 0;
/** A colleague in the directory (as a manager would have added them), reachable by text; returns their id and mobile. */
async function colleague(name: string, department: string): Promise<{ id: string; mobile: string }> {
  mobiles += 1;
  const mobile = `+4479112${String(mobiles).padStart(5, '0')}`;
  const now = h.clock.now();
  const row = await h.database.db
    .insertInto('colleague')
    .values({ name, role: '', department, mobile, email: null, usual_hours: null, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, mobile };
}

/** A journalist's enquiry by the API, made now; returns its reference. */
async function enquiry(subject: string): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    email: 'ann@gazette.example',
    subject,
    details: 'Can you tell me more?',
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

/** The officer asks `who` about `reference` at `at` (UTC), by text, due at `due` (office time); returns the question's id. */
async function ask(at: string, reference: string, who: Array<{ id: string }>, due: string): Promise<string> {
  h.clock.set(at);
  const { questionId } = await h.services.questions.ask(
    reference,
    { colleagueIds: who.map((c) => c.id), via: 'sms', question: 'What can we say?', due },
    OFFICER_ACTOR,
  );
  return questionId;
}

/** `who` replies to their question's text at `at` (UTC); the desk thanks them. */
async function answer(at: string, who: { mobile: string }): Promise<void> {
  h.clock.set(at);
  const res = await h.sms(who.mobile, 'Here are the facts.');
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('thank you, we have your answer');
}

/** The rows of the reports page's waiting-on-colleagues table, each as its cells' text (the header row first). */
function waitTable(html: string): string[][] {
  const section = /<h2>Waiting on colleagues<\/h2>([\s\S]*?)<h2>/.exec(html)?.[1] ?? '';
  return [...section.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
      decodeEntities(cell[1].replace(/<[^>]*>/g, '')).trim(),
    ),
  );
}

const HEADER = [
  'Department',
  'Colleagues asked',
  'Answered',
  'Still waiting',
  'Answered after the due time',
  'Median minutes to answer',
  '90th percentile minutes to answer',
];

describe('waiting on colleagues in the reports', () => {
  it('counts each colleague asked by department, with answers, waits, late answers and the minutes to the first answer', async () => {
    await start();
    const khan = await colleague('Insp. Ali Khan', 'CID');
    const okafor = await colleague('Sgt Ngozi Okafor', 'CID');
    const lee = await colleague('DC Sam Lee', 'CID');
    const reed = await colleague('PC Jo Reed', 'Roads Policing');
    const patel = await colleague('Insp. Ray Patel', 'Roads Policing');
    const jones = await colleague('Dr Mary Jones', '');
    const first = await enquiry('Arrest in Northfield');
    const second = await enquiry('Crash on the ring road');
    const third = await enquiry('Speed cameras');

    // Monday, outside the period: asked at 23:50, answered on Tuesday at 00:10. Not counted.
    await ask('2026-12-07T23:50:00Z', first, [khan], '2026-12-08T09:00');
    await answer('2026-12-08T00:10:00Z', khan);

    // Tuesday 10:00, one question to CID and Roads Policing, due 11:00: Khan answers in 10 minutes,
    // Reed in 90 (half an hour after the due time), and again later (only the first answer counts).
    await ask('2026-12-08T10:00:00Z', first, [khan, reed], '2026-12-08T11:00');
    await answer('2026-12-08T10:10:00Z', khan);
    // 10:20, to Okafor (CID), due 12:00: answered in 30 minutes.
    await ask('2026-12-08T10:20:00Z', second, [okafor], '2026-12-08T12:00');
    await answer('2026-12-08T10:50:00Z', okafor);
    // 10:30, to Jones (no department), due 12:00: never answered, still open.
    await ask('2026-12-08T10:30:00Z', second, [jones], '2026-12-08T12:00');
    // 10:40, to Lee (CID), due 12:00: withdrawn at 11:00 unanswered, so neither answered nor waiting.
    const toLee = await ask('2026-12-08T10:40:00Z', first, [lee], '2026-12-08T12:00');
    h.clock.set('2026-12-08T11:00:00Z');
    expect(await h.services.questions.close(first, toLee, 'withdrawn', OFFICER_ACTOR)).toBe(true);
    // 10:50, to Patel (Roads Policing): the enquiry is closed at 11:10 before he answers, so nobody waits on him.
    await ask('2026-12-08T10:50:00Z', third, [patel], '2026-12-08T12:00');
    h.clock.set('2026-12-08T11:10:00Z');
    const closer = await loginAs(h, MANAGER.email, MANAGER.password);
    expect((await closer.post(`/desk/enquiries/${third}/status`, { status: 'closed' })).status).toBe(303);
    await answer('2026-12-08T11:30:00Z', reed);
    await answer('2026-12-08T11:45:00Z', reed);

    h.clock.set('2026-12-08T16:00:00Z');
    const f = await h.services.reports.figures(TUESDAY_FROM, TUESDAY_TO, null);
    // CID: Khan 10, Okafor 30 (Lee withdrawn): median 20, 90th percentile 10 + 0.9 × 20 = 28.
    // All: 10, 30, 90: median 30, 90th percentile 30 + 0.8 × 60 = 78.
    expect(f.colleagues).toEqual({
      byDepartment: [
        {
          department: 'CID',
          asked: 3,
          answered: 2,
          waiting: 0,
          answeredLate: 0,
          toFirstAnswer: { n: 2, medianMinutes: 20, p90Minutes: 28 },
        },
        {
          department: 'Roads Policing',
          asked: 2,
          answered: 1,
          waiting: 0,
          answeredLate: 1,
          toFirstAnswer: { n: 1, medianMinutes: 90, p90Minutes: 90 },
        },
        {
          department: '',
          asked: 1,
          answered: 0,
          waiting: 1,
          answeredLate: 0,
          toFirstAnswer: { n: 0, medianMinutes: null, p90Minutes: null },
        },
      ],
      total: {
        department: null,
        asked: 6,
        answered: 3,
        waiting: 1,
        answeredLate: 1,
        toFirstAnswer: { n: 3, medianMinutes: 30, p90Minutes: 78 },
      },
    });

    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    const page = await manager.get(`/desk/reports?${TUESDAY}`);
    expect(page.status).toBe(200);
    expect(waitTable(page.body)).toEqual([
      HEADER,
      ['CID', '3', '2', '0', '0', '20', '28'],
      ['Roads Policing', '2', '1', '0', '1', '90', '90'],
      ['No department', '1', '0', '1', '0', '—', '—'],
      ['All departments', '6', '3', '1', '1', '30', '78'],
    ]);
    // The wide table scrolls in a named region a keyboard can reach, and has its caption.
    expect(page.body).toContain(
      '<div class="table-scroll" role="region" aria-label="Waiting on colleagues, by department" tabindex="0">',
    );
    expect(page.body).toContain('Questions to colleagues by department: answers and time to answer</caption>');

    // The JSON export carries the same figures.
    const json = JSON.parse((await manager.get(`/desk/reports.json?${TUESDAY}`)).body);
    expect(json.colleagues).toEqual(JSON.parse(JSON.stringify(f.colleagues)));

    // Monday alone holds only the question asked then: Khan's answer 20 minutes later.
    const monday = await h.services.reports.figures(new Date('2026-12-07T00:00:00Z'), TUESDAY_FROM, null);
    expect(monday.colleagues.total).toMatchObject({
      asked: 1,
      answered: 1,
      answeredLate: 0,
      toFirstAnswer: { n: 1, medianMinutes: 20 },
    });

    // The officer's own report counts only the enquiries assigned to them: none here.
    const officer = await loginAs(h, OFFICER.email, OFFICER.password);
    const own = decodeEntities((await officer.get(`/desk/reports?${TUESDAY}`)).body);
    expect(own).toContain('No questions were asked of colleagues in this period.');
    expect(waitTable(own)).toEqual([]);
  });

  it('keeps counting a colleague erased from the directory, under "Not recorded"', async () => {
    await start();
    const brown = await colleague('Sgt Pat Brown', 'Custody');
    const green = await colleague('Sgt Lou Green', 'Custody');
    const grey = await colleague('Sgt Kim Grey', 'Custody');
    const reference = await enquiry('Man held overnight');

    // Due at 10:45: Green's answer at exactly that minute is on time, not late.
    await ask('2026-12-08T10:00:00Z', reference, [brown, green, grey], '2026-12-08T10:45');
    await answer('2026-12-08T10:15:00Z', brown);
    await answer('2026-12-08T10:45:00Z', green);

    h.clock.set('2026-12-08T11:00:00Z');
    const before = await h.services.reports.figures(TUESDAY_FROM, TUESDAY_TO, null);
    expect(before.colleagues.byDepartment).toEqual([
      {
        department: 'Custody',
        asked: 3,
        answered: 2,
        waiting: 1,
        answeredLate: 0,
        toFirstAnswer: { n: 2, medianMinutes: 30, p90Minutes: 42 },
      },
    ]);

    // Brown (answered) and Grey (still waited on) are erased: their department goes with them.
    await h.services.colleagues.erase(brown.id, SYSTEM);
    await h.services.colleagues.erase(grey.id, SYSTEM);
    expect(
      await h.database.db
        .selectFrom('question_recipient')
        .select('colleague_id')
        .where('colleague_id', 'is', null)
        .execute(),
    ).toHaveLength(2);

    const after = await h.services.reports.figures(TUESDAY_FROM, TUESDAY_TO, null);
    expect(after.colleagues).toEqual({
      byDepartment: [
        {
          department: 'Custody',
          asked: 1,
          answered: 1,
          waiting: 0,
          answeredLate: 0,
          toFirstAnswer: { n: 1, medianMinutes: 45, p90Minutes: 45 },
        },
        {
          department: null,
          asked: 2,
          answered: 1,
          waiting: 1,
          answeredLate: 0,
          toFirstAnswer: { n: 1, medianMinutes: 15, p90Minutes: 15 },
        },
      ],
      // The total is unchanged by the erasure.
      total: {
        department: null,
        asked: 3,
        answered: 2,
        waiting: 1,
        answeredLate: 0,
        toFirstAnswer: { n: 2, medianMinutes: 30, p90Minutes: 42 },
      },
    });

    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    const page = await manager.get(`/desk/reports?${TUESDAY}`);
    expect(waitTable(page.body)).toEqual([
      HEADER,
      ['Custody', '1', '1', '0', '0', '45', '45'],
      ['Not recorded', '2', '1', '1', '0', '15', '15'],
      ['All departments', '3', '2', '1', '0', '30', '42'],
    ]);
    // Nothing of the erased colleagues' names is shown.
    expect(page.body).not.toContain('Brown');
    expect(page.body).not.toContain('Grey');
  });
});
