/**
 * Issue 27, item 5: repeating rotas. A manager defines a rotation on the desk (people in order,
 * a handover weekday and time in office time, days per turn, the date turn 1 starts) and Press
 * Desk keeps its shifts on the rota `onCall.lookAheadDays` ahead, as ordinary shifts. Handovers
 * stay at Friday 17:00 London across the October clock change; an override, and any shift made
 * by hand, beat a generated one; changing the rotation never rewrites past or current shifts;
 * generating again adds nothing twice; the scheduled run extends the rota as time passes.
 *
 * Wednesday 14 October 2026, 12:00 BST (11:00 UTC): the clocks go back on Sunday 25 October.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { taskList } from '../../src/tasks.js';
import type { Person } from '../../src/oncall/rota.tables.js';
import { CrontabRun, officeTime } from '../support/crontab.js';
import { decodeEntities, fieldError, loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { numbersVerified } from '../support/rota.js';

const WEDNESDAY_NOON = '2026-10-14T11:00:00Z';
const JO = '+447911200001';
const SAM = '+447911200002';
const KIM = '+447911200003';
const JOURNALIST = '+447911123401';
const TEST = { userId: null, email: 'test' };
const MANAGER = { name: 'Mona Manager', email: 'mona.manager@press.example', password: 'correct horse battery 1' };
const OFFICER = { name: 'Olly Officer', email: 'olly.officer@press.example', password: 'correct horse battery 2' };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let h: Harness;
afterEach(async () => h?.close());

interface Cast {
  jo: Person;
  sam: Person;
  kim: Person;
  mona: DeskClient;
}

async function start(opts: { jobs?: boolean; now?: string } = {}): Promise<Cast> {
  h = await startHarness({
    now: opts.now ?? WEDNESDAY_NOON,
    jobs: opts.jobs,
    config: { onCall: { bundleSeconds: 0, lookAheadDays: 14 } },
  });
  await h.services.users.create({ ...MANAGER, role: 'manager' }, TEST);
  const jo = await h.services.rota.addPerson({ name: 'Jo Smith', phone: JO });
  const sam = await h.services.rota.addPerson({ name: 'Sam Patel', phone: SAM });
  const kim = await h.services.rota.addPerson({ name: 'Kim Lee', phone: KIM });
  await numbersVerified(h.database.db);
  const mona = await loginAs(h, MANAGER.email, MANAGER.password);
  return { jo, sam, kim, mona };
}

/** The rotation form as a manager fills it in; `order` numbers the people (1 goes first). */
function rotationForm(order: Person[], fields: Record<string, string> = {}): Record<string, string> {
  const turns = Object.fromEntries(order.map((p, i) => [`turn-${p.id}`, String(i + 1)]));
  return {
    name: 'Press office weekly',
    role: 'primary',
    weekday: '5',
    time: '17:00',
    days: '7',
    startDate: '2026-10-09',
    ...turns,
    ...fields,
  };
}

/** Adds a rotation from the desk's form; returns its id. */
async function addRotation(mona: DeskClient, form: Record<string, string>): Promise<string> {
  await mona.get('/desk/rota/rotations');
  const res = await mona.post('/desk/rota/rotations', form);
  expect(res.status, res.body.slice(0, 2000)).toBe(303);
  const id = /\/desk\/rota\/rotations\/(\d+)\?done=added$/.exec(res.location ?? '')?.[1];
  expect(id).toBeDefined();
  return id as string;
}

/** The rotation's shifts on the rota, by start: who, and from and to on the office's clock. */
async function generated(rotationId?: string): Promise<Array<{ id: string; who: string; from: string; to: string }>> {
  let q = h.database.db
    .selectFrom('rota_entry')
    .innerJoin('person', 'person.id', 'rota_entry.person_id')
    .select(['rota_entry.id', 'person.name', 'rota_entry.starts_at', 'rota_entry.ends_at'])
    .where('rota_entry.rotation_id', 'is not', null)
    .orderBy('rota_entry.starts_at');
  if (rotationId) q = q.where('rota_entry.rotation_id', '=', rotationId);
  const rows = await q.execute();
  return rows.map((r) => ({ id: r.id, who: r.name, from: officeTime(r.starts_at), to: officeTime(r.ends_at) }));
}

