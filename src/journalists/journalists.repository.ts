import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import { OPEN_STATUSES, type EnquiryOutcome, type EnquiryStatus } from '../enquiries/enquiry.model.js';
import type {
  Channel,
  Journalist,
  JournalistContact,
  JournalistFlag,
  JournalistNote,
  Outlet,
} from './journalists.tables.js';

// SQL of journalists' records (src/journalists/journalists.service.ts): the journalist,
// journalist_contact, journalist_outlet and journalist_note tables, and the reads of enquiries a
// record's contacts match. Enquiries are matched at read time, so intake writes nothing here.

/** A phone (E.164) and an email (any case) of a sender: what an enquiry or a request names. */
export interface SenderContacts {
  phone: string | null;
  email: string | null;
}

/** A journalist in the list: their record, outlets' names and contacts. */
export type JournalistListed = Journalist & { outlets: string[]; contacts: string[] };

/**
 * Journalists whose name, phone, email or outlet contains `q` (any case; '' : all), by name,
 * at most `limit`.
 */
export async function listJournalists(db: Db | Tx, q: string, limit: number): Promise<JournalistListed[]> {
  const like = `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  let query = db
    .selectFrom('journalist as j')
    .selectAll('j')
    .select([
      sql<
        string[]
      >`coalesce((SELECT array_agg(o.name ORDER BY lower(o.name)) FROM journalist_outlet jo JOIN outlet o ON o.id = jo.outlet_id WHERE jo.journalist_id = j.id), '{}')`.as(
        'outlets',
      ),
      sql<
        string[]
      >`coalesce((SELECT array_agg(c.value ORDER BY c.kind DESC, c.id) FROM journalist_contact c WHERE c.journalist_id = j.id), '{}')`.as(
        'contacts',
      ),
    ]);
  if (q)
    query = query.where(
      sql<boolean>`(lower(j.name) LIKE ${like}
        OR EXISTS (SELECT 1 FROM journalist_contact c WHERE c.journalist_id = j.id AND lower(c.value) LIKE ${like})
        OR EXISTS (SELECT 1 FROM journalist_outlet jo JOIN outlet o ON o.id = jo.outlet_id
                    WHERE jo.journalist_id = j.id AND lower(o.name) LIKE ${like}))`,
    );
  return query.orderBy(sql`lower(j.name)`).orderBy('j.id').limit(limit).execute();
}

/** The journalist `id`, or undefined. */
export async function findJournalist(db: Db | Tx, id: string): Promise<Journalist | undefined> {
  return db.selectFrom('journalist').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The journalist `id`, locked for the rest of the transaction (a change or an erasure). */
export async function lockJournalist(tx: Tx, id: string): Promise<Journalist | undefined> {
  return tx.selectFrom('journalist').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** A journalist's phones then emails, in the order they were added. */
export async function contactsOf(db: Db | Tx, id: string): Promise<JournalistContact[]> {
  return db
    .selectFrom('journalist_contact')
    .selectAll()
    .where('journalist_id', '=', id)
    .orderBy('kind', 'desc')
    .orderBy('id')
    .execute();
}

/** A journalist's outlets, by name. */
export async function outletsOf(db: Db | Tx, id: string): Promise<Outlet[]> {
  return db
    .selectFrom('journalist_outlet as jo')
    .innerJoin('outlet as o', 'o.id', 'jo.outlet_id')
    .selectAll('o')
    .where('jo.journalist_id', '=', id)
    .orderBy(sql`lower(o.name)`)
    .execute();
}

/** A journalist's staff notes, newest first. */
export async function notesOf(db: Db | Tx, id: string): Promise<JournalistNote[]> {
  return db
    .selectFrom('journalist_note')
    .selectAll()
    .where('journalist_id', '=', id)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** The fields of a record as a form sets them. */
export interface JournalistFields {
  name: string;
  preferred_channel: Channel | null;
  press_card_checked_on: string | null;
  press_card_checked_by: string | null;
  flags: JournalistFlag[];
}

/** Adds a record; returns its id. */
export async function insertJournalist(tx: Tx, f: JournalistFields, at: Date, by: string): Promise<string> {
  const r = await tx
    .insertInto('journalist')
    .values({ ...f, created_at: at, created_by: by, updated_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Changes a record's fields. */
export async function updateJournalist(tx: Tx, id: string, f: JournalistFields, at: Date): Promise<void> {
  await tx
    .updateTable('journalist')
    .set({ ...f, updated_at: at })
    .where('id', '=', id)
    .execute();
}

/** Marks a record changed now (a note, a contact added): retention counts from it. */
export async function touchJournalist(tx: Tx, id: string, at: Date): Promise<void> {
  await tx.updateTable('journalist').set({ updated_at: at }).where('id', '=', id).execute();
}

/** Of these contact values, those that belong to another journalist than `exceptId`, with whose. */
export async function contactsTaken(
  db: Db | Tx,
  values: string[],
  exceptId: string | null,
): Promise<Array<{ value: string; journalist_id: string; name: string }>> {
  if (!values.length) return [];
  let q = db
    .selectFrom('journalist_contact as c')
    .innerJoin('journalist as j', 'j.id', 'c.journalist_id')
    .select(['c.value', 'c.journalist_id', 'j.name'])
    .where('c.value', 'in', values);
  if (exceptId) q = q.where('c.journalist_id', '<>', exceptId);
  return q.execute();
}

/** Makes these the journalist's contacts (phones E.164, emails lowercased), keeping the ones they already had. */
export async function replaceContacts(
  tx: Tx,
  id: string,
  contacts: Array<{ kind: 'phone' | 'email'; value: string }>,
): Promise<void> {
  const values = contacts.map((c) => c.value);
  let del = tx.deleteFrom('journalist_contact').where('journalist_id', '=', id);
  if (values.length) del = del.where('value', 'not in', values);
  await del.execute();
  await addContacts(tx, id, contacts);
}

/** Adds contacts to a journalist (those they have already are left as they are). */
export async function addContacts(
  tx: Tx,
  id: string,
  contacts: Array<{ kind: 'phone' | 'email'; value: string }>,
): Promise<void> {
  if (!contacts.length) return;
  await tx
    .insertInto('journalist_contact')
    .values(contacts.map((c) => ({ journalist_id: id, kind: c.kind, value: c.value })))
    .onConflict((oc) => oc.column('value').doNothing())
    .execute();
}

/** Makes these the journalist's outlets. */
export async function setOutlets(tx: Tx, id: string, outletIds: string[]): Promise<void> {
  await tx.deleteFrom('journalist_outlet').where('journalist_id', '=', id).execute();
  await addOutlets(tx, id, outletIds);
}

/** Adds outlets to a journalist's (those they have already are left). */
export async function addOutlets(tx: Tx, id: string, outletIds: string[]): Promise<void> {
  if (!outletIds.length) return;
  await tx
    .insertInto('journalist_outlet')
    .values([...new Set(outletIds)].map((o) => ({ journalist_id: id, outlet_id: o })))
    .onConflict((oc) => oc.columns(['journalist_id', 'outlet_id']).doNothing())
    .execute();
}

/** Adds a staff note; returns its id. */
export async function insertNote(tx: Tx, id: string, text: string, at: Date, by: string): Promise<string> {
  const r = await tx
    .insertInto('journalist_note')
    .values({ journalist_id: id, text, at, written_by: by })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/**
 * The journalist whose record holds the sender's phone or email (one indexed query on the unique
 * contact values), or undefined: how an enquiry is matched to a record, at read time.
 */
export async function journalistMatching(db: Db | Tx, who: SenderContacts): Promise<string | undefined> {
  const values = [who.phone, who.email?.toLowerCase()].filter((v): v is string => !!v);
  if (!values.length) return undefined;
  const r = await db
    .selectFrom('journalist_contact')
    .select('journalist_id')
    .where('value', 'in', values)
    .orderBy('kind', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r?.journalist_id;
}

/** Ids of the journalists whose records hold any of these phones or emails (an erasure or access request). */
export async function journalistsMatching(db: Db | Tx, who: SenderContacts): Promise<string[]> {
  const values = [who.phone, who.email?.toLowerCase()].filter((v): v is string => !!v);
  if (!values.length) return [];
  const r = await db
    .selectFrom('journalist_contact')
    .select('journalist_id')
    .distinct()
    .where('value', 'in', values)
    .execute();
  return r.map((x) => x.journalist_id);
}

/** One enquiry of a journalist's history. */
export interface HistoryEnquiry {
  id: string;
  reference: string;
  received_at: Date;
  channel: string;
  subject: string;
  outlet: string;
  status: EnquiryStatus;
  outcome: EnquiryOutcome | null;
}

/**
 * Enquiries from any of these contacts (phones E.164, emails lowercased), newest first, at most
 * `limit`: a record's history. Erased enquiries have lost their contacts and are not found.
 */
export async function enquiriesFrom(
  db: Db | Tx,
  contacts: Array<Pick<JournalistContact, 'kind' | 'value'>>,
  limit: number,
): Promise<HistoryEnquiry[]> {
  const phones = contacts.filter((c) => c.kind === 'phone').map((c) => c.value);
  const emails = contacts.filter((c) => c.kind === 'email').map((c) => c.value);
  if (!phones.length && !emails.length) return [];
  return db
    .selectFrom('enquiry')
    .select(['id', 'reference', 'received_at', 'channel', 'subject', 'outlet', 'status', 'outcome'])
    .where((eb) =>
      eb.or([
        ...(phones.length ? [eb('phone', 'in', phones)] : []),
        ...(emails.length ? [eb(sql<string>`lower(email)`, 'in', emails)] : []),
      ]),
    )
    .orderBy('received_at', 'desc')
    .limit(limit)
    .execute() as Promise<HistoryEnquiry[]>;
}

/** Everything a journalist's record holds, for a subject access request. */
export async function exportJournalist(db: Db | Tx, id: string) {
  const j = await findJournalist(db, id);
  if (!j) return undefined;
  const [contacts, outlets, notes] = await Promise.all([contactsOf(db, id), outletsOf(db, id), notesOf(db, id)]);
  return {
    name: j.name,
    phones: contacts.filter((c) => c.kind === 'phone').map((c) => c.value),
    emails: contacts.filter((c) => c.kind === 'email').map((c) => c.value),
    outlets: outlets.map((o) => o.name),
    preferredChannel: j.preferred_channel,
    pressCardCheckedOn: j.press_card_checked_on,
    flags: j.flags,
    notes: notes.map((n) => ({ at: n.at, writtenBy: n.written_by, text: n.text })),
    createdAt: j.created_at,
    updatedAt: j.updated_at,
  };
}

/**
 * Deletes a journalist's record: the record, its contacts, outlets and notes (erasure on request,
 * or retention). The enquiries' copies are the privacy feature's to erase (src/privacy). True
 * when there was one.
 */
export async function deleteJournalist(tx: Tx, id: string): Promise<boolean> {
  const r = await tx.deleteFrom('journalist').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * Deletes the records not changed since `cutoff`, with no note since then and no enquiry of
 * theirs still holding its data (enquiries are erased `retention.monthsAfterClose` after they
 * end): retention of the records (src/privacy's sweep). Returns how many.
 */
export async function deleteIdleJournalists(db: Db | Tx, cutoff: Date): Promise<number> {
  const r = await sql`
    DELETE FROM journalist j
     WHERE j.updated_at < ${cutoff}
       AND NOT EXISTS (SELECT 1 FROM journalist_note n WHERE n.journalist_id = j.id AND n.at >= ${cutoff})
       AND NOT EXISTS (
         SELECT 1 FROM journalist_contact c
          WHERE c.journalist_id = j.id
            AND EXISTS (SELECT 1 FROM enquiry e
                         WHERE e.erased_at IS NULL
                           AND ((c.kind = 'phone' AND e.phone = c.value)
                             OR (c.kind = 'email' AND lower(e.email) = c.value))))`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** The journalists of an outlet, by name. */
export async function journalistsOfOutlet(db: Db | Tx, outletId: string): Promise<Array<{ id: string; name: string }>> {
  return db
    .selectFrom('journalist_outlet as jo')
    .innerJoin('journalist as j', 'j.id', 'jo.journalist_id')
    .select(['j.id', 'j.name'])
    .where('jo.outlet_id', '=', outletId)
    .orderBy(sql`lower(j.name)`)
    .execute();
}

/** How many enquiries from any of these contacts are still open (an erasure would close them). */
export async function countOpenFrom(
  db: Db | Tx,
  contacts: Array<Pick<JournalistContact, 'kind' | 'value'>>,
): Promise<number> {
  const phones = contacts.filter((c) => c.kind === 'phone').map((c) => c.value);
  const emails = contacts.filter((c) => c.kind === 'email').map((c) => c.value);
  if (!phones.length && !emails.length) return 0;
  const r = await db
    .selectFrom('enquiry')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', 'in', OPEN_STATUSES)
    .where('erased_at', 'is', null)
    .where((eb) =>
      eb.or([
        ...(phones.length ? [eb('phone', 'in', phones)] : []),
        ...(emails.length ? [eb(sql<string>`lower(email)`, 'in', emails)] : []),
      ]),
    )
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
