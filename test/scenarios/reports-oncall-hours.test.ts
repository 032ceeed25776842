/**
 * The on-call hours report (issue 27, item 7): per person and month, hours held as the on-call
 * officer (nights, weekend and bank-holiday hours among them), hours as backup, pages received and
 * the callouts they acknowledged with when, as a manager's desk page and a CSV. October 2026 has
 * the night the clocks go back (Sunday 25 October, 02:00 BST becomes 01:00 GMT): a month of 745
 * real hours, and a night shift an hour longer than the clock on the wall says. December 2026 has
 * Christmas Day (Friday), Boxing Day (Saturday) and its substitute (Monday 28).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RotaRole } from '../../src/oncall/rota.tables.js';
import { decodeEntities, loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { urgentEnquiryFrom } from '../support/paging.js';

const TEST = { userId: null, email: 'test' };
const MANAGER = { name: 'Mona Manager', email: 'mona.manager@press.example', password: 'correct horse battery 1' };
const OFFICER = { name: 'Otto Officer', email: 'otto.officer@press.example', password: 'correct horse battery 2' };
const OLU = { name: 'Olu On-Call', phone: '+447911200001' };
const BEA = { name: 'Bea Backup', phone: '+447911200002' };
const CAI = { name: 'Cai Cover', phone: '+447911200003' };
const DEE = { name: 'Dee Later', phone: '+447911200004' };
const EVE = { name: 'Eve November', phone: '+447911200005' };
const FAY = { name: 'Fay Leaver', phone: '+447911200006' };
const MINUTE = 60_000;

let h: Harness;
afterEach(async () => h?.close());

async function start(now: string) {
  h = await startHarness({ now, jobs: true, config: { onCall: { bundleSeconds: 0 } } });
  await h.services.users.create({ ...MANAGER, role: 'manager' }, TEST);
  await h.services.users.create({ ...OFFICER, role: 'officer' }, TEST);
}

async function person(p: { name: string; phone: string }) {
  return (await h.services.rota.findPersonByPhone(p.phone)) ?? h.services.rota.addPerson(p);
}

async function shift(
  p: { name: string; phone: string },
  from: string,
  to: string,
  opts: { role?: RotaRole; override?: boolean } = {},
) {
  await person(p);
  return h.services.rota.addShift({
    phone: p.phone,
    role: opts.role ?? 'primary',
    startsAt: new Date(from),
    endsAt: new Date(to),
    override: opts.override,
    createdBy: 'test',
  });
}

/** A CSV file (RFC 4180: quoted fields, doubled quotes, CRLF) as rows keyed by its header. */
function parseCsv(body: string): { header: string[]; rows: Array<Record<string, string>> } {
  // The byte-order mark (for spreadsheets) is dropped by the client's UTF-8 decoding, as a browser's would.
  const text = body.replace(/^\uFEFF/, '');
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += ch;
  }
  expect(field, 'the file ends with CRLF').toBe('');
  const [header, ...rest] = records;
  expect(header, 'a header line').toBeDefined();
  for (const r of rest) expect(r).toHaveLength(header.length);
  return { header, rows: rest.map((r) => Object.fromEntries(r.map((v, i) => [header[i], v]))) };
}

