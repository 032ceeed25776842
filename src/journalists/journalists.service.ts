/**
 * Journalists' records (issue 29, item 3): who the desk knows (names, outlets, phones, emails,
 * preferred channel, press card checked and when, staff notes, flags such as "not press: route to
 * the contact centre"), so that an enquiry no longer arrives as if from a stranger. Enquiries are
 * matched to a record at read time, by the enquiry's phone or email against the record's contacts
 * (one indexed query), so intake pays nothing and a record added today finds last year's
 * enquiries. Any officer reads and edits records and adds notes (audited, without their words);
 * only managers erase one. Records are personal data: erased on request with every enquiry's copy
 * (src/privacy, through the `JournalistErasure` port), exported on a subject access request, and
 * deleted by the retention sweep once nothing of theirs is kept.
 */
import { DateTime } from 'luxon';
import { audit, type Actor } from '../audit/audit.repository.js';
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../db/database.js';
import { findByReference } from '../enquiries/enquiries.repository.js';
import { AppError } from '../http/errors.js';
import { isRowIdDigits } from '../ids.js';
import { journalistForm, journalistNoteForm, type JournalistInput } from './journalists.forms.js';
import * as repo from './journalists.repository.js';
import type { Journalist, JournalistContact, JournalistNote, Outlet } from './journalists.tables.js';
import type { OutletService } from './outlets.service.js';

/** How many enquiries a record's page lists, and the enquiry page's panel. */
export const HISTORY_LIMIT = 50;
export const PANEL_HISTORY = 5;
export const PANEL_NOTES = 3;
/** How many records the list shows at most. */
export const LIST_LIMIT = 200;

/**
 * Erasure of a journalist's record with every enquiry's copy of their data (the privacy feature's,
 * later in the folder order): closes their open enquiries as erased, erases each enquiry from any
 * of the record's phones and emails and what they sent that joined none, and deletes the record,
 * in one transaction. Returns the references erased, or null when there was no such record.
 */
export interface JournalistErasure {
  eraseJournalistRecord(id: string, actor: Actor): Promise<{ erased: number; references: string[] } | null>;
}

export interface JournalistServiceDeps {
  db: Db;
  clock: Clock;
  /** The office's time zone: "today" for the press card's date. */
  config: { office: { timezone: string } };
  outlets: OutletService;
  erasure?: JournalistErasure;
}

/** A record with everything its page shows. */
export interface JournalistRecord {
  journalist: Journalist;
  contacts: JournalistContact[];
  outlets: Outlet[];
  notes: JournalistNote[];
  history: repo.HistoryEnquiry[];
}

/** What the enquiry page's panel shows of the record its sender matches. */
export interface EnquiryJournalist {
  journalist: Journalist;
  outlets: Outlet[];
  notes: JournalistNote[];
  /** Their other enquiries, newest first. */
  history: repo.HistoryEnquiry[];
}

/** Records, notes, matching enquiries to records, and erasure of a record. */
export class JournalistService {
  constructor(private readonly deps: JournalistServiceDeps) {}

  /** Records whose name, phone, email or outlet contains `q`, by name. */
  list(q: string): Promise<repo.JournalistListed[]> {
    return repo.listJournalists(this.deps.db, q.trim().slice(0, 200), LIST_LIMIT);
  }

  /** The record `id` with its contacts, outlets, notes and enquiries; AppError('not_found') when there is none. */
  async get(id: string): Promise<JournalistRecord> {
    const journalist = isRowIdDigits(id) ? await repo.findJournalist(this.deps.db, id) : undefined;
    if (!journalist) throw new AppError('not_found', 'There is no such journalist record.');
    const [contacts, outlets, notes] = await Promise.all([
      repo.contactsOf(this.deps.db, id),
      repo.outletsOf(this.deps.db, id),
      repo.notesOf(this.deps.db, id),
    ]);
    const history = await repo.enquiriesFrom(this.deps.db, contacts, HISTORY_LIMIT);
    return { journalist, contacts, outlets, notes, history };
  }

  /**
   * The record an enquiry's sender matches (by its phone or email), with their notes and other
   * enquiries, or null: "not yet known".
   */
  forEnquiry(e: { id: string; phone: string | null; email: string | null }): Promise<EnquiryJournalist | null> {
    return journalistOfEnquiry(this.deps.db, e);
  }

  /** Adds a record from the form; a phone or email already on another record is refused, naming the field. Audited. */
  async create(input: JournalistInput, actor: Actor): Promise<string> {
    const v = this.checked(input);
    const now = this.deps.clock();
    return this.racing(() =>
      this.deps.db.transaction().execute(async (tx) => {
        await this.contactsFree(tx, v.phones, v.emails, null);
        const id = await repo.insertJournalist(tx, this.fields(v, actor, null), now, actor.email);
        await repo.addContacts(tx, id, contactsOf(v.phones, v.emails));
        await repo.setOutlets(tx, id, await this.deps.outlets.resolve(tx, v.outlets, actor));
        await audit(tx, { at: now, actor, action: 'journalist.record_added', detail: { journalist: id } });
        return id;
      }),
    );
  }

