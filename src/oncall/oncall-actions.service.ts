import { parsePhoneNumberFromString } from 'libphonenumber-js';
import twilio from 'twilio';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import type { Actor } from '../audit/audit.repository.js';
import type { AckVia, Page } from './paging.tables.js';
import { audit } from '../audit/audit.repository.js';
import { addEvent, findEventMatching } from '../enquiries/enquiries.repository.js';
import { callsBack } from '../enquiries/phone-numbers.js';
import type { OnCallVia } from '../enquiries/timeline.js';
import { formatDeadline } from '../hours/format.js';
import { AppError } from '../http/errors.js';
import { answeredByMachine } from '../outbox/delivery-status.js';
import { queueCall } from '../outbox/outbox.service.js';
import { spokenReference } from '../voice/voice.twiml.js';
import * as repo from './oncall-actions.repository.js';
import type { Candidate } from './oncall-actions.repository.js';
import { onCallActor, type OnCallContact, type OnCallOfficer } from './oncall.model.js';
import { activePageOf } from './paging.repository.js';

// Re-exported for the modules that took them from here.
export { onCallActor, type Candidate, type OnCallOfficer };

/** Who is on call (RotaService; a port, so this module does not load the rota and its link revocation). */
export interface OnCallLookup {
  onCallAt(at: Date, db?: Db | Tx): Promise<OnCallContact>;
}

/** Acknowledging pages (PagingService; a port: paging's delivery imports the link, which uses these actions). */
export interface PageAcknowledger {
  acknowledge(tx: Tx, pageIds: string[], ack: { by: string; via: AckVia }): Promise<Page[]>;
}

/**
 * What on-call actions need of the desk's casework (desk/casework.service.ts's CaseworkService, wired in
 * src/services.ts): a port, so that oncall/ does not import desk/ (desk imports oncall's paging).
 * Each runs in the caller's transaction and throws AppError('validation') on a bad text.
 */
export interface CaseworkPort {
  replyBySms(reference: string, text: unknown, actor: Actor, tx?: Tx): Promise<string>;
  addNote(reference: string, text: unknown, actor: Actor, tx?: Tx): Promise<string>;
  recordResponse(reference: string, text: unknown, actor: Actor, tx?: Tx): Promise<string>;
  setStatus(reference: string, status: string, actor: Actor, tx?: Tx): Promise<string | null>;
}

/** The officer texting from their phone: who they are, and what was sent to it that still counts. */
export interface SmsOfficer extends OnCallOfficer {
  reach: repo.Reach;
}

/** How much of the details INFO carries. */
export const INFO_DETAILS = 300;
/** How long Twilio rings the journalist on a callback before giving up. */
const CALLBACK_RING_SECONDS = 30;
/**
 * How many one-second pauses the officer's leg waits for Twilio's answering-machine verdict
 * before the journalist is rung anyway (a person who says nothing is judged `unknown` only after
 * Twilio's own timeout; the greeting before it usually covers the wait).
 */
export const CALLBACK_VERDICT_WAITS = 8;

function national(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatNational() ?? e164;
}

/**
 * What the on-call officer can do to an enquiry from a phone, by text command or through the
 * link in the page (the same actions either way): look it up, be put through to the journalist,
 * reply by SMS, add a note, record the line given and mark it answered. Every action runs in the
 * caller's transaction (an inbound text is recorded in the same one, so a retried text does
 * nothing twice), lands on the timeline and in the audit log with the officer as actor.
 */
