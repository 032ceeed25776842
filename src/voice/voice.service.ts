import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { takesTexts } from '../enquiries/phone-numbers.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { addEvent, findOpenThreadForUpdate, lockKey } from '../enquiries/enquiries.repository.js';
import type { ArrivalsPort, EnquiryService, SubmitOutcome } from '../enquiries/enquiries.service.js';
import { normaliseText } from '../enquiries/enquiry.input.js';
import type { CallOutcome } from '../enquiries/timeline.js';
import { isOpen } from '../hours/office-hours.js';
import { spokenOfficeStatus } from '../hours/spoken.js';
import { formatShortTime } from '../hours/format.js';
import type { Logger } from '../log.js';
import { redactedStatusUrl } from '../enquiries/status-link.js';
import { queueSms } from '../outbox/outbox.service.js';
import type { TwilioGateway } from '../telephony/twilio.client.js';
import * as repo from './voice.repository.js';
import type { VoiceCall } from './voice.tables.js';
import * as twiml from './voice.twiml.js';

/** What every webhook of a call carries: its sid and the caller (E.164, or null when withheld). */
export interface CallRef {
  callSid: string;
  from: string | null;
}

/**
 * Who is on call, to put an urgent caller through (oncall/rota.service.ts's RotaService, wired in
 * src/services.ts): a port, so that voice/ does not import oncall/, which reads references out with
 * voice's TwiML.
 */
export interface OnCallNow {
  onCallAt(at: Date, db?: Db | Tx): Promise<{ personId: string | null; name: string; phone: string }>;
}

/** What the phone line needs. */
export interface VoiceServiceDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'office' | 'intake' | 'onCall' | 'voice' | 'publicBaseUrl'> & {
    twilio: Pick<Config['twilio'], 'phoneNumber' | 'allowedCountries'>;
  };
  enquiries: EnquiryService;
  rota: OnCallNow;
  gateway: Pick<TwilioGateway, 'deleteRecording'>;
  log: Logger;
  arrivals?: ArrivalsPort;
}

const SUBJECT_FROM_TRANSCRIPT = 70;

/** "07700 900123"-style display of a caller for the desk, or "a withheld number". */
function shownNumber(from: string | null): string {
  if (!from) return 'a withheld number';
  return parsePhoneNumberFromString(from)?.formatNational() ?? from;
}

/** True when `e164` is a mobile number, so a text with the reference can reach the caller. */

/**
 * The press office's phone line: each webhook of a call moves it one step (desk, out-of-hours
 * menu, connecting to the on-call officer, message, done), under a lock on the call's row, and
 * answers with the TwiML for the next step. A call becomes an enquiry (channel `voice`) when the
 * caller leaves a message or is put through to the on-call officer; a caller who hangs up first
 * leaves only the call record (the digest lists it). Every handler is safe to repeat: Twilio
 * retries webhooks.
 */
export class VoiceService {
  private readonly urls: twiml.VoiceUrls;

  constructor(private readonly deps: VoiceServiceDeps) {
    this.urls = twiml.voiceUrls(deps.config.publicBaseUrl);
  }

  /** A call to the press office number (`POST /twilio/voice`): ring the desk in hours, the menu out of hours. */
  async incoming(call: CallRef): Promise<string> {
    return this.deps.db.transaction().execute(async (tx) => {
      const row = await this.ensureCall(tx, call);
      return this.answerFor(row);
    });
  }

  /** The caller's key at the out-of-hours menu (`/gather`); `digits` empty when they pressed nothing (taken as 2). */
  async gather(call: CallRef, digits: string): Promise<string> {
    return this.deps.db.transaction().execute(async (tx) => {
      const row = await this.ensureCall(tx, call);
      if (row.stage !== 'menu') return this.answerFor(row);
      const key = digits || '2';
      if (key === '1') {
        await repo.updateCall(tx, row.call_sid, { urgent: true });
        const now = this.deps.clock();
        // Ringing the on-call phone spends from the caller's page budget like any page; a
        // withheld number has no budget, and past it the caller leaves a message instead.
        const refused =
          this.deps.config.voice.outOfHoursUrgent === 'connect'
            ? await this.deps.enquiries.spendPage(tx, { phone: row.from_number }, now)
            : null;
        if (this.deps.config.voice.outOfHoursUrgent === 'connect' && !refused) {
          const contact = await this.deps.rota.onCallAt(now, tx);
          await repo.updateCall(tx, row.call_sid, {
            stage: 'connecting',
            dialled_number: contact.phone,
            dialled_name: contact.personId ? contact.name : null,
          });
          return this.connect(row.call_sid, contact.phone);
        }
        await repo.updateCall(tx, row.call_sid, { stage: 'message' });
        const pages = !refused && !(row.from_number === null && this.deps.config.intake.pageRateLimit);
        return this.askForMessage(
          pages
            ? 'Your message will be passed to the on-call press officer straight away.'
            : 'Your message will be marked urgent for the press office.',
        );
      }
      if (key === '2') {
        await repo.updateCall(tx, row.call_sid, { stage: 'message' });
        return this.askForMessage('Your message will be passed to the press office when it opens.');
      }
      return twiml.outOfHoursMenu({ closedText: '', urls: this.urls, again: true });
    });
  }

