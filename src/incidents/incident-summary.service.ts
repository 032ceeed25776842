/**
 * Page the story once (issue 18, item 3). Out of hours, once on-call has an incident (declared it,
 * or acknowledged a page about it), its later urgent enquiries do not page one by one: intake
 * records `page_withheld` (reason incident) and calls `queue`, and this service sends the person
 * on call one summary text per `incidents.summaryMinutes` while they keep arriving. The text goes
 * through the outbox in the page lane, so a backlog of texts to journalists (a holding line to
 * hundreds) never delays it. A number that cannot take texts (a landline, the shipped 03
 * out-of-hours line) is called instead and hears it, as its pages are calls (issue 24).
 *
 * A summary that never reaches on-call (Twilio refuses it for good, or reports it undelivered)
 * would leave the story's new urgent enquiries unheard of: its enquiries are then paged instead,
 * from the step after the text, through paging's escalation (call, next person, fallback line;
 * issue 27, item 8). The outbox reports the refusal (`MessageRefusals`); paging is reached through
 * the port `SummaryEscalation`, since incidents come before on-call in the folder order.
 */
import type { Clock } from '../clock.js';
import type { Config, OfficeConfig } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import { addEvent } from '../enquiries/enquiries.repository.js';
import { isOpenStatus } from '../enquiries/enquiry.model.js';
import { formatDeadline, formatShortTime } from '../hours/format.js';
import { isOpen, nextOpening } from '../hours/office-hours.js';
import { addJob } from '../jobs/queue.repository.js';
import { foldToGsm, GSM, smsCapacity, smsLength } from '../telephony/sms-encoding.js';
import { queueCall, queueSms } from '../outbox/outbox.service.js';
import type { OutboundMessage } from '../outbox/outbox.tables.js';
import type { MessageRefusals, Refusal } from '../outbox/refusals.js';
import { staffReach } from '../sms/opt-out.repository.js';
import { voiceSay } from '../telephony/twiml.js';
import { spokenReference } from '../voice/voice.twiml.js';
import { lockIncident } from './incident.repository.js';
import type { SummaryPort } from './incident.service.js';
import * as repo from './incident-summary.repository.js';
import type { Incident } from './incident.tables.js';

/** The graphile job key of an incident's pending summary: one at a time per incident. */
export function summaryJobKey(incidentId: string): string {
  return `incident-summary:${incidentId}`;
}

/** The outbox key of one summary: its incident and the instant it covers enquiries up to (each summary its own). */
export function summaryMessageKey(incidentId: string, upTo: Date): string {
  return `${summaryJobKey(incidentId)}:${upTo.toISOString()}`;
}

/** A summary's outbox key, read back: the incident it is about. */
const SUMMARY_MESSAGE_KEY = /^incident-summary:(\d+):/;

/** What one summary says: the incident, how many arrived, how many must be answered before the office opens, and where to start. */
export interface SummaryFacts {
  incidentName: string;
  count: number;
  /** Open, unanswered, with a journalist's deadline before `opensAt` (all with a deadline when the office is open or never opens). */
  dueBeforeOpening: number;
  /** When the office next opens; null when it is open now (or never opens). */
  opensAt: Date | null;
  /** The enquiry to look at first: the soonest deadline, else the latest arrival. */
  first: { reference: string; deadline: Date | null };
}

/** True when `s` is all GSM characters. */
const isGsm = (s: string) => GSM.test(s);

/**
 * The summary text: at most two SMS segments, GSM characters wherever the incident's name allows
 * (it is trimmed, never the counts, when the whole would not fit). Deadlines are counted against
 * the office's next opening, said as a time, because that is what the officer must decide: which
 * of these cannot wait for the desk.
 */