export class OnCallActions {
  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      config: Pick<Config, 'office' | 'publicBaseUrl'> & {
        onCall: Pick<Config['onCall'], 'linkHours' | 'fallbackNumber' | 'callbackMaxMinutes'>;
        twilio: Pick<Config['twilio'], 'phoneNumber' | 'allowedCountries'>;
      };
      casework: CaseworkPort;
      rota: OnCallLookup;
      paging: PageAcknowledger;
    },
  ) {}

  /**
   * The officer behind `phone` if it may act at `now`, else null (a stranger). What was sent to a
   * phone counts for `onCall.linkHours` (like the link in a page), or since the start of the shift
   * of the person on call now when that is longer. It may act when it is the phone of the person
   * on call now (the primary: not the backup), or when a page or incident summary sent to it in
   * that time still speaks for it: never for a person taken off the staff list, nor through what
   * was sent to a number that has since stopped being theirs.
   */
  async officerFor(tx: Tx, phone: string, now: Date): Promise<SmsOfficer | null> {
    const person = await repo.activePersonByPhone(tx, phone);
    let after = new Date(now.getTime() - this.deps.config.onCall.linkHours * 3_600_000);
    const onCall = person ? await this.deps.rota.onCallAt(now, tx) : null;
    const onCallNow = person !== undefined && onCall?.personId === person.id;
    if (onCallNow) {
      const start = await repo.primaryShiftStart(tx, person.id, now);
      // A page sent the moment the shift began is part of it, also exactly linkHours later.
      if (start && start <= after) after = new Date(start.getTime() - 1);
    }
    const officer: SmsOfficer = {
      phone,
      name: person?.name ?? null,
      reach: { phone, after, fallback: this.deps.config.onCall.fallbackNumber },
    };
    if (onCallNow || (await repo.reachesAny(tx, officer.reach))) return officer;
    return null;
  }

  /**
   * The enquiries an officer's command without a reference may mean: those still open whose page
   * went to their phone within their reach, acknowledged or not (a night goes page, ACK, CALL),
   * newest first, one row per enquiry.
   */
  async candidates(tx: Tx, officer: SmsOfficer): Promise<Candidate[]> {
    return repo.pagedEnquiriesFor(tx, officer.reach);
  }

  /**
   * The enquiry `reference` (normalised) when the officer may act on it (paged to their phone, or
   * linked to an incident it holds), locked for the rest of `tx`; undefined otherwise, and for no
   * such enquiry: the caller cannot tell the two apart, so neither can the sender.
   */
  async reachableEnquiry(tx: Tx, officer: SmsOfficer, reference: string): Promise<Enquiry | undefined> {
    if (!(await repo.reaches(tx, officer.reach, reference))) return undefined;
    return repo.lockLiveEnquiry(tx, reference);
  }

  /** The enquiry `reference` (normalised), locked for the rest of `tx`; undefined when there is none or its data was erased. */
  findEnquiry(tx: Tx, reference: string): Promise<Enquiry | undefined> {
    return repo.lockLiveEnquiry(tx, reference);
  }

  /** The INFO text: journalist, outlet, phone, deadline, subject and the start of the details (at most about four SMS segments). */
  info(e: Enquiry, now: Date): string {
    const who = [e.name || 'Journalist', e.outlet].filter(Boolean).join(', ');
    const contact = [e.phone ? national(e.phone) : null, e.email].filter(Boolean).join(', ') || 'no contact details';
    const deadline = e.deadline
      ? `Deadline ${formatDeadline(e.deadline, this.deps.config.office, now)}.`
      : 'No deadline given.';
    const details = e.details.replace(/\s+/g, ' ').trim();
    const start = details.length > INFO_DETAILS ? `${details.slice(0, INFO_DETAILS - 1)}…` : details;
    return `${e.reference}: ${who} (${contact}). ${deadline} Subject: ${e.subject.replace(/\s+/g, ' ')}. ${start}`;
  }

  /**
   * The officer has it: their work on the enquiry (the link's "I have it", a call, reply, note or
   * the line recorded, by link or text) acknowledges its page the way an ACK does, in the action's
   * transaction (so a refused action acknowledges nothing). Reading it (INFO, opening the link)
   * does not: the officer may only have glanced at it. Returns true when this acknowledged the page;
   * false when there was none still waiting.
   */
  async acknowledge(tx: Tx, e: Enquiry, officer: OnCallOfficer, via: OnCallVia): Promise<boolean> {
    const page = await activePageOf(tx, e.id);
    if (!page) return false;
    const acked = await this.deps.paging.acknowledge(tx, [page.id], { by: onCallActor(officer).email, via });
    return acked.length > 0;
  }

  /** Records that the officer looked the enquiry up. */
  async viewed(tx: Tx, e: Enquiry, officer: OnCallOfficer, via: OnCallVia, now: Date): Promise<void> {
    const actor = onCallActor(officer);
    await addEvent(tx, { enquiryId: e.id, at: now, kind: 'oncall_viewed', actor: actor.email, data: { via } });
    await audit(tx, { at: now, actor, action: 'oncall.viewed', enquiryId: e.id, detail: { via } });
  }

  /**
   * Puts the officer through to the journalist: a call from the press office number rings the
   * officer first (with answering-machine detection) and then, once a person answered, dials the
   * journalist with the press office number as caller ID, so neither sees the other's number.
   * Once per `key` (a text's MessageSid, a link action's form). A number Press Desk does not call
   * (premium-rate, abroad: phone-numbers.ts) is refused.
   */
  async call(
    tx: Tx,
    e: Enquiry,
    officer: OnCallOfficer,
    key: string,
    now: Date,
    via: OnCallVia = 'sms',
  ): Promise<void> {
    if (!e.phone) throw new AppError('validation', `${e.reference} has no phone number to call`);
    if (!callsBack(e.phone, this.deps.config.twilio.allowedCountries)) {
      throw new AppError(
        'validation',
        `${e.reference} has a number Press Desk does not call (premium-rate, satellite or abroad): INFO gives the journalist's other contact details`,
      );
    }
    const actor = onCallActor(officer);
    const callKey = `callback:${key}`;
    await queueCall(
      tx,
      { key: callKey, enquiryId: e.id, to: officer.phone, twiml: this.callbackTwiml(e, callKey), detectMachine: true },
      now,
    );
    await addEvent(tx, {
      enquiryId: e.id,
      at: now,
      kind: 'callback_requested',
      actor: actor.email,
      data: { key: callKey, via },
    });
    await audit(tx, { at: now, actor, action: 'oncall.call', enquiryId: e.id, detail: { via } });
  }

  /** Queues an SMS to the journalist from the press office number (through the outbox); returns where it goes. */
  async reply(tx: Tx, e: Enquiry, officer: OnCallOfficer, text: string): Promise<{ to: string }> {
    if (!e.phone) throw new AppError('validation', `${e.reference} has no phone number to text`);
    await this.deps.casework.replyBySms(e.reference, text, onCallActor(officer), tx);
    return { to: national(e.phone) };
  }

  /** Adds an internal note. */
  async note(tx: Tx, e: Enquiry, officer: OnCallOfficer, text: string): Promise<void> {
    await this.deps.casework.addNote(e.reference, text, onCallActor(officer), tx);
  }

  /** Records `text` as the response given and marks the enquiry answered. */
  async done(tx: Tx, e: Enquiry, officer: OnCallOfficer, text: string): Promise<void> {
    const actor = onCallActor(officer);
    await this.deps.casework.recordResponse(e.reference, text, actor, tx);
    await this.deps.casework.setStatus(e.reference, 'answered', actor, tx);
  }

  /**
   * How a callback's journalist leg ended (Twilio's `<Dial>` action): on the timeline of the
   * enquiry the call was about. Returns false when `key` names no callback of ours.
   */
  async callbackEnded(key: string, result: { status: string; seconds: number | null }): Promise<boolean> {
    return this.deps.db.transaction().execute(async (tx) => {
      const enquiryId = await repo.enquiryOfCall(tx, key);
      if (!enquiryId) return false;
      if (await repo.callbackEvent(tx, enquiryId, key, 'callback_ended')) return true;
      // The call was the officer's who asked for it.
      const requested = await repo.callbackEvent(tx, enquiryId, key, 'callback_requested');
      await addEvent(tx, {
        enquiryId,
        at: this.deps.clock(),
        kind: 'callback_ended',
        actor: requested?.actor ?? null,
        data: { key, status: result.status, seconds: result.seconds },
      });
      return true;
    });
  }

  /**
   * The officer's leg once the greeting has played (`POST /twilio/voice/callback-connect`, the
   * greeting's `<Redirect>`; `wait` counts the pauses so far): a voicemail box or fax that answered
   * hears nothing more and the call ends; while Twilio's verdict has not come, a one-second pause
   * and ask again (at most `CALLBACK_VERDICT_WAITS` times); then the dial to the journalist, at most
   * `onCall.callbackMaxMinutes` long. Null when `key` names no callback of ours.
   */
  async connect(key: string, wait: number): Promise<string | null> {
    const r = new twilio.twiml.VoiceResponse();
    const ready = await this.deps.db.transaction().execute(async (tx) => {
      const enquiryId = await repo.enquiryOfCall(tx, key);
      if (!enquiryId) return null;
      const verdict = await findEventMatching(tx, enquiryId, 'callback_answered', { key });
      if (verdict && answeredByMachine(verdict.data.answeredBy)) return 'machine' as const;
      if (!verdict && wait < CALLBACK_VERDICT_WAITS) return 'wait' as const;
      // Read now, not when the call was queued: the number may have been erased or changed since.
      const e = await repo.liveEnquiryById(tx, enquiryId);
      return e?.phone && callsBack(e.phone, this.deps.config.twilio.allowedCountries) ? e : ('gone' as const);
    });
    if (ready === null) return null;
    if (ready === 'machine') {
      r.hangup();
    } else if (ready === 'wait') {
      r.pause({ length: 1 });
      r.redirect({ method: 'POST' }, this.callbackUrl('callback-connect', key, { wait: String(wait + 1) }));
    } else if (ready === 'gone') {
      r.say({ voice: 'alice', language: 'en-GB' }, 'The journalist can no longer be called from Press Desk. Goodbye.');
      r.hangup();
    } else {
      const dial = r.dial({
        callerId: this.deps.config.twilio.phoneNumber,
        timeout: CALLBACK_RING_SECONDS,
        // A bridge left open (a phone in a pocket, a voicemail box) is not billed all night.
        timeLimit: this.deps.config.onCall.callbackMaxMinutes * 60,
        action: this.callbackUrl('callback-result', key),
        method: 'POST',
      });
      dial.number(ready.phone!);
    }
    return r.toString();
  }

  /** The absolute URL of the callback step `step` about call `key`. */
  private callbackUrl(
    step: 'callback-connect' | 'callback-result',
    key: string,
    extra: Record<string, string> = {},
  ): string {
    const query = new URLSearchParams({ key, ...extra });
    return `${this.deps.config.publicBaseUrl.replace(/\/+$/, '')}/twilio/voice/${step}?${query.toString()}`;
  }

  /**
   * What the officer hears when their phone rings; then the connect step, which rings the
   * journalist only once Twilio says a person (not a voicemail box) answered. The journalist's
   * number is not in this TwiML: it is read when the dial starts.
   */
  private callbackTwiml(e: Enquiry, key: string): string {
    const r = new twilio.twiml.VoiceResponse();
    r.say(
      { voice: 'alice', language: 'en-GB' },
      `Press Desk. Connecting you to the journalist for enquiry ${spokenReference(e.reference)}. Please hold.`,
    );
    r.redirect({ method: 'POST' }, this.callbackUrl('callback-connect', key));
    return r.toString();
  }
}
