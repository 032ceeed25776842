/** Putting people on the on-call rota in scenario tests, in one call. */
import type { Db } from '../../src/db/database.js';
import type { RotaRole } from '../../src/oncall/rota.tables.js';
import type { Harness } from './harness.js';

/** One person on the rota. */
export interface RotaPerson {
  name: string;
  phone: string;
}

/**
 * Puts `person` (added to the rota's people if new) on the `role` rota from `from` to `to`, as a
 * manager would on the rota page. Returns the phone, for assertions on what it was sent.
 */
export async function putOnRota(
  h: Pick<Harness, 'services'>,
  person: RotaPerson,
  role: RotaRole,
  span: { from: string | Date; to: string | Date },
): Promise<string> {
  if (!(await h.services.rota.findPersonByPhone(person.phone))) {
    const added = await h.services.rota.addPerson(person);
    // A manager can put only a verified number on the rota (issue 27): as if they gave the code back.
    await h.services.db
      .updateTable('person')
      .set({ phone_verified_at: new Date() })
      .where('id', '=', added.id)
      .execute();
  }
  await h.services.rota.addShift({
    phone: person.phone,
    role,
    startsAt: new Date(span.from),
    endsAt: new Date(span.to),
    createdBy: 'test',
  });
  return person.phone;
}

/** The span most scenarios run in: all of December 2026 and into January, around every test date. */
export const DECEMBER = { from: '2026-12-01T00:00:00Z', to: '2027-01-05T09:00:00Z' } as const;

/** Puts `primary` (and `backup`, when given) on shift of their role for `span` (default: `DECEMBER`). */
export async function onCallThroughout(
  h: Pick<Harness, 'services'>,
  people: { primary: RotaPerson; backup?: RotaPerson },
  span: { from: string | Date; to: string | Date } = DECEMBER,
): Promise<void> {
  await putOnRota(h, people.primary, 'primary', span);
  if (people.backup) await putOnRota(h, people.backup, 'backup', span);
}

/** The phones of the rota `nightRota` sets up. */
export const NIGHT_ROTA = { primary: '+447911200001', backup: '+447911200002' } as const;

/** Olu On-Call and (when given) Bea Backup on shift throughout `DECEMBER`, on `phones` (default `NIGHT_ROTA`). */
export async function nightRota(
  h: Pick<Harness, 'services'>,
  phones: { primary: string; backup?: string } = NIGHT_ROTA,
): Promise<void> {
  const primary = { name: 'Olu On-Call', phone: phones.primary };
  await onCallThroughout(
    h,
    phones.backup ? { primary, backup: { name: 'Bea Backup', phone: phones.backup } } : { primary },
  );
}

/**
 * One urgent enquiry paged to `people`, with the link each of their pages carried (valid for a
 * day from `at`), written straight to the tables: for tests of what revokes those links.
 */
export async function pageLinksFor(db: Db, people: Array<{ id: string; phone: string }>, at: Date): Promise<void> {
  const e = await db
    .insertInto('enquiry')
    .values({
      reference: 'PD-CCC-CCC',
      channel: 'api',
      name: 'Ann',
      outlet: 'Gazette',
      phone: '+447911123401',
      subject: 's',
      details: 'd',
      urgent: true,
      out_of_hours: true,
      needs_on_call: false,
      received_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const page = await db
    .insertInto('page')
    .values({ enquiry_id: e.id, short_code: '4821', created_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const [n, p] of people.entries()) {
    await db
      .insertInto('oncall_link')
      .values({
        token_hash: `hash-${n}`,
        enquiry_id: e.id,
        page_id: page.id,
        phone: p.phone,
        person_id: p.id,
        created_at: at,
        expires_at: new Date(at.getTime() + 24 * 3_600_000),
      })
      .execute();
  }
}

/** The on-call officer and the backup of the on-call scenarios (Christmas 2026). */
export const OLU = { name: 'Olu On-Call', phone: '+447911200001' };
export const BEA = { name: 'Bea Backup', phone: '+447911200002' };

/**
 * Olu on call and Bea the backup from 1 December 2026 to 5 January 2027 (every on-call scenario's
 * Christmas Eve falls inside), added as a manager would.
 */
export async function oluAndBeaOnCall(h: Pick<Harness, 'services'>): Promise<void> {
  const span = { from: '2026-12-01T00:00:00Z', to: '2027-01-05T09:00:00Z' };
  await putOnRota(h, OLU, 'primary', span);
  await putOnRota(h, BEA, 'backup', span);
}

/**
 * Marks every person's number as verified, as if each had given back the code they were sent:
 * for tests about something else that put people on shifts from the desk (only a verified
 * number may be chosen there). The code itself is tested in rota-guard.test.ts.
 */
export async function numbersVerified(db: Db): Promise<void> {
  await db
    .updateTable('person')
    .set({ phone_verified_at: new Date() })
    .where('phone_verified_at', 'is', null)
    .execute();
}
