import { DateTime } from 'luxon';
import { type Actor, audit } from '../audit/audit.repository.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { findByReference } from '../enquiries/enquiries.repository.js';
import { normaliseReference } from '../enquiries/reference.js';
import { AppError, validationError } from '../http/errors.js';
import { smsSize } from '../telephony/sms-encoding.js';
import { activeTopics } from '../topics/topics.repository.js';
import * as repo from './lines.repository.js';
import type { LineRow, LineUse } from './lines.repository.js';
import type { ReplyTemplate } from './lines.tables.js';
import { fillPlaceholders, type Placeholder, placeholderValues } from './placeholders.js';

/** Days back the record of use counts: "most used" in the suggestions, "recent" in a line's uses. */
export const USE_WINDOW_DAYS = 90;

/** The most suggestions the insert widget is given. */
export const SUGGEST_LIMIT = 8;

/**
 * One thing the insert widget (and the on-call link) offers: a current line, exactly as written,
 * or a template, filled from the enquiry when one is given. `warning`: why to check it before it
 * is sent (a line past its review date), or null. `segments`/`characters`: the text as an SMS.
 * The JSON of `GET /desk/lines/suggest` is a list of these: keep it stable.
 */
export interface Suggestion {
  kind: 'line' | 'template';
  id: string;
  title: string;
  text: string;
  warning: string | null;
  segments: number;
  characters: number;
}

/** Why a line cannot be used: none by that number, withdrawn (when, why) or superseded (by which). */
export type LineRefusal =
  | { kind: 'unknown'; id: string; message: string }
  | { kind: 'withdrawn'; id: string; at: Date; reason: string | null; message: string }
  | { kind: 'superseded'; id: string; by: string; message: string };

/** A line that may be used, or why not. */
export type CurrentLine = { ok: true; line: LineRow } | { ok: false; refusal: LineRefusal };

/** Where a line stands against its review date, in office days. */
export type ReviewState =
  | { kind: 'none' }
  | { kind: 'ok'; on: string }
  | { kind: 'soon'; on: string }
  | { kind: 'due'; since: string };

/** What a line is saved with (the form's values, checked). */
export type LineInput = repo.LineInput;

/** A line's signed-off identity, for sign-off and the timeline: "library line 12 (approved by X on 3 November 2026)". */
export interface ApprovedLine {
  id: string;
  approvedBy: string;
  approvedAt: Date;
  /** "library line 12 (approved by Chief Superintendent Jo Bloggs on 3 November 2026)". */
  description: string;
}

export interface LineLibraryDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'office' | 'publicBaseUrl' | 'lines'>;
}

/** The office's calendar day at `at`, 'YYYY-MM-DD' (the one way the library names a day). */
export function officeDay(at: Date, office: Pick<Config['office'], 'timezone'>): string {
  return DateTime.fromJSDate(at, { zone: office.timezone }).toISODate() ?? '';
}

/** "3 November 2026" from 'YYYY-MM-DD'. */
export function dayInWords(isoDate: string): string {
  return DateTime.fromISO(isoDate, { zone: 'utc' }).setLocale('en-GB').toFormat('d LLLL yyyy');
}

/**
 * The library of lines to take and reply templates (issue 28, items 1 and 2): managers keep it,
 * every officer reads, searches and inserts from it; the insert widget, the on-call texts and
 * sign-off read it here.
 */
export class LineLibrary {
  constructor(private readonly deps: LineLibraryDeps) {}

  private get db(): Db {
    return this.deps.db;
  }

  /** Today's date in office time, 'YYYY-MM-DD'. */
  today(now = this.deps.clock()): string {
    return officeDay(now, this.deps.config.office);
  }

  /** Where `line` stands against its review date today: due (past it), soon (within lines.reviewWarnDays), ok, none. */
  reviewState(line: Pick<LineRow, 'review_by'>, now = this.deps.clock()): ReviewState {
    if (!line.review_by) return { kind: 'none' };
    const today = this.today(now);
    if (line.review_by < today) return { kind: 'due', since: line.review_by };
    const warnFrom = DateTime.fromISO(line.review_by, { zone: 'utc' })
      .minus({ days: this.deps.config.lines.reviewWarnDays })
      .toISODate();
    return warnFrom && today >= warnFrom ? { kind: 'soon', on: line.review_by } : { kind: 'ok', on: line.review_by };
  }