  /**
   * The on-call officer's leg (`/whisper?call=…`): without `digits`, they have just answered and
   * hear who is calling; with `1`, they accepted and the legs are bridged. Anything else, or a
   * caller who is no longer waiting, ends their leg.
   */
  async whisper(parentCallSid: string, digits: string | undefined): Promise<string> {
    return this.deps.db.transaction().execute(async (tx) => {
      const row = await repo.lockCall(tx, parentCallSid);
      if (row?.stage !== 'connecting') return twiml.declineLeg('The caller is no longer waiting. Goodbye.');
      if (digits === undefined)
        return twiml.whisper({ from: row.from_number, acceptUrl: this.urls.whisper(parentCallSid) });
      if (digits !== '1') return twiml.declineLeg();
      if (!row.accepted_at) await repo.updateCall(tx, parentCallSid, { accepted_at: this.deps.clock() });
      return twiml.bridge();
    });
  }

  /**
   * How a `<Dial>` ended (`/dial-result`): answered by the desk, or accepted by the on-call
   * officer (an enquiry for the record), or the caller is asked for a message. Twilio reports a
   * leg declined in the whisper as a completed dial, so acceptance is read from our own record.
   */
  async dialResult(call: CallRef, result: { status: string; seconds: number | null }): Promise<string> {
    let created: string | null = null;
    const answer = await this.deps.db.transaction().execute(async (tx) => {
      const row = await this.ensureCall(tx, call);
      const now = this.deps.clock();
      if (row.stage === 'desk') {
        if (result.status === 'completed') {
          await repo.updateCall(tx, row.call_sid, {
            stage: 'done',
            outcome: 'desk_answered',
            connected_seconds: result.seconds,
            ended_at: now,
          });
          return twiml.goodbye();
        }
        if (result.status === 'canceled') return this.hungUp(tx, row, now);
        await repo.updateCall(tx, row.call_sid, { stage: 'message' });
        return this.askForMessage('Nobody on the press desk could take your call just now.');
      }
      if (row.stage === 'connecting') {
        if (row.accepted_at && result.status === 'completed') {
          const enquiry = await this.recordConnectedCall(tx, row, result.seconds, now);
          created = enquiry.reference;
          return twiml.goodbye();
        }
        if (result.status === 'canceled') return this.hungUp(tx, row, now);
        await repo.updateCall(tx, row.call_sid, { stage: 'message', outcome: 'not_accepted' });
        return this.askForMessage(
          'The on-call press officer could not take your call. Your message will be passed to them straight away.',
        );
      }
      return this.answerFor(row);
    });
    if (created) this.deps.arrivals?.announce(created);
    return answer;
  }

