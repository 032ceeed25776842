// Over 300 lines on purpose: the rota's one service holds both the answer to "who is on call"
// and every change to the rota (checked, and from the desk audited in the same transaction),
// because each change is checked by the same rule about active people that the answer reads.
import type { Clock } from '../clock.js';
import { isLongRowId } from '../ids.js';
import type { Config } from '../config.js';
import { randomUUID } from 'node:crypto';
import type { Db, Tx } from '../db/database.js';
import { audit, type Actor } from '../audit/audit.repository.js';
import { normalisePhone, normaliseText } from '../enquiries/enquiry.input.js';
import { formatOfficeTime } from '../hours/format.js';
import { AppError, validationError, validationFields } from '../http/errors.js';
import { staffReach } from '../sms/opt-out.repository.js';
import { queueCall, queueSms } from '../outbox/outbox.service.js';
import { voiceSay } from '../telephony/twiml.js';
import { revokeLinksOf } from './link.service.js';
import { queueGapCheck } from './rota-guard.queue.js';
import { PhoneVerifier } from './verification.service.js';
import type { OnCallContact } from './oncall.model.js';
import type { EntryField, PersonField, RotaErrors, ShiftField } from './rota.forms.js';
import * as repo from './rota.repository.js';
import type { Person, RotaEntry, RotaRole } from './rota.tables.js';

/** Name given to `onCall.fallbackNumber` when it answers for an empty rota. */
export const FALLBACK_NAME = 'Out-of-hours line';

/** The longest a person's name or a rota note may be. */
export const ROTA_LIMITS = { name: 200, note: 500, createdBy: 200 } as const;

// Defined in oncall.model.ts (paging and on-call actions use it without the rota service); re-exported.
export type { OnCallContact };

/** A stretch of time [from, to) during which the primary and the backup do not change. */
export interface ScheduleSegment {
  from: Date;
  to: Date;
  primary: OnCallContact;
  backup: OnCallContact | null;
}

/**
 * A new shift (or, with `override`, an override) for the person with `personId`, or for the
 * active person with `phone` (any format libphonenumber-js reads; UK numbers may be national).
 * `createdBy` names who changed the rota (e.g. "cli:jo", a desk user's email).
 */
export interface AddShiftInput {
  personId?: string;
  phone?: string;
  role: RotaRole;
  startsAt: Date;
  endsAt: Date;
  override?: boolean;
  note?: string | null;
  createdBy: string;
}

export interface RotaServiceDeps {
  db: Db;
  config: Pick<Config, 'onCall' | 'office'>;
  clock: Clock;
}

const PHONE_EXAMPLE = 'Enter a phone number, like 07911 123456 or +44 7911 123456';

function isValidDate(d: unknown): d is Date {
  return d instanceof Date && !Number.isNaN(d.getTime());
}

function assertInstant(at: Date, what: string): void {
  if (!isValidDate(at)) throw new TypeError(`${what} must be a valid Date`);
}

/**
 * The rule, in one place, for which of several entries holds `role`: an override beats a shift;
 * a shift a manager made by hand beats one a rotation generated (generation runs every hour and
 * on every rotation change, so under "newest wins" alone a shift generated after a manager's
 * hand-made one would silently take its place); then the most recently created wins (created_at,
 * then id, which also orders rows created within one millisecond or under a fixed test clock).
 * `entries` must already be the ones covering the instant in question.
 */
function pick(entries: repo.RotaCandidate[], role: RotaRole): repo.RotaCandidate | undefined {
  let best: repo.RotaCandidate | undefined;
  for (const e of entries) {
    if (e.role !== role) continue;
    if (!best || outranks(e, best)) best = e;
  }
  return best;
}

