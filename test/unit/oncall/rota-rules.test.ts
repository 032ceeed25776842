import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/audit/audit.repository.js';
import { parseFileConfig } from '../../../src/config.js';
import { AppError } from '../../../src/http/errors.js';
import { NEW_PERSON_FIRST, RotaService } from '../../../src/oncall/rota.service.js';
import type { Person } from '../../../src/oncall/rota.tables.js';
import { TestClock } from '../../support/clock.js';
import { numbersVerified, pageLinksFor } from '../../support/rota.js';
import { createTestDatabase, someoneWaitsOnALock, type TestDatabase } from '../../support/db.js';

// The rota's rules as a manager meets them on the desk and the CLI: what is refused, in which
// words, and exactly where each limit and each moment falls. Written from the mutation run's
// survivors in rota.service.ts (issue 24): the desk scenarios went through these paths without
// reading what they said. November 2026 in London is GMT: UTC reads as office time.
const NOW = '2026-11-20T12:00:00Z';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const MANAGER: Actor = { userId: null, email: 'mona.manager@press.example' };
const JO = { name: 'Jo Smith', phone: '07911 123456' };
const SAM = { name: 'Sam Lee', phone: '07911 123457' };

let database: TestDatabase;
let clock: TestClock;
let rota: RotaService;
const config = parseFileConfig();

beforeAll(async () => {
  database = await createTestDatabase();
  clock = new TestClock(NOW);
  rota = new RotaService({ db: database.db, config, clock: clock.fn });
});
afterAll(async () => database?.drop());
beforeEach(async () => {
  await sql`TRUNCATE rota_entry, person, enquiry, audit_log RESTART IDENTITY CASCADE`.execute(database.db);
  clock.set(NOW);
});

/** An instant `ms` from the test's now. */
const inMs = (ms: number) => new Date(clock.now().getTime() + ms);

/** The AppError a call threw, so its code, message and fields can be checked. */
async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

function shift(person: Person, from: Date, to: Date, extra: { role?: 'primary' | 'backup'; override?: boolean } = {}) {
  return rota.addShift({
    personId: person.id,
    role: extra.role ?? 'primary',
    startsAt: from,
    endsAt: to,
    override: extra.override,
    createdBy: 'test',
  });
}

