import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import { audit, type Actor } from '../audit/audit.repository.js';
import { normalisePhone } from '../enquiries/enquiry.input.js';
import { workingMinutesBetween } from '../hours/office-hours.js';
import { AppError } from '../http/errors.js';
import * as repo from './privacy.repository.js';
import { findOptOut } from '../sms/opt-out.repository.js';
import { forgetOrphanCallsBefore } from '../voice/voice.repository.js';
import { forgetOrphanEmailsBefore } from '../email/email.repository.js';
import { forgetDigestCallersBefore } from '../reports/digest.repository.js';
import { forgetOrphanTextsBefore } from '../sms/sms-intake.repository.js';
import { forgetOrphanOptOutsBefore } from '../sms/opt-out.repository.js';
import { forgetAddressesInKeys } from '../outbox/outbox.repository.js';
import {
  contactsOf,
  deleteIdleJournalists,
  deleteJournalist,
  exportJournalist,
  journalistsMatching,
  lockJournalist,
} from '../journalists/journalists.repository.js';

const SYSTEM: Actor = { userId: null, email: 'retention' };

/** What an erasure request did: how many enquiries it erased, their references, and which of them were open (now closed as erased). */
export interface ErasureResult {
  erased: number;
  references: string[];
  closed: string[];
}

/** Who a subject access or erasure request is about. */
export interface Journalist {
  phone: string | null;
  email: string | null;
}

/**
 * Journalists' personal data: erased automatically `retention.monthsAfterClose` after an
 * enquiry is closed, or after it was answered and left untouched (daily job), and exported or erased on request by a manager. Every erasure
 * and export is in the audit log; figures for reports survive erasure.
 */
