import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseFileConfig } from '../../../src/config.js';
import { AppError } from '../../../src/http/errors.js';
import { RotaService, type AddShiftInput } from '../../../src/oncall/rota.service.js';
import type { Person } from '../../../src/oncall/rota.tables.js';
import { TestClock } from '../../support/clock.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

// November 2026 in London is GMT, so these instants read the same in UTC and office time.
// Friday 27 November 2026 17:00, the start of a weekend on call, to Monday 30 November 09:00.
const FRI_17 = new Date('2026-11-27T17:00:00Z');
const SAT_10 = new Date('2026-11-28T10:00:00Z');
const SAT_22 = new Date('2026-11-28T22:00:00Z');
const MON_09 = new Date('2026-11-30T09:00:00Z');
const at = (iso: string) => new Date(iso);

// Live UK mobile ranges: libphonenumber-js refuses Ofcom's drama numbers (07700 900xxx).
const JO = { name: 'Jo Smith', phone: '07911 123456', e164: '+447911123456' };
const SAM = { name: 'Sam Lee', phone: '07911 123457', e164: '+447911123457' };
const ALEX = { name: 'Alex Khan', phone: '07911 123458', e164: '+447911123458' };
const FALLBACK = { personId: null, name: 'Out-of-hours line', phone: '+443001234567', source: 'fallback' };

let database: TestDatabase;
let clock: TestClock;
let rota: RotaService;
const config = parseFileConfig();

beforeAll(async () => {
  database = await createTestDatabase();
  clock = new TestClock('2026-11-20T12:00:00Z');
  rota = new RotaService({ db: database.db, config, clock: clock.fn });
});
afterAll(async () => database?.drop());
beforeEach(async () => {
  await sql`TRUNCATE rota_entry, person RESTART IDENTITY CASCADE`.execute(database.db);
  clock.set('2026-11-20T12:00:00Z');
});

function shift(person: Person, startsAt: Date, endsAt: Date, extra: Partial<AddShiftInput> = {}) {
  return rota.addShift({ personId: person.id, role: 'primary', startsAt, endsAt, createdBy: 'test', ...extra });
}

