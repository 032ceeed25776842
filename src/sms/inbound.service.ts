import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import * as repo from '../enquiries/enquiries.repository.js';
import type { ArrivalsPort, EnquiryService } from '../enquiries/enquiries.service.js';
import { normaliseText } from '../enquiries/enquiry.input.js';
import { callsBack } from '../enquiries/phone-numbers.js';
import { derivedBearerToken, hashBearerToken } from '../http/bearer-token.js';
import { hasStatusLink, redactedStatusUrl, withStatusLink } from '../enquiries/status-link.js';
import { insertStatusLink } from '../enquiries/status-link.repository.js';
import { detectLanguage } from '../i18n/detect.js';
import { t } from '../i18n/catalogue.js';
import { optOutChange } from './opt-out.js';
import { clearOptOut, openEnquiriesOf, recordOptOut } from './opt-out.repository.js';
import * as intake from './sms-intake.repository.js';
import { addToThread, openThreadFor } from './sms-thread.service.js';

/** Longest SMS text stored; Twilio joins at most 1,600 characters, so this only stops abuse. */
export const MAX_SMS_BODY = 20_000;
const SUBJECT_LENGTH = 80;

/**
 * Handles an on-call officer's text (ACK, and the commands INFO, CALL, REPLY, NOTE, DONE, HELP)
 * inside the inbound transaction, which also stores the message with the reply; returns the reply
 * text, or null when the text is not for it (it is then a journalist's).
 */
export interface AckHandler {
  handle(tx: Tx, message: { from: string; body: string; messageSid: string }): Promise<string | null>;
}

/**
 * Texts for someone inside the office other than on-call (a colleague answering the desk's
 * question: src/colleagues/), tried after the on-call commands and before a journalist's: the
 * reply, and the enquiry it changed (the text is stored with it, so erasing the enquiry erases it,
 * and its queue row is re-read after the commit); null when the text is not for it.
 */
export interface InternalTexts {
  handle(
    tx: Tx,
    message: { from: string; body: string },
  ): Promise<{ reply: string; enquiry: { id: string; reference: string } | null } | null>;
}

export interface InboundSmsDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'intake' | 'office' | 'publicBaseUrl'> & {
    twilio: Pick<Config['twilio'], 'authToken' | 'allowedCountries'>;
  };
  enquiries: EnquiryService;
  acks?: AckHandler;
  internal?: InternalTexts;
  /** Told about each new enquiry once its transaction has committed. */
  arrivals?: ArrivalsPort;
  /** Told about an enquiry an internal text changed, once its transaction has committed. */
  changes?: { announceChange(reference: string): void };
}

/** True when the text contains the word URGENT in any case ("urgent!", "URGENT:" count; "nonurgent" does not). */
export function saysUrgent(body: string): boolean {
  return /(^|[^\p{L}\p{N}])urgent($|[^\p{L}\p{N}])/iu.test(body);
}

/**
 * Inbound texts to the press office number: on-call acknowledgements, a journalist's new
 * enquiry, or a follow-up to their open SMS enquiry from the last `intake.smsThreadHours`.
 */
export class InboundSmsService {
  constructor(private readonly deps: InboundSmsDeps) {}

