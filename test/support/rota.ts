/** A night's rota for scenario tests: an on-call officer and a backup, on shift all December. */
import type { Harness } from './harness.js';

/** The phones of the rota `nightRota` sets up. */
export const NIGHT_ROTA = { primary: '+447911200001', backup: '+447911200002' } as const;

/** Adds the on-call officer and the backup, each on shift from 1 December 2026 to 5 January 2027. */
export async function nightRota(h: Harness, phones: { primary: string; backup: string } = NIGHT_ROTA): Promise<void> {
  const startsAt = new Date('2026-12-01T00:00:00Z');
  const endsAt = new Date('2027-01-05T09:00:00Z');
  await h.services.rota.addPerson({ name: 'Olu On-Call', phone: phones.primary });
  await h.services.rota.addPerson({ name: 'Bea Backup', phone: phones.backup });
  for (const [phone, role] of [[phones.primary, 'primary'], [phones.backup, 'backup']] as const) {
    await h.services.rota.addShift({ phone, role, startsAt, endsAt, createdBy: 'test' });
  }
}
