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
import { t, type MessageKey } from '../i18n/catalogue.js';
import { pickLanguage, type Lang } from '../i18n/languages.js';
import { judgeEnquiry, nextStepMessage } from '../enquiries/urgency.js';
import * as repo from './voice.repository.js';
import type { VoiceCall } from './voice.tables.js';
import * as twiml from './voice.twiml.js';

/** What every webhook of a call carries: its sid and the caller (E.164, or null when withheld). */
export interface CallRef {
  callSid: string;
  from: string | null;
  /** The `?lang=` the step's URL carries (issue 31): the language the caller chose, unchecked. */
  lang?: string;
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

  /** The languages the office offers callers, its first language first. */
  private get offered(): readonly Lang[] {
    return this.deps.config.office.languages;
  }

  /** The language a step of `call` answers in: the one its URL carries if offered, else the office's first. */
  private langOf(call: CallRef): Lang {
    return pickLanguage(this.offered, { chosen: call.lang ?? null });
  }

  /** The URLs for a caller speaking `lang`: tagged with it only when there was a choice to make. */
  private urlsFor(lang: Lang): twiml.VoiceUrls {
    return this.offered.length > 1 ? twiml.voiceUrls(this.deps.config.publicBaseUrl, lang) : this.urls;
  }

  /** The message `key` in `lang`. */
  private tr(lang: Lang, key: MessageKey): string {
    return t(lang, key);
  }

  /**
   * A call to the press office number (`POST /twilio/voice`): ring the desk in hours, the menu out
   * of hours. When the office offers two languages, the caller first hears the choice of the
   * second (`/voice/language` then answers in the chosen one).
   */
  async incoming(call: CallRef): Promise<string> {
    return this.deps.db.transaction().execute(async (tx) => {
      const row = await this.ensureCall(tx, call);
      const [first, second] = this.offered;
      if (second && first && row.stage !== 'connecting' && row.stage !== 'done')
        return twiml.languageChoice({ first, second, urls: this.urls });
      return this.answerFor(row, this.langOf(call));
    });
  }

  /**
   * The caller's key at the language choice (`/voice/language`): 9 is the office's second
   * language; anything else, or the redirect after no key (`?lang=` the first), is the first.
   * Then the call goes on as `incoming` would, in that language.
   */
  async chooseLanguage(call: CallRef, digits: string): Promise<string> {
    const [first = 'en', second] = this.offered;
    const lang = digits === '9' && second ? second : first;
    return this.deps.db.transaction().execute(async (tx) => {
      const row = await this.ensureCall(tx, { ...call, lang });
      return this.answerFor(row, lang);
    });
  }