/** Who is on call at `at` (UTC), by name. */
async function onCallAt(at: string): Promise<string> {
  return (await h.services.rota.onCallAt(new Date(at))).name;
}

/** Every stretch of the next `days` days with nobody on call (the out-of-hours line answers). */
async function uncovered(days: number): Promise<string[]> {
  const now = h.clock.now();
  const segments = await h.services.rota.schedule(now, new Date(now.getTime() + days * DAY));
  return segments
    .filter((s) => s.primary.source === 'fallback')
    .map((s) => `${officeTime(s.from)} – ${officeTime(s.to)}`);
}

/** The scheduled generation task, as the job runner runs it. */
async function runGeneration(): Promise<void> {
  const task = taskList(h.services).rotation_generate;
  const logger = { info: () => {}, debug: () => {}, warn: () => {}, error: () => {} };
  await task({}, { logger } as never);
}

function text(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');
}

describe('a repeating rotation', () => {
  it('generates weekly shifts 14 days ahead, handing over at Friday 17:00 London across the October clock change', async () => {
    const { jo, sam, kim, mona } = await start({ jobs: true });
    const id = await addRotation(mona, rotationForm([jo, sam, kim]));

    // Turn 1 (Jo) began on Friday 9 October, before the rotation existed: it is on the rota from
    // now, not from then. Kim's turn over the clock change is 169 hours, 17:00 to 17:00.
    expect(await generated()).toEqual([
      { id: expect.any(String), who: 'Jo Smith', from: 'Wed 14 Oct 12:00 BST', to: 'Fri 16 Oct 17:00 BST' },
      { id: expect.any(String), who: 'Sam Patel', from: 'Fri 16 Oct 17:00 BST', to: 'Fri 23 Oct 17:00 BST' },
      { id: expect.any(String), who: 'Kim Lee', from: 'Fri 23 Oct 17:00 BST', to: 'Fri 30 Oct 17:00 GMT' },
    ]);
    const kimsTurn = await h.database.db
      .selectFrom('rota_entry')
      .select(['starts_at', 'ends_at', 'is_override'])
      .where('rotation_id', '=', id)
      .where('person_id', '=', kim.id)
      .executeTakeFirstOrThrow();
    expect((kimsTurn.ends_at.getTime() - kimsTurn.starts_at.getTime()) / HOUR).toBe(169);
    expect(kimsTurn.is_override).toBe(false);
    expect(await uncovered(14)).toEqual([]);

    // Who is on call changes exactly at the handovers.
    expect(await onCallAt('2026-10-16T15:59:00Z')).toBe('Jo Smith');
    expect(await onCallAt('2026-10-16T16:00:00Z')).toBe('Sam Patel');
    expect(await onCallAt('2026-10-23T16:00:00Z')).toBe('Kim Lee');
    expect(await onCallAt('2026-10-30T16:59:00Z')).toBe('Kim Lee');

    // The rotation's page lists its shifts; the audit log has the change with who made it.
    const page = await mona.get(`/desk/rota/rotations/${id}?done=added`);
    expect(text(page.body)).toContain('The rotation has been added. Its shifts are on the rota.');
    expect(text(page.body)).toContain('Fridays at 17:00, every week, the first on Friday 9 October 2026');
    expect(text(page.body)).toMatch(/Fri 23 Oct 17:00 .*Fri 30 Oct 17:00 .*Kim Lee/);
    const [entry] = await h.database.db
      .selectFrom('audit_log')
      .select(['user_email', 'detail'])
      .where('action', '=', 'rota.rotation_saved')
      .execute();
    expect(entry).toMatchObject({
      user_email: MANAGER.email,
      detail: {
        rotationId: id,
        created: true,
        name: 'Press office weekly',
        people: ['Jo Smith', 'Sam Patel', 'Kim Lee'],
        shiftsAdded: 3,
      },
    });

    // The rota page shows them as ordinary shifts, and links to the rotations.
    const rota = await mona.get('/desk/rota');
    expect(rota.body).toContain('href="/desk/rota/rotations"');
    expect(text(rota.body)).toContain('Sam Patel');

    // Saturday 24 October, 02:00 BST: an urgent enquiry pages Kim, whose turn it is.
    h.clock.set('2026-10-24T01:00:00Z');
    const res = await h.postJson('/api/enquiries', {
      name: 'Ann Reporter',
      outlet: 'Gazette',
      phone: JOURNALIST,
      subject: 'Fire at the depot',
      details: 'Need a line tonight',
      urgent: true,
    });
    expect(res.status).toBe(201);
    await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    const paged = h.twilio.messages.filter((m) => /Reply ACK/.test(m.body ?? '')).map((m) => m.to);
    expect(paged).toEqual([KIM]);
  });

  it('an override beats it, and so does a shift made by hand, even one made before the turn was generated', async () => {
    const { jo, sam, kim, mona } = await start();
    await addRotation(mona, rotationForm([jo, sam, kim]));

    // Sam covers Thursday night for Jo.
    await h.services.rota.addShift({
      phone: SAM,
      role: 'primary',
      startsAt: new Date('2026-10-15T19:00:00Z'),
      endsAt: new Date('2026-10-16T07:00:00Z'),
      override: true,
      createdBy: 'test',
    });
    expect(await onCallAt('2026-10-15T23:00:00Z')).toBe('Sam Patel');
    expect(await onCallAt('2026-10-16T08:00:00Z')).toBe('Jo Smith');

    // A manager puts Kim on for the weekend of 7 November, weeks before the rotation reaches it.
    await mona.get('/desk/rota');
    const added = await mona.post('/desk/rota/shifts', {
      personId: kim.id,
      role: 'primary',
      startsAt: '2026-11-07T09:00',
      endsAt: '2026-11-09T09:00',
    });
    expect(added.status, added.body.slice(0, 2000)).toBe(303);

    // Ten days on, the scheduled run generates Sam's turn of 6–13 November, after Kim's shift was
    // made: the newest entry, but generated, so Kim's hand-made shift still holds.
    h.clock.set('2026-10-24T11:00:00Z');
    await runGeneration();
    expect((await generated()).at(-1)).toMatchObject({ who: 'Sam Patel', from: 'Fri 6 Nov 17:00 GMT' });
    expect(await onCallAt('2026-11-08T12:00:00Z')).toBe('Kim Lee');
    expect(await onCallAt('2026-11-09T09:00:00Z')).toBe('Sam Patel');
    expect(await onCallAt('2026-11-06T18:00:00Z')).toBe('Sam Patel');
  });

  it('a change replaces only its shifts that have not started: past and current shifts stay as they were', async () => {
    const cast = await start();
    const { jo, sam, kim } = cast;
    let mona = cast.mona;
    const id = await addRotation(mona, rotationForm([jo, sam, kim], { startDate: '2026-10-02' }));
    // Turns from Friday 2 October: Jo, then Sam (9 Oct, under way now), Kim (16 Oct), Jo (23 Oct).
    h.clock.set('2026-10-20T11:00:00Z');
    await runGeneration();
    const before = await generated(id);
    expect(before.map((s) => `${s.who} ${s.from}`)).toEqual([
      'Sam Patel Wed 14 Oct 12:00 BST',
      'Kim Lee Fri 16 Oct 17:00 BST',
      'Jo Smith Fri 23 Oct 17:00 BST',
      'Sam Patel Fri 30 Oct 17:00 GMT',
    ]);

    // Tuesday 20 October: the manager (signed in again) changes to Monday 09:00 handovers, Kim
    // first, then Jo, then Sam.
    mona = await loginAs(h, MANAGER.email, MANAGER.password);
    const page = await mona.get(`/desk/rota/rotations/${id}`);
    expect(page.status).toBe(200);
    const res = await mona.post(
      `/desk/rota/rotations/${id}`,
      rotationForm([kim, jo, sam], { weekday: '1', time: '09:00', startDate: '2026-10-02' }),
    );
    expect(res.status, res.body.slice(0, 2000)).toBe(303);
    expect(res.location).toBe(`/desk/rota/rotations/${id}?done=saved`);

    const after = await generated(id);
    // Sam's past shift and Kim's current one are the same rows, untouched.
    expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
    // The new plan takes over when Kim's turn ends: its turn under way then (Sam's, from Monday
    // 19 October) runs to the next Monday 09:00; then Kim, then Jo.
    expect(after.slice(2).map((s) => `${s.who} ${s.from} – ${s.to}`)).toEqual([
      'Sam Patel Fri 23 Oct 17:00 BST – Mon 26 Oct 09:00 GMT',
      'Kim Lee Mon 26 Oct 09:00 GMT – Mon 2 Nov 09:00 GMT',
      'Jo Smith Mon 2 Nov 09:00 GMT – Mon 9 Nov 09:00 GMT',
    ]);
    expect(await onCallAt('2026-10-20T11:00:00Z')).toBe('Kim Lee');
    expect(await uncovered(14)).toEqual([]);
    const saved = await h.database.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'rota.rotation_saved')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(saved.detail).toMatchObject({ created: false, shiftsReplaced: 2, shiftsAdded: 3 });

    // Renaming alone changes no shift.
    await mona.get(`/desk/rota/rotations/${id}`);
    const renamed = await mona.post(
      `/desk/rota/rotations/${id}`,
      rotationForm([kim, jo, sam], { name: 'Weekly on call', weekday: '1', time: '09:00', startDate: '2026-10-02' }),
    );
    expect(renamed.status).toBe(303);
    expect(await generated(id)).toEqual(after);
  });

  it('generating again, or on two workers at once, adds no shift twice', async () => {
    const { jo, sam, kim, mona } = await start();
    const id = await addRotation(mona, rotationForm([jo, sam, kim]));
    const first = await generated(id);
    await runGeneration();
    await runGeneration();
    expect(await generated(id)).toEqual(first);

    // A week on there is a turn to add: two runs at once add it once.
    h.clock.set('2026-10-21T11:00:00Z');
    await Promise.all([runGeneration(), runGeneration(), h.services.rota.onCallAt(h.clock.now())]);
    const later = await generated(id);
    expect(later).toHaveLength(first.length + 1);
    const overlaps = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM rota_entry a JOIN rota_entry b
        ON a.rotation_id = b.rotation_id AND a.id < b.id
       AND tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)`.execute(h.database.db);
    expect(overlaps.rows[0].n).toBe(0);
  });

  it('the scheduled run extends the rota as the clock advances, always at least 14 days ahead', async () => {
    const { jo, sam, kim, mona } = await start({ jobs: true, now: '2026-10-15T11:00:00Z' });
    const id = await addRotation(mona, rotationForm([jo, sam, kim]));
    expect((await generated(id)).at(-1)?.to).toBe('Fri 30 Oct 17:00 GMT');

    // The real crontab, minute by minute: the hourly run at five past adds Jo's turn of 30 October
    // once the horizon (14 days and one) passes its start, Thursday 15 October 17:00 BST.
    const cron = new CrontabRun(h, {});
    await cron.runThrough('2026-10-15T16:00:00Z');
    expect((await generated(id)).at(-1)?.to).toBe('Fri 30 Oct 17:00 GMT');
    await cron.runThrough('2026-10-15T16:10:00Z');
    expect(cron.ranAt('rotation_generate')).toEqual([
      'Thu 15 Oct 12:05 BST',
      'Thu 15 Oct 13:05 BST',
      'Thu 15 Oct 14:05 BST',
      'Thu 15 Oct 15:05 BST',
      'Thu 15 Oct 16:05 BST',
      'Thu 15 Oct 17:05 BST',
    ]);
    expect(cron.failures.filter((f) => f.task === 'rotation_generate')).toEqual([]);
    expect((await generated(id)).at(-1)).toMatchObject({
      who: 'Jo Smith',
      from: 'Fri 30 Oct 17:00 GMT',
      to: 'Fri 6 Nov 17:00 GMT',
    });

    // Day after day for six weeks (one run a day is enough): nobody is ever missing 14 days ahead.
    for (let day = 1; day <= 42; day++) {
      h.clock.set(new Date(new Date('2026-10-15T16:10:00Z').getTime() + day * DAY));
      await runGeneration();
      expect(await uncovered(14), `day ${day}`).toEqual([]);
    }
    const all = await generated(id);
    expect(new Set(all.map((s) => s.from)).size).toBe(all.length);
    expect(all.at(-1)?.to).toBe('Fri 11 Dec 17:00 GMT');
  });

  it('skips people who have left the staff list: the next person takes their turns', async () => {
    const { jo, sam, kim, mona } = await start();
    const id = await addRotation(mona, rotationForm([jo, sam, kim]));
    await h.services.rota.deactivatePerson(sam.id);
    await runGeneration();
    expect((await generated(id)).map((s) => `${s.who} ${s.from}`)).toEqual([
      'Jo Smith Wed 14 Oct 12:00 BST',
      'Kim Lee Fri 16 Oct 17:00 BST',
      'Kim Lee Fri 23 Oct 17:00 BST',
    ]);
    const page = await mona.get(`/desk/rota/rotations/${id}`);
    expect(text(page.body)).toContain('Sam Patel (no longer on the staff list: skipped)');
    // A week on, the next turns go to Jo and Kim only.
    h.clock.set('2026-10-28T11:00:00Z');
    await runGeneration();
    expect((await generated(id)).slice(3).map((s) => `${s.who} ${s.from}`)).toEqual([
      'Jo Smith Fri 30 Oct 17:00 GMT',
      'Kim Lee Fri 6 Nov 17:00 GMT',
    ]);
  });

  it('deleting it takes its shifts that have not started off the rota; the one under way stays', async () => {
    const { jo, sam, kim, mona } = await start();
    const id = await addRotation(mona, rotationForm([jo, sam, kim]));
    await mona.get(`/desk/rota/rotations/${id}`);
    const res = await mona.post(`/desk/rota/rotations/${id}/delete`, {});
    expect(res.status).toBe(303);
    expect(res.location).toBe('/desk/rota/rotations?done=deleted');
    expect((await generated(id)).map((s) => s.who)).toEqual(['Jo Smith']);
    expect(await onCallAt('2026-10-15T11:00:00Z')).toBe('Jo Smith');
    expect(await onCallAt('2026-10-17T11:00:00Z')).toBe('Out-of-hours line');
    await runGeneration();
    expect(await generated(id)).toHaveLength(1);
    const list = await mona.get('/desk/rota/rotations?done=deleted');
    expect(text(list.body)).toContain('No rotations yet.');
    const [entry] = await h.database.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'rota.rotation_deleted')
      .execute();
    expect(entry.detail).toMatchObject({ rotationId: id, name: 'Press office weekly', shiftsRemoved: 2 });
    expect((await mona.get(`/desk/rota/rotations/${id}`)).status).toBe(404);
  });

  it('refuses a form with problems, naming every one, and is for managers only', async () => {
    const { jo, sam, mona } = await start();
    await mona.get('/desk/rota/rotations');
    const res = await mona.post('/desk/rota/rotations', {
      name: ' ',
      role: 'boss',
      weekday: '9',
      time: '25:00',
      days: '0',
      startDate: '9 October',
      [`turn-${jo.id}`]: '1',
      [`turn-${sam.id}`]: '1',
    });
    expect(res.status).toBe(422);
    expect(fieldError(res.body, 'rotation-name')).toBe('Enter a name for the rotation, like Press office weekly');
    expect(fieldError(res.body, 'rotation-role')).toBe(
      'Choose on call (the press officer paged first) or backup (the next contact)',
    );
    expect(fieldError(res.body, 'rotation-weekday')).toBe('Choose the day of the handover');
    expect(fieldError(res.body, 'rotation-time')).toBe('Enter the handover time, like 17:00');
    expect(fieldError(res.body, 'rotation-days')).toBe(
      'Enter how many days each turn lasts, a whole number from 1 to 28 (7 for a week)',
    );
    expect(fieldError(res.body, 'rotation-startDate')).toBe('Enter the date the first turn starts, like 2026-10-09');
    expect(fieldError(res.body, 'rotation-members')).toBe(
      'Two people have number 1: give each person a different number',
    );
    const none = await mona.post('/desk/rota/rotations', rotationForm([]));
    expect(fieldError(none.body, 'rotation-members')).toBe(
      'Give at least one person a number: 1 for who goes first, 2 for next',
    );
    await addRotation(mona, rotationForm([jo]));
    const twice = await mona.post('/desk/rota/rotations', rotationForm([sam], { name: 'press office WEEKLY' }));
    expect(fieldError(twice.body, 'rotation-name')).toBe(
      'There is already a rotation called press office WEEKLY: choose another name',
    );
    expect(await h.database.db.selectFrom('rotation').select('id').execute()).toHaveLength(1);

    await h.services.users.create({ ...OFFICER, role: 'officer' }, TEST);
    const olly = await loginAs(h, OFFICER.email, OFFICER.password);
    expect((await olly.get('/desk/rota/rotations')).status).toBe(403);
  });
});
