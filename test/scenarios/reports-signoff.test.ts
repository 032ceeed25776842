/**
 * Issue 26, item 5 (its second part): the reports show sign-off for the period. Drafts are sent
 * for sign-off to approvers from the directory, who approve or return them by text with the clock
 * moved between; officers release responses, managers release without sign-off giving a reason;
 * the figures are read from the reports page as a manager sees them (and from its JSON): time in
 * sign-off by approver, the share of responses released in the approved words, and the overrides
 * with their reasons. Approvers erased from the directory stay counted, together, as "Not
 * recorded"; an override's reason goes with the journalist's erasure, the override stays.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntities, loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

// Monday 7 December 2026, 15:00 in London (GMT): the office is open.
const MONDAY_3PM = '2026-12-07T15:00:00Z';
// The report covers Tuesday 8 December, in office time.
const TUESDAY = 'period=custom&from=2026-12-08&to=2026-12-08';
const MONDAY = 'period=custom&from=2026-12-07&to=2026-12-07';
const SYSTEM = { userId: null, email: 'test' };
const MANAGER = { name: 'Mo Manager', email: 'mo.manager@press.example', password: 'manager-password-26' };
const OFFICER = { name: 'Ola Officer', email: 'ola.officer@press.example', password: 'officer-password-26' };
const OFFICER_ACTOR = { userId: null, email: OFFICER.email };

let h: Harness;
let officerId: string;
afterEach(async () => h?.close());

async function start(signOff: 'urgent' | 'always'): Promise<void> {
  h = await startHarness({ now: MONDAY_3PM, config: { intake: { rateLimit: null }, statements: { signOff } } });
  await h.services.users.create({ ...MANAGER, role: 'manager' }, SYSTEM);
  officerId = (await h.services.users.create({ ...OFFICER, role: 'officer' }, SYSTEM)).id;
}

let mobiles = 0;
/** An approver in the directory (as a manager would have added them), reachable by text. */
async function approver(name: string, role: string): Promise<{ id: string; mobile: string }> {
  mobiles += 1;
  const mobile = `+4479113${String(mobiles).padStart(5, '0')}`;
  const now = h.clock.now();
  const row = await h.database.db
    .insertInto('colleague')
    .values({ name, role, department: '', mobile, email: null, usual_hours: null, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, mobile };
}

/** A journalist's enquiry by the API, made at `at` (UTC); urgent when asked (so it needs sign-off under 'urgent'). */
async function enquiry(
  at: string,
  subject: string,
  opts: { urgent?: boolean; email?: string; phone?: string } = {},
): Promise<string> {
  h.clock.set(at);
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    email: opts.email ?? 'ann@gazette.example',
    ...(opts.phone ? { phone: opts.phone } : {}),
    subject,
    details: 'Can you tell me more?',
  });
  expect(res.status).toBe(201);
  const { reference } = (await res.json()) as { reference: string };
  if (opts.urgent) await h.services.casework.setUrgency(reference, true, 'Fatal incident', OFFICER_ACTOR);
  return reference;
}

/** The officer sends `words` for sign-off to `who` by text at `at` (UTC). */
async function sendForSignOff(at: string, reference: string, words: string, who: Array<{ id: string }>) {
  h.clock.set(at);
  await h.services.signOff.request(
    reference,
    { text: words, colleagueIds: who.map((c) => c.id), via: 'sms' },
    OFFICER_ACTOR,
  );
}

/** The code in the text asking `who` to sign off the response to `reference` (their pending request). */
async function codeFor(reference: string, who: { id: string }): Promise<string> {
  const r = await sql<{ code: string }>`
    SELECT r.code FROM signoff_request r
      JOIN statement_draft d ON d.id = r.draft_id JOIN enquiry e ON e.id = d.enquiry_id
     WHERE e.reference = ${reference} AND r.colleague_id = ${who.id} AND r.state = 'pending'`.execute(h.database.db);
  expect(r.rows).toHaveLength(1);
  return r.rows[0].code;
}