  /** Changes a record from the form (its contacts and outlets become those listed). Audited, naming the fields changed. */
  async edit(id: string, input: JournalistInput, actor: Actor): Promise<void> {
    const v = this.checked(input);
    const now = this.deps.clock();
    await this.racing(() =>
      this.deps.db.transaction().execute(async (tx) => {
        const before = await repo.lockJournalist(tx, id);
        if (!before) throw new AppError('not_found', 'There is no such journalist record.');
        await this.contactsFree(tx, v.phones, v.emails, id);
        const fields = this.fields(v, actor, before);
        await repo.updateJournalist(tx, id, fields, now);
        await repo.replaceContacts(tx, id, contactsOf(v.phones, v.emails));
        await repo.setOutlets(tx, id, await this.deps.outlets.resolve(tx, v.outlets, actor));
        const changed = (Object.keys(fields) as Array<keyof typeof fields>).filter(
          (k) => JSON.stringify(fields[k]) !== JSON.stringify(before[k]),
        );
        await audit(tx, {
          at: now,
          actor,
          action: 'journalist.record_changed',
          detail: { journalist: id, changed, flags: fields.flags },
        });
      }),
    );
  }

  /**
   * Runs a change that adds contacts: two officers adding the same number at once both pass the
   * check, and the second meets the unique index; it is refused as the check would have.
   */
  private async racing<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const e = err as { code?: string; constraint?: string };
      if (e.code === '23505' && e.constraint === 'journalist_contact_value_key')
        throw new AppError('validation', 'A phone number or email address is on another record', {
          fields: { phones: 'A number or address here was just added to another record: check and try again' },
        });
      if (e.code === '23505' && e.constraint === 'outlet_name')
        throw new AppError('validation', 'An outlet was just added', {
          fields: { outlets: 'One of these outlets was just added by someone else: try again' },
        });
      throw err;
    }
  }

  /** Adds a staff note (audited without its words: they are personal data, the log is kept). */
  async addNote(id: string, text: string, actor: Actor): Promise<string> {
    const { note } = journalistNoteForm.check({ note: text });
    const now = this.deps.clock();
    return this.deps.db.transaction().execute(async (tx) => {
      if (!(await repo.lockJournalist(tx, id))) throw new AppError('not_found', 'There is no such journalist record.');
      const noteId = await repo.insertNote(tx, id, note, now, actor.email);
      await repo.touchJournalist(tx, id, now);
      await audit(tx, { at: now, actor, action: 'journalist.note_added', detail: { journalist: id, note: noteId } });
      return noteId;
    });
  }

  /**
   * A record made from an enquiry's sender ("Create a record from this enquiry"): their name,
   * outlet, phone and email as the enquiry has them. A sender already known is not recorded twice:
   * their record's id is returned.
   */
  async createFromEnquiry(reference: string, actor: Actor): Promise<string> {
    const e = await this.enquiry(reference);
    const known = await repo.journalistMatching(this.deps.db, e);
    if (known) return known;
    return this.create(
      {
        name: e.name,
        outlets: e.outlet,
        phones: e.phone ?? '',
        emails: e.email ?? '',
        preferredChannel: '',
        pressCardCheckedOn: '',
        flags: [],
      },
      actor,
    );
  }

  /**
   * Adds an enquiry's phone and email (and its outlet) to the record `id` ("Add to a journalist
   * record"), so their enquiries by either are matched to it. A contact on another record is
   * refused. Audited.
   */
  async addEnquiryContacts(id: string, reference: string, actor: Actor): Promise<void> {
    const e = await this.enquiry(reference);
    const phones = e.phone ? [e.phone] : [];
    const emails = e.email ? [e.email.toLowerCase()] : [];
    if (!phones.length && !emails.length)
      throw new AppError('conflict', `Enquiry ${e.reference} has no phone number or email address to add.`);
    const now = this.deps.clock();
    await this.deps.db.transaction().execute(async (tx) => {
      if (!(await repo.lockJournalist(tx, id))) throw new AppError('not_found', 'There is no such journalist record.');
      const taken = await repo.contactsTaken(tx, [...phones, ...emails], id);
      if (taken.length)
        throw new AppError(
          'conflict',
          `Enquiry ${e.reference}’s ${taken[0].value.includes('@') ? 'email address' : 'phone number'} is on another journalist’s record (${taken[0].name}).`,
        );
      await repo.addContacts(tx, id, contactsOf(phones, emails));
      if (e.outlet.trim()) await repo.addOutlets(tx, id, await this.deps.outlets.resolve(tx, [e.outlet.trim()], actor));
      await repo.touchJournalist(tx, id, now);
      await audit(tx, {
        at: now,
        actor,
        action: 'journalist.record_changed',
        enquiryId: e.id,
        detail: { journalist: id, changed: ['contacts'] },
      });
    });
  }

  /** How many enquiries from the record's phones and emails are still open (erasure would close them). */
  openCount(record: Pick<JournalistRecord, 'contacts'>): Promise<number> {
    return repo.countOpenFrom(this.deps.db, record.contacts);
  }

  /**
   * Erases the record and every enquiry's copy of the journalist's data (managers only: the route
   * checks), through the privacy feature. Returns what was erased.
   */
  async erase(id: string, actor: Actor): Promise<{ erased: number; references: string[] }> {
    if (!this.deps.erasure) throw new AppError('unavailable', 'Erasure is not available here.');
    if (!isRowIdDigits(id)) throw new AppError('not_found', 'There is no such journalist record.');
    const r = await this.deps.erasure.eraseJournalistRecord(id, actor);
    if (!r) throw new AppError('not_found', 'There is no such journalist record.');
    return r;
  }

  /** The enquiry `reference`, not erased; AppError otherwise. */
  private async enquiry(reference: string) {
    const e = await findByReference(this.deps.db, reference);
    if (!e) throw new AppError('not_found', `There is no enquiry ${reference}.`);
    if (e.erased_at) throw new AppError('conflict', `Enquiry ${reference} was erased: it names nobody.`);
    return e;
  }

  private checked(input: JournalistInput) {
    return journalistForm.check(input as Record<string, unknown>);
  }

  /** The record's columns from the form; the press card's checker is whoever first entered (or changed) the date. */
  private fields(
    v: ReturnType<JournalistService['checked']>,
    actor: Actor,
    before: Journalist | null,
  ): repo.JournalistFields {
    const today = DateTime.fromJSDate(this.deps.clock(), { zone: this.deps.config.office.timezone }).toISODate();
    if (v.pressCardCheckedOn && today && v.pressCardCheckedOn > today)
      throw new AppError('validation', 'The press card date is in the future', {
        fields: { pressCardCheckedOn: 'Enter the date the press card was checked: today or before' },
      });
    const sameDate = before && before.press_card_checked_on === v.pressCardCheckedOn;
    return {
      name: v.name,
      preferred_channel: v.preferredChannel,
      press_card_checked_on: v.pressCardCheckedOn,
      press_card_checked_by: v.pressCardCheckedOn
        ? sameDate
          ? (before?.press_card_checked_by ?? actor.email)
          : actor.email
        : null,
      flags: v.flags,
    };
  }

  /** Refuses phones or emails already on another record, naming the field and whose they are. */
  private async contactsFree(tx: Tx, phones: string[], emails: string[], exceptId: string | null): Promise<void> {
    const taken = await repo.contactsTaken(tx, [...phones, ...emails], exceptId);
    if (!taken.length) return;
    const fields: Record<string, string> = {};
    for (const t of taken) {
      const field = t.value.includes('@') ? 'emails' : 'phones';
      fields[field] ??= `${t.value} is already on ${t.name}’s record: take it off there first`;
    }
    throw new AppError('validation', 'A phone number or email address is on another record', { fields });
  }
}