  /** The warning to show before `line` is used, or null: past its review date. */
  reviewWarning(line: Pick<LineRow, 'review_by'>, now = this.deps.clock()): string | null {
    const r = this.reviewState(line, now);
    return r.kind === 'due'
      ? `Due for review since ${dayInWords(r.since)}: check it is still right before you send it`
      : null;
  }

  /** One line by number (any state), or undefined. */
  find(id: string): Promise<LineRow | undefined> {
    return repo.findLine(this.db, id);
  }

  /** The line numbered `id` if it is current; else why it cannot be used (withdrawn and when; superseded and by which). */
  async current(id: string): Promise<CurrentLine> {
    const line = await repo.findLine(this.db, id.trim());
    if (!line) return { ok: false, refusal: { kind: 'unknown', id, message: `There is no line ${id}` } };
    if (line.state === 'current') return { ok: true, line };
    if (line.state === 'withdrawn') {
      const at = line.withdrawn_at ?? line.updated_at;
      const on = dayInWords(this.today(at));
      return {
        ok: false,
        refusal: {
          kind: 'withdrawn',
          id: line.id,
          at,
          reason: line.withdrawn_reason,
          message: `Line ${line.id} was withdrawn on ${on}${line.withdrawn_reason ? ` (${line.withdrawn_reason})` : ''}`,
        },
      };
    }
    const by = await this.replacementOf(line);
    return {
      ok: false,
      refusal: { kind: 'superseded', id: line.id, by, message: `Line ${line.id} was replaced by line ${by}` },
    };
  }

  /** The line that now stands for a superseded one: its replacement's replacement, and so on (at most 20 steps). */
  private async replacementOf(line: LineRow): Promise<string> {
    let at = line;
    for (let i = 0; i < 20 && at.state === 'superseded' && at.superseded_by; i++) {
      const next = await repo.findLine(this.db, at.superseded_by);
      if (!next) break;
      at = next;
    }
    return at.id === line.id ? (line.superseded_by ?? line.id) : at.id;
  }

  /**
   * The current library line whose words `text` is, unchanged (trimmed), with who approved it: a
   * line sent so counts as signed off. Null when it is no current line's words.
   */
  async approvedLine(db: Db | Tx, text: string): Promise<ApprovedLine | null> {
    if (!text.trim()) return null;
    const line = await repo.currentLineWithText(db, text);
    if (!line) return null;
    const on = dayInWords(this.today(line.approved_at));
    return {
      id: line.id,
      approvedBy: line.approved_by,
      approvedAt: line.approved_at,
      description: `library line ${line.id} (approved by ${line.approved_by} on ${on})`,
    };
  }

  /**
   * What to offer for `q` (each word may be a prefix): current lines and templates, at most
   * `limit` (8). With `enquiry`, lines of its topics (and the line its topics suggest) come first
   * and templates are filled from it; with `q` empty, then the lines most used in the last 90
   * days. Lines are offered exactly as written.
   */
  async suggest(
    q: string,
    o: { enquiry?: Pick<Enquiry, 'id' | 'name' | 'reference' | 'outlet'> | null; limit?: number } = {},
  ): Promise<Suggestion[]> {
    const limit = Math.max(1, Math.min(o.limit ?? SUGGEST_LIMIT, SUGGEST_LIMIT));
    const now = this.deps.clock();
    const query = repo.prefixQuery(q);
    if (q.trim() && !query) return [];
    const since = new Date(now.getTime() - USE_WINDOW_DAYS * 86_400_000);
    const [lines, templates] = await Promise.all([
      repo.lineCandidates(this.db, { query, enquiryId: o.enquiry?.id ?? null, since, limit }),
      repo.templateCandidates(this.db, { query, limit }),
    ]);
    // This runs as officers type: candidates are ranked first, and only those kept are filled,
    // checked for review and measured (the placeholders' values worked out once, if needed).
    let values: Record<Placeholder, string> | undefined;
    const filled = (body: string) => {
      if (!o.enquiry) return body;
      values ??= placeholderValues(o.enquiry, this.deps.config, now);
      return fillPlaceholders(body, values);
    };
    type Candidate = { topical: boolean; rank: number; order: number; suggestion: () => Suggestion };
    const ranked: Candidate[] = [
      ...lines.map((l, i) => ({
        topical: l.topical,
        rank: Number(l.rank),
        order: i,
        suggestion: () => this.measure('line', l.id, l.title, l.text, this.reviewWarning(l, now)),
      })),
      ...templates.map((t, i) => ({
        topical: false,
        rank: Number(t.rank),
        order: lines.length + i,
        suggestion: () => this.measure('template', t.id, t.title, filled(t.body), null),
      })),
    ];
    // Topical lines first; then, when searching, the better match; else (q empty) lines before templates, in their order.
    ranked.sort((a, b) => Number(b.topical) - Number(a.topical) || (query ? b.rank - a.rank : 0) || a.order - b.order);
    return ranked.slice(0, limit).map((c) => c.suggestion());
  }

