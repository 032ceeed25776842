// Numbers verified before use (issue 27, item 3). A mistyped or changed on-call number used to be
// found only when a real page failed at 3am; now a new or changed number is sent a six-digit code
// (a text, or for a landline a call that reads it twice), the person gives it back on the desk or
// by replying with it, and only a verified number can be put on a shift from the desk.
import { createHash, randomInt } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import { audit, type Actor } from '../audit/audit.repository.js';
import { AppError, validationError } from '../http/errors.js';
import { MINUTE } from '../hours/wall-clock.js';
import { queueCall, queueSms } from '../outbox/outbox.service.js';
import { staffReach } from '../sms/opt-out.repository.js';
import { voiceSay } from '../telephony/twiml.js';
import * as rota from './rota.repository.js';
import type { Person } from './rota.tables.js';
import * as repo from './verification.repository.js';

/** How long a code works. */
export const CODE_MINUTES = 30;
/** Wrong tries before the code stops working (a new one must be sent): six digits, guessed five times, is 1 in 200,000. */
export const MAX_ATTEMPTS = 5;
/** The shortest wait between two codes to one person (a double-click, or a stranger's repeats, costs one text). */
const RESEND_AFTER_MS = MINUTE;

/** A code as typed or texted: six digits, optionally as two groups of three. */
const CODE = /^\s*(\d{3})[\s-]?(\d{3})\s*$/;

function hashOf(personId: string, phone: string, code: string): string {
  return createHash('sha256').update(`${personId}:${phone}:${code}`).digest('hex');
}

/** "1 2 3, 4 5 6": digits a text-to-speech voice reads one by one. */
function spoken(code: string): string {
  return `${code.slice(0, 3).split('').join(' ')}, ${code.slice(3).split('').join(' ')}`;
}

export interface PhoneVerifierDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'office'>;
}

/** Sends and checks the codes that prove a rota person's number. */
export class PhoneVerifier {
  constructor(private readonly deps: PhoneVerifierDeps) {}

  /**
   * Sends a new code to the person's current number (in `tx`, through the outbox), replacing any
   * earlier one, audited as `actor`. AppError('not_found') for no such active person; 'validation'
   * (field `code`) when one was sent less than a minute ago. Returns how it went.
   */
  async send(tx: Tx, personId: string, actor: Actor): Promise<'text' | 'call'> {
    const person = await rota.findPersonById(tx, personId);
    if (!person?.active) throw new AppError('not_found', 'There is no such person on the staff list.');
    const now = this.deps.clock();
    const earlier = await repo.findPendingForUpdate(tx, personId);
    if (earlier && earlier.phone === person.phone && now.getTime() - earlier.sent_at.getTime() < RESEND_AFTER_MS)
      throw validationError(
        { code: 'A code was sent less than a minute ago: wait for it to arrive' },
        'No new code was sent',
      );
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await repo.upsertPending(tx, {
      personId,
      phone: person.phone,
      codeHash: hashOf(personId, person.phone, code),
      sentAt: now,
      expiresAt: new Date(now.getTime() + CODE_MINUTES * MINUTE),
    });
    const office = this.deps.config.office.name;
    const { by } = await staffReach(tx, person.phone);
    const key = `verify-phone:${personId}:${now.getTime()}`;
    if (by === 'call') {
      const words = `This is the ${office} desk. Your code to verify this number for the on-call rota is ${spoken(code)}. Again: ${spoken(code)}.`;
      await queueCall(tx, { key, enquiryId: null, to: person.phone, twiml: voiceSay(words) }, now);
    } else {
      const body = `${office} desk: ${code} is the code to verify this number for the on-call rota. Reply with it, or give it to whoever added you. It works for ${CODE_MINUTES} minutes.`;
      await queueSms(tx, { key, enquiryId: null, to: person.phone, body, lane: 'notice' }, now);
    }
    // The code itself is never in the audit log: only that one was sent, and how.
    await audit(tx, {
      at: now,
      actor,
      action: 'rota.verification_sent',
      detail: { personId, name: person.name, phone: person.phone, by },
    });
    return by;
  }

  /**
   * Checks `code` for the person's current number: on a match the number is verified (audited as
   * `actor`) and the person returned. Refused as AppError('validation') with field `code`: not
   * six digits, none waiting, expired, too many wrong tries, or wrong (each wrong try counted).
   * A wrong try is counted even though the error rolls the caller's transaction back: it runs in
   * its own transaction unless one is given.
   */
  async verify(personId: string, typed: string, actor: Actor, db: Db | Tx = this.deps.db): Promise<Person> {
    const m = CODE.exec(typed ?? '');
    if (!m) throw validationError({ code: 'Enter the six-digit code' }, 'The number was not verified');
    const code = `${m[1]}${m[2]}`;
    const run = async (tx: Tx): Promise<Person | string> => {
      const now = this.deps.clock();
      const person = await rota.findPersonById(tx, personId);
      if (!person?.active) throw new AppError('not_found', 'There is no such person on the staff list.');
      const pending = await repo.findPendingForUpdate(tx, personId);
      if (!pending || pending.phone !== person.phone) return 'No code is waiting for this number: send one';
      if (pending.expires_at <= now) return 'That code has expired: send a new one';
      if (pending.attempts >= MAX_ATTEMPTS) return 'Too many wrong codes: send a new one';
      if (pending.code_hash !== hashOf(personId, person.phone, code)) {
        await repo.countAttempt(tx, personId);
        return 'That code is not right: check it and try again';
      }
      const verified = await repo.markVerified(tx, personId, person.phone, now);
      if (!verified) return 'No code is waiting for this number: send one';
      await audit(tx, {
        at: now,
        actor,
        action: 'rota.phone_verified',
        detail: { personId, name: verified.name, phone: verified.phone },
      });
      return verified;
    };
    // The wrong try must be counted even though the answer is an error: commit it, then refuse.
    const result = db.isTransaction ? await run(db as Tx) : await (db as Db).transaction().execute(run);
    if (typeof result === 'string') throw validationError({ code: result }, 'The number was not verified');
    return result;
  }

  /**
   * A code texted back from the number it was sent to: the answer, or null when the text is not
   * a code or no code waits for that phone (it is then someone else's to answer).
   */
  async verifyByText(tx: Tx, from: string, body: string): Promise<string | null> {
    if (!CODE.test(body)) return null;
    const pending = await repo.findPendingByPhone(tx, from);
    if (!pending) return null;
    try {
      const person = await this.verify(pending.personId, body, { userId: null, email: `sms:${from}` }, tx);
      return `Press Desk: thank you, ${person.name}. This number is verified for the on-call rota.`;
    } catch (err) {
      const fields = err instanceof AppError ? err.details.fields : undefined;
      if (!fields?.code) throw err;
      return `Press Desk: ${fields.code.replace(/^./, (c) => c.toLowerCase())}.`;
    }
  }

  /** Which of these people have a code waiting, and since when. */
  async pending(personIds: readonly string[]): Promise<Map<string, Date>> {
    return repo.pendingOf(this.deps.db, personIds);
  }
}
