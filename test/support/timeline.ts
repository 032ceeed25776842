/** Reading an enquiry's timeline in tests, by its reference. */
import type { Db } from '../../src/db/database.js';
import type { EventKind } from '../../src/enquiries/timeline.js';

/** The enquiry's timeline entries (of `kind`, when given), oldest first. */
export async function eventsOf(db: Db, reference: string, kind?: EventKind) {
  let q = db
    .selectFrom('enquiry_event')
    .innerJoin('enquiry', 'enquiry.id', 'enquiry_event.enquiry_id')
    .select(['enquiry_event.kind', 'enquiry_event.data', 'enquiry_event.at', 'enquiry_event.actor'])
    .where('enquiry.reference', '=', reference);
  if (kind) q = q.where('enquiry_event.kind', '=', kind);
  return q.orderBy('enquiry_event.id').execute();
}

/** The kinds of the enquiry's timeline entries, oldest first. */
export async function kindsOf(db: Db, reference: string): Promise<string[]> {
  return (await eventsOf(db, reference)).map((e) => e.kind);
}