  /**
   * The message the caller left (`/recording`, Twilio's `<Record>` action): a new enquiry, or an
   * addition to the caller's open one within `intake.smsThreadHours`; urgent when they pressed 1
   * (and then paged out of hours, as any urgent enquiry). Nothing recorded: the call ends with no
   * enquiry. Answers with the reference, read out, and the honest next step.
   */
  async recording(call: CallRef, rec: { recordingSid: string | null; seconds: number }): Promise<string> {
    let created: string | null = null;
    const answer = await this.deps.db.transaction().execute(async (tx) => {
      const row = await this.ensureCall(tx, call);
      const now = this.deps.clock();
      if (row.recording_sid) return twiml.goodbye('Thank you. Goodbye.');
      if (!rec.recordingSid || rec.seconds <= 0) return this.hungUp(tx, row, now);
      const outcome: CallOutcome = row.outcome === 'not_accepted' ? 'not_accepted' : 'voicemail';
      // A second call, or a call after a text, within the thread window joins the open enquiry.
      const thread = row.from_number
        ? await findOpenThreadForUpdate(
            tx,
            row.from_number,
            ['voice', 'sms'],
            new Date(now.getTime() - this.deps.config.intake.smsThreadHours * 3_600_000),
          )
        : undefined;
      let enquiry: Enquiry;
      let result: SubmitOutcome;
      if (thread) {
        await this.callEvents(tx, thread.id, row, outcome, now);
        await addEvent(tx, {
          enquiryId: thread.id,
          at: now,
          kind: 'voicemail',
          data: { callSid: row.call_sid, recordingSid: rec.recordingSid, seconds: rec.seconds },
        });
        ({ enquiry, outcome: result } = await this.deps.enquiries.followUpInTx(tx, thread, {
          saysUrgent: row.urgent,
          urgentReason: 'Caller pressed 1 (urgent) on a follow-up call',
          sender: { phone: row.from_number },
        }));
      } else {
        const when = formatShortTime(now, this.deps.config.office, now);
        ({ enquiry, outcome: result } = await this.deps.enquiries.submitInTx(
          tx,
          {
            name: '',
            outlet: '',
            email: null,
            phone: row.from_number,
            subject: `Voicemail from ${shownNumber(row.from_number)}`,
            details: `Phone message left at ${when} (${rec.seconds} s)${row.urgent ? '; the caller pressed 1 (urgent)' : ''}. Play it from the timeline; the transcription is added when Twilio sends it.`,
            deadline: null,
            urgent: row.urgent,
          },
          'voice',
          { sender: { phone: row.from_number } },
        ));
        created = enquiry.reference;
        await this.callEvents(tx, enquiry.id, row, outcome, now);
        await addEvent(tx, {
          enquiryId: enquiry.id,
          at: now,
          kind: 'voicemail',
          data: { callSid: row.call_sid, recordingSid: rec.recordingSid, seconds: rec.seconds },
        });
      }
      await repo.updateCall(tx, row.call_sid, {
        stage: 'done',
        outcome,
        enquiry_id: enquiry.id,
        recording_sid: rec.recordingSid,
        recording_seconds: rec.seconds,
        ended_at: now,
      });
      const smsFollows = takesTexts(row.from_number, this.deps.config.twilio.allowedCountries);
      if (smsFollows) {
        const body = thread
          ? `${this.deps.config.office.name}: thank you, we have added your phone message to your enquiry ${enquiry.reference}. ${result.nextStep}`
          : `${this.deps.config.office.name}: thank you for your phone message. Your reference is ${enquiry.reference}. ${result.nextStep}`;
        // The link goes after the cut, so trimming a long next step never breaks it.
        const link = ` See where it stands: ${redactedStatusUrl(this.deps.config.publicBaseUrl)}`;
        await queueSms(
          tx,
          {
            key: `voice-ack:${row.call_sid}`,
            enquiryId: enquiry.id,
            to: row.from_number!,
            body: body.slice(0, 1500) + link,
            lane: 'journalist',
          },
          now,
        );
      }
      return twiml.messageTaken({
        reference: enquiry.reference,
        nextStep: result.nextStep,
        smsFollows,
        joined: Boolean(thread),
      });
    });
    if (created) this.deps.arrivals?.announce(created);
    return answer;
  }

