/**
 * Major incidents (issue 18): when something big happens, dozens of enquiries arrive about one
 * story by every channel. An incident groups them so the desk works the story, not fifty copies:
 * one group in the queue, one holding line to every journalist (src/incidents/holding-line.service.ts),
 * and out of hours one summary text to on-call instead of a page per enquiry
 * (src/incidents/incident-summary.service.ts).
 *
 * Which enquiries belong: enquiries arriving while the incident is open are linked at intake when
 * its search terms match (they must be, for the paging rule to act on them); enquiries already open
 * when it is declared are suggested on its page and linked with one click. Officers link and unlink
 * any enquiry by hand, and an enquiry taken out is not suggested again.
 */
import { askableByIds, askableColleagues, type AskableColleague } from '../colleagues/questions.repository.js';
import type { Clock } from '../clock.js';
import { isRowIdDigits } from '../ids.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { audit, type Actor } from '../audit/audit.repository.js';
import { lockByReference } from '../enquiries/enquiries.repository.js';
import { listActiveUsers } from '../web/users.repository.js';
import type { EmailOut } from '../email/email-out.service.js';
import { addEvent } from '../enquiries/enquiries.repository.js';
import { incidentDetailsForm } from './incident.forms.js';
import type { z } from 'zod';
import type { ArrivalsPort, PagingPort } from '../enquiries/enquiries.service.js';
import { isOpenStatus } from '../enquiries/enquiry.model.js';
import { formatShortTime } from '../hours/format.js';
import { isOpen } from '../hours/office-hours.js';
import { AppError } from '../http/errors.js';
import { queueSms } from '../outbox/outbox.service.js';
import * as repo from './incident.repository.js';
import { knownNames } from '../enquiries/people.repository.js';
import type { Incident, IncidentLine } from './incident.tables.js';

/** How long this process trusts its answer to "is any incident open?" (intake asks it for every enquiry). */
const OPEN_CACHE_MS = 2000;

/**
 * The enquiries an incident's terms are measured against (`incidents.maxMatchShare`): those of the
 * 30 days before the last 24 hours, the office's ordinary traffic before the story broke (the
 * story's own enquiries of today would count against the very terms that describe it).
 */
const MATCH_WINDOW_DAYS = 30;
const MATCH_WINDOW_SKIP_HOURS = 24;
/** With fewer enquiries than this in the window a share says nothing (a new or quiet office): the check is skipped. */
export const MATCH_SHARE_MIN_SAMPLE = 20;

/** Who declares an incident: a member of staff, or the on-call officer from the link in a page. */
export type Declarer = { kind: 'staff'; actor: Actor } | { kind: 'oncall'; name: string };

/** What happens after an enquiry is linked (the holding line's automatic send). */
export interface AfterLinkPort {
  afterLink(tx: Tx, enquiry: Enquiry, incident: Incident, at: Date): Promise<void>;
}

/** Summaries to on-call of linked urgent enquiries that did not page one by one. */
export interface SummaryPort {
  /** Makes sure a summary about `incident` goes out within `incidents.summaryMinutes` of `at` (in `tx`). */
  queue(tx: Tx, incident: Incident, at: Date): Promise<void>;
}

export interface IncidentServiceDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'office' | 'incidents' | 'desk' | 'publicBaseUrl'>;
  /** Managers are emailed when an incident is declared out of hours (when email is connected). */
  email?: Pick<EmailOut, 'enabled' | 'notice'>;
  paging?: PagingPort;
  arrivals?: ArrivalsPort;
  lines?: AfterLinkPort;
  summaries?: SummaryPort;
}

/** The incident page's content. */
export interface IncidentView {
  incident: Incident;
  linked: repo.IncidentEnquiry[];
  suggested: repo.IncidentEnquiry[];
}

type IncidentDetails = z.output<typeof incidentDetailsForm.schema>;