function outranks(a: repo.RotaCandidate, b: repo.RotaCandidate): boolean {
  if (a.isOverride !== b.isOverride) return a.isOverride;
  if ((a.rotationId === null) !== (b.rotationId === null)) return a.rotationId === null;
  const byTime = a.createdAt.getTime() - b.createdAt.getTime();
  if (byTime !== 0) return byTime > 0;
  return BigInt(a.id) > BigInt(b.id);
}

function toContact(e: repo.RotaCandidate): OnCallContact {
  return { personId: e.personId, name: e.name, phone: e.phone, source: e.isOverride ? 'override' : 'shift' };
}

function sameContact(a: OnCallContact | null, b: OnCallContact | null): boolean {
  if (a === null || b === null) return a === b;
  return a.personId === b.personId && a.phone === b.phone && a.name === b.name && a.source === b.source;
}

/** Why someone new cannot be put on a shift in the same step as being added. */
export const NEW_PERSON_FIRST =
  'Add someone new under “Add a person” first: their number is sent a code, and once it is verified they can go on a shift';

/** Why a person whose number is not verified cannot be put on a shift. */
function unverified(p: Person): string {
  return `${p.name}'s number (${p.phone}) is not verified yet: enter the code sent to it (under People), or send a new one`;
}

/** The words of a test page: a text, or (`call`) what a test call says to a number that cannot take texts. */
export function testPageBody(officeName: string, personName: string, by: 'text' | 'call'): string {
  if (by === 'call')
    return `This is the ${officeName} desk: a test page for ${personName}. If you can hear this, on-call pages reach this phone as calls. No need to press anything.`;
  return `${officeName} desk: test page for ${personName}. If you can read this, on-call pages reach this phone. No reply needed.`;
}

/**
 * The on-call rota: staff, their shifts and overrides, and the one answer to "who is on call at
 * instant T" that paging, the CLI and the desk all use. Intervals are half-open [start, end);
 * inactive people are never returned.
 */
export class RotaService {
  /** Codes that prove a person's number before the desk may put it on a shift. */
  readonly verifier: PhoneVerifier;

  constructor(private readonly deps: RotaServiceDeps) {
    this.verifier = new PhoneVerifier(deps);
  }

  /** The out-of-hours line from config, which answers when nobody is on the rota. */
  fallback(): OnCallContact {
    return { personId: null, name: FALLBACK_NAME, phone: this.deps.config.onCall.fallbackNumber, source: 'fallback' };
  }

  /**
   * Who is on call at `at`: a primary override covering it (the most recently created when
   * several overlap), else a primary shift covering it (likewise), else the fallback line. Pass
   * the caller's transaction as `db` to read the rota as that transaction sees it.
   */
  async onCallAt(at: Date, db: Db | Tx = this.deps.db): Promise<OnCallContact> {
    assertInstant(at, 'at');
    const entry = pick(await repo.findCandidatesAt(db, at), 'primary');
    return entry ? toContact(entry) : this.fallback();
  }

  /** The next contact (backup) at `at`, by the same rules as `onCallAt`, or null when there is none. */
  async nextContactAt(at: Date, db: Db | Tx = this.deps.db): Promise<OnCallContact | null> {
    assertInstant(at, 'at');
    const entry = pick(await repo.findCandidatesAt(db, at), 'backup');
    return entry ? toContact(entry) : null;
  }

