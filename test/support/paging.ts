/** Paging scenarios' shared steps: numbered urgent enquiries from distinct journalists, and their pages. */
import { expect } from 'vitest';
import type { Harness } from './harness.js';

/** Journalist `n`'s own mobile (+4479111234nn). */
export function journalistPhone(n: number): string {
  return `+4479111234${String(n).padStart(2, '0')}`;
}

/**
 * An urgent enquiry by the JSON API from journalist `n` (their own name, mobile and a numbered
 * subject, so each is told apart in a bundle); returns its reference.
 */
export async function urgentEnquiryFrom(h: Harness, n: number): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: `Reporter ${n}`,
    outlet: 'Evening Gazette',
    phone: journalistPhone(n),
    subject: `Fire at the depot, update ${n}`,
    details: 'Need a line tonight',
    urgent: true,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

/** The page of the enquiry `reference`: its id, short code and status. */
export async function pageOf(h: Harness, reference: string) {
  return h.database.db
    .selectFrom('page')
    .innerJoin('enquiry', 'enquiry.id', 'page.enquiry_id')
    .select(['page.id', 'page.short_code', 'page.status'])
    .where('enquiry.reference', '=', reference)
    .executeTakeFirstOrThrow();
}