function text(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

/** The report table's rows as the page shows them: person (row header) to each cell's label and text. */
function tableRows(html: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  for (const row of body.split('</tr>').filter((r) => r.includes('<th'))) {
    const name = text(/<th scope="row">([\s\S]*?)<\/th>/.exec(row)![1]);
    const cells: Record<string, string> = {};
    for (const m of row.matchAll(/<td data-label="([^"]+)">([\s\S]*?)<\/td>/g))
      cells[decodeEntities(m[1])] = text(m[2]);
    out.set(name, cells);
  }
  return out;
}

/** An urgent enquiry from journalist `n` at the current clock, paged and settled. */
async function urgentNow(n: number): Promise<string> {
  const reference = await urgentEnquiryFrom(h, n);
  await h.jobs.settle();
  return reference;
}

function pageTextsTo(phone: string, reference: string) {
  return h.twilio.messages.filter((m) => m.to === phone && (m.body ?? '').includes(reference));
}

/** October: shifts, an override across the clock change, a shift added later over another, a leaver, and two pages. */
async function october(): Promise<{ oluRef: string; beaRef: string }> {
  await start('2026-10-01T08:00:00Z');
  // Bea is the backup all month: from midnight BST on the 1st to midnight GMT on 1 November.
  await shift(BEA, '2026-09-30T23:00:00Z', '2026-11-01T00:00:00Z', { role: 'backup' });
  // Olu: Friday 17:00 BST to Monday 09:00 GMT, 65 real hours, but two others take parts of it.
  await shift(OLU, '2026-10-23T16:00:00Z', '2026-10-26T09:00:00Z');
  // Cai's override: Saturday 20:00 BST to Sunday 08:00 GMT, through the clock change (12 hours on the wall, 13 real).
  await shift(CAI, '2026-10-24T19:00:00Z', '2026-10-25T08:00:00Z', { override: true });
  // Dee's shift, added after Olu's (in the same instant: the later row wins) and overlapping it,
  // wins: Sunday 18:00 to Monday 09:00 GMT.
  await shift(DEE, '2026-10-25T18:00:00Z', '2026-10-26T09:00:00Z');
  // Eve is on the rota only in November.
  await shift(EVE, '2026-11-02T17:00:00Z', '2026-11-03T09:00:00Z');
  // Fay's Monday evening shift (17:00 BST to 09:00 next day), but she leaves at 21:00 BST.
  const fay = await person(FAY);
  await shift(FAY, '2026-10-05T16:00:00Z', '2026-10-06T08:00:00Z');
  h.clock.set('2026-10-05T20:00:00Z');
  await h.services.rota.deactivatePerson(fay.id);

  // Saturday 24 October, 03:00 BST: Olu is paged and texts ACK four minutes later.
  h.clock.set('2026-10-24T02:00:00Z');
  const oluRef = await urgentNow(1);
  expect(pageTextsTo(OLU.phone, oluRef)).toHaveLength(1);
  h.clock.advance(4 * MINUTE);
  expect(await (await h.sms(OLU.phone, 'ACK')).text()).toContain('acknowledged');

  // Sunday 25 October, 01:30 GMT (the second 01:30 of the night): Cai is paged and does not
  // answer; after the call to Cai the backup, Bea, is texted and rung, and presses 1 three minutes later.
  h.clock.set('2026-10-25T01:30:00Z');
  const beaRef = await urgentNow(2);
  expect(pageTextsTo(CAI.phone, beaRef)).toHaveLength(1);
  h.clock.advance(10 * MINUTE);
  await h.jobs.settle();
  h.clock.advance(10 * MINUTE);
  await h.jobs.settle();
  expect(pageTextsTo(BEA.phone, beaRef)).toHaveLength(1);
  const call = h.twilio.calls.find((c) => c.to === BEA.phone);
  expect(call).toBeDefined();
  h.clock.advance(3 * MINUTE);
  const gather = /action="([^"]+)"/.exec(call!.twiml!)![1].replace(/&amp;/g, '&');
  const res = await h.webhook(gather.replace('https://press.example.org', ''), {
    CallSid: call!.sid,
    Digits: '1',
    To: BEA.phone,
    From: '+447700100200',
  });
  expect(await res.text()).toContain('Acknowledged');
  await h.jobs.settle();
  return { oluRef, beaRef };
}