async function entry(id: string) {
  return database.db.selectFrom('rota_entry').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function auditActions() {
  return (await database.db.selectFrom('audit_log').select('action').orderBy('id').execute()).map((r) => r.action);
}

describe('what the forms accept', () => {
  it('takes a name of 200 characters and refuses 201, saying the limit', async () => {
    const at200 = await rota.addPerson({ name: 'N'.repeat(200), phone: JO.phone });
    expect(at200.name).toHaveLength(200);
    const err = await rejection(rota.addPerson({ name: 'N'.repeat(201), phone: SAM.phone }));
    expect(err.message).toBe('The person could not be added');
    expect(err.details.fields).toEqual({ name: 'Name must be 200 characters or fewer' });
  });

  it('refuses a number a colleague has, naming them', async () => {
    await rota.addPerson(JO);
    const err = await rejection(rota.addPerson({ name: 'Someone Else', phone: '+44 7911 123456' }));
    expect(err.message).toBe('The person could not be added');
    expect(err.details.fields).toEqual({ phone: '+447911123456 already belongs to Jo Smith' });
  });

  it('refuses a name or phone that is not text, as missing, and keeps a name on one line', async () => {
    const err = await rejection(rota.addPerson({ name: 42 as never, phone: null as never }));
    expect(err.details.fields).toEqual({
      name: 'Enter the person’s name',
      phone: 'Enter a phone number, like 07911 123456 or +44 7911 123456',
    });
    // A line break pasted into a name becomes a space (the rota page and a text show one line); the ends are trimmed.
    const jo = await rota.addPerson({ name: '  Jo\nSmith ', phone: JO.phone });
    expect(jo.name).toBe('Jo Smith');
  });

  it('takes a note of 500 characters and a changer of 200, refuses one more of either, and keeps no empty note', async () => {
    const jo = await rota.addPerson(JO);
    const base = { personId: jo.id, role: 'primary' as const, startsAt: inMs(HOUR), endsAt: inMs(2 * HOUR) };
    const ok = await rota.addShift({ ...base, note: 'n'.repeat(500), createdBy: 'c'.repeat(200) });
    expect(ok.note).toHaveLength(500);
    expect(ok.created_by).toHaveLength(200);
    const err = await rejection(rota.addShift({ ...base, note: 'n'.repeat(501), createdBy: 'c'.repeat(201) }));
    expect(err.details.fields).toEqual({
      note: 'Note must be 500 characters or fewer',
      createdBy: 'Must be 200 characters or fewer',
    });
    // A note of spaces is no note; the changer is trimmed; a changer that is not text is missing.
    const blank = await rota.addShift({
      ...base,
      startsAt: inMs(3 * HOUR),
      endsAt: inMs(4 * HOUR),
      note: '   ',
      createdBy: ' cli:\njo ',
    });
    expect(blank.note).toBeNull();
    expect(blank.created_by).toBe('cli: jo');
    expect((await rejection(rota.addShift({ ...base, createdBy: 7 as never }))).details.fields).toEqual({
      createdBy: 'Say who is changing the rota',
    });
  });

  it('keeps a note’s line breaks', async () => {
    const jo = await rota.addPerson(JO);
    const e = await rota.addShift({
      personId: jo.id,
      role: 'primary',
      startsAt: inMs(HOUR),
      endsAt: inMs(2 * HOUR),
      note: 'Covering for Sam\nback Monday',
      createdBy: 'test',
    });
    expect(e.note).toBe('Covering for Sam\nback Monday');
  });

  it('names the missing person, the missing phone and a person id that is no id, for a shift and for an override', async () => {
    const base = { role: 'primary' as const, startsAt: inMs(HOUR), endsAt: inMs(2 * HOUR), createdBy: 'test' };
    let err = await rejection(rota.addShift({ ...base, phone: '   ' }));
    expect(err.message).toBe('The shift could not be added');
    expect(err.details.fields).toEqual({ phone: 'Enter the phone number of the person on call' });
    err = await rejection(rota.addShift({ ...base, phone: 12 as never, override: true }));
    expect(err.message).toBe('The override could not be added');
    expect(err.details.fields).toEqual({ phone: 'Enter the phone number of the person on call' });
    err = await rejection(rota.addShift({ ...base, personId: 'abc' }));
    expect(err.details.fields).toEqual({ personId: 'Choose a person from the staff list' });
    // A person chosen wins over a phone typed: the phone is not looked at.
    const jo = await rota.addPerson(JO);
    const e = await rota.addShift({ ...base, personId: jo.id, phone: 'not a number' });
    expect(e.person_id).toBe(jo.id);
    // A person id given as null (a form with nobody chosen) is no person: the phone is used.
    const byPhone = await rota.addShift({ ...base, personId: null as never, phone: JO.phone });
    expect(byPhone.person_id).toBe(jo.id);
    err = await rejection(
      rota.addShift({ ...base, role: 'oncall' as never, personId: jo.id, endsAt: new Date(Number.NaN) }),
    );
    expect(err.details.fields).toEqual({
      role: 'Choose primary (the on-call press officer) or backup (the next contact)',
      endsAt: 'Enter when the shift ends',
    });
  });

  it('refuses a phone change to a number that is not one, or that a colleague has, and an unknown person', async () => {
    const jo = await rota.addPerson(JO);
    await rota.addPerson(SAM);
    let err = await rejection(rota.updatePersonPhone(jo.id, '12345'));
    expect(err.message).toBe('The phone number could not be changed');
    expect(err.details.fields).toEqual({ phone: 'Enter a phone number, like 07911 123456 or +44 7911 123456' });
    err = await rejection(rota.updatePersonPhone(jo.id, SAM.phone));
    expect(err.message).toBe('The phone number could not be changed');
    err = await rejection(rota.updatePersonPhone('999', '07911 123458'));
    expect([err.code, err.message]).toEqual(['not_found', 'No such person']);
    err = await rejection(rota.deactivatePerson('999'));
    expect([err.code, err.message]).toEqual(['not_found', 'No such person']);
  });
});

describe('what the rota says about times', () => {
  it('refuses an instant that is not one, naming which', async () => {
    const bad = new Date(Number.NaN);
    await expect(rota.onCallAt(bad)).rejects.toThrow(new TypeError('at must be a valid Date'));
    await expect(rota.nextContactAt(bad)).rejects.toThrow(new TypeError('at must be a valid Date'));
    await expect(rota.schedule(bad, inMs(HOUR))).rejects.toThrow(new TypeError('from must be a valid Date'));
    await expect(rota.schedule(clock.now(), bad)).rejects.toThrow(new TypeError('to must be a valid Date'));
    const empty = await rejection(rota.schedule(clock.now(), clock.now()));
    expect(empty.details.fields).toEqual({ to: 'The end of the period must be after its start' });
    // A period of one millisecond is a period.
    expect(await rota.schedule(clock.now(), inMs(1))).toHaveLength(1);
  });

  it('cuts the schedule only inside the period, and tells apart a shift and an override of the same person', async () => {
    const jo = await rota.addPerson(JO);
    await shift(jo, inMs(-HOUR), inMs(2 * HOUR));
    await shift(jo, inMs(2 * HOUR), inMs(3 * HOUR), { override: true });
    await shift(jo, inMs(3 * HOUR), inMs(5 * HOUR));
    const segments = await rota.schedule(clock.now(), inMs(4 * HOUR));
    expect(segments.map((s) => [s.from, s.to, s.primary.source])).toEqual([
      [clock.now(), inMs(2 * HOUR), 'shift'],
      [inMs(2 * HOUR), inMs(3 * HOUR), 'override'],
      [inMs(3 * HOUR), inMs(4 * HOUR), 'shift'],
    ]);
  });

  it('keeps two colleagues of the same name apart in the schedule', async () => {
    const chris1 = await rota.addPerson({ name: 'Chris Jones', phone: JO.phone });
    const chris2 = await rota.addPerson({ name: 'Chris Jones', phone: SAM.phone });
    await shift(chris1, clock.now(), inMs(HOUR));
    await shift(chris2, inMs(HOUR), inMs(2 * HOUR));
    const segments = await rota.schedule(clock.now(), inMs(2 * HOUR));
    expect(segments.map((s) => s.primary.personId)).toEqual([chris1.id, chris2.id]);
  });

  it('breaks a tie in creation time by id, whatever order the rows are read in', async () => {
    const jo = await rota.addPerson(JO);
    const sam = await rota.addPerson(SAM);
    // Jo's shift is written first with the higher id (as a restore from a backup may leave them).
    for (const [person, id] of [
      [jo, 10],
      [sam, 5],
    ] as const) {
      await sql`INSERT INTO rota_entry (id, person_id, role, starts_at, ends_at, created_at, created_by)
                OVERRIDING SYSTEM VALUE
                VALUES (${id}, ${person.id}, 'primary', ${inMs(HOUR)}, ${inMs(3 * HOUR)}, ${clock.now()}, 'restore')`.execute(
        database.db,
      );
    }
    expect((await rota.onCallAt(inMs(2 * HOUR))).name).toBe('Jo Smith');
  });

  it('lets the most recently created entry win by when it was created, not by the order of the rows', async () => {
    const jo = await rota.addPerson(JO);
    const sam = await rota.addPerson(SAM);
    // Jo's shift is written second but was created earlier (a clock set back, or an import).
    clock.set('2026-11-20T12:30:00Z');
    await shift(sam, inMs(HOUR), inMs(3 * HOUR));
    clock.set(NOW);
    await shift(jo, inMs(HOUR), inMs(3 * HOUR));
    expect((await rota.onCallAt(inMs(2 * HOUR))).name).toBe('Sam Lee');
  });
});

describe('a phone number changed', () => {
  it('revokes the links in the person’s earlier pages, but not when the number stays the same', async () => {
    const jo = await rota.addPerson(JO);
    const sam = await rota.addPerson(SAM);
    await pageLinksFor(database.db, [jo, sam], clock.now());
    // The same number in another spelling is no change: Jo's link still works.
    await rota.updatePersonPhone(jo.id, '+44 7911 123456');
    expect(await revoked()).toEqual([false, false]);
    await rota.changePhoneAudited(jo.id, '07911 123458', MANAGER);
    expect(await revoked()).toEqual([true, false]);
    // The new number is sent a code: it must be verified before new shifts (issue 27).
    expect(await auditActions()).toEqual(['rota.phone_changed', 'rota.verification_sent']);
  });

  it('fails with the database’s own error when the database refuses the change', async () => {
    const jo = await rota.addPerson(JO);
    await sql`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'disk full (test)'; END $$`.execute(database.db);
    await sql`CREATE TRIGGER refuse BEFORE UPDATE ON person FOR EACH ROW EXECUTE FUNCTION refuse()`.execute(
      database.db,
    );
    try {
      await expect(rota.updatePersonPhone(jo.id, '07911 123459')).rejects.toThrow('disk full (test)');
    } finally {
      await sql`DROP FUNCTION refuse() CASCADE`.execute(database.db);
    }
    expect((await rota.findPersonByPhone(JO.phone))?.id).toBe(jo.id);
  });

  it('may take the number of someone who has left the staff list', async () => {
    const jo = await rota.addPerson(JO);
    const sam = await rota.addPerson(SAM);
    await rota.deactivatePerson(sam.id);
    expect((await rota.updatePersonPhone(jo.id, SAM.phone)).phone).toBe('+447911123457');
  });

  it('given to two people at once, goes to one of them; the other is told the number is taken', async () => {
    const jo = await rota.addPerson(JO);
    const sam = await rota.addPerson(SAM);
    const NEW = '07911 123459';
    let second!: Promise<unknown>;
    await database.db.transaction().execute(async (tx) => {
      await rota.updatePersonPhone(jo.id, NEW, tx);
      // Sam's change checks before Jo's commits, so only the unique index can stop it: it waits for Jo's.
      second = database.db.transaction().execute((tx2) => rota.updatePersonPhone(sam.id, NEW, tx2));
      // It is refused the moment Jo's commits, before `rejection` below takes it: handled from now
      // on (the promise still rejects for `rejection`), or the run reports an unhandled rejection.
      second.catch(() => undefined);
      await someoneWaitsOnALock(database.db);
    });
    const err = await rejection(second);
    expect(err.message).toBe('The phone number could not be changed');
    expect(err.details.fields).toEqual({ phone: '+447911123459 already belongs to someone else on the staff list' });
    expect((await rota.findPersonByPhone(NEW))?.id).toBe(jo.id);
    expect((await rota.findPersonByPhone(SAM.phone))?.id).toBe(sam.id);
  });

  it('is refused for someone no longer on the staff list, and so is a test page', async () => {
    const jo = await rota.addPerson(JO);
    await rota.deactivatePersonAudited(jo.id, MANAGER);
    for (const err of [
      await rejection(rota.changePhoneAudited(jo.id, '07911 123458', MANAGER)),
      await rejection(rota.queueTestPage(jo.id, MANAGER)),
      await rejection(rota.changePhoneAudited('999', '07911 123458', MANAGER)),
    ]) {
      expect([err.code, err.message]).toEqual(['not_found', 'There is no such person on the staff list.']);
    }
    expect(await auditActions()).toEqual(['rota.person_deactivated']);
  });
});

async function revoked() {
  return (await database.db.selectFrom('oncall_link').select('revoked_at').orderBy('id').execute()).map(
    (l) => l.revoked_at !== null,
  );
}

describe('a test page', () => {
  it('texts a mobile and calls a landline, in words that say which', async () => {
    const jo = await rota.addPerson(JO);
    const desk = await rota.addPerson({ name: 'Duty Desk', phone: '020 7946 0123' });
    expect(await rota.queueTestPage(jo.id, MANAGER)).toBe('text');
    expect(await rota.queueTestPage(desk.id, MANAGER)).toBe('call');
    // Queued through the outbox (send_sms, place_call), like any other text or call.
    const { rows: sent } = await sql<{ task: string; to: string; words: string }>`
      SELECT t.identifier AS task, j.payload->>'to' AS to, coalesce(j.payload->>'body', j.payload->>'twiml') AS words
        FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
       WHERE j.key LIKE 'test-page:%' ORDER BY j.id`.execute(database.db);
    expect(sent.map((m) => [m.task, m.to])).toEqual([
      ['send_sms', '+447911123456'],
      ['place_call', '+442079460123'],
    ]);
    const office = config.office.name;
    expect(sent[0].words).toBe(
      `${office} desk: test page for Jo Smith. If you can read this, on-call pages reach this phone. No reply needed.`,
    );
    expect(sent[1].words).toContain(
      `This is the ${office} desk: a test page for Duty Desk. If you can hear this, on-call pages reach this phone as calls.`,
    );
    expect(await auditActions()).toEqual(['rota.test_page_queued', 'rota.test_page_queued']);
  });
});

describe('a shift added from the desk', () => {
  /** The desk form's shift: an hour from now, for an hour, nobody chosen; `extra` changes it. */
  const form = (extra: Partial<Parameters<RotaService['addShiftFromDesk']>[0]> = {}) => ({
    personId: null,
    newPerson: null,
    role: 'primary' as const,
    startsAt: inMs(HOUR),
    endsAt: inMs(2 * HOUR),
    override: false,
    note: null,
    ...extra,
  });

  it('names a chosen person who has left the staff list, and refuses someone new (added on their own first, to verify their number)', async () => {
    const jo = await rota.addPerson(JO);
    await rota.deactivatePerson(jo.id);
    let err = await rejection(rota.addShiftFromDesk(form({ personId: jo.id }), {}, MANAGER));
    expect(err.message).toBe('The shift could not be added');
    expect(err.details.fields).toEqual({ personId: 'Jo Smith is no longer on the staff list' });
    // Nobody chosen: the form says what is missing, the service adds only its own problems.
    err = await rejection(rota.addShiftFromDesk(form({ override: true }), { personId: 'Choose someone' }, MANAGER));
    expect(err.message).toBe('The override could not be added');
    expect(err.details.fields).toEqual({ personId: 'Choose someone' });
    // A new person, and a shift that ends before it starts: both said, and nobody is added.
    err = await rejection(
      rota.addShiftFromDesk(
        form({ endsAt: inMs(-HOUR), newPerson: { name: 'Sam Lee', phone: SAM.phone } }),
        {},
        MANAGER,
      ),
    );
    expect(err.details.fields).toEqual({ personId: NEW_PERSON_FIRST, endsAt: 'The shift must end after it starts' });
    expect(await rota.findPersonByPhone(SAM.phone)).toBeNull();
    expect(await auditActions()).toEqual([]);
  });

  it('records a changer’s email of any length, cut to the 200 characters the rota keeps', async () => {
    const jo = await rota.addPerson(JO);
    await numbersVerified(database.db);
    const longEmail = `${'m'.repeat(240)}@press.example`;
    await rota.addShiftFromDesk(form({ personId: jo.id }), {}, { userId: null, email: longEmail });
    const [row] = await database.db.selectFrom('rota_entry').select('created_by').execute();
    expect(row.created_by).toBe(longEmail.slice(0, 200));
  });

  it('fails whole, with the database’s own error, when the database refuses the shift', async () => {
    const jo = await rota.addPerson(JO);
    await numbersVerified(database.db);
    for (const table of ['rota_entry', 'audit_log']) {
      await sql`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'disk full (test)'; END $$`.execute(database.db);
      await sql`CREATE TRIGGER refuse BEFORE INSERT ON ${sql.table(table)} FOR EACH ROW EXECUTE FUNCTION refuse()`.execute(
        database.db,
      );
      try {
        await expect(rota.addShiftFromDesk(form({ personId: jo.id }), {}, MANAGER)).rejects.toThrow('disk full (test)');
      } finally {
        await sql`DROP FUNCTION refuse() CASCADE`.execute(database.db);
      }
    }
    expect(await database.db.selectFrom('rota_entry').select('id').execute()).toEqual([]);
    expect(await auditActions()).toEqual([]);
  });

  it('audits who was put on, with their number', async () => {
    const jo = await rota.addPerson(JO);
    await numbersVerified(database.db);
    await rota.addShiftFromDesk(form({ personId: jo.id, role: 'backup' }), {}, MANAGER);
    const [row] = await database.db.selectFrom('audit_log').select(['action', 'user_email', 'detail']).execute();
    expect(row).toMatchObject({
      action: 'rota.shift_added',
      user_email: MANAGER.email,
      detail: { person: 'Jo Smith', phone: '+447911123456', role: 'backup' },
    });
  });
});

describe('a shift edited from the desk', () => {
  /** Jo's shift from `from` to `to` (ms from now; a shift may be added in the past, the desk's rules are for edits). */
  async function josShift(from: number, to: number, extra: { override?: boolean } = {}) {
    const jo = await rota.addPerson(JO);
    const sam = await rota.addPerson(SAM);
    return { jo, sam, e: await shift(jo, inMs(from), inMs(to), extra) };
  }

  const edit = (id: string, personId: string, startsAt: Date, endsAt: Date, form: Record<string, string> = {}) =>
    rota.updateShiftFromDesk(id, { personId, startsAt, endsAt }, form, MANAGER);

  it('keeps a shift that is over as it was, the moment it ends', async () => {
    const { jo, e } = await josShift(-2 * HOUR, 0);
    const err = await rejection(edit(e.id, jo.id, e.starts_at, inMs(HOUR)));
    expect(err.message).toBe('The shift could not be changed');
    expect(err.details.fields).toEqual({ endsAt: 'This shift is over: past shifts stay on record as they were' });
  });

  it('counts a shift as started the moment it starts: its person and start stay', async () => {
    const { jo, sam, e } = await josShift(0, 2 * HOUR);
    let err = await rejection(edit(e.id, sam.id, e.starts_at, e.ends_at));
    expect(err.details.fields).toEqual({
      personId: 'This shift has started: Jo Smith was on call. End it now and add a new one for Sam Lee',
    });
    err = await rejection(edit(e.id, jo.id, inMs(HOUR), e.ends_at));
    expect(err.details.fields).toEqual({
      startsAt: 'This shift has started: its start (12:00pm on Friday 20 November 2026) cannot change',
    });
    // Lengthened: allowed, and the start is the one kept, to the millisecond.
    const after = await edit(e.id, jo.id, e.starts_at, inMs(3 * HOUR));
    expect([after.starts_at, after.ends_at]).toEqual([e.starts_at, inMs(3 * HOUR)]);
  });

  it('names a person id that is no id, an unknown person and one who has left', async () => {
    const { sam, e } = await josShift(HOUR, 2 * HOUR);
    expect((await rejection(edit(e.id, 'x', e.starts_at, e.ends_at))).details.fields).toEqual({
      personId: 'Choose a person from the staff list',
    });
    expect((await rejection(edit(e.id, '999', e.starts_at, e.ends_at))).details.fields).toEqual({
      personId: 'No such person on the staff list',
    });
    await rota.deactivatePerson(sam.id);
    expect((await rejection(edit(e.id, sam.id, e.starts_at, e.ends_at))).details.fields).toEqual({
      personId: 'Sam Lee is no longer on the staff list',
    });
  });

  it('moves a future start to now or later, never into the past, and keeps a start given to the same minute', async () => {
    const { jo, e } = await josShift(HOUR, 2 * HOUR);
    expect((await rejection(edit(e.id, jo.id, inMs(-1), e.ends_at))).details.fields).toEqual({
      startsAt: 'The start cannot be in the past',
    });
    const toNow = await edit(e.id, jo.id, clock.now(), e.ends_at);
    expect(toNow.starts_at).toEqual(clock.now());
    // The form has minutes only: a start 30 s later is the same minute, so the stored start stays.
    const { e: later } = await (async () => {
      const jo2 = await rota.addPerson({ name: 'Alex Khan', phone: '07911 123458' });
      return { e: await shift(jo2, inMs(5 * HOUR + 30_000), inMs(6 * HOUR)) };
    })();
    const kept = await edit(later.id, later.person_id, inMs(5 * HOUR), later.ends_at);
    expect(kept.starts_at).toEqual(inMs(5 * HOUR + 30_000));
    // A start that is not a date is named, and so is an end that is not one.
    expect((await rejection(edit(e.id, jo.id, new Date(Number.NaN), new Date(Number.NaN)))).details.fields).toEqual({
      startsAt: 'Enter when the shift starts',
      endsAt: 'Enter when the shift ends',
    });
  });

  it('keeps the start of a shift that begins later in this minute when the form shows the minute', async () => {
    const jo = await rota.addPerson(JO);
    const e = await shift(jo, new Date('2026-11-20T12:00:50Z'), inMs(HOUR));
    clock.set('2026-11-20T12:00:40Z');
    // The form reads 12:00, which is before now; but it is the start as shown, not a move into the past.
    const after = await edit(e.id, jo.id, new Date(NOW), inMs(2 * HOUR));
    expect(after.starts_at).toEqual(new Date('2026-11-20T12:00:50Z'));
  });

  it('ends a started shift no earlier than now: a time earlier in this minute means now', async () => {
    const { jo, e } = await josShift(-HOUR, 2 * HOUR);
    clock.set('2026-11-20T12:00:40Z');
    // 12:00:00 is this minute as the form shows it: the shift ends at 12:00:40, not 40 s ago.
    const ended = await edit(e.id, jo.id, e.starts_at, new Date(NOW));
    expect(ended.ends_at).toEqual(clock.now());
    expect(await entry(e.id)).toMatchObject({ ends_at: clock.now() });
  });

  it('checks a shift ended "now" for overlaps up to the instant it really ends', async () => {
    const { jo, sam, e } = await josShift(-HOUR, 2 * HOUR);
    // Sam's shift was added over Jo's and starts 20 s into this minute (adding does not check overlaps).
    await shift(sam, new Date('2026-11-20T12:00:20Z'), inMs(3 * HOUR));
    clock.set('2026-11-20T12:00:40Z');
    const err = await rejection(edit(e.id, jo.id, e.starts_at, new Date(NOW)));
    expect(err.details.fields).toEqual({
      endsAt:
        "This overlaps Sam Lee's shift from 12:00pm on Friday 20 November 2026 to 3:00pm on Friday 20 November 2026",
    });
  });

  it('refuses an end in an earlier minute, or at or before the start', async () => {
    const { jo, e } = await josShift(-HOUR, 2 * HOUR, { override: true });
    let err = await rejection(edit(e.id, jo.id, e.starts_at, inMs(-MINUTE)));
    expect(err.message).toBe('The override could not be changed');
    expect(err.details.fields).toEqual({
      endsAt: 'The override cannot end in the past: the earliest it can end is now',
    });
    const { e: future } = await (async () => {
      const alex = await rota.addPerson({ name: 'Alex Khan', phone: '07911 123458' });
      return { e: await shift(alex, inMs(2 * HOUR), inMs(3 * HOUR)) };
    })();
    err = await rejection(edit(future.id, future.person_id, future.starts_at, future.starts_at));
    expect(err.details.fields).toEqual({ endsAt: 'The shift must end after it starts' });
    // The end is checked against the new start, not the old one.
    err = await rejection(edit(future.id, future.person_id, inMs(4 * HOUR), inMs(3 * HOUR + 30 * MINUTE)));
    expect(err.details.fields).toEqual({ endsAt: 'The shift must end after it starts' });
    const moved = await edit(future.id, future.person_id, inMs(4 * HOUR), inMs(5 * HOUR));
    expect([moved.starts_at, moved.ends_at]).toEqual([inMs(4 * HOUR), inMs(5 * HOUR)]);
  });

  it('names the side that overlaps a colleague’s shift', async () => {
    const jo = await rota.addPerson(JO);
    const sam = await rota.addPerson(SAM);
    const early = await shift(jo, inMs(HOUR), inMs(3 * HOUR));
    const late = await shift(sam, inMs(5 * HOUR), inMs(7 * HOUR));
    const mine = await shift(jo, inMs(3 * HOUR), inMs(5 * HOUR));
    // Moved to start inside Jo's early shift: the start is the problem.
    let err = await rejection(edit(mine.id, jo.id, inMs(2 * HOUR), inMs(4 * HOUR)));
    expect(err.details.fields).toEqual({
      startsAt:
        "This overlaps Jo Smith's shift from 1:00pm on Friday 20 November 2026 to 3:00pm on Friday 20 November 2026",
    });
    // Stretched into Sam's: the end is.
    err = await rejection(edit(mine.id, jo.id, mine.starts_at, inMs(6 * HOUR)));
    expect(err.details.fields).toEqual({
      endsAt:
        "This overlaps Sam Lee's shift from 5:00pm on Friday 20 November 2026 to 7:00pm on Friday 20 November 2026",
    });
    // Starting exactly when the other begins is on the end's side too.
    err = await rejection(edit(late.id, sam.id, inMs(HOUR), late.ends_at));
    expect(Object.keys(err.details.fields ?? {})).toEqual(['endsAt']);
    expect(early.id).not.toBe(mine.id);
    // A form problem wins over the service's own, and nothing changed.
    err = await rejection(edit(mine.id, jo.id, mine.starts_at, inMs(6 * HOUR), { endsAt: 'Enter a time like 17:00' }));
    expect(err.details.fields).toEqual({ endsAt: 'Enter a time like 17:00' });
    expect(await entry(mine.id)).toMatchObject({ starts_at: inMs(3 * HOUR), ends_at: inMs(5 * HOUR) });
  });

  it('is refused for a shift that is gone or whose person left; ending now one that is gone too', async () => {
    const { jo, e } = await josShift(HOUR, 2 * HOUR);
    await rota.deactivatePerson(jo.id);
    for (const err of [
      await rejection(edit(e.id, jo.id, e.starts_at, e.ends_at)),
      await rejection(rota.deleteShiftFromDesk(e.id, MANAGER)),
      await rejection(rota.deleteShiftFromDesk('999', MANAGER)),
      await rejection(edit('999', jo.id, e.starts_at, e.ends_at)),
      await rejection(rota.endShiftNow('999', MANAGER)),
    ]) {
      expect([err.code, err.message]).toEqual(['not_found', 'There is no such shift on the rota.']);
    }
  });
});

describe('a shift deleted from the desk', () => {
  it('is refused once started (end it now instead) and once ended, the boundaries counting', async () => {
    const jo = await rota.addPerson(JO);
    clock.set('2026-11-20T09:00:00Z');
    const started = await shift(jo, new Date(NOW), new Date('2026-11-20T14:00:00Z'));
    const ended = await shift(jo, new Date('2026-11-20T10:00:00Z'), new Date(NOW), { override: true });
    const future = await shift(jo, new Date('2026-11-20T12:00:00.001Z'), new Date('2026-11-20T13:00:00Z'), {
      role: 'backup',
    });
    clock.set(NOW);
    let err = await rejection(rota.deleteShiftFromDesk(started.id, MANAGER));
    expect(err.message).toBe('The shift could not be deleted');
    expect(err.details.fields).toEqual({ endsAt: 'This shift has started: it stays on record. End it now instead' });
    err = await rejection(rota.deleteShiftFromDesk(ended.id, MANAGER));
    expect(err.message).toBe('The override could not be deleted');
    expect(err.details.fields).toEqual({ endsAt: 'This override has ended: it stays on record' });
    await rota.deleteShiftFromDesk(future.id, MANAGER);
    expect(await database.db.selectFrom('rota_entry').select('id').orderBy('id').execute()).toEqual([
      { id: started.id },
      { id: ended.id },
    ]);
    expect(await auditActions()).toEqual(['rota.shift_deleted']);
  });
});