/** An incident's name, description and terms, checked: every field's problem at once (the form shows each beside its field). */
function details(input: { name: unknown; description?: unknown; terms: unknown }): IncidentDetails {
  const checked = incidentDetailsForm.validate(input);
  if (!checked.ok) throw new AppError('validation', 'Check the incident’s details', { fields: checked.errors });
  return checked.values;
}

/** Incidents: declare, link and unlink, close; and the intake and paging rules that use them. */
export class IncidentService {
  private openCache: { at: number; any: boolean } | null = null;

  constructor(private readonly deps: IncidentServiceDeps) {}

  private actorName(by: Declarer): string {
    return by.kind === 'staff' ? by.actor.email : by.name;
  }

  /**
   * Declares an incident. `acknowledged`: declared by on-call, who therefore has the story (linked
   * urgent enquiries go into summaries from now). `reference`: the enquiry it was declared from,
   * linked at once. Terms are refused beside the field when they can match nothing (only stop
   * words), are exclusions only, or match `incidents.maxMatchShare` or more of the office's recent
   * enquiries: linked enquiries stop paging one by one, so broad terms would silence paging. Every
   * declaration is in the audit log; one out of hours is told to the managers at once.
   */
  async declare(
    input: { name: unknown; description?: unknown; terms: unknown },
    by: Declarer,
    opts: { reference?: string } = {},
  ): Promise<Incident> {
    const { name, description, terms } = details(input);
    const now = this.deps.clock();
    const incident = await this.deps.db.transaction().execute(async (tx) => {
      await this.checkTerms(tx, terms, now);
      const i = await repo.insertIncident(tx, {
        name,
        description,
        terms,
        declared_at: now,
        declared_by: this.actorName(by),
        acknowledged_at: by.kind === 'oncall' ? now : null,
      });
      const from = opts.reference
        ? await this.linkInTx(tx, opts.reference, i, by.kind === 'oncall' ? 'oncall' : 'officer', now)
        : null;
      const actor = by.kind === 'staff' ? by.actor : { userId: null, email: by.name };
      const via = by.kind === 'staff' ? 'desk' : 'oncall-link';
      await audit(tx, {
        at: now,
        actor,
        action: 'incident.declared',
        enquiryId: from?.id ?? null,
        detail: { incidentId: i.id, name, terms, via },
      });
      if (!isOpen(now, this.deps.config.office)) await this.tellManagers(tx, i, by, now);
      return i;
    });
    this.openCache = null;
    return incident;
  }

  /**
   * Changes an open incident's name, description and search terms (a weak term missed enquiries):
   * the same checks as declaring, the terms' guards included; enquiries already linked stay
   * linked, new ones are matched by the new terms. In the audit log. `check`: only counts the
   * open enquiries not yet linked that the new terms match, saving nothing.
   */
  async edit(
    incidentId: string,
    input: { name: unknown; description?: unknown; terms: unknown },
    actor: Actor,
    opts: { check?: boolean } = {},
  ): Promise<{ incident: Incident; matches: number }> {
    const d = details(input);
    const now = this.deps.clock();
    const result = await this.deps.db.transaction().execute(async (tx) => {
      const before = isRowIdDigits(incidentId) ? await repo.lockIncident(tx, incidentId) : undefined;
      if (!before) throw new AppError('not_found', 'There is no such incident.');
      if (before.closed_at) throw new AppError('conflict', 'The incident is closed: it can no longer be changed.');
      await this.checkTerms(tx, d.terms, now);
      const matches = (await repo.suggestions(tx, { id: before.id, terms: d.terms })).length;
      if (opts.check) return { incident: before, matches };
      const incident = await repo.updateIncident(tx, before.id, d);
      await audit(tx, {
        at: now,
        actor,
        action: 'incident.edited',
        detail: {
          incidentId: before.id,
          name: d.name,
          terms: d.terms,
          before: { name: before.name, terms: before.terms },
        },
      });
      return { incident, matches };
    });
    this.openCache = null;
    return result;
  }

