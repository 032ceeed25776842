/**
 * Topics (issue 28, item 3): a managed list of what enquiries are about ("Flooding", "Custody
 * deaths"). Each enquiry gets one or more: suggested at intake by a topic's search terms (the
 * queue's search syntax, as incidents' terms), and changed by any officer. A topic drives rules:
 * it suggests a library line near the response box, may require sign-off of whatever is said
 * (src/statements asks `signOffTopicsOf`), and may assign new enquiries to an officer. Topics are
 * not personal data: they stay when an enquiry's journalist is erased, so yearly figures add up.
 */
import { audit, type Actor } from '../audit/audit.repository.js';
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../db/database.js';
import { addEvent, lockByReference } from '../enquiries/enquiries.repository.js';
import type { IntakeTopicsPort } from '../enquiries/enquiries.service.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { AppError } from '../http/errors.js';
import { isRowIdDigits } from '../ids.js';
import { findUserById, listActiveUsers } from '../web/users.repository.js';
import { topicForm, type TopicInput } from './topics.forms.js';
import * as repo from './topics.repository.js';
import type { Topic } from './topics.tables.js';

/**
 * How long this process trusts its answer to "has any topic terms?" (intake asks it for every
 * enquiry, so that an office without rules pays no query): a rule added, changed or archived in
 * another process applies within this time; in this one, at once.
 */
export const RULES_CACHE_MS = 30_000;

/** The window a topic's terms are measured against, and its list's counts: the last 30 days. */
export const RECENT_DAYS = 30;

/** What the add and edit forms offer: the library's current lines and the active officers. */
export interface TopicChoices {
  lines: Array<{ id: string; title: string }>;
  officers: Array<{ id: string; name: string }>;
}

/** How many of the last 30 days' enquiries a topic's terms match. */
export interface TermsReach {
  matched: number;
  total: number;
}

export interface TopicServiceDeps {
  db: Db;
  clock: Clock;
  /** Told after a commit that changed an enquiry (the live queues refresh its row). */
  live?: { announceChange(reference: string): void };
}

/** The managed list, the intake rule, and officers' changes to an enquiry's topics. */
export class TopicService implements IntakeTopicsPort {
  private rulesCache: { at: number; any: boolean } | null = null;

  constructor(private readonly deps: TopicServiceDeps) {}

  private since(now: Date): Date {
    return new Date(now.getTime() - RECENT_DAYS * 86_400_000);
  }

  /** Every topic, archived last, with how many enquiries of the last 30 days have it. */
  list(): Promise<repo.TopicListed[]> {
    return repo.listTopics(this.deps.db, this.since(this.deps.clock()));
  }

  /** The topic `id`; AppError('not_found') when there is none. */
  async get(id: string): Promise<Topic> {
    const t = isRowIdDigits(id) ? await repo.findTopic(this.deps.db, id) : undefined;
    if (!t) throw new AppError('not_found', 'There is no such topic.');
    return t;
  }

  /** What the forms offer to choose from. */
  async choices(): Promise<TopicChoices> {
    const [lines, users] = await Promise.all([repo.currentLines(this.deps.db), listActiveUsers(this.deps.db)]);
    return { lines, officers: users.map((u) => ({ id: u.id, name: u.name })) };
  }

  /** How many of the last 30 days' enquiries `terms` match (null for blank terms). */
  async reach(terms: string): Promise<TermsReach | null> {
    if (!terms) return null;
    const now = this.deps.clock();
    const r = await repo.termsMatchCount(this.deps.db, terms, this.since(now), now);
    return { matched: r.matched, total: r.total };
  }