export function summarySms(f: SummaryFacts, office: OfficeConfig, now: Date): string {
  const what = f.count === 1 ? '1 more urgent enquiry' : `${f.count} more urgent enquiries`;
  const n = f.dueBeforeOpening;
  const due = n === 0 ? 'none with a deadline' : n === 1 ? '1 with a deadline' : `${n} with deadlines`;
  const before = f.opensAt ? ` before the office opens ${formatShortTime(f.opensAt, office, now)}` : '';
  const first = f.first.deadline
    ? `Soonest: ${f.first.reference} by ${formatDeadline(f.first.deadline, office, now)}. `
    : `Latest: ${f.first.reference}. `;
  const compose = (name: string) =>
    `Incident '${name}': ${what}, ${due}${before}. ${first}Reply INFO ${f.first.reference} or open the desk.`;
  const fitsTwo = (text: string) => smsLength(text) <= smsCapacity(text, 2);
  const name = foldToGsm(f.incidentName.replace(/\s+/g, ' ').trim());
  if (fitsTwo(compose(name))) return compose(name);
  // What cannot be folded (an emoji) makes the whole text UCS-2, half the room: it goes first, then the name's end.
  const chars = Array.from(name).filter(isGsm);
  for (let keep = chars.length; keep > 0; keep--) {
    const text = compose(
      keep === chars.length ? chars.join('').trim() : `${chars.slice(0, keep).join('').trimEnd()}...`,
    );
    if (fitsTwo(text)) return text;
  }
  return compose('...');
}

/**
 * The summary as said on a call, to an on-call number no text reaches (a landline, the shipped 03
 * out-of-hours line, a phone that texted STOP): the same facts as `summarySms`, the reference spelled out so it
 * can be written down, said twice (as a page call is) in case the first is missed. The incident's
 * name is cut to 200 characters, so the TwiML stays far under Twilio's 4,000.
 */
export function summarySpoken(f: SummaryFacts, office: OfficeConfig, now: Date): string {
  const what = f.count === 1 ? '1 more urgent enquiry has' : `${f.count} more urgent enquiries have`;
  const n = f.dueBeforeOpening;
  const due = n === 0 ? 'None has a deadline' : n === 1 ? '1 has a deadline' : `${n} have deadlines`;
  const before = f.opensAt ? ` before the office opens ${formatShortTime(f.opensAt, office, now)}` : '';
  const ref = spokenReference(f.first.reference);
  const first = f.first.deadline
    ? `The soonest is ${ref}, by ${formatDeadline(f.first.deadline, office, now)}.`
    : `The latest is ${ref}.`;
  const name = f.incidentName.replace(/\s+/g, ' ').trim().slice(0, 200);
  const summary = `This is Press Desk. Incident ${name}: ${what} arrived. ${due}${before}. ${first} Open the desk to see them.`;
  return `${summary} Again: ${summary} Goodbye.`;
}

/** Who is on call at a time (the rota's `onCallAt`, wired in src/services.ts): each summary goes to them. */
export interface OnCallNow {
  onCallAt(at: Date, db: Tx): Promise<{ phone: string }>;
}

/** Paging, for the enquiries of a summary that never reached on-call (`PagingService.pageInstead`, wired in src/services.ts). */
export interface SummaryEscalation {
  /**
   * Pages the enquiries `enquiryIds` in the caller's transaction, escalated past the step the
   * summary stood for (`reason` goes on their record; `summaryBy` is how the summary was sent);
   * an enquiry already paged is not paged again.
   */
  pageInstead(
    tx: Tx,
    enquiryIds: string[],
    why: { reason: string; summaryBy: 'sms' | 'call' },
    now: Date,
  ): Promise<Array<{ enquiry_id: string }>>;
}