  /** Refuses `terms` (AppError 'validation' on the field `terms`) that match nothing, only exclude, or match too much. */
  private async checkTerms(tx: Tx, terms: string, now: Date): Promise<void> {
    const refuse = (message: string, advice: string) => {
      throw new AppError('validation', message, { fields: { terms: advice } });
    };
    const shape = await repo.termsShape(tx, terms);
    if (!shape.searchable)
      refuse('Those search terms match nothing', 'Use words that appear in the enquiries, like: market street cordon');
    if (!shape.positive) {
      refuse(
        'Those search terms only say what to leave out',
        'Say what the enquiries are about, not only what they are not: terms made of exclusions (-word) match almost every enquiry',
      );
    }
    const to = new Date(now.getTime() - MATCH_WINDOW_SKIP_HOURS * 3_600_000);
    const from = new Date(to.getTime() - MATCH_WINDOW_DAYS * 86_400_000);
    const { total, matched } = await repo.termsMatchCount(tx, terms, from, to);
    const max = this.deps.config.incidents.maxMatchShare;
    if (total >= MATCH_SHARE_MIN_SAMPLE && matched >= max * total) {
      const pct = (n: number) => `${Math.round(n * 100)}%`;
      refuse(
        'Those search terms match too many enquiries',
        `Those terms match ${matched} of the ${total} enquiries of the ${MATCH_WINDOW_DAYS} days before yesterday (${pct(matched / total)}); an incident's enquiries stop paging one by one, so use words that pick out this story only (matching under ${pct(max)})`,
      );
    }
  }

  /**
   * Tells the managers that an incident was declared out of hours (in `tx`, once per incident and
   * recipient): a text to each of `desk.escalationNumbers` and, when email is connected, an email
   * to each active manager. Its terms decide which urgent enquiries stop paging one by one, so
   * someone who can undo it must know tonight, not at the morning digest.
   */
  private async tellManagers(tx: Tx, incident: Incident, by: Declarer, now: Date): Promise<void> {
    const { office, desk, publicBaseUrl } = this.deps.config;
    const who = by.kind === 'staff' ? by.actor.email : `${by.name}, from the link in a page`;
    const link = `${publicBaseUrl.replace(/\/+$/, '')}/desk/incidents/${incident.id}`;
    const text = `${office.name}: incident "${incident.name}" was declared out of hours (${formatShortTime(now, office, now)}) by ${who}. New enquiries matching "${incident.terms}" join it, and once on-call has it their urgent ones go into summaries instead of paging one by one. Check or close it: ${link}`;
    for (const to of desk.escalationNumbers)
      await queueSms(
        tx,
        { key: `incident-declared:${incident.id}:${to}`, enquiryId: null, to, body: text, lane: 'notice' },
        now,
      );
    if (!this.deps.email?.enabled) return;
    const managers = (await listActiveUsers(tx)).filter((u) => u.role === 'manager');
    for (const m of managers) {
      await this.deps.email.notice(
        tx,
        {
          key: `incident-declared:${incident.id}:${m.id}`,
          to: m.email,
          subject: `Incident declared out of hours: ${incident.name}`,
          text,
        },
        now,
      );
    }
  }

  /** The incident, its linked enquiries and the open ones its terms suggest; null when there is none. */
  async view(incidentId: string): Promise<IncidentView | null> {
    if (!isRowIdDigits(incidentId)) return null;
    const incident = await repo.findIncident(this.deps.db, incidentId);
    if (!incident) return null;
    const [linked, suggested] = await Promise.all([
      repo.linkedEnquiries(this.deps.db, incident.id),
      incident.closed_at ? [] : repo.suggestions(this.deps.db, incident),
    ]);
    return { incident, linked, suggested };
  }

  /** Incidents still open, newest first. */
  async open(): Promise<Incident[]> {
    return repo.openIncidents(this.deps.db);
  }