  /**
   * The effective rota over [from, to) as contiguous segments, each as long as neither the
   * primary nor the backup changes; together they cover the whole period. Every segment agrees
   * with `onCallAt`/`nextContactAt` at every instant inside it: the entries are read once and
   * the same rule is applied between consecutive entry boundaries (where nothing can change).
   */
  async schedule(from: Date, to: Date, db: Db | Tx = this.deps.db): Promise<ScheduleSegment[]> {
    assertInstant(from, 'from');
    assertInstant(to, 'to');
    if (to <= from) throw validationError({ to: 'The end of the period must be after its start' });
    const entries = await repo.findCandidatesBetween(db, from, to);
    const f = from.getTime();
    const t = to.getTime();
    const cuts = new Set<number>([f, t]);
    for (const e of entries) {
      for (const ms of [e.startsAt.getTime(), e.endsAt.getTime()]) if (ms > f && ms < t) cuts.add(ms);
    }
    const times = [...cuts].sort((a, b) => a - b);

    const segments: ScheduleSegment[] = [];
    for (let i = 0; i + 1 < times.length; i++) {
      const start = times[i];
      const covering = entries.filter((e) => e.startsAt.getTime() <= start && start < e.endsAt.getTime());
      const p = pick(covering, 'primary');
      const b = pick(covering, 'backup');
      const primary = p ? toContact(p) : this.fallback();
      const backup = b ? toContact(b) : null;
      const last = segments.at(-1);
      if (last && sameContact(last.primary, primary) && sameContact(last.backup, backup)) {
        last.to = new Date(times[i + 1]);
      } else {
        segments.push({ from: new Date(start), to: new Date(times[i + 1]), primary, backup });
      }
    }
    return segments;
  }

  /**
   * Adds a member of staff who can be on call. Validates the name and the phone (stored as
   * E.164); a phone already held by an active person is refused, since an inbound ACK is matched
   * to staff by phone. Throws AppError('validation') with `fields.name` / `fields.phone`.
   */
  async addPerson(input: { name: string; phone: string }, db: Db | Tx = this.deps.db): Promise<Person> {
    const fields: RotaErrors<PersonField> = {};
    const name = typeof input.name === 'string' ? normaliseText(input.name, false) : '';
    if (!name) fields.name = 'Enter the person’s name';
    else if (name.length > ROTA_LIMITS.name) fields.name = `Name must be ${ROTA_LIMITS.name} characters or fewer`;
    const phone = typeof input.phone === 'string' ? normalisePhone(input.phone) : null;
    if (!phone) fields.phone = PHONE_EXAMPLE;
    if (Object.keys(fields).length > 0 || !phone) throw validationError(fields, 'The person could not be added');

    const person = await repo.insertPerson(db, { name, phone, at: this.deps.clock() });
    if (!person) {
      const holder = await repo.findActivePersonByPhone(db, phone);
      throw validationError(
        { phone: `${phone} already belongs to ${holder?.name ?? 'someone on the staff list'}` },
        'The person could not be added',
      );
    }
    return person;
  }

  /** The active person with this phone (any format), or null; null too for a phone that is not valid. */
  async findPersonByPhone(phone: string, db: Db | Tx = this.deps.db): Promise<Person | null> {
    const e164 = normalisePhone(phone);
    if (!e164) return null;
    return (await repo.findActivePersonByPhone(db, e164)) ?? null;
  }

  /** Staff by name; only active people unless `includeInactive`. */
  async listPeople(opts: { includeInactive?: boolean } = {}, db: Db | Tx = this.deps.db): Promise<Person[]> {
    return repo.listPeople(db, opts);
  }

  /**
   * Changes a person's phone; every shift of theirs follows, since shifts point at the person.
   * A real change revokes the links in their pages (they acted for the old number), in the same
   * transaction. Throws AppError('validation') with `fields.phone` for an invalid or already-taken
   * number, AppError('not_found') for no such person. A concurrent clash is reported by the unique
   * index as an error, which aborts the transaction (the caller's, when given one).
   */
  async updatePersonPhone(personId: string, phone: string, db: Db | Tx = this.deps.db): Promise<Person> {
    const e164 = normalisePhone(phone);
    if (!e164) throw validationError({ phone: PHONE_EXAMPLE }, 'The phone number could not be changed');
    const now = this.deps.clock();
    return this.inTransaction(db, async (tx) => {
      const before = await repo.findPersonById(tx, personId);
      const result = await repo.updatePersonPhone(tx, personId, e164, now);
      if (result === 'not_found') throw new AppError('not_found', 'No such person');
      if (result === 'phone_taken') {
        throw validationError(
          { phone: `${e164} already belongs to someone else on the staff list` },
          'The phone number could not be changed',
        );
      }
      if (before?.phone !== result.phone) await revokeLinksOf(tx, personId, now);
      return result;
    });
  }