export class PrivacyService {
  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      config: Pick<Config, 'retention' | 'office'>;
      /**
       * Run on the enquiries about to be erased, in the erasure's transaction, before anything is
       * erased: merging (src/merging) moves rows merged from one journalist's enquiry into
       * another's back where they came from, so each is erased with its own journalist's enquiry.
       */
      beforeErase?: (tx: Tx, ids: string[], at: Date) => Promise<void>;
    },
  ) {}

  /**
   * Erases every enquiry past its retention period (closed, or answered and untouched, that long
   * ago: `dueForErasure`), in batches, then forgets what joined no enquiry that long ago; returns
   * how many enquiries.
   */
  async sweep(): Promise<number> {
    const now = this.deps.clock();
    const cutoff = DateTime.fromJSDate(now).minus({ months: this.deps.config.retention.monthsAfterClose }).toJSDate();
    let total = 0;
    for (;;) {
      const ids = await repo.dueForErasure(this.deps.db, cutoff, 500);
      if (!ids.length) {
        // Calls that became no enquiry (the caller hung up) keep their number as long as one would,
        // here and in the digests that listed them.
        await forgetOrphanCallsBefore(this.deps.db, cutoff);
        await forgetDigestCallersBefore(this.deps.db, cutoff);
        // Likewise auto-replies and bounces that joined no enquiry, and texts that joined none
        // (the on-call officer's commands and their replies, a journalist's bare HELP).
        await forgetOrphanEmailsBefore(this.deps.db, cutoff, now);
        await forgetOrphanTextsBefore(this.deps.db, cutoff);
        await forgetOrphanOptOutsBefore(this.deps.db, cutoff);
        // Outbox keys written before issue 22 with the journalist's address in them.
        await forgetAddressesInKeys(this.deps.db, null);
        // Journalists' records (issue 29) unchanged that long, none of whose enquiries still holds data.
        await deleteIdleJournalists(this.deps.db, cutoff);
        return total;
      }
      const n = await this.deps.db.transaction().execute(async (tx) => {
        await this.deps.beforeErase?.(tx, ids, now);
        const erased = await repo.eraseEnquiries(tx, ids, now);
        await audit(tx, {
          at: now,
          actor: SYSTEM,
          action: 'retention.erased',
          detail: { enquiries: erased, closedBefore: cutoff.toISOString() },
        });
        return erased;
      });
      total += n;
    }
  }

  /** Parses what a manager typed to identify a journalist; a validation error names the field. */
  parseJournalist(input: { phone?: string; email?: string }): Journalist {
    const phoneText = (input.phone ?? '').trim();
    const email = (input.email ?? '').trim() || null;
    const phone = phoneText ? normalisePhone(phoneText) : null;
    const fields: Record<string, string> = {};
    if (phoneText && !phone) fields.phone = 'Enter a phone number, like 07911 123456';
    if (email && !/^[^\s@]+@[^\s@]+$/.test(email)) fields.email = 'Enter an email address, like name@example.com';
    if (!phoneText && !email) fields.phone = 'Enter the journalist’s phone number or email address';
    if (Object.keys(fields).length) throw new AppError('validation', 'Say who the request is about', { fields });
    return { phone, email };
  }

  /** The journalist's enquiries (ids), for showing before an export or erasure. */
  async enquiriesOf(who: Journalist): Promise<string[]> {
    // With a journalist's record holding the phone or email (issue 29), its other phones' and emails' too.
    const records = await journalistsMatching(this.deps.db, who);
    return enquiriesOfAll(this.deps.db, await withRecordContacts(this.deps.db, who, records));
  }

  /**
   * Everything stored about the journalist (subject access request), recorded in the audit log:
   * a journalist's record holding the phone or email (issue 29), and the enquiries from any of
   * that record's phones and emails too.
   */
  async export(who: Journalist, actor: Actor) {
    const records = await journalistsMatching(this.deps.db, who);
    const ids = await enquiriesOfAll(this.deps.db, await withRecordContacts(this.deps.db, who, records));
    const data = await repo.exportEnquiries(this.deps.db, ids);
    const journalistRecords = [];
    for (const id of records) journalistRecords.push(await exportJournalist(this.deps.db, id));
    // Their STOP, if they texted one: stored by number, on no enquiry.
    const optOut = who.phone ? await findOptOut(this.deps.db, who.phone) : undefined;
    await audit(this.deps.db, {
      at: this.deps.clock(),
      actor,
      action: 'journalist.exported',
      detail: { enquiries: ids.length },
    });
    return {
      exportedAt: this.deps.clock().toISOString(),
      journalist: who,
      journalistRecords,
      enquiries: data,
      smsOptOut: optOut ? { phone: optOut.phone, optedOutAt: optOut.opted_out_at, keyword: optOut.keyword } : null,
    };
  }

  /** The journalist's enquiries still open (reference, received, status), oldest first: what `erase` will close as erased. */
  async openEnquiriesOf(who: Journalist) {
    const records = await journalistsMatching(this.deps.db, who);
    const contacts = await withRecordContacts(this.deps.db, who, records);
    return repo.openAmong(this.deps.db, await enquiriesOfAll(this.deps.db, contacts));
  }

  /**
   * Erases the journalist's personal data from every enquiry of theirs (erasure request), in one
   * transaction: first their open enquiries are closed as erased (`closeAsErased`: off the queue,
   * escalation and deadline clocks stopped), then everything is erased. Returns how many
   * enquiries were erased, the references of those erased now (oldest first), and which of them
   * were open and are now closed as erased.
   */
  async erase(who: Journalist, actor: Actor): Promise<ErasureResult> {
    const now = this.deps.clock();
    return this.deps.db.transaction().execute(async (tx) => {
      // A journalist's record holding the phone or email is theirs (issue 29): it goes, with the
      // enquiries from its other phones and emails.
      const records = await journalistsMatching(tx, who);
      return this.eraseIn(tx, who, records, actor, now);
    });
  }

  /**
   * Erases a journalist's record (issue 29: the button on the record, managers only) and every
   * enquiry's copy of their data, as an erasure request for each of its phones and emails, in one
   * transaction. Null when there is no such record.
   */
  async eraseJournalistRecord(id: string, actor: Actor): Promise<ErasureResult | null> {
    const now = this.deps.clock();
    return this.deps.db.transaction().execute(async (tx) => {
      if (!(await lockJournalist(tx, id))) return null;
      const r = await this.eraseIn(tx, { phone: null, email: null }, [id], actor, now);
      await audit(tx, { at: now, actor, action: 'journalist.record_erased', detail: { enquiries: r.erased } });
      return r;
    });
  }

  /**
   * The erasure of `who` and the records `records` (their phones and emails too), in `tx`: open
   * enquiries closed as erased, every enquiry erased, what any of them sent that joined none, then
   * the records deleted.
   */
  private async eraseIn(tx: Tx, who: Journalist, records: string[], actor: Actor, now: Date): Promise<ErasureResult> {
    const contacts = await withRecordContacts(tx, who, records);
    const ids = await enquiriesOfAll(tx, contacts);
    await this.deps.beforeErase?.(tx, ids, now);
    const references = await repo.referencesOf(tx, ids);
    const closed = await repo.closeAsErased(
      tx,
      ids,
      now,
      (receivedAt) => workingMinutesBetween(receivedAt, now, this.deps.config.office) * 60,
    );
    let n = 0;
    // The first contact's orphans go with the enquiries; each other contact's after them.
    for (const [i, c] of (contacts.length ? contacts : [who]).entries())
      n += await repo.eraseEnquiries(tx, i === 0 ? ids : [], now, c.phone, c.email);
    for (const r of records) await deleteJournalist(tx, r);
    for (const id of ids) await audit(tx, { at: now, actor, action: 'journalist.erased', enquiryId: id });
    // A request about someone with no enquiry still erased what they sent: on record too.
    if (!ids.length) await audit(tx, { at: now, actor, action: 'journalist.erased', detail: { enquiries: 0 } });
    return { erased: n, references, closed };
  }
}

/** `who` and each phone and email of these journalists' records, one contact each (blank `who` left out). */
async function withRecordContacts(db: Db | Tx, who: Journalist, records: string[]): Promise<Journalist[]> {
  const out: Journalist[] = who.phone || who.email ? [who] : [];
  for (const id of records)
    for (const c of await contactsOf(db, id))
      out.push(c.kind === 'phone' ? { phone: c.value, email: null } : { phone: null, email: c.value });
  return out;
}

/** The enquiries from any of these contacts, each once. */
async function enquiriesOfAll(db: Db | Tx, contacts: Journalist[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const c of contacts) for (const id of await repo.enquiriesOf(db, c)) ids.add(id);
  return [...ids];
}