  /** Staff names by email and rota number (`knownNames`), for showing who declared and wrote lines by name. */
  staffNames(): Promise<Map<string, string>> {
    return knownNames(this.deps.db);
  }

  /** Recent incidents, open and closed, newest first. */
  async recent(): Promise<Incident[]> {
    return repo.recentIncidents(this.deps.db);
  }

  private async lockOpen(tx: Tx, incidentId: string): Promise<Incident> {
    const incident = isRowIdDigits(incidentId) ? await repo.lockIncident(tx, incidentId) : undefined;
    if (!incident) throw new AppError('not_found', 'There is no such incident');
    if (incident.closed_at) throw new AppError('conflict', `Incident “${incident.name}” is closed`);
    return incident;
  }

  /** Links the enquiry (locked) to `incident` in `tx`, with its timeline entry, then the after-link rule. */
  private async linkInTx(
    tx: Tx,
    reference: string,
    incident: Incident,
    how: 'officer' | 'oncall',
    now: Date,
  ): Promise<Enquiry | null> {
    const e = await lockByReference(tx, reference);
    if (!e) throw new AppError('not_found', `There is no enquiry ${reference}`);
    if (e.incident_id === incident.id) return null;
    const linked = await repo.setIncident(tx, e.id, incident.id, now);
    await addEvent(tx, {
      enquiryId: e.id,
      at: now,
      kind: 'incident_linked',
      data: { incidentId: incident.id, name: incident.name, how },
    });
    await this.deps.lines?.afterLink(tx, linked, incident, now);
    return linked;
  }

  /** Links enquiries to an incident by hand (one, or every suggestion at once); returns how many were linked. */
  async link(incidentId: string, references: string[], actor: Actor): Promise<number> {
    const now = this.deps.clock();
    const linked = await this.deps.db.transaction().execute(async (tx) => {
      const incident = await this.lockOpen(tx, incidentId);
      const done: string[] = [];
      for (const ref of references) if (await this.linkInTx(tx, ref, incident, 'officer', now)) done.push(ref);
      if (done.length)
        await audit(tx, { at: now, actor, action: 'incident.linked', detail: { incidentId, references: done } });
      return done;
    });
    for (const ref of linked) this.deps.arrivals?.announce(ref);
    return linked.length;
  }

  /** Links every open enquiry the incident's terms suggest; returns how many. */
  async linkSuggested(incidentId: string, actor: Actor): Promise<number> {
    const view = await this.view(incidentId);
    if (!view) throw new AppError('not_found', 'There is no such incident');
    return this.link(
      incidentId,
      view.suggested.map((e) => e.reference),
      actor,
    );
  }

  /**
   * Takes an enquiry out of its incident: it is back in the queue on its own, as before, and not
   * suggested for that incident again. One that is urgent while the office is closed and was
   * never paged (it went into the incident's summaries) pages on-call now: nothing that should
   * wake someone is left in a group it does not belong to.
   */
  async unlink(reference: string, actor: Actor): Promise<void> {
    const now = this.deps.clock();
    await this.deps.db.transaction().execute(async (tx) => {
      const e = await lockByReference(tx, reference);
      if (!e) throw new AppError('not_found', `There is no enquiry ${reference}`);
      if (!e.incident_id) return;
      const incident = await repo.findIncident(tx, e.incident_id);
      const updated = await repo.setIncident(tx, e.id, null, now);
      await repo.rememberUnlinked(tx, e.incident_id, e.id, now);
      await addEvent(tx, {
        enquiryId: e.id,
        at: now,
        kind: 'incident_unlinked',
        actor: actor.email,
        data: { incidentId: e.incident_id, name: incident?.name ?? '' },
      });
      await audit(tx, {
        at: now,
        actor,
        action: 'incident.unlinked',
        enquiryId: e.id,
        detail: { incidentId: e.incident_id },
      });
      if (
        updated.urgent &&
        isOpenStatus(updated.status) &&
        !isOpen(now, this.deps.config.office) &&
        this.deps.paging?.enabled
      ) {
        // Paging is once per enquiry: an enquiry already paged is not paged again.
        await this.deps.paging.schedulePage(tx, { ...updated, needs_on_call: true }, now);
      }
    });
    this.deps.arrivals?.announce(reference);
  }

