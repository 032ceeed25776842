/** The rota most paging scenarios start from. */
import type { Harness } from './harness.js';

/** Olu On-Call (`primary`) on call and, when given, Bea Backup (`backup`) as the next contact, from 1 December 2026 to 5 January 2027. */
export async function onCallOverChristmas(h: Harness, primary: string, backup?: string): Promise<void> {
  const startsAt = new Date('2026-12-01T00:00:00Z');
  const endsAt = new Date('2027-01-05T09:00:00Z');
  await h.services.rota.addPerson({ name: 'Olu On-Call', phone: primary });
  await h.services.rota.addShift({ phone: primary, role: 'primary', startsAt, endsAt, createdBy: 'test' });
  if (!backup) return;
  await h.services.rota.addPerson({ name: 'Bea Backup', phone: backup });
  await h.services.rota.addShift({ phone: backup, role: 'backup', startsAt, endsAt, createdBy: 'test' });
}