/** The AppError a call threw, so its fields can be checked. */
async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('who is on call at an instant', () => {
  it('is the person whose shift covers it', async () => {
    const jo = await rota.addPerson(JO);
    await shift(jo, FRI_17, MON_09);
    expect(await rota.onCallAt(SAT_10)).toEqual({ personId: jo.id, name: 'Jo Smith', phone: JO.e164, source: 'shift' });
  });

  it('is the out-of-hours line from config when nobody is on the rota', async () => {
    expect(await rota.onCallAt(SAT_10)).toEqual(FALLBACK);
    const jo = await rota.addPerson(JO);
    await shift(jo, FRI_17, MON_09);
    // Outside the only shift, still the fallback.
    expect(await rota.onCallAt(at('2026-11-27T16:59:59.999Z'))).toEqual(FALLBACK);
    const other = new RotaService({
      db: database.db,
      config: parseFileConfig({ onCall: { fallbackNumber: '+442079460123' } }),
      clock: clock.fn,
    });
    expect(await other.onCallAt(at('2026-12-01T02:00:00Z'))).toMatchObject({
      phone: '+442079460123',
      source: 'fallback',
      personId: null,
    });
  });

  it('lets an override beat a shift, whichever was created first', async () => {
    const jo = await rota.addPerson(JO);
    const alex = await rota.addPerson(ALEX);
    await shift(alex, SAT_10, SAT_22, { override: true, note: 'Jo at a wedding' });
    clock.advance(60_000);
    // Created later, but an ordinary shift: the override still wins while it lasts.
    await shift(jo, FRI_17, MON_09);
    expect(await rota.onCallAt(at('2026-11-28T12:00:00Z'))).toMatchObject({ personId: alex.id, source: 'override' });
    expect(await rota.onCallAt(at('2026-11-28T09:59:00Z'))).toMatchObject({ personId: jo.id, source: 'shift' });
    expect(await rota.onCallAt(SAT_22)).toMatchObject({ personId: jo.id, source: 'shift' });
  });

  it('lets the most recently created win among overlapping overrides, and among overlapping shifts', async () => {
    const jo = await rota.addPerson(JO);
    const sam = await rota.addPerson(SAM);
    const alex = await rota.addPerson(ALEX);
    await shift(jo, FRI_17, MON_09);
    clock.advance(60_000);
    await shift(sam, FRI_17, MON_09);
    expect(await rota.onCallAt(SAT_10)).toMatchObject({ personId: sam.id, source: 'shift' });

    await shift(jo, SAT_10, SAT_22, { override: true });
    clock.advance(60_000);
    await shift(alex, at('2026-11-28T12:00:00Z'), at('2026-11-28T14:00:00Z'), { override: true });
    expect(await rota.onCallAt(at('2026-11-28T11:00:00Z'))).toMatchObject({ personId: jo.id, source: 'override' });
    expect(await rota.onCallAt(at('2026-11-28T13:00:00Z'))).toMatchObject({ personId: alex.id, source: 'override' });
    expect(await rota.onCallAt(at('2026-11-28T15:00:00Z'))).toMatchObject({ personId: jo.id, source: 'override' });
  });

  it('breaks a tie in creation time by creation order (a fixed clock)', async () => {
    const jo = await rota.addPerson(JO);
    const sam = await rota.addPerson(SAM);
    await shift(sam, FRI_17, MON_09, { override: true });
    await shift(jo, FRI_17, MON_09, { override: true });
    expect(await rota.onCallAt(SAT_10)).toMatchObject({ personId: jo.id });
  });

  it('treats periods as half-open: at a shift’s end the next shift applies', async () => {
    const jo = await rota.addPerson(JO);
    const sam = await rota.addPerson(SAM);
    await shift(jo, FRI_17, MON_09);
    await shift(sam, MON_09, at('2026-11-30T17:00:00Z'));
    expect(await rota.onCallAt(FRI_17)).toMatchObject({ personId: jo.id });
    expect(await rota.onCallAt(at('2026-11-30T08:59:59.999Z'))).toMatchObject({ personId: jo.id });
    expect(await rota.onCallAt(MON_09)).toMatchObject({ personId: sam.id });
    expect(await rota.onCallAt(at('2026-11-30T17:00:00Z'))).toEqual(FALLBACK);
  });

  it('skips inactive people: whoever else covers the time, or the fallback, is on call', async () => {
    const jo = await rota.addPerson(JO);
    const alex = await rota.addPerson(ALEX);
    await shift(jo, FRI_17, MON_09);
    await shift(alex, SAT_10, SAT_22, { override: true });
    await rota.deactivatePerson(alex.id);
    expect(await rota.onCallAt(at('2026-11-28T12:00:00Z'))).toMatchObject({ personId: jo.id, source: 'shift' });
    await rota.deactivatePerson(jo.id);
    expect(await rota.onCallAt(at('2026-11-28T12:00:00Z'))).toEqual(FALLBACK);
    // Their phone is free for someone else once they have left.
    const newcomer = await rota.addPerson({ name: 'Pat New', phone: ALEX.phone });
    expect(newcomer.phone).toBe(ALEX.e164);
    expect((await rota.listPeople()).map((p) => p.name)).toEqual(['Pat New']);
    expect((await rota.listPeople({ includeInactive: true })).map((p) => p.name)).toEqual([
      'Alex Khan',
      'Jo Smith',
      'Pat New',
    ]);
  });

  it('follows a person’s new phone on every shift of theirs', async () => {
    const jo = await rota.addPerson(JO);
    await shift(jo, FRI_17, MON_09);
    await rota.updatePersonPhone(jo.id, '07911 123459');
    expect(await rota.onCallAt(SAT_10)).toMatchObject({ personId: jo.id, phone: '+447911123459' });
    const sam = await rota.addPerson(SAM);
    const taken = await rejection(rota.updatePersonPhone(sam.id, '+447911123459'));
    expect(taken.details.fields).toEqual({ phone: '+447911123459 already belongs to someone else on the staff list' });
    expect((await rejection(rota.updatePersonPhone(sam.id, '12345'))).details.fields).toHaveProperty('phone');
    expect((await rejection(rota.updatePersonPhone('999', JO.phone))).code).toBe('not_found');
  });

  it('sees an entry added in the caller’s transaction when given that transaction', async () => {
    const jo = await rota.addPerson(JO);
    await database.db
      .transaction()
      .execute(async (tx) => {
        await rota.addShift(
          { personId: jo.id, role: 'primary', startsAt: FRI_17, endsAt: MON_09, createdBy: 'test' },
          tx,
        );
        expect(await rota.onCallAt(SAT_10, tx)).toMatchObject({ personId: jo.id });
        throw new Error('roll back');
      })
      .catch(() => {});
    expect(await rota.onCallAt(SAT_10)).toEqual(FALLBACK);
  });
});