  /**
   * Twilio's transcription of a message (`/transcription`): stored once, on the timeline, and in
   * the enquiry's details (so the desk's search finds it); a failed one is recorded as such. A
   * transcription of a recording we do not know, or of an erased enquiry, is not kept.
   */
  async transcription(input: { recordingSid: string; text: string | null }): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const row = await repo.lockCallByRecording(tx, input.recordingSid);
      if (!row) {
        this.deps.log.warn({ recordingSid: input.recordingSid }, 'transcription for an unknown recording');
        return;
      }
      // '' marks a failed transcription as handled, so a retry adds nothing.
      if (row.transcription !== null || row.recording_deleted_at) return;
      const text = input.text === null ? null : normaliseText(input.text, true).slice(0, 10_000);
      await repo.updateCall(tx, row.call_sid, { transcription: text ?? '' });
      if (!row.enquiry_id) return;
      const live = await repo.lockLiveEnquiry(tx, row.enquiry_id);
      if (!live) return;
      await addEvent(tx, {
        enquiryId: live.id,
        at: this.deps.clock(),
        kind: 'transcription',
        data: { recordingSid: input.recordingSid, text: text || null },
      });
      if (text) {
        const subject =
          live.channel === 'voice' && live.subject.startsWith('Voicemail from ')
            ? `Voicemail: ${text.length > SUBJECT_FROM_TRANSCRIPT ? `${text.slice(0, SUBJECT_FROM_TRANSCRIPT - 1)}…` : text}`
            : live.subject;
        await repo.updateEnquiryTexts(tx, live.id, {
          subject,
          details: `${live.details}\n\nTranscription (automatic, may contain errors): ${text}`,
          updated_at: this.deps.clock(),
        });
      }
    });
  }

  /**
   * Deletes a recording at Twilio (task `delete_recording`, queued by erasure) and records it.
   * Twilio's "already gone" counts as done; any other failure throws so the job retries.
   */
  async deleteRecording(recordingSid: string): Promise<void> {
    await this.deps.gateway.deleteRecording(recordingSid);
    await this.deps.db.transaction().execute(async (tx) => {
      const marked = await repo.markRecordingDeleted(tx, recordingSid, this.deps.clock());
      if (marked?.enquiry_id)
        await addEvent(tx, {
          enquiryId: marked.enquiry_id,
          at: this.deps.clock(),
          kind: 'recording_deleted',
          data: { recordingSid },
        });
    });
  }

  /** The call's row, created on the first webhook Twilio sends for it (or on any later one, if the first was lost). */
  private async ensureCall(tx: Tx, call: CallRef): Promise<VoiceCall> {
    const now = this.deps.clock();
    const open = isOpen(now, this.deps.config.office);
    await lockKey(tx, `call:${call.callSid}`);
    const existing = await repo.lockCall(tx, call.callSid);
    if (existing) return existing;
    const stage = open ? (this.deps.config.voice.deskNumbers.length ? 'desk' : 'message') : 'menu';
    return repo.startCall(tx, {
      call_sid: call.callSid,
      from_number: call.from,
      started_at: now,
      out_of_hours: !open,
      stage,
    });
  }

  /** The TwiML for a call at its current stage (a first webhook, or a retry of one already answered). */
  private answerFor(row: VoiceCall): string {
    switch (row.stage) {
      case 'desk':
        return twiml.ringDesk({
          deskNumbers: this.deps.config.voice.deskNumbers,
          ringSeconds: this.deps.config.voice.ringSeconds,
          callerId: row.from_number,
          urls: this.urls,
        });
      case 'menu':
        return twiml.outOfHoursMenu({
          closedText: spokenOfficeStatus(this.deps.clock(), this.deps.config.office).text,
          urls: this.urls,
        });
      case 'connecting':
        return this.connect(row.call_sid, row.dialled_number ?? this.deps.config.onCall.fallbackNumber);
      case 'message':
        return this.askForMessage(row.out_of_hours ? undefined : 'Thank you for calling the press office.');
      case 'done':
        return twiml.goodbye();
    }
  }

  private connect(callSid: string, officerNumber: string): string {
    const { ringSeconds } = this.deps.config.voice;
    return twiml.connectOnCall({
      callSid,
      officerNumber,
      ringSeconds,
      pressOfficeNumber: this.deps.config.twilio.phoneNumber,
      urls: this.urls,
    });
  }

  private askForMessage(before?: string): string {
    return twiml.askForMessage({ before, maxSeconds: this.deps.config.voice.maxMessageSeconds, urls: this.urls });
  }

  /** The caller went before leaving a message: the call is kept for the record, no enquiry. */
  private async hungUp(tx: Tx, row: VoiceCall, now: Date): Promise<string> {
    await repo.updateCall(tx, row.call_sid, { stage: 'done', outcome: 'hung_up', ended_at: now });
    return twiml.goodbye();
  }

  private async callEvents(tx: Tx, enquiryId: string, row: VoiceCall, outcome: CallOutcome, now: Date): Promise<void> {
    await addEvent(tx, {
      enquiryId,
      at: now,
      kind: 'call_in',
      data: { callSid: row.call_sid, from: row.from_number, outOfHours: row.out_of_hours, outcome },
    });
  }

  /** The on-call officer took the call: an urgent enquiry for the record, not paged (they have it). */
  private async recordConnectedCall(tx: Tx, row: VoiceCall, seconds: number | null, now: Date): Promise<Enquiry> {
    const who = row.dialled_name ?? 'the out-of-hours line';
    const { enquiry } = await this.deps.enquiries.submitInTx(
      tx,
      {
        name: '',
        outlet: '',
        email: null,
        phone: row.from_number,
        subject: `Phone call from ${shownNumber(row.from_number)}, put through to the on-call officer`,
        details: `Out-of-hours call; the caller pressed 1 (urgent) and ${who} took it${seconds !== null ? ` (${seconds} s)` : ''}. What was said is for the officer to record.`,
        deadline: null,
        urgent: true,
      },
      'voice',
      { withOnCall: true },
    );
    await this.callEvents(tx, enquiry.id, row, 'connected_on_call', now);
    await addEvent(tx, {
      enquiryId: enquiry.id,
      at: now,
      kind: 'call_connected',
      data: { callSid: row.call_sid, to: row.dialled_number ?? '', name: row.dialled_name, seconds },
    });
    await repo.updateCall(tx, row.call_sid, {
      stage: 'done',
      outcome: 'connected_on_call',
      enquiry_id: enquiry.id,
      connected_seconds: seconds,
      ended_at: now,
    });
    return enquiry;
  }
}