/** `who` texts APPROVE with their code at `at` (UTC). */
async function approveByText(at: string, reference: string, who: { id: string; mobile: string }) {
  const code = await codeFor(reference, who);
  h.clock.set(at);
  expect(await (await h.sms(who.mobile, `APPROVE ${code}`)).text()).toContain(
    `you approved our response to ${reference}`,
  );
}

/** `who` texts CHANGES with their code and a comment at `at` (UTC). */
async function returnByText(at: string, reference: string, who: { id: string; mobile: string }) {
  const code = await codeFor(reference, who);
  h.clock.set(at);
  expect(await (await h.sms(who.mobile, `CHANGES ${code} do not name the street`)).text()).toContain(
    'we have your changes',
  );
}

/** `who` signs in to the desk now (sessions lapse over the hours these tests span). */
function signIn(who: 'officer' | 'manager'): Promise<DeskClient> {
  const u = who === 'manager' ? MANAGER : OFFICER;
  return loginAs(h, u.email, u.password);
}

/** Records and releases `words` from the enquiry page at `at` (UTC); with `override`, a manager releasing without sign-off. */
async function release(at: string, who: 'officer' | 'manager', reference: string, words: string, override?: string) {
  h.clock.set(at);
  const client = await signIn(who);
  await client.get(`/desk/enquiries/${reference}`);
  const res = await client.post(`/desk/enquiries/${reference}/response`, {
    response: words,
    release: 'yes',
    ...(override ? { override } : {}),
  });
  expect(res.status).toBe(303);
}

/** Shows (or takes back) the recorded response on the status page at `at` (UTC). */
async function toggleRelease(
  at: string,
  who: 'officer' | 'manager',
  reference: string,
  released: boolean,
  override?: string,
) {
  h.clock.set(at);
  const client = await signIn(who);
  await client.get(`/desk/enquiries/${reference}`);
  const res = await client.post(`/desk/enquiries/${reference}/release`, {
    released: released ? 'yes' : 'no',
    ...(override ? { override } : {}),
  });
  expect(res.status).toBe(303);
}

/** The reports page's sign-off section, from its heading to the next section's. */
function signOffSection(html: string): string {
  return /<h2>Sign-off<\/h2>([\s\S]*?)(<h2>|<\/main>)/.exec(html)?.[1] ?? '';
}

/** One part of the sign-off section (by its h3 heading): its text, and its tables' rows as cells' text. */
function part(html: string, heading: string): { text: string; rows: string[][] } {
  const section = signOffSection(html);
  const start = section.indexOf(`<h3>${heading}</h3>`);
  if (start < 0) return { text: '', rows: [] };
  const rest = section.slice(start + heading.length + 9);
  const body = rest.slice(0, rest.includes('<h3>') ? rest.indexOf('<h3>') : undefined);
  const cells = (row: string) =>
    [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
      decodeEntities(cell[1].replace(/<[^>]*>/g, '')).trim(),
    );
  return {
    text: decodeEntities(body.replace(/<[^>]*>/g, ' '))
      .replace(/\s+/g, ' ')
      .trim(),
    rows: [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => cells(row[1])),
  };
}

const BY_APPROVER = 'Time in sign-off, by approver';
const RELEASED = 'Responses released';
const OVERRIDES = 'Overrides of sign-off';
const HEADER = [
  'Approver',
  'Requests sent',
  'Decided',
  'Of them, returned with changes',
  'Still pending',
  'Median minutes to decide',
  '90th percentile minutes to decide',
];