/** One summary text per `incidents.summaryMinutes` to on-call while an incident's enquiries keep arriving. */
export class IncidentSummaries implements SummaryPort, MessageRefusals {
  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      config: Pick<Config, 'office' | 'incidents'>;
      rota: OnCallNow;
      paging: SummaryEscalation;
    },
  ) {}

  /**
   * Makes sure a summary about `incident` goes out within `incidents.summaryMinutes` of `at`, in
   * the caller's transaction: one pending job per incident, whose time later arrivals do not
   * postpone (a summary already running leaves the key to a new job, which then covers them).
   */
  async queue(tx: Tx, incident: Incident, at: Date): Promise<void> {
    const runAt = new Date(at.getTime() + this.deps.config.incidents.summaryMinutes * 60_000);
    await addJob(
      tx,
      'incident_summary',
      { incidentId: incident.id },
      { runAt, jobKey: summaryJobKey(incident.id), jobKeyMode: 'preserve_run_at' },
    );
  }

  /**
   * The task `incident_summary`: queues one text to whoever is on call now (the rota, else the
   * out-of-hours line), or a call saying it when that number cannot take texts, about the incident's withheld enquiries not yet summarised, puts
   * `incident_summary` on each one's timeline and advances `summarised_to`, all in one
   * transaction with the incident locked. A retried job finds them summarised and sends nothing;
   * the text itself is sent once per key by the outbox. Returns how many enquiries it covered.
   */
  async send(incidentId: string): Promise<number> {
    const { db, clock, config, rota } = this.deps;
    const now = clock();
    return db.transaction().execute(async (tx) => {
      const incident = await lockIncident(tx, incidentId);
      if (!incident) return 0;
      // Closed since does not matter: these did not page, so on-call must still hear of them.
      const covered = await repo.unsummarised(tx, incident.id, now);
      if (!covered.length) return 0;
      const opening = isOpen(now, config.office) ? null : nextOpening(now, config.office);
      const opensAt = opening ? opening.toJSDate() : null;
      const waiting = covered.filter((e) => e.deadline && isOpenStatus(e.status) && !e.first_response_at);
      const dueBeforeOpening = waiting.filter((e) => !opensAt || e.deadline!.getTime() < opensAt.getTime()).length;
      const soonest = waiting.sort((a, b) => a.deadline!.getTime() - b.deadline!.getTime())[0];
      const latest = covered[covered.length - 1];
      const first = soonest
        ? { reference: soonest.reference, deadline: soonest.deadline }
        : { reference: latest.reference, deadline: null };
      const facts: SummaryFacts = {
        incidentName: incident.name,
        count: covered.length,
        dueBeforeOpening,
        opensAt,
        first,
      };

      const to = await rota.onCallAt(now, tx);
      // Strictly after the last summary, so each summary's outbox key is its own even when two run in one millisecond.
      const last = incident.summarised_to?.getTime() ?? -Infinity;
      const upTo = new Date(Math.max(now.getTime(), last + 1));
      const key = summaryMessageKey(incident.id, upTo);
      // Twilio would refuse a text to a landline (21614) or to a phone that texted STOP (21610):
      // such a number is called, as its pages are, and hears the summary.
      const byCall = (await staffReach(tx, to.phone)).by === 'call';
      if (byCall)
        await queueCall(
          tx,
          {
            key,
            enquiryId: null,
            to: to.phone,
            twiml: voiceSay(summarySpoken(facts, config.office, now)),
            lane: 'page',
          },
          now,
        );
      else
        await queueSms(
          tx,
          { key, enquiryId: null, to: to.phone, body: summarySms(facts, config.office, now), lane: 'page' },
          now,
        );
      // The key names the summary, so a refusal of it finds the enquiries it counted.
      const data = { incidentId: incident.id, to: to.phone, key, ...(byCall ? { by: 'call' as const } : {}) };
      for (const e of covered) await addEvent(tx, { enquiryId: e.id, at: now, kind: 'incident_summary', data });
      await repo.setSummarisedTo(tx, incident.id, upTo);
      return covered.length;
    });
  }

  /**
   * The outbox's report that a message was refused for good (`MessageRefusals`), in its
   * transaction with the message's row locked: when the message is a summary, each enquiry it
   * counted is paged instead (`SummaryEscalation`: those still open and never paged) and gets
   * `incident_summary_failed` on its timeline, saying whether it was. Reported again (an
   * undelivered status, then a failed one; a callback repeated), it finds the refusal already
   * recorded on them and does nothing. Any other message is not a summary's: nothing to do.
   */
  async refused(tx: Tx, message: OutboundMessage, refusal: Refusal, at: Date): Promise<void> {
    const incidentId = SUMMARY_MESSAGE_KEY.exec(message.idempotency_key)?.[1];
    if (!incidentId || message.medium === 'email') return;
    const key = message.idempotency_key;
    const counted = await repo.countedInNotRefused(tx, key);
    if (!counted.length) return;
    // The reason stays on the record after erasure: Twilio's code, never its words (they can quote the number).
    const reason = `the incident summary to on-call did not reach them${refusal.code ? ` (Twilio ${refusal.code})` : ''}`;
    const pages = await this.deps.paging.pageInstead(
      tx,
      counted.map((e) => e.id),
      { reason, summaryBy: message.medium },
      at,
    );
    const paged = new Set(pages.map((p) => p.enquiry_id));
    for (const e of counted)
      await addEvent(tx, {
        enquiryId: e.id,
        at,
        kind: 'incident_summary_failed',
        data: {
          incidentId,
          key,
          to: message.to_number,
          error: refusal.error,
          code: refusal.code,
          paged: paged.has(e.id),
        },
      });
  }
}
