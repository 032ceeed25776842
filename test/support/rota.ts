/** Putting people on the on-call rota in tests, in one call. */
import type { RotaRole } from '../../src/oncall/rota.tables.js';
import type { Harness } from './harness.js';

/**
 * Puts `person` (added to the rota's people if new) on the `role` rota from `from` to `to`, as a
 * manager would on the rota page. Returns the phone, for assertions on what it was sent.
 */
export async function putOnRota(h: Pick<Harness, 'services'>, person: { name: string; phone: string }, role: RotaRole, span: { from: string | Date; to: string | Date }): Promise<string> {
  if (!(await h.services.rota.findPersonByPhone(person.phone))) await h.services.rota.addPerson(person);
  await h.services.rota.addShift({ phone: person.phone, role, startsAt: new Date(span.from), endsAt: new Date(span.to), createdBy: 'test' });
  return person.phone;
}