  /** The caller's key at the out-of-hours menu (`/gather`); `digits` empty when they pressed nothing (taken as 2). */
  async gather(call: CallRef, digits: string): Promise<string> {
    return this.deps.db.transaction().execute(async (tx) => {
      const row = await this.ensureCall(tx, call);
      const lang = this.langOf(call);
      if (row.stage !== 'menu') return this.answerFor(row, lang);
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
          return this.connect(row.call_sid, contact.phone, lang);
        }
        await repo.updateCall(tx, row.call_sid, { stage: 'message' });
        const pages = !refused && !(row.from_number === null && this.deps.config.intake.pageRateLimit);
        return this.askForMessage(
          lang,
          this.tr(lang, pages ? 'voice.messagePagesOnCall' : 'voice.messageMarkedUrgent'),
        );
      }
      if (key === '2') {
        await repo.updateCall(tx, row.call_sid, { stage: 'message' });
        return this.askForMessage(lang, this.tr(lang, 'voice.messageForMorning'));
      }
      return twiml.outOfHoursMenu({ closedText: '', urls: this.urlsFor(lang), again: true, lang });
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
    const lang = this.langOf(call);
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
        return this.askForMessage(lang, this.tr(lang, 'voice.deskBusy'));
      }
      if (row.stage === 'connecting') {
        if (row.accepted_at && result.status === 'completed') {
          const enquiry = await this.recordConnectedCall(tx, row, result.seconds, now, lang);
          created = enquiry.reference;
          return twiml.goodbye();
        }
        if (result.status === 'canceled') return this.hungUp(tx, row, now);
        await repo.updateCall(tx, row.call_sid, { stage: 'message', outcome: 'not_accepted' });
        return this.askForMessage(lang, this.tr(lang, 'voice.onCallMissed'));
      }
      return this.answerFor(row, lang);
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
    const lang = this.langOf(call);
    const answer = await this.deps.db.transaction().execute(async (tx) => {
      const row = await this.ensureCall(tx, call);
      const now = this.deps.clock();
      if (row.recording_sid) return twiml.goodbye(this.tr(lang, 'voice.thankYouGoodbye'), lang);
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
        if (lang !== 'en') await repo.setEnquiryLanguage(tx, enquiry.id, lang);
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
        // In the enquiry's language (issue 31): a call joining an open enquiry keeps the language it has.
        const smsLang: Lang = thread ? enquiry.language : lang;
        const body = t(smsLang, thread ? 'texts.voice.added' : 'texts.voice.received', {
          office: this.deps.config.office.name,
          reference: enquiry.reference,
          nextStep: smsLang === 'en' ? result.nextStep : this.nextStepIn(smsLang, enquiry, result, now),
        });
        // The link goes after the cut, so trimming a long next step never breaks it.
        const link = t(smsLang, 'texts.voice.link', { link: redactedStatusUrl(this.deps.config.publicBaseUrl) });
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
        nextStep: lang === 'en' ? result.nextStep : this.nextStepIn(lang, enquiry, result, now),
        smsFollows,
        joined: Boolean(thread),
        lang,
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
  private answerFor(row: VoiceCall, lang: Lang): string {
    const urls = this.urlsFor(lang);
    switch (row.stage) {
      case 'desk':
        return twiml.ringDesk({
          deskNumbers: this.deps.config.voice.deskNumbers,
          ringSeconds: this.deps.config.voice.ringSeconds,
          callerId: row.from_number,
          urls,
          lang,
        });
      case 'menu':
        return twiml.outOfHoursMenu({
          closedText: spokenOfficeStatus(this.deps.clock(), this.deps.config.office, lang).text,
          urls,
          lang,
        });
      case 'connecting':
        return this.connect(row.call_sid, row.dialled_number ?? this.deps.config.onCall.fallbackNumber, lang);
      case 'message':
        return this.askForMessage(lang, row.out_of_hours ? undefined : this.tr(lang, 'voice.thanksForCalling'));
      case 'done':
        return twiml.goodbye();
    }
  }

  private connect(callSid: string, officerNumber: string, lang: Lang): string {
    const { ringSeconds } = this.deps.config.voice;
    return twiml.connectOnCall({
      callSid,
      officerNumber,
      ringSeconds,
      pressOfficeNumber: this.deps.config.twilio.phoneNumber,
      urls: this.urlsFor(lang),
      lang,
    });
  }

  private askForMessage(lang: Lang, before?: string): string {
    return twiml.askForMessage({
      before,
      maxSeconds: this.deps.config.voice.maxMessageSeconds,
      urls: this.urlsFor(lang),
      lang,
    });
  }

  /**
   * The honest next step in `lang` for a caller who left a message: the enquiry service words it
   * in English for the record, so it is judged again here, the same way, in the caller's language.
   */
  private nextStepIn(lang: Lang, enquiry: Enquiry, result: SubmitOutcome, now: Date): string {
    const j = judgeEnquiry(now, { deadline: enquiry.deadline, saysUrgent: enquiry.urgent }, this.deps.config);
    return nextStepMessage(
      j,
      { now, deadline: enquiry.deadline, pagedOnCall: result.pagedOnCall, config: this.deps.config },
      lang,
    );
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
  private async recordConnectedCall(
    tx: Tx,
    row: VoiceCall,
    seconds: number | null,
    now: Date,
    lang: Lang,
  ): Promise<Enquiry> {
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
    if (lang !== 'en') await repo.setEnquiryLanguage(tx, enquiry.id, lang);
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