/**
 * The record an enquiry's sender matches (by its phone or email: one indexed query), with its
 * outlets, latest notes and the sender's other enquiries, or null: what the enquiry page's panel
 * shows (src/desk reads it with its own database handle, as it reads topics).
 */
export async function journalistOfEnquiry(
  db: Db,
  e: { id: string; phone: string | null; email: string | null },
): Promise<EnquiryJournalist | null> {
  const id = await repo.journalistMatching(db, e);
  if (!id) return null;
  const journalist = await repo.findJournalist(db, id);
  if (!journalist) return null;
  const [contacts, outlets, notes] = await Promise.all([
    repo.contactsOf(db, id),
    repo.outletsOf(db, id),
    repo.notesOf(db, id),
  ]);
  const history = (await repo.enquiriesFrom(db, contacts, PANEL_HISTORY + 1))
    .filter((h) => h.id !== e.id)
    .slice(0, PANEL_HISTORY);
  return { journalist, outlets, notes: notes.slice(0, PANEL_NOTES), history };
}

/** The contact rows of these phones (E.164) and emails (lowercased). */
function contactsOf(phones: string[], emails: string[]): Array<{ kind: 'phone' | 'email'; value: string }> {
  return [
    ...phones.map((value) => ({ kind: 'phone' as const, value })),
    ...emails.map((value) => ({ kind: 'email' as const, value })),
  ];
}