  private measure(
    kind: Suggestion['kind'],
    id: string,
    title: string,
    text: string,
    warning: string | null,
  ): Suggestion {
    const size = smsSize(text);
    return { kind, id, title, text, warning, segments: size.segments, characters: size.length };
  }

  /** Lines for the library page: searched (words as prefixes), by topic and state; newest or best first. */
  list(f: repo.LineFilter): ReturnType<typeof repo.listLines> {
    return repo.listLines(this.db, f);
  }

  /** Where a line went: the open enquiries it was used for, and the others in the last 90 days. */
  uses(id: string): Promise<LineUse[]> {
    const since = new Date(this.deps.clock().getTime() - USE_WINDOW_DAYS * 86_400_000);
    return repo.lineUses(this.db, id, since);
  }

  /** Topics a line may be given, and open incidents it may belong to (the form's choices). */
  async choices(): Promise<{
    topics: Array<{ id: string; name: string }>;
    incidents: Array<{ id: string; name: string }>;
  }> {
    const [topics, incidents] = await Promise.all([activeTopics(this.db), repo.openIncidents(this.db)]);
    return { topics, incidents };
  }

  /** A line's topic ids and names (by name). */
  async topicsOf(id: string): Promise<{ ids: string[]; names: string[] }> {
    const topics = await repo.lineTopics(this.db, id);
    return { ids: topics.map((t) => t.id), names: topics.map((t) => t.name) };
  }

  /** The name of the line's incident, if it has one. */
  incidentName(id: string): Promise<string | undefined> {
    return repo.incidentName(this.db, id);
  }

  /** The enquiry a reference names (typed any way a reference may be), or undefined. */
  async enquiryByReference(reference: string): Promise<Enquiry | undefined> {
    const ref = normaliseReference(reference);
    return ref ? findByReference(this.db, ref) : undefined;
  }

  /**
   * What the line form's checked values save as: the approval day as noon office time, topics
   * kept only when they are topics not archived, the incident only when it is open. A day of
   * approval after today, or a review date before the approval, is refused (422 on its field).
   */
  async lineInput(
    v: {
      title: string;
      text: string;
      approvedBy: string;
      approvedOn: string | null;
      reviewBy: string | null;
      incident: string | null;
    },
    topicIds: readonly string[],
    /** The line's own incident when changing it: kept even once the incident is closed. */
    keepIncident: string | null = null,
  ): Promise<LineInput> {
    const approvedOn = v.approvedOn ?? this.today();
    if (approvedOn > this.today())
      throw validationError(
        { approvedOn: 'The day it was approved cannot be after today' },
        'The approval day is after today',
      );
    if (v.reviewBy && v.reviewBy < approvedOn)
      throw validationError(
        { reviewBy: 'The review date cannot be before the day it was approved' },
        'The review date is before the approval',
      );
    const { topics, incidents } = await this.choices();
    const known = new Set(topics.map((t) => t.id));
    const approvedAt = DateTime.fromISO(`${approvedOn}T12:00`, { zone: this.deps.config.office.timezone }).toJSDate();
    return {
      title: v.title,
      text: v.text,
      approvedBy: v.approvedBy,
      approvedAt,
      reviewBy: v.reviewBy,
      incidentId:
        v.incident && (v.incident === keepIncident || incidents.some((i) => i.id === v.incident)) ? v.incident : null,
      topicIds: [...new Set(topicIds)].filter((t) => known.has(t)),
    };
  }

  /** Whether the line was ever sent to a journalist (changing its words then makes a new line). */
  wasUsed(id: string): Promise<boolean> {
    return repo.lineWasUsed(this.db, id);
  }

  /** Adds a current line to the library (a manager). Audited. */
  async add(actor: Actor, input: LineInput): Promise<string> {
    const now = this.deps.clock();
    return this.db.transaction().execute(async (tx) => {
      const id = await repo.insertLine(tx, input, actor.email, now);
      await audit(tx, { at: now, actor, action: 'line.added', detail: { line: id } });
      return id;
    });
  }