describe('the next contact (backup)', () => {
  it('is the backup covering the instant, an override beating a shift, or null', async () => {
    const jo = await rota.addPerson(JO);
    const sam = await rota.addPerson(SAM);
    const alex = await rota.addPerson(ALEX);
    await shift(jo, FRI_17, MON_09);
    expect(await rota.nextContactAt(SAT_10)).toBeNull();
    await shift(sam, FRI_17, MON_09, { role: 'backup' });
    await shift(alex, SAT_10, SAT_22, { role: 'backup', override: true });
    expect(await rota.nextContactAt(at('2026-11-27T18:00:00Z'))).toEqual({
      personId: sam.id,
      name: 'Sam Lee',
      phone: SAM.e164,
      source: 'shift',
    });
    expect(await rota.nextContactAt(SAT_10)).toMatchObject({ personId: alex.id, source: 'override' });
    expect(await rota.nextContactAt(MON_09)).toBeNull();
    // Backups never answer for the primary, nor the other way round.
    expect(await rota.onCallAt(SAT_10)).toMatchObject({ personId: jo.id });
    await rota.deactivatePerson(alex.id);
    expect(await rota.nextContactAt(SAT_10)).toMatchObject({ personId: sam.id });
  });
});

describe('schedule', () => {
  it('splits a weekend with an override in the middle into contiguous segments', async () => {
    const jo = await rota.addPerson(JO);
    const sam = await rota.addPerson(SAM);
    const alex = await rota.addPerson(ALEX);
    await shift(jo, FRI_17, MON_09);
    await shift(sam, FRI_17, MON_09, { role: 'backup' });
    await shift(alex, SAT_10, SAT_22, { override: true });
    const from = at('2026-11-27T12:00:00Z');
    const to = at('2026-11-30T12:00:00Z');
    const segments = await rota.schedule(from, to);

    const c = (p: Person, source: 'shift' | 'override') => ({ personId: p.id, name: p.name, phone: p.phone, source });
    expect(segments).toEqual([
      { from, to: FRI_17, primary: FALLBACK, backup: null },
      { from: FRI_17, to: SAT_10, primary: c(jo, 'shift'), backup: c(sam, 'shift') },
      { from: SAT_10, to: SAT_22, primary: c(alex, 'override'), backup: c(sam, 'shift') },
      { from: SAT_22, to: MON_09, primary: c(jo, 'shift'), backup: c(sam, 'shift') },
      { from: MON_09, to, primary: FALLBACK, backup: null },
    ]);
    // Each segment agrees with onCallAt/nextContactAt at its start and at its last millisecond.
    for (const s of segments) {
      for (const t of [s.from, new Date(s.to.getTime() - 1)]) {
        expect(await rota.onCallAt(t)).toEqual(s.primary);
        expect(await rota.nextContactAt(t)).toEqual(s.backup);
      }
    }
  });

  it('merges back-to-back entries for the same person into one segment and clips to the period', async () => {
    const jo = await rota.addPerson(JO);
    await shift(jo, FRI_17, SAT_10);
    await shift(jo, SAT_10, MON_09);
    expect(await rota.schedule(SAT_10, SAT_22)).toEqual([
      {
        from: SAT_10,
        to: SAT_22,
        primary: { personId: jo.id, name: jo.name, phone: jo.phone, source: 'shift' },
        backup: null,
      },
    ]);
    expect(await rota.schedule(at('2026-11-27T18:00:00Z'), at('2026-11-30T10:00:00Z'))).toHaveLength(2);
  });

  it('refuses a period that ends before it starts', async () => {
    const err = await rejection(rota.schedule(MON_09, FRI_17));
    expect(err.code).toBe('validation');
    expect(err.details.fields).toHaveProperty('to');
  });

  it('agrees with onCallAt and nextContactAt at any instant, for any rota', async () => {
    const people = [await rota.addPerson(JO), await rota.addPerson(SAM), await rota.addPerson(ALEX)];
    const base = FRI_17.getTime();
    const HOUR = 3_600_000;
    const entry = fc.record({
      person: fc.integer({ min: 0, max: 2 }),
      role: fc.constantFrom('primary' as const, 'backup' as const),
      start: fc.integer({ min: 0, max: 60 }),
      hours: fc.integer({ min: 1, max: 30 }),
      override: fc.boolean(),
      tick: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(entry, { maxLength: 8 }),
        fc.array(fc.integer({ min: -2, max: 95 }), { minLength: 1, maxLength: 5 }),
        async (entries, probes) => {
          await sql`TRUNCATE rota_entry CASCADE`.execute(database.db);
          for (const e of entries) {
            // Sometimes the same creation time, so the id tie-break is exercised too.
            if (e.tick) clock.advance(1000);
            await shift(
              people[e.person],
              new Date(base + e.start * HOUR),
              new Date(base + (e.start + e.hours) * HOUR),
              {
                role: e.role,
                override: e.override,
              },
            );
          }
          const from = new Date(base - 3 * HOUR);
          const segments = await rota.schedule(from, new Date(base + 96 * HOUR));
          for (let i = 1; i < segments.length; i++) expect(segments[i].from).toEqual(segments[i - 1].to);
          for (const h of probes) {
            const t = new Date(base + h * HOUR);
            const s = segments.find((seg) => seg.from <= t && t < seg.to)!;
            expect(await rota.onCallAt(t)).toEqual(s.primary);
            expect(await rota.nextContactAt(t)).toEqual(s.backup);
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('changing the rota', () => {
  it('normalises phone numbers to E.164 and finds people by any spelling of them', async () => {
    const jo = await rota.addPerson({ name: '  Jo   Smith ', phone: '07911 123456' });
    expect(jo).toMatchObject({ name: 'Jo   Smith', phone: '+447911123456', active: true });
    expect((await rota.findPersonByPhone('+44 7911 123456'))?.id).toBe(jo.id);
    expect(await rota.findPersonByPhone('12345')).toBeNull();
    const entry = await rota.addShift({
      phone: '07911123456',
      role: 'primary',
      startsAt: FRI_17,
      endsAt: MON_09,
      createdBy: 'cli:test',
    });
    expect(entry).toMatchObject({ person_id: jo.id, role: 'primary', is_override: false, created_by: 'cli:test' });
  });

  it('refuses an end before (or at) the start, naming the field', async () => {
    const jo = await rota.addPerson(JO);
    const before = await rejection(shift(jo, MON_09, FRI_17));
    expect(before.code).toBe('validation');
    expect(before.message).toBe('The shift could not be added');
    expect(before.details.fields).toEqual({ endsAt: 'The shift must end after it starts' });
    expect((await rejection(shift(jo, FRI_17, FRI_17))).details.fields).toEqual({
      endsAt: 'The shift must end after it starts',
    });
    expect((await rejection(shift(jo, new Date('nonsense'), FRI_17))).details.fields).toEqual({
      startsAt: 'Enter when the shift starts',
    });
  });

  it('refuses an invalid phone, an unknown phone and an unknown or inactive person', async () => {
    const input = { role: 'primary' as const, startsAt: FRI_17, endsAt: MON_09, createdBy: 'test' };
    expect((await rejection(rota.addShift({ ...input, phone: '12345' }))).details.fields).toEqual({
      phone: 'Enter a phone number, like 07911 123456 or +44 7911 123456',
    });
    expect((await rejection(rota.addShift({ ...input, phone: '07911 123456' }))).details.fields).toEqual({
      phone: 'No one with the phone number +447911123456 is on the staff list: add them first',
    });
    expect((await rejection(rota.addShift({ ...input, personId: '999' }))).details.fields).toEqual({
      personId: 'No such person on the staff list',
    });
    const sam = await rota.addPerson(SAM);
    await rota.deactivatePerson(sam.id);
    expect((await rejection(rota.addShift({ ...input, personId: sam.id }))).details.fields).toEqual({
      personId: 'Sam Lee is no longer on the staff list',
    });
    expect((await rejection(rota.addShift({ ...input, phone: SAM.phone }))).details.fields).toHaveProperty('phone');
    const count = await database.db
      .selectFrom('rota_entry')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(count.n).toBe('0');
  });

  it('reports every problem at once', async () => {
    const err = await rejection(
      rota.addShift({
        phone: '',
        role: 'oncall' as never,
        startsAt: MON_09,
        endsAt: FRI_17,
        createdBy: ' ',
        note: 'x'.repeat(501),
      }),
    );
    expect(Object.keys(err.details.fields ?? {}).sort()).toEqual(['createdBy', 'endsAt', 'note', 'phone', 'role']);
    expect(err.message).toBe('The shift could not be added');
  });

  it('refuses a person without a name, with a bad phone, or with a phone an active colleague has', async () => {
    expect((await rejection(rota.addPerson({ name: ' ', phone: '12345' }))).details.fields).toEqual({
      name: 'Enter the person’s name',
      phone: 'Enter a phone number, like 07911 123456 or +44 7911 123456',
    });
    await rota.addPerson(JO);
    expect((await rejection(rota.addPerson({ name: 'Someone Else', phone: '+447911123456' }))).details.fields).toEqual({
      phone: '+447911123456 already belongs to Jo Smith',
    });
  });

  it('is backed by checks in the database itself', async () => {
    const insertPerson = (phone: string) => database.db.insertInto('person').values({ name: 'X', phone }).execute();
    await expect(insertPerson('07911123456')).rejects.toThrow(/person_phone_check/);
    const jo = await rota.addPerson(JO);
    await expect(
      database.db
        .insertInto('rota_entry')
        .values({ person_id: jo.id, role: 'primary', starts_at: MON_09, ends_at: FRI_17, created_by: 'sql' })
        .execute(),
    ).rejects.toThrow(/rota_entry_ends_after_start/);
    await expect(
      database.db
        .insertInto('rota_entry')
        .values({ person_id: jo.id, role: 'oncall' as never, starts_at: FRI_17, ends_at: MON_09, created_by: 'sql' })
        .execute(),
    ).rejects.toThrow(/rota_entry_role_check/);
  });
});

describe('isOnCallNumber', () => {
  it('is true for an active person’s phone in any format and for the out-of-hours line, false otherwise', async () => {
    const jo = await rota.addPerson(JO);
    await rota.addPerson(SAM);
    expect(await rota.isOnCallNumber('+447911123456', SAT_10)).toBe(true);
    // Staff whether or not they are on shift: an ACK may come after the shift ended.
    expect(await rota.isOnCallNumber('07911 123457', SAT_10)).toBe(true);
    expect(await rota.isOnCallNumber('+443001234567', SAT_10)).toBe(true);
    expect(await rota.isOnCallNumber('07911 123458', SAT_10)).toBe(false);
    expect(await rota.isOnCallNumber('12345', SAT_10)).toBe(false);
    expect(await rota.isOnCallNumber('', SAT_10)).toBe(false);
    await rota.deactivatePerson(jo.id);
    expect(await rota.isOnCallNumber(JO.phone, SAT_10)).toBe(false);
  });
});