  /**
   * Processes one inbound SMS and returns the reply to send back (as TwiML). Idempotent per
   * MessageSid: a Twilio retry of the same message stores nothing new and gets the same reply.
   * A journalist's text from a number Press Desk does not text (premium-rate, abroad: see
   * phone-numbers.ts) is taken all the same, but answered with null: nothing is sent back to it.
   *
   * A text that is only one of Twilio's opt-out or opt-in keywords (STOP, START, … : opt-out.ts;
   * `optOutType` is Twilio's Advanced Opt-Out parameter) records or forgets the sender's opt-out,
   * whoever they are, and is answered with nothing (an opt-in word only when it ended an opt-out) (Twilio confirms it itself, and would refuse
   * an answer to a number that just opted out): no enquiry, and not an on-call command.
   */
  async receive(message: {
    messageSid: string;
    from: string;
    body: string;
    optOutType?: string | null;
  }): Promise<string | null> {
    // Set inside the transaction's callback, read after it (hence the cast: no narrowing to null).
    let created = null as string | null;
    let changed = null as string | null;
    const reply = await this.deps.db.transaction().execute(async (tx) => {
      await repo.lockKey(tx, `sms:${message.messageSid}`);
      const seen = await intake.findInboundSms(tx, message.messageSid);
      // A retry means Twilio never got our answer: the same answer again, the same link in it,
      // and no new one (a replay of the signed request must not mint working links). A number
      // Press Desk does not text back gets no answer, the first time or now.
      if (seen) {
        // An opt-out keyword was stored with no answer ('').
        if (!seen.enquiry_id) return seen.reply === '' ? null : seen.reply;
        return this.answers(message.from) ? this.withLink(seen.message_sid, seen.reply) : null;
      }

      const now = this.deps.clock();
      let body = normaliseText(message.body, true);
      if (body.length > MAX_SMS_BODY) body = `${body.slice(0, MAX_SMS_BODY)} […]`;

      const change = optOutChange(message.body, message.optOutType);
      // An opt-in word from a number that never opted out ("Yes" to a question) is an ordinary text.
      const optIn = change?.kind === 'start' && (await clearOptOut(tx, message.from));
      if (change && (change.kind === 'stop' || optIn)) {
        if (change.kind === 'stop')
          await recordOptOut(tx, { phone: message.from, opted_out_at: now, keyword: change.keyword });
        // Whoever handles the journalist's open enquiries sees when texts stopped (or started) reaching them.
        for (const enquiryId of await openEnquiriesOf(tx, message.from)) {
          await repo.addEvent(tx, {
            enquiryId,
            at: now,
            kind: 'sms_opt_out',
            data: { change: change.kind, keyword: change.keyword },
          });
        }
        await intake.insertInboundSms(tx, {
          message_sid: message.messageSid,
          from_number: message.from,
          body,
          enquiry_id: null,
          reply: '',
          received_at: now,
        });
        return null;
      }

      const ackReply = await this.deps.acks?.handle(tx, { from: message.from, body, messageSid: message.messageSid });
      if (ackReply) {
        await intake.insertInboundSms(tx, {
          message_sid: message.messageSid,
          from_number: message.from,
          body,
          enquiry_id: null,
          reply: ackReply,
          received_at: now,
        });
        return ackReply;
      }

      const internal = await this.deps.internal?.handle(tx, { from: message.from, body });
      if (internal) {
        await intake.insertInboundSms(tx, {
          message_sid: message.messageSid,
          from_number: message.from,
          body,
          enquiry_id: internal.enquiry?.id ?? null,
          reply: internal.reply,
          received_at: now,
        });
        changed = internal.enquiry?.reference ?? null;
        return internal.reply;
      }

      const urgent = saysUrgent(body);
      const open = await openThreadFor(tx, message.from, now, this.deps.config);
      let reply: string;
      let enquiryId: string;
      if (open) {
        const { enquiry, outcome } = await addToThread(tx, this.deps, open, {
          body,
          saysUrgent: urgent,
          messageSid: message.messageSid,
        });
        enquiryId = enquiry.id;
        // In the language remembered on the enquiry (issue 31), whatever this one text looks like.
        reply = t(enquiry.language, 'texts.sms.added', { reference: enquiry.reference, nextStep: outcome.nextStep });
      } else {
        const firstLine = body.split('\n')[0] ?? '';
        const subject = firstLine.length > SUBJECT_LENGTH ? `${firstLine.slice(0, SUBJECT_LENGTH - 1)}…` : firstLine;
        const { enquiry, outcome } = await this.deps.enquiries.submitInTx(
          tx,
          {
            name: '',
            outlet: '',
            email: null,
            phone: message.from,
            subject: subject || '(SMS with no text)',
            details: body || '(SMS with no text)',
            deadline: null,
            urgent,
          },
          'sms',
          // Welsh in, Welsh out (issue 31): only among the languages the office offers.
          { sender: { phone: message.from }, language: detectLanguage(body, this.deps.config.office.languages) },
        );
        enquiryId = enquiry.id;
        created = enquiry.reference;
        await repo.addEvent(tx, { enquiryId, at: now, kind: 'sms_in', data: { body, messageSid: message.messageSid } });
        // Stored with the link redacted; the journalist's copy gets a working one below.
        reply = t(enquiry.language, 'texts.sms.received', {
          reference: enquiry.reference,
          nextStep: outcome.nextStep,
          link: redactedStatusUrl(this.deps.config.publicBaseUrl),
        });
      }
      await intake.insertInboundSms(tx, {
        message_sid: message.messageSid,
        from_number: message.from,
        body,
        enquiry_id: enquiryId,
        reply,
        received_at: now,
      });
      if (!this.answers(message.from)) return null;
      // The one link this message's answer will ever carry: its hash is stored now, once.
      if (hasStatusLink(this.deps.config.publicBaseUrl, reply)) {
        await insertStatusLink(tx, {
          token_hash: hashBearerToken(this.linkToken(message.messageSid)),
          enquiry_id: enquiryId,
          created_at: now,
        });
      }
      return this.withLink(message.messageSid, reply);
    });
    // After the commit: a queue told earlier would look for a row it cannot see yet.
    if (created) this.deps.arrivals?.announce(created);
    if (changed) this.deps.changes?.announceChange(changed);
    return reply;
  }

  /** True when a journalist texting from `from` gets an answer: Press Desk texts that number. */
  private answers(from: string): boolean {
    return callsBack(from, this.deps.config.twilio.allowedCountries);
  }

  /**
   * The status link token of the answer to `messageSid`: derived from the message with the
   * Twilio auth token (the secret every webhook is signed with) as the key, so a retry of the
   * webhook gives the same link without a working copy of it ever being stored. Only its hash
   * is, when the message is first answered.
   */
  private linkToken(messageSid: string): string {
    // Unreachable without it (unsigned webhooks are refused), and a key anyone knows would make
    // every link guessable from its MessageSid.
    if (!this.deps.config.twilio.authToken) throw new Error('inbound SMS needs TWILIO_AUTH_TOKEN');
    return derivedBearerToken(this.deps.config.twilio.authToken, `sms-status-link:${messageSid}`);
  }

  /** The reply as sent: its redacted status link (if any) made the message's working one. */
  private withLink(messageSid: string, reply: string): string {
    return withStatusLink(this.deps.config.publicBaseUrl, reply, this.linkToken(messageSid));
  }
}