  /**
   * Changes a current line (a manager). When its words change and it was already sent to a
   * journalist, the change is a new line superseding it, so what was sent stays on record as sent;
   * otherwise it is changed in place. Returns the id of the line that now stands.
   */
  async edit(actor: Actor, id: string, input: LineInput): Promise<{ id: string; superseded: boolean }> {
    const now = this.deps.clock();
    return this.db.transaction().execute(async (tx) => {
      const line = await this.lockCurrent(tx, id);
      const wordsChanged = line.text.trim() !== input.text.trim();
      if (wordsChanged && (await repo.lineWasUsed(tx, id))) {
        const next = await repo.insertLine(tx, input, actor.email, now);
        await repo.markSuperseded(tx, id, next, now);
        await audit(tx, { at: now, actor, action: 'line.superseded', detail: { line: id, by: next, edited: true } });
        return { id: next, superseded: true };
      }
      await repo.updateLine(tx, id, input, now);
      await audit(tx, { at: now, actor, action: 'line.edited', detail: { line: id, wordsChanged } });
      return { id, superseded: false };
    });
  }

  /** Replaces a current line with a new one (a manager): the old one is superseded by it. Returns the new id. */
  async supersede(actor: Actor, id: string, input: LineInput): Promise<string> {
    const now = this.deps.clock();
    return this.db.transaction().execute(async (tx) => {
      await this.lockCurrent(tx, id);
      const next = await repo.insertLine(tx, input, actor.email, now);
      await repo.markSuperseded(tx, id, next, now);
      await audit(tx, { at: now, actor, action: 'line.superseded', detail: { line: id, by: next } });
      return next;
    });
  }

  /** Withdraws a current line, with the reason (a manager): it is no longer offered or sent. Audited. */
  async withdraw(actor: Actor, id: string, reason: string): Promise<void> {
    const now = this.deps.clock();
    await this.db.transaction().execute(async (tx) => {
      await this.lockCurrent(tx, id);
      await repo.markWithdrawn(tx, id, actor.email, reason, now);
      await audit(tx, { at: now, actor, action: 'line.withdrawn', detail: { line: id } });
    });
  }

  private async lockCurrent(tx: Tx, id: string): Promise<LineRow> {
    const line = await repo.lockLine(tx, id);
    if (!line) throw new AppError('not_found', `There is no line ${id}`);
    if (line.state !== 'current') {
      const r = await this.current(id);
      throw new AppError('conflict', r.ok ? `Line ${id} has changed` : r.refusal.message);
    }
    return line;
  }

  /** Templates for the managers' page: kept ones, and the archived when asked. */
  templates(o: { archived: boolean } = { archived: false }): Promise<ReplyTemplate[]> {
    return repo.listTemplates(this.db, o);
  }

  /** One template, or undefined. */
  template(id: string): Promise<ReplyTemplate | undefined> {
    return repo.findTemplate(this.db, id);
  }

  /** Adds a template (a manager; the body is checked by the form). Audited. Returns its id. */
  async addTemplate(actor: Actor, t: { title: string; body: string }): Promise<string> {
    const now = this.deps.clock();
    return this.db.transaction().execute(async (tx) => {
      const id = await repo.insertTemplate(tx, t, actor.email, now);
      await audit(tx, { at: now, actor, action: 'template.added', detail: { template: id } });
      return id;
    });
  }

  /** Changes a template (a manager). Audited. */
  async editTemplate(actor: Actor, id: string, t: { title: string; body: string }): Promise<void> {
    const now = this.deps.clock();
    await this.db.transaction().execute(async (tx) => {
      if (!(await repo.findTemplate(tx, id))) throw new AppError('not_found', `There is no template ${id}`);
      await repo.updateTemplate(tx, id, t, now);
      await audit(tx, { at: now, actor, action: 'template.edited', detail: { template: id } });
    });
  }

  /** Archives a template (kept on record, no longer offered). Audited. */
  async archiveTemplate(actor: Actor, id: string): Promise<void> {
    const now = this.deps.clock();
    await this.db.transaction().execute(async (tx) => {
      if (!(await repo.findTemplate(tx, id))) throw new AppError('not_found', `There is no template ${id}`);
      await repo.archiveTemplate(tx, id, now);
      await audit(tx, { at: now, actor, action: 'template.archived', detail: { template: id } });
    });
  }

  /** A template's body filled from `enquiry` now. */
  fill(body: string, enquiry: Pick<Enquiry, 'name' | 'reference' | 'outlet'>): string {
    return fillPlaceholders(body, placeholderValues(enquiry, this.deps.config, this.deps.clock()));
  }
}