  /**
   * Names the colleague from the directory who signs off what the office says about the open
   * incident (`approverId`; empty: nobody), offered first whenever its lines or its enquiries'
   * responses go for sign-off. Audited; 422 on `approver` for someone not in the directory.
   */
  async setApprover(incidentId: string, approverId: string, actor: Actor): Promise<void> {
    const now = this.deps.clock();
    await this.deps.db.transaction().execute(async (tx) => {
      const incident = await this.lockOpen(tx, incidentId);
      let id: string | null = null;
      if (approverId) {
        const [who] = isRowIdDigits(approverId) ? await askableByIds(tx, [approverId]) : [];
        if (!who)
          throw new AppError('validation', 'No such colleague', {
            fields: { approver: 'Choose someone from the directory of colleagues' },
          });
        id = who.id;
      }
      await repo.setApprover(tx, incident.id, id);
      await audit(tx, { at: now, actor, action: 'incident.approver_set', detail: { incidentId, approverId: id } });
    });
  }

  /** Who may be named an incident's approver: the directory's active colleagues, by name. */
  approverChoices(): Promise<AskableColleague[]> {
    return askableColleagues(this.deps.db);
  }

  /** Closes an incident: no more linking at intake or suggestions; its enquiries keep their link. */
  async close(incidentId: string, actor: Actor): Promise<void> {
    const now = this.deps.clock();
    await this.deps.db.transaction().execute(async (tx) => {
      const incident = await this.lockOpen(tx, incidentId);
      await repo.closeIncident(tx, incident.id, now);
      await audit(tx, { at: now, actor, action: 'incident.closed', detail: { incidentId } });
    });
    this.openCache = null;
  }

  /**
   * The open incident a new enquiry is about (its terms match the enquiry's text), asked by intake
   * before storing it; null at once when no incident is open, which this process remembers for
   * two seconds (an incident declared in another process is matched within that).
   */
  async matchAtIntake(
    db: Db | Tx,
    input: { subject: string; details: string; outlet: string; name: string },
  ): Promise<Incident | null> {
    const now = Date.now();
    if (!this.openCache || now - this.openCache.at > OPEN_CACHE_MS) {
      const open = await repo.openIncidents(db);
      this.openCache = { at: now, any: open.length > 0 };
    }
    if (!this.openCache.any) return null;
    return (await repo.matchIncident(db, input)) ?? null;
  }

  /**
   * Intake stored `enquiry` linked to `incident` (in `tx`): its timeline says so; `withheld`: it
   * did not page because on-call has the incident, so the incident's next summary counts it.
   */
  async linkedAtIntake(tx: Tx, enquiry: Enquiry, incident: Incident, withheld: boolean, at: Date): Promise<void> {
    await addEvent(tx, {
      enquiryId: enquiry.id,
      at,
      kind: 'incident_linked',
      data: { incidentId: incident.id, name: incident.name, how: 'auto' },
    });
    if (withheld) await this.deps.summaries?.queue(tx, incident, at);
    await this.deps.lines?.afterLink(tx, enquiry, incident, at);
  }

  /** On-call acknowledged pages about these enquiries: their incidents are acknowledged (the first time). */
  async onPagesAcknowledged(tx: Tx, enquiryIds: string[], at: Date): Promise<void> {
    await repo.acknowledgeIncidentsOf(tx, enquiryIds, at);
  }
}

/** The lines of an incident, for its page's record of what the office said (owned by the holding-line service). */
export type { IncidentLine };
