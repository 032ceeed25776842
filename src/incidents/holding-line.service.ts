/**
 * One holding line to all (issue 18, item 2): the office writes a holding line (or a released
 * press line) on an incident's page and sends it to every linked journalist who has not had it,
 * each by the channel they used (the status page's rule: `JournalistUpdates.routeFor`), through
 * the outbox at journalist priority, so a page always goes first.
 *
 * One message per person per line: a journalist with two linked enquiries gets one (the contact,
 * a phone number or a lower-cased address, is recorded per enquiry and locked while it is checked;
 * the first enquiry of theirs queues the message, under the outbox key
 * `incident-line:{lineId}:{enquiryId}`, which names no one). Every enquiry that had it
 * records it on its timeline. Hundreds of enquiries are not worked in the officer's request:
 * "send" queues one fan-out job that works in batches, each its own transaction, idempotent by
 * the `incident_line_sent` primary key, so pressing send again, or the job running twice, sends
 * nothing more.
 */
import { askableColleagues, type AskableColleague } from '../colleagues/questions.repository.js';
import { lineNeedsSignOff, type LineSignOff, type SignOffService } from '../statements/signoff.service.js';
import type { Clock } from '../clock.js';
import { isRowIdDigits } from '../ids.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { audit, type Actor } from '../audit/audit.repository.js';
import type { EmailOut } from '../email/email-out.service.js';
import { addEvent, lockKey } from '../enquiries/enquiries.repository.js';
import { recordSaid } from '../enquiries/said.repository.js';
import { workingMinutesBetween } from '../hours/office-hours.js';
import { AppError } from '../http/errors.js';
import { addJob } from '../jobs/queue.repository.js';
import { queueSms } from '../outbox/outbox.service.js';
import { JournalistUpdates, type UpdateRoute } from '../status/status.service.js';
import * as repo from './holding-line.repository.js';
import { findIncident } from './incident.repository.js';
import type { AfterLinkPort } from './incident.service.js';
import { newLineForm } from './incident.forms.js';
import type { Incident, IncidentLine } from './incident.tables.js';

/** The words a journalist receives for `line`, by text and by email alike: exactly the officer's. */
export function lineMessageText(line: Pick<IncidentLine, 'text'>): string {
  return line.text;
}

/** `text`'s SMS length and segments: moved to src/telephony/sms-encoding.ts (the library of lines measures with it too). */
export { smsSize } from '../telephony/sms-encoding.js';

/** Enquiries the fan-out job works through per transaction. */
export const FAN_OUT_BATCH = 200;

/** A line as the incident page shows it: how many journalists have had it, and how many not yet. */
export interface LineWithCounts {
  line: IncidentLine;
  /** People (distinct contacts) it was queued to. */
  had: number;
  /** People among the linked enquiries who have not had it and can be reached: what "send" sends to. */
  notHad: number;
  /** Linked enquiries that have not had it and have no number that takes a text nor a usable address. */
  unreachable: number;
  /** Their references, oldest first (what the notice after sending names). */
  unreachableRefs: string[];
  /** Of `notHad`, how many it would reach by text and how many by email. */
  notHadBy: { sms: number; email: number };
  /** Its fan-out job is queued or running: the page says so instead of offering the button again. */
  sending: boolean;
}

/** What one fan-out run did. */
export interface FanOutResult {
  /** Messages queued (one per person). */
  queued: number;
  /** Enquiries recorded as having it without a message of their own (their journalist had it through another enquiry). */
  shared: number;
  /** Enquiries passed over: no way to reach the journalist. */
  unreachable: number;
}

/** How sending a line to one enquiry ended: see `HoldingLines.sendTo`. */
export type LineOutcome = 'queued' | 'shared' | 'already' | 'unreachable';

/**
 * The line an enquiry's on-call link offers (issue 23, item 7): its incident's current line, how
 * it would reach this journalist, and whether this enquiry already had it.
 */
export interface EnquiryLine {
  incident: Incident;
  line: IncidentLine;
  /** The route this journalist gets it by (null: no number that takes texts, no usable address). */
  route: UpdateRoute;
  /** When this enquiry was sent this line (null: not yet). */
  sentAt: Date | null;
  /** Why it cannot go to this journalist at all, beyond the route: withdrawn, or messages turned off. */
  barred: 'withdrawn' | 'updates_off' | null;
}

