import type { Harness } from './harness.js';

/**
 * An enquiry made through the JSON API (`POST /api/enquiries`) with `fields` over a plain default
 * (a named journalist, an outlet, a subject and details; no contact unless given); returns its
 * id and reference. Throws, naming the status and body, when the API refuses it.
 */
export async function apiEnquiry(
  h: Harness,
  fields: Record<string, unknown>,
): Promise<{ id: string; reference: string }> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    subject: 'Bridge repairs',
    details: 'When do they end?',
    ...fields,
  });
  if (res.status !== 201) throw new Error(`POST /api/enquiries: ${res.status} ${await res.text()}`);
  const { reference } = (await res.json()) as { reference: string };
  return h.database.db
    .selectFrom('enquiry')
    .select(['id', 'reference'])
    .where('reference', '=', reference)
    .executeTakeFirstOrThrow();
}