describe('the on-call hours report', () => {
  it('counts real hours, nights and weekend hours across the October clock change, with pages and the times of each acknowledgement, on the page and in the CSV', async () => {
    const { oluRef, beaRef } = await october();
    h.clock.set('2026-11-03T10:00:00Z');
    const mona = await loginAs(h, MANAGER.email, MANAGER.password);

    const page = await mona.get('/desk/reports/oncall?month=2026-10');
    expect(page.status).toBe(200);
    expect(page.body).toContain('On-call hours: October 2026');
    const rows = tableRows(page.body);
    // Eve held nothing in October and was not paged: not listed. Bea held no primary hours but was paged: listed.
    expect([...rows.keys()]).toEqual([
      'Bea Backup',
      'Cai Cover',
      'Dee Later',
      'Fay Leaver (no longer on the staff list)',
      'Olu On-Call',
    ]);
    const cells = (hrs: string, nights: string, weekend: string, holiday: string, backup: string, pages: string) => ({
      'Hours on call': hrs,
      Nights: nights,
      'Weekend hours': weekend,
      'Bank holiday hours': holiday,
      'Hours as backup': backup,
      'Pages received': pages,
    });
    // Olu: Friday 16:00Z to Saturday 19:00Z (27h) and Sunday 08:00Z to 18:00Z (10h); the night of
    // Saturday morning; Saturday from midnight BST (20h) and Sunday's 10h at the weekend.
    expect(rows.get('Olu On-Call')).toMatchObject(cells('37', '1', '30', '0', '0', '1'));
    expect(rows.get('Olu On-Call')!['Callouts acknowledged']).toBe(
      `1 Sat 24 Oct 03:04 BST ${oluRef} by text, 4 min after the page reached them`,
    );
    // Cai: 20:00 BST to 08:00 GMT is 13 real hours, all at the weekend, one night.
    expect(rows.get('Cai Cover')).toMatchObject(cells('13', '1', '13', '0', '0', '1'));
    expect(rows.get('Cai Cover')!['Callouts acknowledged']).toBe('0');
    // Dee's later shift beat Olu's: Sunday 18:00 to Monday 09:00 GMT, 6 of it on Sunday, Monday's night.
    expect(rows.get('Dee Later')).toMatchObject(cells('15', '1', '6', '0', '0', '0'));
    // Fay held 17:00 to 21:00 BST on Monday 5 October, until she was taken off the staff list.
    expect(rows.get('Fay Leaver (no longer on the staff list)')).toMatchObject(cells('4', '0', '0', '0', '0', '0'));
    // Bea: backup for all 745 real hours of October (31 days and the extra hour); paged once, by escalation.
    expect(rows.get('Bea Backup')).toMatchObject(cells('0', '0', '0', '0', '745', '1'));
    expect(rows.get('Bea Backup')!['Callouts acknowledged']).toBe(
      `1 Sun 25 Oct 01:53 GMT ${beaRef} on the call, 3 min after the page reached them`,
    );
    expect(page.body).toContain('href="/desk/reports/oncall.csv?month=2026-10"');
    expect(text(page.body)).toContain('a night counts when the person held any part of 00:00 to 06:00');

    const csv = await mona.get('/desk/reports/oncall.csv?month=2026-10');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toContain('oncall-hours-2026-10.csv');
    const { header, rows: lines } = parseCsv(csv.body);
    expect(header).toEqual([
      'month',
      'person_id',
      'person',
      'primary_hours',
      'nights',
      'weekend_hours',
      'bank_holiday_hours',
      'backup_hours',
      'pages_received',
      'callouts_acknowledged',
      'acknowledged_at (Europe/London)',
    ]);
    const byName = new Map(lines.map((l) => [l.person, l]));
    expect([...byName.keys()]).toEqual(['Bea Backup', 'Cai Cover', 'Dee Later', 'Fay Leaver', 'Olu On-Call']);
    const pick = (name: string) => {
      const { month, person_id: _, person: __, ...rest } = byName.get(name)!;
      return { month, ...rest };
    };
    const line = (
      primary: string,
      nights: string,
      weekend: string,
      backup: string,
      pages: string,
      acks: string,
      at: string,
    ) => ({
      month: '2026-10',
      primary_hours: primary,
      nights,
      weekend_hours: weekend,
      bank_holiday_hours: '0',
      backup_hours: backup,
      pages_received: pages,
      callouts_acknowledged: acks,
      'acknowledged_at (Europe/London)': at,
    });
    expect(pick('Olu On-Call')).toEqual(line('37', '1', '30', '0', '1', '1', '2026-10-24T03:04:00+01:00'));
    expect(pick('Cai Cover')).toEqual(line('13', '1', '13', '0', '1', '0', ''));
    expect(pick('Dee Later')).toEqual(line('15', '1', '6', '0', '0', '0', ''));
    expect(pick('Fay Leaver')).toEqual(line('4', '0', '0', '0', '0', '0', ''));
    expect(pick('Bea Backup')).toEqual(line('0', '0', '0', '745', '1', '1', '2026-10-25T01:53:00+00:00'));

    // November so far: Eve's one night (her shift ended at 09:00 today), nobody paged.
    const november = parseCsv((await mona.get('/desk/reports/oncall.csv?month=2026-11')).body).rows;
    expect(november.map((l) => [l.person, l.primary_hours, l.nights, l.pages_received])).toEqual([
      ['Eve November', '16', '1', '0'],
    ]);
  });

  it('counts bank-holiday hours from the office calendar: Christmas Day, Boxing Day on a Saturday and its substitute Monday', async () => {
    await start('2026-12-01T10:00:00Z');
    // Olu: Christmas Eve 17:00 to Tuesday 29 December 09:00 (112 hours); Cai covers Christmas Day 10:00 to 16:00.
    await shift(OLU, '2026-12-24T17:00:00Z', '2026-12-29T09:00:00Z');
    await shift(CAI, '2026-12-25T10:00:00Z', '2026-12-25T16:00:00Z', { override: true });
    // Noon on Christmas Day: the month so far counts, not the shifts still ahead.
    h.clock.set('2026-12-25T12:00:00Z');
    let mona = await loginAs(h, MANAGER.email, MANAGER.password);
    const soFar = await mona.get('/desk/reports/oncall?month=2026-12');
    expect(text(soFar.body)).toContain('December 2026 is not over: the hours count up to now (Fri 25 Dec 12:00)');
    expect(tableRows(soFar.body).get('Olu On-Call')).toMatchObject({
      'Hours on call': '17',
      Nights: '1',
      'Bank holiday hours': '10',
    });
    expect(tableRows(soFar.body).get('Cai Cover')).toMatchObject({ 'Hours on call': '2', 'Bank holiday hours': '2' });

    // (Signed in again: the desk session has long expired.)
    h.clock.set('2027-01-04T10:00:00Z');
    mona = await loginAs(h, MANAGER.email, MANAGER.password);
    const { rows } = parseCsv((await mona.get('/desk/reports/oncall.csv?month=2026-12')).body);
    expect(rows.map((l) => [l.person, l.primary_hours, l.nights, l.weekend_hours, l.bank_holiday_hours])).toEqual([
      // 25 December less Cai's 6 hours (18), 26 and 28 December (24 each); Saturday and Sunday 48;
      // the mornings of 25, 26, 27, 28 and 29 December.
      ['Cai Cover', '6', '0', '0', '6'],
      ['Olu On-Call', '106', '5', '48', '66'],
    ]);
    const page = await mona.get('/desk/reports/oncall?month=2026-12');
    expect(tableRows(page.body).get('Olu On-Call')).toMatchObject({
      'Hours on call': '106',
      'Bank holiday hours': '66',
    });
  });

  it('shows the previous month in office time by default, refuses a month it cannot read, and is for managers only', async () => {
    // 00:30 BST on 1 October is still 30 September in UTC: the previous month is September.
    await start('2026-09-30T23:30:00Z');
    const mona = await loginAs(h, MANAGER.email, MANAGER.password);
    const page = await mona.get('/desk/reports/oncall');
    expect(page.status).toBe(200);
    expect(page.body).toContain('On-call hours: September 2026');
    expect(page.body).toContain('Nobody was on the rota, paged or called out in September 2026.');
    expect(parseCsv((await mona.get('/desk/reports/oncall.csv')).body).rows).toEqual([]);

    const bad = await mona.get('/desk/reports/oncall?month=2026-13');
    expect(bad.status).toBe(422);
    expect(text(bad.body)).toContain('Enter a month like 2026-11');
    expect((await mona.get('/desk/reports/oncall.csv?month=%3D1%2B1')).status).toBe(422);

    // The reports page links to it for managers, not for officers, who may not open it.
    expect((await mona.get('/desk/reports')).body).toContain('href="/desk/reports/oncall"');
    const otto: DeskClient = await loginAs(h, OFFICER.email, OFFICER.password);
    expect((await otto.get('/desk/reports')).body).not.toContain('/desk/reports/oncall');
    expect((await otto.get('/desk/reports/oncall')).status).toBe(403);
    expect((await otto.get('/desk/reports/oncall.csv?month=2026-09')).status).toBe(403);
  });

  it('credits a callout acknowledged by a text command or at the desk from the officer’s own account, but not a manager’s acknowledgement', async () => {
    await start('2026-12-01T10:00:00Z');
    await shift(OLU, '2026-12-04T17:00:00Z', '2026-12-07T09:00:00Z');
    // Otto's desk account carries Olu's mobile: the same person at a laptop.
    await h.database.db.updateTable('app_user').set({ mobile: OLU.phone }).where('email', '=', OFFICER.email).execute();
    const otto = await h.database.db
      .selectFrom('app_user')
      .select(['id', 'email'])
      .where('email', '=', OFFICER.email)
      .executeTakeFirstOrThrow();
    h.clock.set('2026-12-05T21:00:00Z');
    const [byCommand, byOwnAccount, byManager] = [await urgentNow(1), await urgentNow(2), await urgentNow(3)];
    for (const ref of [byCommand, byOwnAccount, byManager]) expect(pageTextsTo(OLU.phone, ref)).toHaveLength(1);
    h.clock.set('2026-12-05T21:05:00Z');
    // A NOTE from the on-call phone acknowledges the page in the officer's rota name.
    await h.sms(OLU.phone, `NOTE ${byCommand} Calling them back now`);
    h.clock.set('2026-12-05T21:07:00Z');
    await h.services.casework.acknowledgePage(byOwnAccount, { userId: otto.id, email: otto.email });
    h.clock.set('2026-12-05T21:08:00Z');
    await h.services.casework.acknowledgePage(byManager, { userId: null, email: MANAGER.email });
    const acked = await h.database.db.selectFrom('page').select(['acknowledged_by', 'ack_via']).orderBy('id').execute();
    expect(acked).toEqual([
      { acknowledged_by: OLU.name, ack_via: 'sms' },
      { acknowledged_by: OFFICER.email, ack_via: 'desk' },
      { acknowledged_by: MANAGER.email, ack_via: 'desk' },
    ]);

    h.clock.set('2027-01-04T10:00:00Z');
    const mona = await loginAs(h, MANAGER.email, MANAGER.password);
    const { rows } = parseCsv((await mona.get('/desk/reports/oncall.csv?month=2026-12')).body);
    expect(
      rows.map((l) => [l.person, l.pages_received, l.callouts_acknowledged, l['acknowledged_at (Europe/London)']]),
    ).toEqual([['Olu On-Call', '3', '2', '2026-12-05T21:05:00+00:00; 2026-12-05T21:07:00+00:00']]);
    const cell = tableRows((await mona.get('/desk/reports/oncall?month=2026-12')).body).get('Olu On-Call')!;
    expect(cell['Callouts acknowledged']).toBe(
      `2 Sat 5 Dec 2026 21:05 GMT ${byCommand} by text, 5 min after the page reached them Sat 5 Dec 2026 21:07 GMT ${byOwnAccount} at the desk, 7 min after the page reached them`,
    );
  });

  it('defuses a name that looks like a spreadsheet formula in the CSV', async () => {
    await start('2026-11-01T10:00:00Z');
    await shift(
      { name: '=HYPERLINK("http://x.example","Jo")', phone: '+447911200009' },
      '2026-11-02T17:00:00Z',
      '2026-11-03T09:00:00Z',
    );
    h.clock.set('2026-12-01T10:00:00Z');
    const mona = await loginAs(h, MANAGER.email, MANAGER.password);
    const { rows } = parseCsv((await mona.get('/desk/reports/oncall.csv?month=2026-11')).body);
    expect(rows.map((r) => r.person)).toEqual([`'=HYPERLINK("http://x.example","Jo")`]);
  });

  it('agrees with the rota’s own schedule over a month of overlapping shifts and overrides', async () => {
    await start('2026-10-01T00:00:00Z');
    const people = [OLU, BEA, CAI, DEE];
    // A fixed pseudo-random rota (a small LCG, so a failure repeats): 60 entries over October.
    let seed = 27;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      // The high bits: an LCG's low bits repeat with a short period.
      return Math.floor(seed / 2 ** 15) % n;
    };
    const monthStart = Date.parse('2026-09-30T23:00:00Z');
    const monthEnd = Date.parse('2026-11-01T00:00:00Z');
    for (let i = 0; i < 60; i++) {
      const from = monthStart - 12 * 3_600_000 + rand(33 * 24) * 3_600_000 + rand(4) * 15 * MINUTE;
      const to = from + (1 + rand(40)) * 3_600_000;
      const role: RotaRole = rand(3) === 0 ? 'backup' : 'primary';
      await shift(people[rand(people.length)], new Date(from).toISOString(), new Date(to).toISOString(), {
        role,
        override: rand(4) === 0,
      });
      // Some entries share a creation instant (ties go to the larger id), others do not.
      if (rand(2)) h.clock.advance(1000);
    }
    const expected = new Map<string, { primary: number; backup: number }>();
    for (const seg of await h.services.rota.schedule(new Date(monthStart), new Date(monthEnd))) {
      const ms = seg.to.getTime() - seg.from.getTime();
      if (seg.primary.personId) {
        const e = expected.get(seg.primary.name) ?? { primary: 0, backup: 0 };
        e.primary += ms;
        expected.set(seg.primary.name, e);
      }
      if (seg.backup?.personId) {
        const e = expected.get(seg.backup.name) ?? { primary: 0, backup: 0 };
        e.backup += ms;
        expected.set(seg.backup.name, e);
      }
    }
    h.clock.set('2026-11-05T10:00:00Z');
    const mona = await loginAs(h, MANAGER.email, MANAGER.password);
    const { rows } = parseCsv((await mona.get('/desk/reports/oncall.csv?month=2026-10')).body);
    const hrs = (ms: number) => String(Math.round(ms / 36_000) / 100);
    expect(Object.fromEntries(rows.map((r) => [r.person, [r.primary_hours, r.backup_hours]]))).toEqual(
      Object.fromEntries([...expected].map(([name, e]) => [name, [hrs(e.primary), hrs(e.backup)]])),
    );
    expect(rows.length).toBe(4);
  });
});