describe('sign-off in the reports', () => {
  it('shows time in sign-off by approver, the share of releases signed off, and the overrides with their reasons', async () => {
    await start('urgent');
    const grey = await approver('Det Supt Grey', 'SIO');
    const khan = await approver('Supt Khan', 'Gold');
    const reed = await approver('Insp. Reed', '');

    // Monday, outside the period: signed off and released, and another released by the manager without.
    const mon1 = await enquiry('2026-12-07T15:30:00Z', 'Burglary series', { urgent: true });
    const mon2 = await enquiry('2026-12-07T15:31:00Z', 'Road closure', { urgent: true });
    await sendForSignOff('2026-12-07T16:00:00Z', mon1, 'Three arrests.', [grey]);
    await approveByText('2026-12-07T16:30:00Z', mon1, grey);
    await release('2026-12-07T16:40:00Z', 'officer', mon1, 'Three arrests.');
    await release('2026-12-07T16:50:00Z', 'manager', mon2, 'The road is closed.', 'Monday reason, not Tuesday');

    // Tuesday. A: to Grey at 10:00, approved at 10:20, released in those words.
    const a = await enquiry('2026-12-08T09:00:00Z', 'Fatal collision', { urgent: true });
    // B: to Grey and Khan at 10:00; Khan approves at 11:00, so Grey's request is no longer needed.
    const b = await enquiry('2026-12-08T09:01:00Z', 'Stabbing in the park', { urgent: true });
    // C: released by the manager without sign-off at 10:40, taken back, sent to Reed at 10:50,
    // approved at 11:40 and released again at 12:00 in the approved words: it counts once, as approved.
    const c = await enquiry('2026-12-08T09:02:00Z', 'Missing teenager', { urgent: true });
    // D: not urgent, so no sign-off is needed.
    const d = await enquiry('2026-12-08T09:03:00Z', 'Open day');
    // E: to Reed at 11:00, returned at 11:30, sent again at 11:45 and still with Reed; the manager
    // releases the recorded response without sign-off at 12:30.
    const e = await enquiry('2026-12-08T09:04:00Z', 'Crash on the ring road', { urgent: true });
    // E is the officer's own.
    await h.services.casework.assign(e, officerId, SYSTEM);
    // F: released by an entry written before the desk recorded sign-off.
    // G: its response recorded but never released: not counted.
    const f = await enquiry('2026-12-08T09:05:00Z', 'Speed cameras');
    const g = await enquiry('2026-12-08T09:06:00Z', 'Lost property');
    // H: the manager texts the journalist words that were never signed off, giving a reason.
    const hh = await enquiry('2026-12-08T09:07:00Z', 'Flooding', { urgent: true, phone: '+447911123456' });

    await sendForSignOff('2026-12-08T10:00:00Z', a, 'A man died.', [grey]);
    await sendForSignOff('2026-12-08T10:00:00Z', b, 'A woman is in hospital.', [grey, khan]);
    await release('2026-12-08T10:10:00Z', 'officer', d, 'Everyone is welcome.');
    await approveByText('2026-12-08T10:20:00Z', a, grey);
    await release('2026-12-08T10:30:00Z', 'officer', a, 'A man died.');
    await release('2026-12-08T10:40:00Z', 'manager', c, 'We are looking for Sam.', 'Family asked for an appeal <now>');
    await toggleRelease('2026-12-08T10:45:00Z', 'officer', c, false);
    await sendForSignOff('2026-12-08T10:50:00Z', c, 'We are looking for a 15-year-old.', [reed]);
    await approveByText('2026-12-08T11:00:00Z', b, khan);
    await sendForSignOff('2026-12-08T11:00:00Z', e, 'Two cars collided on Kestrel Street.', [reed]);
    await release('2026-12-08T11:05:00Z', 'officer', b, 'A woman is in hospital.');
    await returnByText('2026-12-08T11:30:00Z', e, reed);
    await approveByText('2026-12-08T11:40:00Z', c, reed);
    await sendForSignOff('2026-12-08T11:45:00Z', e, 'Two cars collided.', [reed]);
    await release('2026-12-08T12:00:00Z', 'officer', c, 'We are looking for a 15-year-old.');
    h.clock.set('2026-12-08T12:25:00Z');
    const officer = await signIn('officer');
    await officer.get(`/desk/enquiries/${e}`);
    expect((await officer.post(`/desk/enquiries/${e}/response`, { response: 'Two cars collided.' })).status).toBe(303);
    expect((await officer.post(`/desk/enquiries/${g}/response`, { response: 'It was handed in.' })).status).toBe(303);
    await toggleRelease('2026-12-08T12:30:00Z', 'manager', e, true, "SIO in court; the Gazette's deadline is 12:30");
    const { id: fId } = await h.database.db
      .selectFrom('enquiry')
      .select('id')
      .where('reference', '=', f)
      .executeTakeFirstOrThrow();
    await h.database.db
      .insertInto('enquiry_event')
      .values({
        enquiry_id: fId,
        at: new Date('2026-12-08T12:40:00Z'),
        kind: 'response_released',
        actor: OFFICER.email,
        data: JSON.stringify({ released: true }),
      })
      .execute();

    h.clock.set('2026-12-08T13:00:00Z');
    const replier = await signIn('manager');
    await replier.get(`/desk/enquiries/${hh}`);
    expect(
      (
        await replier.post(`/desk/enquiries/${hh}/reply`, {
          reply: 'We will call you back within the hour.',
          replyOverride: 'Procedural: no facts in it',
        })
      ).status,
    ).toBe(303);

    h.clock.set('2026-12-08T16:00:00Z');
    const manager = await signIn('manager');
    const page = await manager.get(`/desk/reports?${TUESDAY}`);
    expect(page.status).toBe(200);

    // Grey: A in 20 minutes, B superseded. Khan: B in 60. Reed: C in 50, E returned in 30, E again pending.
    // Reed: median of 30 and 50 is 40, 90th percentile 30 + 0.9 × 20 = 48.
    // All: 20, 30, 50, 60: median 40, 90th percentile 50 + 0.7 × 10 = 57.
    expect(part(page.body, BY_APPROVER).rows).toEqual([
      HEADER,
      ['Det Supt Grey (SIO)', '2', '1', '0', '0', '20', '20'],
      ['Insp. Reed', '3', '2', '1', '1', '40', '48'],
      ['Supt Khan (Gold)', '1', '1', '0', '0', '60', '60'],
      ['All approvers', '6', '4', '1', '1', '40', '57'],
    ]);
    // The wide table scrolls in a named region a keyboard can reach, and has its caption.
    expect(signOffSection(page.body)).toContain(
      '<div class="table-scroll" role="region" aria-label="Time in sign-off, by approver" tabindex="0">',
    );
    expect(signOffSection(page.body)).toContain(
      'Requests for sign-off by approver: decisions and time to decide</caption>',
    );

    // Released: A, B, C (latest: approved) in the approved words; E by the manager; D needed none; F not
    // recorded. G was never released, and H's text reply is not a release.
    const released = part(page.body, RELEASED);
    expect(released.rows).toEqual([
      ['Released in the approved words', '3'],
      ['Released by a manager without sign-off', '1'],
      ['No sign-off needed', '1'],
      ['Not recorded (released before the desk recorded sign-off)', '1'],
      ['All responses released', '6'],
    ]);
    expect(released.text).toContain(
      'Signed off: 75% of the 4 responses released in this period that needed sign-off (3 in the approved words, 1 released by a manager without).',
    );

    // Tuesday's overrides, newest first, each linked to its enquiry, with what went, who and why.
    const overrides = part(page.body, OVERRIDES);
    expect(overrides.rows).toEqual([
      ['When', 'Enquiry', 'What', 'Who', 'Reason'],
      ['Tue 8 Dec 13:00', hh, 'Text reply', MANAGER.name, 'Procedural: no facts in it'],
      ['Tue 8 Dec 12:30', e, 'Response released', MANAGER.name, "SIO in court; the Gazette's deadline is 12:30"],
      ['Tue 8 Dec 10:40', c, 'Response released', MANAGER.name, 'Family asked for an appeal <now>'],
    ]);
    expect(signOffSection(page.body)).toContain(`<a href="/desk/enquiries/${e}">${e}</a>`);
    // The reason is the manager's own text, shown as text.
    expect(signOffSection(page.body)).toContain('Family asked for an appeal &lt;now&gt;');
    expect(overrides.text).not.toContain('more in this period');

    // The JSON export carries the same figures.
    const json = JSON.parse((await manager.get(`/desk/reports.json?${TUESDAY}`)).body);
    expect(json.signOff.released).toEqual({
      total: 6,
      notRequired: 1,
      approved: 3,
      overridden: 1,
      notRecorded: 1,
      shareApproved: 0.75,
    });
    expect(json.signOff.total).toEqual({
      approver: null,
      sent: 6,
      decided: 4,
      returned: 1,
      pending: 1,
      toDecision: { n: 4, medianMinutes: 40, p90Minutes: 57 },
    });
    expect(json.signOff.overrides).toMatchObject({
      total: 3,
      more: 0,
      list: [
        { reference: hh, what: 'reply', by: MANAGER.email, byName: MANAGER.name },
        { reference: e, what: 'release', by: MANAGER.email, byName: MANAGER.name },
        { reference: c, what: 'release', by: MANAGER.email, reason: 'Family asked for an appeal <now>' },
      ],
    });

    // Monday alone holds only Monday's: Grey in 30 minutes, one release signed off, one overridden.
    const monday = await manager.get(`/desk/reports?${MONDAY}`);
    expect(part(monday.body, BY_APPROVER).rows.slice(1)).toEqual([
      ['Det Supt Grey (SIO)', '1', '1', '0', '0', '30', '30'],
      ['All approvers', '1', '1', '0', '0', '30', '30'],
    ]);
    expect(part(monday.body, RELEASED).text).toContain('Signed off: 50% of the 2 responses');
    expect(part(monday.body, OVERRIDES).rows.slice(1)).toEqual([
      ['Mon 7 Dec 16:50', mon2, 'Response released', MANAGER.name, 'Monday reason, not Tuesday'],
    ]);

    // Closing E ends its sign-off: Reed's request there no longer counts as pending.
    h.clock.set('2026-12-08T16:30:00Z');
    await manager.get(`/desk/enquiries/${e}`);
    expect((await manager.post(`/desk/enquiries/${e}/status`, { status: 'closed' })).status).toBe(303);
    const afterClose = await manager.get(`/desk/reports?${TUESDAY}`);
    expect(part(afterClose.body, BY_APPROVER).rows.at(-1)).toEqual(['All approvers', '6', '4', '1', '0', '40', '57']);

    // The officer's own report counts only the enquiries assigned to them: E, and nobody else's reasons.
    const own = await (await signIn('officer')).get(`/desk/reports?${TUESDAY}`);
    expect(own.status).toBe(200);
    expect(part(own.body, BY_APPROVER).rows.slice(1)).toEqual([
      ['Insp. Reed', '2', '1', '1', '0', '30', '30'],
      ['All approvers', '2', '1', '1', '0', '30', '30'],
    ]);
    expect(part(own.body, RELEASED).rows.at(-1)).toEqual(['All responses released', '1']);
    expect(part(own.body, RELEASED).text).toContain('Signed off: 0% of the 1 response');
    expect(
      part(own.body, OVERRIDES)
        .rows.slice(1)
        .map((r) => r[1]),
    ).toEqual([e]);
    expect(decodeEntities(own.body)).not.toContain('Family asked for an appeal');
  });

  it('counts erased approvers together as "Not recorded", and keeps an override whose reason went with the journalist’s erasure', async () => {
    await start('always');
    const grey = await approver('Det Supt Grey', 'SIO');
    const khan = await approver('Supt Khan', 'Gold');
    const reed = await approver('Insp. Reed', '');
    const x = await enquiry('2026-12-08T09:00:00Z', 'Arrest in Northfield');
    const y = await enquiry('2026-12-08T09:01:00Z', 'Man held overnight');
    const z = await enquiry('2026-12-08T09:02:00Z', 'Speed cameras');
    const w = await enquiry('2026-12-08T09:03:00Z', 'Collision', { email: 'bob@daily.example' });

    await sendForSignOff('2026-12-08T10:00:00Z', x, 'One man arrested.', [grey]);
    await sendForSignOff('2026-12-08T10:00:00Z', y, 'A man is in custody.', [khan]);
    await sendForSignOff('2026-12-08T10:00:00Z', z, 'Cameras are checked.', [reed]);
    await approveByText('2026-12-08T10:10:00Z', z, reed);
    await approveByText('2026-12-08T10:20:00Z', x, grey);
    await approveByText('2026-12-08T10:40:00Z', y, khan);
    await release('2026-12-08T10:50:00Z', 'officer', x, 'One man arrested.');
    await release(
      '2026-12-08T10:55:00Z',
      'manager',
      w,
      'Two cars collided.',
      'Bob Smith of the Daily agreed the wording',
    );

    h.clock.set('2026-12-08T16:00:00Z');
    const manager = await signIn('manager');
    const before = await manager.get(`/desk/reports?${TUESDAY}`);
    expect(part(before.body, BY_APPROVER).rows.slice(1)).toEqual([
      ['Det Supt Grey (SIO)', '1', '1', '0', '0', '20', '20'],
      ['Insp. Reed', '1', '1', '0', '0', '10', '10'],
      ['Supt Khan (Gold)', '1', '1', '0', '0', '40', '40'],
      ['All approvers', '3', '3', '0', '0', '20', '36'],
    ]);

    // Grey and Khan are erased from the directory; Bob, the journalist, asks for his data to be erased.
    await h.services.colleagues.erase(grey.id, SYSTEM);
    await h.services.colleagues.erase(khan.id, SYSTEM);
    await h.services.privacy.erase({ phone: null, email: 'bob@daily.example' }, SYSTEM);

    const after = await manager.get(`/desk/reports?${TUESDAY}`);
    // The two erased approvers are one line (20 and 40 minutes: median 30, 90th percentile 38); the total is unchanged.
    expect(part(after.body, BY_APPROVER).rows.slice(1)).toEqual([
      ['Insp. Reed', '1', '1', '0', '0', '10', '10'],
      ['Not recorded', '2', '2', '0', '0', '30', '38'],
      ['All approvers', '3', '3', '0', '0', '20', '36'],
    ]);
    // The override is still counted and listed, its reason gone with Bob's data.
    expect(part(after.body, RELEASED).rows).toEqual([
      ['Released in the approved words', '1'],
      ['Released by a manager without sign-off', '1'],
      ['No sign-off needed', '0'],
      ['Not recorded (released before the desk recorded sign-off)', '0'],
      ['All responses released', '2'],
    ]);
    expect(part(after.body, OVERRIDES).rows.slice(1)).toEqual([
      ['Tue 8 Dec 10:55', w, 'Response released', MANAGER.name, 'Removed when the enquiry’s personal data was erased'],
    ]);
    const text = decodeEntities(after.body);
    for (const gone of ['Grey', 'Khan', 'Bob Smith']) expect(text).not.toContain(gone);
  });

  it('says when there is nothing to show, and lists at most 100 overrides with how many more', async () => {
    await start('always');
    const reference = await enquiry('2026-12-08T09:00:00Z', 'Busy day');
    h.clock.set('2026-12-08T16:00:00Z');
    const manager = await signIn('manager');
    const empty = await manager.get(`/desk/reports?${TUESDAY}`);
    expect(part(empty.body, BY_APPROVER).text).toContain('Nothing was sent for sign-off in this period.');
    expect(part(empty.body, RELEASED).text).toBe('No responses were released in this period.');
    expect(part(empty.body, OVERRIDES).text).toBe('No words went without sign-off in this period.');

    // 103 overrides on one enquiry, a minute apart, written as the release gate writes them.
    const { id } = await h.database.db
      .selectFrom('enquiry')
      .select('id')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    await h.database.db
      .insertInto('enquiry_event')
      .values(
        Array.from({ length: 103 }, (_, i) => ({
          enquiry_id: id,
          at: new Date(Date.parse('2026-12-08T10:00:00Z') + i * 60_000),
          kind: 'signoff_overridden' as const,
          actor: MANAGER.email,
          data: JSON.stringify({ reason: `Reason ${i + 1}` }),
        })),
      )
      .execute();
    const page = await manager.get(`/desk/reports?${TUESDAY}`);
    const overrides = part(page.body, OVERRIDES);
    const rows = overrides.rows.slice(1);
    expect(rows).toHaveLength(100);
    expect(rows[0][4]).toBe('Reason 103');
    expect(rows[99][4]).toBe('Reason 4');
    expect(overrides.text).toContain('And 3 more in this period.');
  });
});