  /**
   * Takes a person off the staff list: their entries stay (history) but every lookup skips them
   * from now on, so whoever else covers those times (or the fallback line) is paged instead, and
   * the links in their pages stop working. Throws AppError('not_found') for no such person.
   */
  async deactivatePerson(personId: string, db: Db | Tx = this.deps.db): Promise<Person> {
    const now = this.deps.clock();
    return this.inTransaction(db, async (tx) => {
      const person = await repo.deactivatePerson(tx, personId, now);
      if (!person) throw new AppError('not_found', 'No such person');
      await revokeLinksOf(tx, personId, now);
      return person;
    });
  }

  /**
   * Adds a shift or override after checking it: a known role, both times given and the end after
   * the start, a valid phone or person id, and that person on the active staff list (locked FOR
   * SHARE, so a concurrent deactivation cannot slip in between the check and the insert). Every
   * problem is reported at once: AppError('validation') with `fields` keyed `role`, `startsAt`,
   * `endsAt`, `phone` or `personId`, `note`, `createdBy`.
   */
  async addShift(input: AddShiftInput, db: Db | Tx = this.deps.db): Promise<RotaEntry> {
    const fields: RotaErrors<ShiftField> = {};
    if (input.role !== 'primary' && input.role !== 'backup') {
      fields.role = 'Choose primary (the on-call press officer) or backup (the next contact)';
    }
    if (!isValidDate(input.startsAt)) fields.startsAt = 'Enter when the shift starts';
    if (!isValidDate(input.endsAt)) fields.endsAt = 'Enter when the shift ends';
    else if (isValidDate(input.startsAt) && input.endsAt <= input.startsAt)
      fields.endsAt = 'The shift must end after it starts';

    const note = typeof input.note === 'string' ? normaliseText(input.note, true) || null : null;
    if (note && note.length > ROTA_LIMITS.note) fields.note = `Note must be ${ROTA_LIMITS.note} characters or fewer`;
    const createdBy = typeof input.createdBy === 'string' ? normaliseText(input.createdBy, false) : '';
    if (!createdBy) fields.createdBy = 'Say who is changing the rota';
    else if (createdBy.length > ROTA_LIMITS.createdBy)
      fields.createdBy = `Must be ${ROTA_LIMITS.createdBy} characters or fewer`;

    let phone: string | null = null;
    const personId = input.personId;
    if (personId !== undefined && personId !== null) {
      if (!isLongRowId(String(personId))) fields.personId = 'Choose a person from the staff list';
    } else if (typeof input.phone === 'string' && input.phone.trim() !== '') {
      phone = normalisePhone(input.phone);
      if (!phone) fields.phone = PHONE_EXAMPLE;
    } else {
      fields.phone = 'Enter the phone number of the person on call';
    }
    const what = input.override ? 'override' : 'shift';
    const fail = () => validationError(fields, `The ${what} could not be added`);
    if (Object.keys(fields).length > 0) throw fail();

    return this.inTransaction(db, async (tx) => {
      let person: Person | undefined;
      if (phone) {
        const holder = await repo.findActivePersonByPhone(tx, phone);
        person = holder && (await repo.findPersonByIdForShare(tx, holder.id));
        if (!person?.active) {
          fields.phone = `No one with the phone number ${phone} is on the staff list: add them first`;
          throw fail();
        }
      } else {
        person = await repo.findPersonByIdForShare(tx, String(personId));
        if (!person) fields.personId = 'No such person on the staff list';
        else if (!person.active) fields.personId = `${person.name} is no longer on the staff list`;
        if (!person?.active) throw fail();
      }
      return repo.insertRotaEntry(tx, {
        person_id: person.id,
        role: input.role,
        starts_at: input.startsAt,
        ends_at: input.endsAt,
        is_override: Boolean(input.override),
        note,
        created_at: this.deps.clock(),
        created_by: createdBy,
      });
    });
  }

