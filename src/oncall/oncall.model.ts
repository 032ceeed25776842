// The on-call people as the rest of oncall/ passes them around: a leaf, so that paging, the links and
// the on-call actions can share these without importing each other's services.
import type { Actor } from '../audit/audit.repository.js';

/**
 * Who to page: a person from the rota (`override` or `shift` says which kind of entry put them
 * there), or the configured out-of-hours line (`fallback`, `personId` null) when nobody is on.
 */
export interface OnCallContact {
  personId: string | null;
  name: string;
  phone: string;
  source: 'override' | 'shift' | 'fallback';
}

/** The on-call officer acting from their phone: their number, and their name when the rota knows it. */
export interface OnCallOfficer {
  phone: string;
  name: string | null;
}

/** Who the audit log and the timeline say acted: the rota person's name, else "on call (+44…)". */
export function onCallActor(officer: OnCallOfficer): Actor {
  return { userId: null, email: officer.name ?? `on call (${officer.phone})` };
}