/** Where a line goes for `e`, and the contact that makes it one per person. */
function contactOf(route: NonNullable<UpdateRoute>): string {
  return route.medium === 'email' ? route.to.toLowerCase() : route.to;
}

/** The incident page's view of its lines' sign-off (`HoldingLines.signOffOf`). */
export interface LinesSignOff {
  byLine: Map<string, LineSignOff>;
  approvers: AskableColleague[];
  /** The incident's approver, ticked first. */
  defaultApprover: string | null;
  emailEnabled: boolean;
}

/** Holding and press lines of incidents, and their sending to every linked journalist. */
export class HoldingLines implements AfterLinkPort {
  private readonly routes: JournalistUpdates;

  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      config: Pick<Config, 'office' | 'incidents' | 'publicBaseUrl' | 'twilio' | 'statements'>;
      email?: EmailOut;
      /** Sign-off of lines (src/statements): without it, lines go as written. */
      signOff?: Pick<SignOffService, 'checkLine' | 'lineCleared' | 'requestLine' | 'lineSignOffs'>;
    },
  ) {
    this.routes = new JournalistUpdates({ config: deps.config, email: deps.email });
  }

  /**
   * Stores a new line of an open incident: `kind` holding (default) or press, `text` 1 to 1,000
   * characters; errors name the field (`kind`, `text`). Nothing is sent until `send`.
   */
  async addLine(incidentId: string, input: { kind?: unknown; text: unknown }, actor: Actor): Promise<IncidentLine> {
    const { kind, text } = newLineForm.check(input);
    const now = this.deps.clock();
    return this.deps.db.transaction().execute(async (tx) => {
      const incident = await this.incidentOrThrow(tx, incidentId);
      if (incident.closed_at) throw new AppError('conflict', `Incident “${incident.name}” is closed`);
      const line = await repo.insertLine(tx, {
        incident_id: incident.id,
        kind,
        text,
        created_at: now,
        created_by: actor.email,
      });
      await audit(tx, {
        at: now,
        actor,
        action: 'incident.line_added',
        detail: { incidentId: incident.id, lineId: line.id, kind },
      });
      return line;
    });
  }

  private async incidentOrThrow(db: Db | Tx, incidentId: string): Promise<Incident> {
    const incident = isRowIdDigits(incidentId) ? await findIncident(db, incidentId) : undefined;
    if (!incident) throw new AppError('not_found', 'There is no such incident');
    return incident;
  }

  /** The incident's lines, oldest first, each with how many linked journalists have had it and how many not. */
  async linesOf(incidentId: string): Promise<LineWithCounts[]> {
    if (!isRowIdDigits(incidentId)) return [];
    // One snapshot: read apart, a fan-out finishing between the reads showed its line neither
    // sending nor sent to everyone, and offered to send it again (a flaky browser test found it).
    const { lines, enquiries, sent, sending } = await this.deps.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (tx) => {
        const lines = await repo.linesOf(tx, incidentId);
        return {
          lines,
          enquiries: await repo.eligibleEnquiries(tx, incidentId),
          sent: await repo.sentOfIncident(tx, incidentId),
          sending: await repo.linesBeingSent(
            tx,
            lines.map((l) => l.id),
          ),
        };
      });
    const contacts = new Map(enquiries.map((e) => [e.id, this.routeOf(e)]));
    return lines.map((line) => {
      const mine = sent.filter((s) => s.line_id === line.id);
      const hadContacts = new Set(mine.map((s) => s.contact));
      const hadEnquiries = new Set(mine.map((s) => s.enquiry_id));
      const waiting = new Map<string, 'sms' | 'email'>();
      const unreachableRefs: string[] = [];
      for (const e of enquiries) {
        if (hadEnquiries.has(e.id)) continue;
        const route = contacts.get(e.id);
        if (!route) unreachableRefs.push(e.reference);
        else if (!hadContacts.has(contactOf(route))) waiting.set(contactOf(route), route.medium);
      }
      const media = [...waiting.values()];
      const notHadBy = {
        sms: media.filter((m) => m === 'sms').length,
        email: media.filter((m) => m === 'email').length,
      };
      return {
        line,
        had: hadContacts.size,
        notHad: waiting.size,
        unreachable: unreachableRefs.length,
        unreachableRefs,
        notHadBy,
        sending: sending.has(line.id),
      };
    });
  }

  /** One line of the incident with its counts, for the preview before sending; 404 when there is no such line. */
  async lineOf(incidentId: string, lineId: string): Promise<{ incident: Incident; line: LineWithCounts }> {
    const incident = await this.incidentOrThrow(this.deps.db, incidentId);
    const line = (await this.linesOf(incident.id)).find((l) => l.line.id === lineId);
    if (!line) throw new AppError('not_found', 'There is no such line');
    return { incident, line };
  }

  private routeOf(e: Pick<Enquiry, 'channel' | 'email' | 'phone'>): UpdateRoute {
    return this.routes.routeFor(e);
  }

  /**
   * Sends `lineId` to every linked journalist who has not had it: queues one fan-out job
   * (`incident_line_send`) in this request's transaction and returns; the job works through the
   * enquiries in batches. Pressing it again while one runs, or after, sends nothing twice.
   * Returns how many journalists it goes to (those who had not had it when pressed); with none,
   * no job is queued. Where lines need sign-off (src/statements), a line whose words are not the
   * approved ones is refused (422 on `line`) unless a manager gives `override`.
   */
  async send(
    incidentId: string,
    lineId: string,
    actor: Actor & { manager?: boolean },
    override: string | null = null,
  ): Promise<number> {
    if (!isRowIdDigits(lineId)) throw new AppError('not_found', 'There is no such line');
    const { notHad, sending } = (await this.lineOf(incidentId, lineId)).line;
    if (notHad === 0 || sending) return sending ? notHad : 0;
    const now = this.deps.clock();
    await this.deps.db.transaction().execute(async (tx) => {
      const incident = await this.incidentOrThrow(tx, incidentId);
      const line = await repo.findLine(tx, incident.id, lineId);
      if (!line) throw new AppError('not_found', 'There is no such line');
      // Where lines need sign-off, only approved words go (or a manager's reason, audited).
      await this.deps.signOff?.checkLine(
        tx,
        { id: line.id, text: line.text, incidentId: incident.id },
        actor,
        override,
        now,
      );
      await addJob(
        tx,
        'incident_line_send',
        { incidentId: incident.id, lineId: line.id },
        { runAt: now, jobKey: repo.sendJobKey(line.id) },
      );
      await audit(tx, {
        at: now,
        actor,
        action: 'incident.line_sent',
        detail: { incidentId: incident.id, lineId: line.id, to: notHad },
      });
    });
    return notHad;
  }

  /**
   * The fan-out job: queues `lineId` to every eligible linked enquiry that has not had it, in
   * batches of `batch`, each batch its own transaction. Safe to run twice or concurrently with
   * intake's automatic send (the primary key of `incident_line_sent` and the outbox key decide).
   */
  async fanOut(incidentId: string, lineId: string, batch = FAN_OUT_BATCH): Promise<FanOutResult> {
    const result: FanOutResult = { queued: 0, shared: 0, unreachable: 0 };
    const incident = await findIncident(this.deps.db, incidentId);
    const line = incident ? await repo.findLine(this.deps.db, incident.id, lineId) : undefined;
    if (!incident || !line) return result;
    let after = '0';
    for (;;) {
      const rows = await this.deps.db.transaction().execute(async (tx) => {
        const now = this.deps.clock();
        const pending = await repo.pendingBatch(tx, incident.id, line.id, after, batch);
        for (const e of pending) {
          const outcome = await this.sendTo(tx, line, incident, e, now);
          if (outcome !== 'already') result[outcome]++;
        }
        return pending;
      });
      if (rows.length < batch) return result;
      after = rows[rows.length - 1].id;
    }
  }

  /**
   * Queues `line` to the journalist of `e` in `tx`, once: records the send (and its timeline
   * entry) for the enquiry, and queues a message only when nobody else with the same contact had
   * it. 'already': this enquiry had it; 'unreachable': no number that takes a text nor address.
   */
  private async sendTo(
    tx: Tx,
    line: IncidentLine,
    incident: Incident,
    e: Enquiry,
    now: Date,
    actor?: Actor,
  ): Promise<LineOutcome> {
    const route = this.routeOf(e);
    if (!route) return 'unreachable';
    const contact = contactOf(route);
    // One at a time per person and line (the fan-out and an automatic send may meet): the first
    // enquiry of theirs to get here queues the message, under a key that names no one.
    await lockKey(tx, `incident-line:${line.id}:${contact}`);
    if (!(await repo.recordSent(tx, { line_id: line.id, enquiry_id: e.id, contact, queued_at: now }))) return 'already';
    await addEvent(tx, {
      enquiryId: e.id,
      at: now,
      kind: 'incident_line_sent',
      actor: actor?.email ?? null,
      data: { incidentId: incident.id, lineId: line.id, kind: line.kind, text: line.text, to: route.to },
    });
    await recordSaid(tx, {
      enquiryId: e.id,
      at: now,
      kind: 'incident_line',
      text: lineMessageText(line),
      actor: actor?.email ?? null,
    });
    if (this.deps.config.incidents.holdingLineCounts === 'first_response' && !e.first_response_at) {
      await repo.recordFirstResponse(
        tx,
        e.id,
        now,
        workingMinutesBetween(e.received_at, now, this.deps.config.office) * 60,
      );
    }
    if (await repo.contactHad(tx, line.id, contact, e.id)) return 'shared';
    const key = `incident-line:${line.id}:${e.id}`;
    // As written (issue 23): nothing in front, above all not the incident's internal name, which
    // can be an operation's or a victim's. The email's subject is Press Desk's own (`ownSubject`).
    const body = lineMessageText(line);
    if (route.medium === 'sms')
      await queueSms(tx, { key, enquiryId: e.id, to: route.to, body, lane: 'journalist' }, now);
    else await this.deps.email!.update(tx, { key, enquiry: e, to: route.to, text: body }, now);
    return 'queued';
  }

  /**
   * The current line (the newest, of either kind) of the incident `e` is linked to, for the
   * on-call link's view; null when it is in no incident or the incident has no line yet.
   */
  async lineForEnquiry(db: Db | Tx, e: Enquiry): Promise<EnquiryLine | null> {
    if (!e.incident_id) return null;
    const incident = await findIncident(db, e.incident_id);
    const line = incident ? await repo.latestLine(db, incident.id) : undefined;
    if (!incident || !line) return null;
    const sentAt = await repo.sentAtOf(db, line.id, e.id);
    const barred = e.status === 'withdrawn' ? 'withdrawn' : e.updates_off ? 'updates_off' : null;
    return { incident, line, route: this.routeOf(e), sentAt, barred };
  }

  /**
   * Sends line `lineId` to the journalist of `e` alone (the on-call link's "send to this
   * journalist"), in the caller's transaction `tx` with `e` locked: exactly as the desk's send
   * would (their channel, the outbox, once per person, recorded on the timeline as `actor`, the
   * enquiry marked as having had it), and audited as `actor`. The line must be the current line
   * of `e`'s incident: a line changed since the officer read it is refused (422), so what goes out
   * is what they saw. 'already': this enquiry had it, nothing sent again.
   */
  async sendToEnquiry(tx: Tx, e: Enquiry, lineId: string, actor: Actor, now: Date): Promise<LineOutcome> {
    const current = await this.lineForEnquiry(tx, e);
    if (!current) {
      throw new AppError('validation', 'No line', {
        fields: { line: 'This enquiry is no longer in an incident with a line: nothing was sent.' },
      });
    }
    if (current.line.id !== lineId) {
      throw new AppError('validation', 'The line has changed', {
        fields: {
          line: 'The incident’s line has changed since this page was opened: read the new line below and send it again.',
        },
      });
    }
    if (current.sentAt) return 'already';
    // No override from the on-call link: an unapproved line waits for its approver.
    await this.deps.signOff?.checkLine(
      tx,
      { id: current.line.id, text: current.line.text, incidentId: current.incident.id },
      actor,
      undefined,
      now,
    );
    if (current.barred === 'withdrawn')
      throw new AppError('validation', 'Withdrawn', {
        fields: { line: 'The journalist has withdrawn this enquiry: the line is not sent.' },
      });
    if (current.barred === 'updates_off')
      throw new AppError('validation', 'Messages off', {
        fields: { line: 'The journalist has turned off messages about this enquiry: the line is not sent.' },
      });
    if (!current.route)
      throw new AppError('validation', 'Cannot be reached', {
        fields: {
          line: 'This journalist has no number that takes texts and no email address Press Desk can write to.',
        },
      });
    const outcome = await this.sendTo(tx, current.line, current.incident, e, now, actor);
    if (outcome !== 'already') {
      await audit(tx, {
        at: now,
        actor,
        action: 'incident.line_sent',
        enquiryId: e.id,
        detail: { incidentId: current.incident.id, lineId: current.line.id, to: 1, via: 'link', outcome },
      });
    }
    return outcome;
  }

  /**
   * After an enquiry is linked (in the linking transaction `tx`): with
   * `incidents.autoSendHoldingLine` on, it gets the incident's latest line, by the same rules as
   * "send" (its journalist's channel, once per person). Off, it waits for the next "send".
   */
  async afterLink(tx: Tx, enquiry: Enquiry, incident: Incident, at: Date): Promise<void> {
    if (!this.deps.config.incidents.autoSendHoldingLine) return;
    if (enquiry.erased_at || enquiry.updates_off || enquiry.status === 'withdrawn') return;
    const line = await repo.latestLine(tx, incident.id);
    if (!line) return;
    // A line still waiting for sign-off is not sent; the enquiry gets it with the next "send".
    if (this.deps.signOff && !(await this.deps.signOff.lineCleared(tx, line))) return;
    await this.sendTo(tx, line, incident, enquiry, at);
  }

  /**
   * Sends line `lineId` of an open incident for sign-off to colleagues `colleagueIds` by `via`
   * (src/statements). Errors name the field (`approvers`, `via`); 404 for no such line.
   */
  async requestSignOff(
    incidentId: string,
    lineId: string,
    input: { colleagueIds: readonly string[]; via: string },
    actor: Actor,
  ): Promise<void> {
    const signOff = this.deps.signOff;
    if (!signOff) throw new AppError('not_found', 'Sign-off is not available');
    await this.deps.db.transaction().execute(async (tx) => {
      const incident = await this.incidentOrThrow(tx, incidentId);
      const line = isRowIdDigits(lineId) ? await repo.findLine(tx, incident.id, lineId) : undefined;
      if (!line) throw new AppError('not_found', 'There is no such line');
      await signOff.requestLine(
        tx,
        {
          id: line.id,
          kind: line.kind,
          text: line.text,
          incidentId: incident.id,
          incidentName: incident.name,
          closed: incident.closed_at !== null,
        },
        input,
        actor,
        this.deps.clock(),
      );
    });
  }

  /**
   * What the incident page shows of its lines' sign-off: where each stands, who may be asked
   * (the directory; the incident's approver first) and whether email can carry it. Null when
   * lines go as written (no sign-off wired, or `statements.signOff` needs none for lines).
   */
  async signOffOf(incident: Incident, lines: readonly IncidentLine[]): Promise<LinesSignOff | null> {
    if (!this.deps.signOff || !this.lineSignOffNeeded) return null;
    const approvers = await askableColleagues(this.deps.db);
    const first = approvers.filter((a) => a.id === incident.approver_id);
    return {
      byLine: await this.deps.signOff.lineSignOffs(lines),
      approvers: [...first, ...approvers.filter((a) => a.id !== incident.approver_id)],
      defaultApprover: first[0]?.id ?? null,
      emailEnabled: this.deps.email?.enabled ?? false,
    };
  }

  /** Whether the line may be sent without more: no sign-off needed, or its words approved. */
  async lineCleared(line: Pick<IncidentLine, 'id' | 'text'>): Promise<boolean> {
    return this.deps.signOff ? this.deps.signOff.lineCleared(this.deps.db, line) : true;
  }

  /** Whether the office's lines need sign-off before they are sent (`statements.signOff`). */
  get lineSignOffNeeded(): boolean {
    return this.deps.signOff !== undefined && lineNeedsSignOff(this.deps.config.statements.signOff);
  }
}
