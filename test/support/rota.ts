/** Arranging the on-call rota in scenario tests. */
import type { Harness } from './harness.js';

/** One person on the rota. */
export interface RotaPerson {
  name: string;
  phone: string;
}

/**
 * Adds `primary` (and `backup`, when given) to the staff list, each with one shift of their role
 * from `from` to `to` (default: all of December 2026 and into January, around every test date).
 */
export async function onCallThroughout(h: Harness, people: { primary: RotaPerson; backup?: RotaPerson }, from = new Date('2026-12-01T00:00:00Z'), to = new Date('2027-01-05T09:00:00Z')): Promise<void> {
  const roles = [['primary', people.primary], ['backup', people.backup]] as const;
  for (const [, person] of roles) if (person) await h.services.rota.addPerson(person);
  for (const [role, person] of roles) if (person) await h.services.rota.addShift({ phone: person.phone, role, startsAt: from, endsAt: to, createdBy: 'test' });
}