  // ---- Changes made from the desk: each in one transaction with its audit entry --------------

  /**
   * A shift or override from the desk's form for someone on the staff list (`personId`) whose
   * number is verified, audited as `actor`. Someone new (`newPerson`) is refused: they are added
   * on their own first, so that their number is proved before anyone relies on it (issue 27).
   * Every problem is reported at once in one AppError('validation'): the shift's own fields are
   * checked even when the person was refused, and `formProblems` (what the caller found reading
   * its form) are added last and win. Without a person the shift's person and phone messages are
   * left out: the form's own say it.
   */
  async addShiftFromDesk(
    input: {
      personId: string | null;
      newPerson: { name: string; phone: string } | null;
      role: RotaRole;
      startsAt: Date;
      endsAt: Date;
      override: boolean;
      note: string | null;
    },
    formProblems: RotaErrors<ShiftField>,
    actor: Actor,
  ): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const fields: RotaErrors<ShiftField> = {};
      // Only a verified number can be put on a shift: someone new is added on their own first
      // (their number is sent a code), and someone chosen must have given theirs back.
      if (input.newPerson) fields.personId = NEW_PERSON_FIRST;
      else if (input.personId !== null && isLongRowId(input.personId)) {
        const chosen = await repo.findPersonById(tx, input.personId);
        if (chosen?.active && !chosen.phone_verified_at) fields.personId = unverified(chosen);
      }
      // Without a person the service still checks role, times and note.
      const who = input.personId === null ? {} : { personId: input.personId };
      try {
        const { role, startsAt, endsAt, override, note } = input;
        const entry = await this.addShift(
          { ...who, role, startsAt, endsAt, override, note, createdBy: actor.email.slice(0, 200) },
          tx,
        );
        const holder = await repo.findPersonById(tx, entry.person_id);
        const office = this.deps.config.office;
        await queueGapCheck(tx, this.deps.clock());
        await audit(tx, {
          at: this.deps.clock(),
          actor,
          action: override ? 'rota.override_added' : 'rota.shift_added',
          detail: {
            entryId: entry.id,
            person: holder?.name,
            phone: holder?.phone,
            role: entry.role,
            from: formatOfficeTime(entry.starts_at, office),
            to: formatOfficeTime(entry.ends_at, office),
            note: entry.note,
          },
        });
      } catch (err) {
        const f = validationFields(err);
        if (!f) throw err;
        // With nobody chosen and no new person the form's own messages say what is missing; a
        // person who was chosen but has since been taken off the rota must be named, or the
        // manager is told the shift was added when nothing was.
        if (input.personId === null) {
          delete f.phone;
          delete f.personId;
        }
        // addShift reports only the shift form's fields.
        for (const [k, v] of Object.entries(f)) fields[k as ShiftField] ??= v;
      }
      // Messages about what was typed come first; anything wrong rolls the whole change back.
      const all = { ...fields, ...formProblems };
      if (Object.keys(all).length)
        throw new AppError('validation', `The ${input.override ? 'override' : 'shift'} could not be added`, {
          fields: all,
        });
    });
  }

  /**
   * The shifts and overrides (of active people) touching [from, to), by start: what the desk
   * lists to edit or delete.
   */
  async entriesBetween(from: Date, to: Date, db: Db | Tx = this.deps.db): Promise<repo.RotaEntryWithPerson[]> {
    return repo.listEntriesBetween(db, from, to);
  }

  /**
   * A manager's edit of a shift or override: who (someone on the active staff list; their phone
   * is what pages), from and to. Paging reads the rota when it pages, so the next page follows
   * the edit. Rules, each refused as AppError('validation') naming the field (`personId`,
   * `startsAt`, `endsAt`), every problem at once, `formProblems` (what the caller found reading
   * its form) winning:
   * - the end after the start;
   * - no overlap with another entry of the same role and kind (a shift with a shift, an override
   *   with an override: overrides exist to overlap shifts);
   * - a shift that is over stays as it was;
   * - one that has started keeps its person and start (who was on call is history) and can be
   *   shortened to end now at the earliest, or lengthened;
   * - one that has not started cannot be moved to start in the past.
   * AppError('not_found') for no such entry. Audited with before and after.
   */
  async updateShiftFromDesk(
    entryId: string,
    input: { personId: string; startsAt: Date; endsAt: Date },
    formProblems: RotaErrors<EntryField>,
    actor: Actor,
  ): Promise<RotaEntry> {
    const now = this.deps.clock();
    const office = this.deps.config.office;
    return this.deps.db.transaction().execute(async (tx) => {
      const before = await repo.findEntryForUpdate(tx, entryId);
      if (!before?.personActive) throw new AppError('not_found', 'There is no such shift on the rota.');
      const what = before.is_override ? 'override' : 'shift';
      const fields: RotaErrors<EntryField> = {};
      const started = before.starts_at <= now;
      const { startsAt, endsAt } = input;
      const minute = (d: Date) => Math.floor(d.getTime() / 60_000);
      if (before.ends_at <= now) fields.endsAt = `This ${what} is over: past shifts stay on record as they were`;
      let person: Person | undefined;
      if (!isLongRowId(input.personId)) fields.personId = 'Choose a person from the staff list';
      else {
        person = await repo.findPersonByIdForShare(tx, input.personId);
        if (!person) fields.personId = 'No such person on the staff list';
        else if (!person.active) fields.personId = `${person.name} is no longer on the staff list`;
        else if (started && person.id !== before.person_id)
          fields.personId = `This ${what} has started: ${before.name} was on call. End it now and add a new one for ${person.name}`;
        else if (person.id !== before.person_id && !person.phone_verified_at) fields.personId = unverified(person);
      }
      if (isValidDate(startsAt)) {
        // datetime-local has minutes only: the start shown on the form is the start kept.
        const unchanged = minute(startsAt) === minute(before.starts_at);
        if (started && !unchanged)
          fields.startsAt = `This ${what} has started: its start (${formatOfficeTime(before.starts_at, office)}) cannot change`;
        else if (!started && !unchanged && startsAt < now) fields.startsAt = 'The start cannot be in the past';
      } else fields.startsAt = 'Enter when the shift starts';
      const from =
        started || (isValidDate(startsAt) && minute(startsAt) === minute(before.starts_at))
          ? before.starts_at
          : startsAt;
      if (!isValidDate(endsAt)) fields.endsAt ??= 'Enter when the shift ends';
      else if (isValidDate(from) && endsAt <= from) fields.endsAt ??= `The ${what} must end after it starts`;
      else if (endsAt < now && minute(endsAt) < minute(now))
        fields.endsAt ??= `The ${what} cannot end in the past: the earliest it can end is now`;
      if (!fields.startsAt && !fields.endsAt && isValidDate(from) && isValidDate(endsAt)) {
        // A shift ended "now" from the form's minute keeps the current instant, not a minute ago.
        const to = endsAt < now ? now : endsAt;
        const clash = (
          await repo.findOverlapping(tx, {
            role: before.role,
            isOverride: before.is_override,
            from,
            to,
            exceptId: before.id,
          })
        )[0];
        if (clash) {
          const field = clash.starts_at < from ? 'startsAt' : 'endsAt';
          fields[field] =
            `This overlaps ${clash.name}'s ${what} from ${formatOfficeTime(clash.starts_at, office)} to ${formatOfficeTime(clash.ends_at, office)}`;
        }
      }
      const all = { ...fields, ...formProblems };
      if (Object.keys(all).length || !person)
        throw new AppError('validation', `The ${what} could not be changed`, { fields: all });
      const after = await repo.updateRotaEntry(tx, before.id, {
        person_id: person.id,
        starts_at: from,
        ends_at: endsAt < now ? now : endsAt,
      });
      await queueGapCheck(tx, this.deps.clock());
      await audit(tx, {
        at: now,
        actor,
        action: 'rota.shift_updated',
        detail: {
          entryId: before.id,
          override: before.is_override,
          role: before.role,
          before: {
            person: before.name,
            phone: before.phone,
            from: formatOfficeTime(before.starts_at, office),
            to: formatOfficeTime(before.ends_at, office),
          },
          after: {
            person: person.name,
            phone: person.phone,
            from: formatOfficeTime(after.starts_at, office),
            to: formatOfficeTime(after.ends_at, office),
          },
        },
      });
      return after;
    });
  }

  /** Ends a shift or override that has started, now ("End now" on the rota page): `updateShiftFromDesk` with its end set to now. */
  async endShiftNow(entryId: string, actor: Actor): Promise<RotaEntry> {
    const entry = (await repo.listEntryById(this.deps.db, entryId)) ?? null;
    if (!entry) throw new AppError('not_found', 'There is no such shift on the rota.');
    return this.updateShiftFromDesk(
      entryId,
      { personId: entry.person_id, startsAt: entry.starts_at, endsAt: this.deps.clock() },
      {},
      actor,
    );
  }

  /**
   * Deletes a shift or override that has not started (the manager confirmed on the page). One
   * that has started is history: AppError('validation') on `endsAt` says to end it now instead.
   * AppError('not_found') for no such entry. Audited with what it was.
   */
  async deleteShiftFromDesk(entryId: string, actor: Actor): Promise<repo.RotaEntryWithPerson> {
    const now = this.deps.clock();
    const office = this.deps.config.office;
    return this.deps.db.transaction().execute(async (tx) => {
      const entry = await repo.findEntryForUpdate(tx, entryId);
      if (!entry?.personActive) throw new AppError('not_found', 'There is no such shift on the rota.');
      const what = entry.is_override ? 'override' : 'shift';
      if (entry.starts_at <= now) {
        throw new AppError('validation', `The ${what} could not be deleted`, {
          fields: {
            endsAt: `This ${what} has ${entry.ends_at <= now ? 'ended' : 'started'}: it stays on record${entry.ends_at > now ? '. End it now instead' : ''}`,
          },
        });
      }
      await repo.deleteRotaEntry(tx, entry.id);
      await queueGapCheck(tx, this.deps.clock());
      await audit(tx, {
        at: now,
        actor,
        action: 'rota.shift_deleted',
        detail: {
          entryId: entry.id,
          override: entry.is_override,
          role: entry.role,
          person: entry.name,
          phone: entry.phone,
          from: formatOfficeTime(entry.starts_at, office),
          to: formatOfficeTime(entry.ends_at, office),
        },
      });
      return entry;
    });
  }

  /** `addPerson` from the desk, audited as `actor` in the same transaction. */
  async addPersonAudited(
    input: { name: string; phone: string },
    actor: Actor,
    db: Db | Tx = this.deps.db,
  ): Promise<Person> {
    return this.inTransaction(db, async (tx) => {
      const person = await this.addPerson(input, tx);
      await queueGapCheck(tx, this.deps.clock());
      await audit(tx, {
        at: this.deps.clock(),
        actor,
        action: 'rota.person_added',
        detail: { personId: person.id, name: person.name, phone: person.phone },
      });
      await this.verifier.send(tx, person.id, actor);
      return person;
    });
  }

  /**
   * `updatePersonPhone` from the desk, audited with the old and new number. AppError('not_found')
   * when the person is not on the active staff list.
   */
  async changePhoneAudited(personId: string, phone: string, actor: Actor): Promise<Person> {
    return this.deps.db.transaction().execute(async (tx) => {
      const before = await repo.findPersonById(tx, personId);
      if (!before?.active) throw new AppError('not_found', 'There is no such person on the staff list.');
      const after = await this.updatePersonPhone(personId, phone, tx);
      await queueGapCheck(tx, this.deps.clock());
      await audit(tx, {
        at: this.deps.clock(),
        actor,
        action: 'rota.phone_changed',
        detail: { personId, name: after.name, from: before.phone, to: after.phone },
      });
      if (!after.phone_verified_at) await this.verifier.send(tx, personId, actor);
      return after;
    });
  }

  /** `deactivatePerson` from the desk, audited. */
  async deactivatePersonAudited(personId: string, actor: Actor): Promise<Person> {
    return this.deps.db.transaction().execute(async (tx) => {
      const person = await this.deactivatePerson(personId, tx);
      await queueGapCheck(tx, this.deps.clock());
      await audit(tx, {
        at: this.deps.clock(),
        actor,
        action: 'rota.person_deactivated',
        detail: { personId, name: person.name, phone: person.phone },
      });
      return person;
    });
  }

  /**
   * Queues one SMS to the person's phone through the outbox, like any other text (sent once per
   * key, retried if Twilio is briefly away), audited. It belongs to no enquiry, so no timeline
   * shows it. A phone no text reaches (a landline, or one that texted STOP: `staffReach`) gets a
   * call instead, as its pages do.
   * Returns how it goes; AppError('not_found') when the person is not on the active staff list.
   */
  async queueTestPage(personId: string, actor: Actor): Promise<'text' | 'call'> {
    return this.deps.db.transaction().execute(async (tx) => {
      const person = await repo.findPersonById(tx, personId);
      if (!person?.active) throw new AppError('not_found', 'There is no such person on the staff list.');
      const now = this.deps.clock();
      const key = `test-page:${randomUUID()}`;
      const { by } = await staffReach(tx, person.phone);
      const words = testPageBody(this.deps.config.office.name, person.name, by);
      // A drill of the phone, not of the timing: it goes behind journalists' texts and real pages.
      if (by === 'call') await queueCall(tx, { key, enquiryId: null, to: person.phone, twiml: voiceSay(words) }, now);
      else await queueSms(tx, { key, enquiryId: null, to: person.phone, body: words, lane: 'notice' }, now);
      await audit(tx, {
        at: now,
        actor,
        action: 'rota.test_page_queued',
        detail: { personId, name: person.name, phone: person.phone, key, by },
      });
      return by;
    });
  }

  /**
   * Whether `phone` (any format) is staff, i.e. a text from it may acknowledge a page rather than
   * open a journalist's enquiry: an active person's phone, or the out-of-hours line itself (the
   * last escalation step pages it, and its holder must be able to ACK). It does not depend on the
   * instant: a page may be acknowledged after the shift it was sent in has ended, so `_at` is
   * accepted for callers that have one and does not change the answer.
   */
  async isOnCallNumber(phone: string, _at?: Date, db: Db | Tx = this.deps.db): Promise<boolean> {
    const e164 = normalisePhone(phone);
    if (!e164) return false;
    if (e164 === this.deps.config.onCall.fallbackNumber) return true;
    return repo.isActivePersonPhone(db, e164);
  }

  /** Tells the gap check that the rota changed in `tx` (it runs once the change commits; many changes, one check). */
  async rotaChanged(tx: Tx): Promise<void> {
    await queueGapCheck(tx, this.deps.clock());
  }

  /** Runs `fn` in the caller's transaction when given one, else in a new one. */
  private async inTransaction<T>(db: Db | Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (db.isTransaction) return fn(db as Tx);
    return (db as Db).transaction().execute(fn);
  }
}