  /**
   * Checks a topic as a form sent it: every field's problem at once (AppError 'validation' naming
   * each), then, in `tx`, the name free in any case (another topic's, archived too), terms that
   * can match something and are not exclusions only, a current line, an active officer.
   */
  private async check(tx: Db | Tx, input: TopicInput, exceptId: string | null): Promise<repo.TopicDetails> {
    const v = topicForm.check(input, 'Check the topic’s details');
    const fields: Record<string, string> = {};
    const taken = await repo.topicNamed(tx, v.name, exceptId);
    if (taken)
      fields.name = `There is already a topic called “${taken.name}”${taken.archived_at ? ' (archived: bring it back instead)' : ''}`;
    if (v.terms) {
      const shape = await repo.termsShape(tx, v.terms);
      if (!shape.searchable)
        fields.terms = 'Those terms can match nothing: use words that appear in the enquiries, like: flood river';
      else if (!shape.positive)
        fields.terms =
          'Say what the enquiries are about, not only what they are not: terms made of exclusions (-word) match almost every enquiry';
    }
    if (v.suggestLine && !(await repo.isCurrentLine(tx, v.suggestLine)))
      fields.suggestLine = 'Choose a current line from the list, or none';
    if (v.assignTo && !(await findUserById(tx, v.assignTo))?.active)
      fields.assignTo = 'Choose an active officer from the list, or nobody';
    if (Object.keys(fields).length) throw new AppError('validation', 'Check the topic’s details', { fields });
    return {
      name: v.name,
      terms: v.terms,
      suggest_line_id: v.suggestLine,
      require_signoff: v.requireSignoff,
      assign_to: v.assignTo,
    };
  }

  /** Checks a topic without saving it, and says how many of the last 30 days' enquiries its terms match. */
  async preview(input: TopicInput, exceptId: string | null): Promise<TermsReach | null> {
    const d = await this.check(this.deps.db, input, exceptId);
    return this.reach(d.terms);
  }

  /** A name taken meanwhile by another manager: the unique index's refusal, said beside the field. */
  private async uniqueName<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if ((err as { code?: string }).code === '23505')
        throw new AppError('validation', 'Check the topic’s details', {
          fields: { name: 'There is already a topic with this name' },
        });
      throw err;
    }
  }

  /** Adds a topic (checked as `check` says); in the audit log. */
  async add(input: TopicInput, actor: Actor): Promise<Topic> {
    const now = this.deps.clock();
    const topic = await this.uniqueName(() =>
      this.deps.db.transaction().execute(async (tx) => {
        const d = await this.check(tx, input, null);
        const t = await repo.insertTopic(tx, { ...d, created_at: now, created_by: actor.email });
        await audit(tx, { at: now, actor, action: 'topic.added', detail: { topicId: t.id, ...d } });
        return t;
      }),
    );
    this.rulesCache = null;
    return topic;
  }

  /** Changes a topic's details; enquiries that have it keep it. In the audit log, with what it was. */
  async edit(id: string, input: TopicInput, actor: Actor): Promise<Topic> {
    const now = this.deps.clock();
    const topic = await this.uniqueName(() =>
      this.deps.db.transaction().execute(async (tx) => {
        const before = isRowIdDigits(id) ? await repo.lockTopic(tx, id) : undefined;
        if (!before) throw new AppError('not_found', 'There is no such topic.');
        const d = await this.check(tx, input, before.id);
        const t = await repo.updateTopic(tx, before.id, d);
        await audit(tx, {
          at: now,
          actor,
          action: 'topic.edited',
          detail: {
            topicId: t.id,
            ...d,
            before: {
              name: before.name,
              terms: before.terms,
              suggest_line_id: before.suggest_line_id,
              require_signoff: before.require_signoff,
              assign_to: before.assign_to,
            },
          },
        });
        return t;
      }),
    );
    this.rulesCache = null;
    return topic;
  }

  /**
   * Archives a topic (`archived` true) or brings it back: an archived topic is not suggested, not
   * offered to officers, and not in the queue's filter, but enquiries keep it (and its rules).
   */
  async setArchived(id: string, archived: boolean, actor: Actor): Promise<void> {
    const now = this.deps.clock();
    await this.deps.db.transaction().execute(async (tx) => {
      const t = isRowIdDigits(id) ? await repo.lockTopic(tx, id) : undefined;
      if (!t) throw new AppError('not_found', 'There is no such topic.');
      if (Boolean(t.archived_at) === archived) return;
      await repo.setArchived(tx, t.id, archived ? now : null);
      await audit(tx, {
        at: now,
        actor,
        action: archived ? 'topic.archived' : 'topic.unarchived',
        detail: { topicId: t.id, name: t.name },
      });
    });
    this.rulesCache = null;
  }

  /**
   * Whether any topic may be suggested at intake (one not archived has terms). Remembered by this
   * process for RULES_CACHE_MS, so an office without rules pays no query for it.
   */
  async anyRules(db: Db | Tx): Promise<boolean> {
    const now = Date.now();
    if (!this.rulesCache || now - this.rulesCache.at > RULES_CACHE_MS)
      this.rulesCache = { at: now, any: await repo.anyRule(db) };
    return this.rulesCache.any;
  }

  /**
   * In the new enquiry's transaction: gives it every topic whose terms match it (source 'rule',
   * one INSERT … SELECT), on its timeline; then the assign rule: the first of those topics by
   * name that assigns to an active officer assigns it to them (its status stays new: nobody has
   * taken it yet), on the timeline with the topic as the reason. Returns the enquiry as it is now.
   */
  async suggestAtIntake(tx: Tx, enquiry: Enquiry, at: Date): Promise<Enquiry> {
    const matched = await repo.addRuleTopics(tx, enquiry.id, at);
    if (!matched.length) return enquiry;
    await addEvent(tx, {
      enquiryId: enquiry.id,
      at,
      kind: 'topics_changed',
      data: { added: matched.map((m) => ({ id: m.id, name: m.name })), removed: [], source: 'rule' },
    });
    const route = enquiry.assigned_to ? undefined : matched.find((m) => m.assign_to);
    if (!route?.assign_to) return enquiry;
    await repo.assignByRule(tx, enquiry.id, route.assign_to, at);
    await addEvent(tx, {
      enquiryId: enquiry.id,
      at,
      kind: 'assigned',
      data: { to: route.assignee_name, topic: route.name },
    });
    return { ...enquiry, assigned_to: route.assign_to, updated_at: at };
  }

  /**
   * An officer sets the enquiry's topics to `topicIds` (the ticked boxes): topics not ticked come
   * off, new ones go on (each must exist and not be archived; one the enquiry already has may be
   * archived). One transaction with its timeline entry and audit row. Returns the timeline entry,
   * or null when nothing changed. AppError 'validation' on the field `topics` for a topic that
   * cannot be given.
   */
  async change(reference: string, topicIds: readonly string[], actor: Actor): Promise<string | null> {
    const wanted = [...new Set(topicIds.map((t) => t.trim()).filter(Boolean))];
    if (wanted.some((id) => !isRowIdDigits(id)))
      throw new AppError('validation', 'Choose topics from the list', {
        fields: { topics: 'Choose topics from the list' },
      });
    const now = this.deps.clock();
    const result = await this.deps.db.transaction().execute(async (tx) => {
      const e = await lockByReference(tx, reference);
      if (!e) throw new AppError('not_found', `There is no enquiry ${reference}`);
      const current = await repo.topicsOf(tx, e.id);
      const has = new Set(current.map((t) => t.id));
      const addIds = wanted.filter((id) => !has.has(id));
      const adding = await repo.topicsByIds(tx, addIds);
      if (adding.length !== addIds.length || adding.some((t) => t.archived_at))
        throw new AppError('validation', 'Choose topics from the list', {
          fields: { topics: 'That topic is archived or no longer exists: choose from the list' },
        });
      const removing = current.filter((t) => !wanted.includes(t.id));
      if (!adding.length && !removing.length) return null;
      await repo.removeTopics(
        tx,
        e.id,
        removing.map((t) => t.id),
      );
      await repo.addTopics(
        tx,
        e.id,
        adding.map((t) => t.id),
        now,
        actor.email,
      );
      const added = adding.map((t) => ({ id: t.id, name: t.name })).sort((a, b) => a.name.localeCompare(b.name));
      const removed = removing.map((t) => ({ id: t.id, name: t.name }));
      const eventId = await addEvent(tx, {
        enquiryId: e.id,
        at: now,
        kind: 'topics_changed',
        actor: actor.email,
        data: { added, removed, source: 'officer' },
      });
      await audit(tx, {
        at: now,
        actor,
        action: 'enquiry.topics_changed',
        enquiryId: e.id,
        detail: { added, removed },
      });
      return eventId;
    });
    if (result) this.deps.live?.announceChange(reference);
    return result;
  }
}
