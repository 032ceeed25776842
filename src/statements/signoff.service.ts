/**
 * Drafts and sign-off bound to the exact words (issue 26, item 3). The response to an enquiry is
 * saved as a draft and sent to approvers (colleagues from the directory: the SIO, a gold
 * commander, a service head) by text or email. Each opens a link of their own (`/s/{token}`) and
 * approves, approves with edits (the edited words are what is approved) or returns it with a
 * comment; from a phone they may text `APPROVE <code>` or `CHANGES <code> <comment>`. An approval
 * is for one text (its SHA-256): changing the draft afterwards voids it. When sign-off is
 * required (`statements.signOff`), the response is released only in the approved words, unless a
 * manager gives a reason (recorded).
 *
 * Messages go through the outbox on the journalist lane (never ahead of a page); the link is
 * stored redacted and minted as the message is sent, like every bearer link.
 */
import { createHash, randomInt } from 'node:crypto';
import type { Clock } from '../clock.js';
import { recipientName, type QuestionMail } from '../colleagues/questions.service.js';
import { askableByIds, type AskableColleague } from '../colleagues/questions.repository.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import { audit, type Actor } from '../audit/audit.repository.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import type { NewEventOf, SignOffOutcome } from '../enquiries/timeline.js';
import { addEvent, lockByReference } from '../enquiries/enquiries.repository.js';
import { normaliseText } from '../enquiries/enquiry.input.js';
import { callsBack } from '../enquiries/phone-numbers.js';
import { formatDeadline } from '../hours/format.js';
import { hashBearerToken, looksLikeBearerToken, newBearerToken } from '../http/bearer-token.js';
import { AppError } from '../http/errors.js';
import { isRowIdDigits } from '../ids.js';
import { queueSms } from '../outbox/outbox.service.js';
import type { LineLibrary } from '../lines/lines.service.js';
import * as repo from './signoff.repository.js';
import { signOffTopicsOf } from '../topics/topics.repository.js';
import type { DraftKind, StatementDraft } from './statements.tables.js';

/** Where approvers' links live: `/s/{token}`. */
export const SIGNOFF_LINK_PREFIX = '/s/';

/**
 * Longest draft (the response's own limit), incident line (its own limit: src/incidents uses this
 * one) and approver's comment.
 */
export const SIGNOFF_LIMITS = { text: 5_000, line: 1_000, comment: 1_000 } as const;

/** Enquiry statuses after which nothing is signed off any more (links stop working). */
const FINISHED = new Set(['closed', 'withdrawn', 'erased']);

/** SHA-256 of the words, as an approval binds them (white space at the ends does not count). */
export function wordsHash(text: string): string {
  return createHash('sha256').update(text.trim()).digest('hex');
}

/** What gives words to a journalist, each gated by sign-off (its form's field is named the same). */
export type GatedSend = 'release' | 'reply' | 'email';

/** How the gate's refusal speaks of each. */
const GATED = {
  release: {
    unapproved: 'This response needs sign-off before it is released: send it for sign-off below',
    differs:
      'These words differ from the ones signed off: release the approved response, or send the new words for sign-off',
    without: 'release it without',
  },
  reply: {
    unapproved: 'This enquiry needs sign-off: only approved words go to the journalist. Send them for sign-off below',
    differs: 'These words differ from the ones signed off: send the approved words, or send the new words for sign-off',
    without: 'send it without',
  },
  email: {
    unapproved: 'This enquiry needs sign-off: only approved words go to the journalist. Send them for sign-off below',
    differs: 'These words differ from the ones signed off: send the approved words, or send the new words for sign-off',
    without: 'send it without',
  },
} as const satisfies Record<GatedSend, { unapproved: string; differs: string; without: string }>;

/** Which enquiries need their response signed off, by `statements.signOff`. */
export function needsSignOff(
  e: Pick<Enquiry, 'incident_id' | 'urgent'>,
  rule: Config['statements']['signOff'],
): boolean {
  const by = {
    never: false,
    incident: e.incident_id !== null,
    urgent: e.urgent,
    always: true,
  } as const satisfies Record<Config['statements']['signOff'], boolean>;
  return by[rule];
}

/**
 * Whether an incident's holding and press lines need sign-off before they are sent: where the
 * office signs off every response, or those on enquiries linked to an incident (a line goes to
 * every linked journalist). Responses to urgent enquiries alone do not make a line need it.
 */
export function lineNeedsSignOff(rule: Config['statements']['signOff']): boolean {
  const by = { never: false, incident: true, urgent: false, always: true } as const satisfies Record<
    Config['statements']['signOff'],
    boolean
  >;
  return by[rule];
}

/** An incident line as sign-off needs it (src/incidents passes it; statements does not read incidents). */
export interface LineToSign {
  id: string;
  kind: 'holding' | 'press';
  text: string;
  incidentId: string;
  incidentName: string;
  closed: boolean;
}

/** Where a line's sign-off stands, for the incident page. */
export interface LineSignOff {
  draft: StatementDraft | null;
  requests: Awaited<ReturnType<typeof repo.requestsOf>>;
  /** The line's current words are the approved ones. */
  approved: boolean;
}

/** The redacted link of request `id`, as stored; `fillLinks` makes it a working one as it is sent. */
function redactedLink(publicBaseUrl: string, requestId: string): string {
  return `${publicBaseUrl}${SIGNOFF_LINK_PREFIX}[signoff-link-${requestId}]`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What the enquiry page shows of sign-off. */
export interface SignOffView {
  required: boolean;
  /** `statements.signOff` requires it for this enquiry. */
  byRule: boolean;
  /** The enquiry's topics that require sign-off (src/topics), whatever `statements.signOff` says; by name. */
  byTopics: string[];
  draft: StatementDraft | null;
  requests: Awaited<ReturnType<typeof repo.requestsOf>>;
}

/**
 * What an approver's link shows: a response to an enquiry, or an incident's line (`kind`; for a
 * line `reference` is the incident's name, `subject` the line's kind, `details` the incident's
 * description, and there is no outlet or deadline).
 */
export interface ApproverView {
  kind: DraftKind;
  reference: string;
  name: string;
  subject: string;
  details: string;
  outlet: string;
  deadline: Date | null;
  respondBy: Date | null;
  text: string;
  /** Still theirs to decide (pending, and the words are still the ones sent). */
  open: boolean;
  /** What happened, when it is no longer open. */
  outcome: 'approved' | 'returned' | 'changed' | null;
  now: Date;
}

/** An approver's decision on their link. */
export type LinkDecision =
  | { action: 'approve' }
  | { action: 'edit'; text: string }
  | { action: 'return'; comment: string };

/** What a draft sent for sign-off is about: an enquiry's response, or an incident's line. */
type About = { kind: 'response'; enquiry: Enquiry } | { kind: 'line'; line: LineToSign };

export interface SignOffDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'office' | 'publicBaseUrl' | 'statements'> & {
    twilio: Pick<Config['twilio'], 'allowedCountries'>;
  };
  mail?: QuestionMail;
  live?: { announceChange(reference: string): void };
  /** The library of lines to take: a current line sent unchanged was signed off when it was approved. */
  lines?: Pick<LineLibrary, 'approvedLine'>;
}

/** Drafts, requests for sign-off, approvers' decisions, and the release gate. */
export class SignOffService {
  constructor(private readonly deps: SignOffDeps) {}

  /** The enquiry's sign-off as its page shows it. */
  async viewOf(e: Pick<Enquiry, 'id' | 'incident_id' | 'urgent'>): Promise<SignOffView> {
    const [draft, byTopics] = await Promise.all([
      repo.draftOf(this.deps.db, e.id).then((d) => d ?? null),
      signOffTopicsOf(this.deps.db, e.id),
    ]);
    const byRule = needsSignOff(e, this.deps.config.statements.signOff);
    return {
      required: byRule || byTopics.length > 0,
      byRule,
      byTopics,
      draft,
      requests: draft ? await repo.requestsOf(this.deps.db, draft.id) : [],
    };
  }

  /** When each enquiry's draft was sent and still awaits sign-off (the queue's marker). */
  awaitingSince(enquiryIds: readonly string[]): Promise<Map<string, Date>> {
    return repo.awaitingSince(this.deps.db, enquiryIds);
  }

  /** Checks the words of a draft: normalised, not empty, within `limit` (the response's length). */
  private words(text: string, field = 'draft', limit: number = SIGNOFF_LIMITS.text): string {
    const t = normaliseText(text, true);
    if (!t)
      throw new AppError('validation', 'Write the response first', { fields: { [field]: 'Write the response first' } });
    if (t.length > limit)
      throw new AppError('validation', 'The words are too long', {
        fields: { [field]: `Keep it to ${limit.toLocaleString('en-GB')} characters or fewer` },
      });
    return t;
  }

  /**
   * Saves `text` as the enquiry's draft in `tx`. New words void what applied to the old ones: an
   * approval (the draft must be signed off again) or the pending requests (the timeline says so).
   */
  private async save(tx: Tx, e: Enquiry, text: string, actor: Actor, now: Date): Promise<StatementDraft> {
    const draft = await repo.draftOf(tx, e.id, true);
    if (!draft) return repo.insertDraft(tx, { enquiry_id: e.id, text, created_by: actor.email, at: now });
    if (draft.text === text) return draft;
    const voided = draft.state === 'approved' ? 'approval' : draft.state === 'awaiting' ? 'requests' : null;
    await repo.voidPending(tx, draft.id);
    await repo.updateDraft(tx, draft.id, {
      text,
      state: 'draft',
      updated_at: now,
      approved_hash: null,
      approved_by: null,
      approved_at: null,
    });
    if (voided)
      await addEvent(tx, { enquiryId: e.id, at: now, kind: 'draft_changed', actor: actor.email, data: { voided } });
    return { ...draft, text, state: 'draft', approved_hash: null, approved_by: null, approved_at: null };
  }

  /** Saves the response draft (no one is asked yet). */
  async saveDraft(reference: string, text: string, actor: Actor): Promise<void> {
    const words = this.words(text);
    await this.withEnquiry(reference, async (tx, e, now) => {
      await this.save(tx, e, words, actor, now);
    });
  }

  /**
   * Saves the words and sends them for sign-off to colleagues `colleagueIds` by `via`: one request
   * and one message each, the timeline entry and the audit row, in one transaction. Every problem
   * is named at once (`draft`, `approvers`, `via`).
   */
  async request(
    reference: string,
    input: { text: string; colleagueIds: readonly string[]; via: string },
    actor: Actor,
  ): Promise<void> {
    const fields: Record<string, string> = {};
    let words = '';
    try {
      words = this.words(input.text);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation') throw err;
      Object.assign(fields, err.details.fields);
    }
    await this.withEnquiry(reference, async (tx, e, now) => {
      const { via, approvers } = await this.approversFor(tx, input, fields, 'The response');
      const draft = await this.save(tx, e, words, actor, now);
      await this.ask(tx, draft, words, approvers, via, { kind: 'response', enquiry: e }, now);
      await addEvent(tx, {
        enquiryId: e.id,
        at: now,
        kind: 'signoff_requested',
        actor: actor.email,
        data: { to: approvers.map((c) => ({ name: recipientName(c), via })), text: words },
      });
      await audit(tx, {
        at: now,
        actor,
        action: 'statement.signoff_requested',
        enquiryId: e.id,
        detail: { approvers: approvers.map((c) => c.id), via },
      });
    });
  }

  /**
   * Sends an incident's line for sign-off to colleagues `colleagueIds` by `via`, in the caller's
   * transaction (the incident's, with the line read in it): its words are the line's. Every
   * problem is named at once (`approvers`, `via`); a closed incident is a conflict.
   */
  async requestLine(
    tx: Tx,
    line: LineToSign,
    input: { colleagueIds: readonly string[]; via: string },
    actor: Actor,
    now: Date,
  ): Promise<void> {
    if (line.closed) throw new AppError('conflict', `Incident “${line.incidentName}” is closed`);
    const { via, approvers } = await this.approversFor(tx, input, {}, 'The line');
    const draft =
      (await repo.lineDraftOf(tx, line.id, true)) ??
      (await repo.insertLineDraft(tx, { line_id: line.id, text: line.text, created_by: actor.email, at: now }));
    if (draft.text !== line.text) await repo.updateDraft(tx, draft.id, { text: line.text, updated_at: now });
    await this.ask(tx, { ...draft, text: line.text }, line.text, approvers, via, { kind: 'line', line }, now);
    await audit(tx, {
      at: now,
      actor,
      action: 'statement.signoff_requested',
      detail: { incidentId: line.incidentId, lineId: line.id, approvers: approvers.map((c) => c.id), via },
    });
  }

  /**
   * The approvers chosen and how to reach them, checked in `tx`: every problem (with those already
   * in `fields`) named at once, else the validation error `what … could not be sent for sign-off`.
   */
  private async approversFor(
    tx: Tx,
    input: { colleagueIds: readonly string[]; via: string },
    fields: Record<string, string>,
    what: string,
  ): Promise<{ via: 'sms' | 'email'; approvers: AskableColleague[] }> {
    const via = input.via === 'sms' || input.via === 'email' ? input.via : null;
    if (!via) fields.via = 'Choose text or email';
    if (via === 'email' && !this.deps.mail?.enabled) fields.via = 'Email is not connected: send it by text';
    const ids = [...new Set(input.colleagueIds.filter((id) => isRowIdDigits(id)))];
    const approvers = await askableByIds(tx, ids);
    if (!approvers.length) fields.approvers = 'Choose who signs it off';
    else if (approvers.length < ids.length) fields.approvers = 'Someone you chose has left the directory: choose again';
    if (via && approvers.length) {
      const cannot = approvers.filter((c) =>
        via === 'sms' ? !c.mobile || !callsBack(c.mobile, this.deps.config.twilio.allowedCountries) : !c.email,
      );
      if (cannot.length)
        fields.via = `${cannot.map((c) => c.name).join(', ')} cannot be reached by ${via === 'sms' ? 'text' : 'email'}: choose the other way`;
    }
    if (Object.keys(fields).length || !via)
      throw new AppError('validation', `${what} could not be sent for sign-off`, { fields });
    return { via, approvers };
  }

  /** A new round for `draft` (its `words`): earlier pending requests void, one request and one message per approver. */
  private async ask(
    tx: Tx,
    draft: StatementDraft,
    words: string,
    approvers: AskableColleague[],
    via: 'sms' | 'email',
    about: About,
    now: Date,
  ): Promise<void> {
    await repo.voidPending(tx, draft.id);
    await repo.updateDraft(tx, draft.id, { state: 'awaiting', sent_at: now, updated_at: now });
    const hash = wordsHash(words);
    for (const c of approvers) {
      const address = via === 'sms' ? c.mobile! : c.email!;
      const taken = new Set(await repo.pendingCodesAt(tx, address));
      let code = String(randomInt(1000, 10_000));
      while (taken.has(code)) code = String(randomInt(1000, 10_000));
      const requestId = await repo.insertRequest(tx, {
        draft_id: draft.id,
        colleague_id: c.id,
        name: recipientName(c),
        via,
        address,
        code,
        text_hash: hash,
        sent_at: now,
      });
      await this.send(tx, { id: requestId, via, address, code }, about, now);
    }
  }

  /** The message asking one approver: what it is, the deadline, where to read it, how to answer. */
  private async send(
    tx: Tx,
    r: { id: string; via: 'sms' | 'email'; address: string; code: string },
    about: About,
    now: Date,
  ): Promise<void> {
    const { config } = this.deps;
    const link = redactedLink(config.publicBaseUrl, r.id);
    const key = `signoff:${r.id}`;
    let opening: string;
    let subject: string;
    let enquiryId: string | null = null;
    if (about.kind === 'response') {
      const e = about.enquiry;
      const due = e.respond_by ?? e.deadline;
      const by = due ? ` The journalist's deadline is ${formatDeadline(due, config.office, now)}.` : '';
      opening = `${config.office.name} press office: please sign off our response to media enquiry ${e.reference}${e.outlet ? ` (${e.outlet})` : ''}.${by}`;
      subject = `Sign-off needed: response to ${e.reference}`;
      enquiryId = e.id;
    } else {
      const { line } = about;
      opening = `${config.office.name} press office: please sign off our ${line.kind} line on “${line.incidentName}” before it goes to journalists.`;
      subject = `Sign-off needed: ${line.kind} line on ${line.incidentName}`;
    }
    if (r.via === 'sms') {
      const body = `${opening}\n\nRead it and approve, edit or return it: ${link}\nOr reply APPROVE ${r.code}, or CHANGES ${r.code} and what to change.`;
      await queueSms(tx, { key, enquiryId, to: r.address, body, lane: 'journalist' }, now);
      return;
    }
    const text = [
      opening,
      '',
      `Read the words, then approve them, approve them with your edits, or return them with a comment: ${link}`,
      '',
      'Only your decision on that page counts: the approval is for those exact words.',
    ].join('\n');
    await this.deps.mail!.toColleague(tx, { key, enquiryId, to: r.address, subject, text }, now);
  }

  /**
   * Deadline warnings reach the approvers too (issue 26, item 3): for each of `enquiryIds` whose
   * response still awaits sign-off, every approver yet to decide gets one reminder, in the
   * warning's transaction `tx`, by the way they were asked, with a fresh link and their code.
   * Once per request (the outbox key), however often it is called.
   */
  async remindApprovers(tx: Tx, enquiryIds: readonly string[], now: Date): Promise<number> {
    const pending = await repo.pendingForEnquiries(tx, enquiryIds);
    const { config } = this.deps;
    for (const r of pending) {
      const due = r.respond_by ?? r.deadline;
      const by = due ? `The journalist's deadline is ${formatDeadline(due, config.office, now)}` : 'It is due soon';
      const opening = `${config.office.name} press office: reminder. ${by}, and our response to media enquiry ${r.reference}${r.outlet ? ` (${r.outlet})` : ''} still waits for your sign-off.`;
      const link = redactedLink(config.publicBaseUrl, r.id);
      const key = `signoff-reminder:${r.id}`;
      if (r.via === 'sms') {
        const body = `${opening}\n\nRead it: ${link}\nOr reply APPROVE ${r.code}, or CHANGES ${r.code} and what to change.`;
        await queueSms(tx, { key, enquiryId: r.enquiry_id, to: r.address, body, lane: 'journalist' }, now);
      } else if (this.deps.mail?.enabled) {
        const text = [opening, '', `Read it, then approve, edit or return it: ${link}`].join('\n');
        await this.deps.mail.toColleague(
          tx,
          {
            key,
            enquiryId: r.enquiry_id,
            to: r.address,
            subject: `Reminder: sign-off needed for ${r.reference}`,
            text,
          },
          now,
        );
      }
    }
    return pending.length;
  }

  /** The outbox's completion of an approver's message: each redacted link made a working one, its hash stored. */
  async fillLinks(tx: Tx, content: string, now: Date): Promise<{ send: string; marker: string } | null> {
    const base = `${this.deps.config.publicBaseUrl}${SIGNOFF_LINK_PREFIX}`;
    const found = [...content.matchAll(new RegExp(`${escapeRegExp(base)}\\[signoff-link-(\\d+)\\]`, 'g'))];
    if (!found.length) return null;
    let send = content;
    for (const m of found) {
      const token = newBearerToken();
      await repo.insertLink(tx, m[1], hashBearerToken(token), now);
      send = send.replace(m[0], `${base}${token}`);
    }
    return { send, marker: content.slice(0, found[0].index) };
  }

  private async byLink(db: Db | Tx, token: string): Promise<repo.RequestWithDraft | null> {
    if (!looksLikeBearerToken(token)) return null;
    const r = await repo.requestByTokenHash(db, hashBearerToken(token));
    return r && !r.finished ? r : null;
  }

  /** What the approver's link shows; null when it opens nothing (one answer for every reason). */
  async linkView(token: string): Promise<ApproverView | null> {
    const r = await this.byLink(this.deps.db, token);
    if (!r) return null;
    const current = wordsHash(r.draft_text) === r.text_hash;
    const open = r.state === 'pending' && current;
    return {
      kind: r.draft_kind,
      reference: r.reference,
      name: r.name,
      subject: r.subject,
      details: r.details,
      outlet: r.outlet,
      deadline: r.deadline,
      respondBy: r.respond_by,
      text: r.draft_text,
      open,
      // Words changed since (after a decision too): that is what the approver needs to know.
      outcome: open
        ? null
        : !current
          ? 'changed'
          : r.state === 'approved'
            ? 'approved'
            : r.state === 'returned'
              ? 'returned'
              : 'changed',
      now: this.deps.clock(),
    };
  }

  /** An approver's decision on their link; false when the link opens nothing. A validation error names the field. */
  async decideByLink(token: string, d: LinkDecision): Promise<boolean> {
    const reference = await this.deps.db.transaction().execute(async (tx) => {
      const r = await this.byLink(tx, token);
      if (!r) return null;
      await this.decide(tx, r, d, 'link');
      return r.reference;
    });
    if (reference) this.deps.live?.announceChange(reference);
    return reference !== null;
  }

  /**
   * A text from an approver: `APPROVE <code>` or `CHANGES <code> <comment>` (the code may be left
   * out when they have one request pending). Null when the text is neither, or `from` has nothing
   * pending: it is then someone else's business.
   */
  async bySms(
    tx: Tx,
    message: { from: string; body: string },
  ): Promise<{ reply: string; enquiry: { id: string; reference: string } | null } | null> {
    const m = /^\s*(approve|approved|changes)\b\s*(\d{4})?\b[\s:.,-]*([\s\S]*)$/i.exec(message.body);
    if (!m) return null;
    const pending = await repo.pendingAt(tx, message.from);
    if (!pending.length) return null;
    const code = m[2];
    const r = code ? pending.find((p) => p.code === code) : pending.length === 1 ? pending[0] : undefined;
    if (!r) {
      const list = pending
        .slice(0, 5)
        .map((p) => `${p.code} (${p.reference})`)
        .join(', ');
      return {
        reply: `Press office: ${code ? 'that code is not one of yours' : 'you have more than one thing to sign off'}. Reply APPROVE or CHANGES with its code: ${list}.`,
        enquiry: null,
      };
    }
    const approve = m[1].toLowerCase() !== 'changes';
    const comment = m[3].trim();
    if (!approve && !comment)
      return {
        reply: `Press office: say what to change, e.g. CHANGES ${r.code} do not name the street.`,
        enquiry: null,
      };
    try {
      await this.decide(tx, r, approve ? { action: 'approve' } : { action: 'return', comment }, 'sms');
    } catch (err) {
      if (err instanceof AppError && err.code === 'conflict')
        return { reply: `Press office: ${err.message}`, enquiry: null };
      throw err;
    }
    const what = r.enquiry_id ? `our response to ${r.reference}` : `our ${r.subject} line on “${r.reference}”`;
    return {
      reply: approve
        ? `Press office: thank you, you approved ${what}.`
        : `Press office: thank you, we have your changes to ${what}.`,
      enquiry: r.enquiry_id ? { id: r.enquiry_id, reference: r.reference } : null,
    };
  }

  /**
   * One decision, for the words this request was sent with; words changed since: refused
   * (conflict). An enquiry's response records it on its timeline; a line's edits become the line's
   * words (refused once the line has gone to anyone: what was sent stays what was sent).
   */
  private async decide(tx: Tx, r: repo.RequestWithDraft, d: LinkDecision, via: 'link' | 'sms'): Promise<void> {
    const now = this.deps.clock();
    const draft = await repo.lockDraft(tx, r.draft_id);
    const noun = r.enquiry_id ? 'response' : 'line';
    if (!draft || r.state !== 'pending' || wordsHash(draft.text) !== r.text_hash)
      throw new AppError(
        'conflict',
        r.state === 'approved' || r.state === 'returned'
          ? `You have already decided on this ${noun}.`
          : `The press office changed this ${noun} after sending it to you; they will send the new version if it needs you.`,
      );
    const onTimeline = async (data: NewEventOf<'signoff_decided'>['data']) => {
      if (r.enquiry_id) await addEvent(tx, { enquiryId: r.enquiry_id, at: now, kind: 'signoff_decided', data });
    };
    if (d.action === 'return') {
      const comment = normaliseText(d.comment, true).slice(0, SIGNOFF_LIMITS.comment);
      if (!comment)
        throw new AppError('validation', 'Say what to change', { fields: { comment: 'Say what should change' } });
      await repo.decide(tx, r.id, { state: 'returned', decided_at: now, decided_via: via, comment, edited: false });
      await repo.updateDraft(tx, draft.id, { state: 'returned', updated_at: now });
      await repo.voidPending(tx, draft.id, r.id);
      await onTimeline({ by: r.name, decision: 'returned', via, comment });
      return;
    }
    const words =
      d.action === 'edit'
        ? this.words(d.text, 'text', draft.kind === 'line' ? SIGNOFF_LIMITS.line : SIGNOFF_LIMITS.text)
        : draft.text;
    const edited = words !== draft.text;
    if (edited && draft.line_id && !(await repo.editUnsentLine(tx, draft.line_id, words)))
      throw new AppError(
        'conflict',
        'This line has already gone to journalists, so its words cannot change now: approve it as it is, or return it with a comment.',
      );
    const hash = wordsHash(words);
    await repo.decide(tx, r.id, { state: 'approved', decided_at: now, decided_via: via, comment: null, edited });
    await repo.updateDraft(tx, draft.id, {
      text: words,
      state: 'approved',
      updated_at: now,
      approved_hash: hash,
      approved_by: r.name,
      approved_at: now,
    });
    // Approved: the others need not decide (after an edit they were asked about other words).
    await repo.voidPending(tx, draft.id, r.id);
    await onTimeline(
      edited
        ? { by: r.name, decision: 'approved_with_edits', via, text: words }
        : { by: r.name, decision: 'approved', via },
    );
  }

  /**
   * The gate of an incident's line, in the transaction that sends it (`send the line`, the
   * on-call link's send, the automatic send to a newly linked enquiry): passes when lines need no
   * sign-off, or the line's words are the approved ones, or a manager gives `override` (audited).
   * Otherwise a 422 on `line` that says what to do; `override` undefined: no override is possible
   * here (an automatic send, the on-call link), and the caller may check `lineCleared` instead.
   */
  async checkLine(
    tx: Tx,
    line: Pick<LineToSign, 'id' | 'text' | 'incidentId'>,
    actor: Actor & { manager?: boolean },
    override: string | null | undefined,
    now: Date,
  ): Promise<SignOffOutcome> {
    if (await this.lineCleared(tx, line))
      return lineNeedsSignOff(this.deps.config.statements.signOff) ? 'approved' : 'not_required';
    const reason = override ? normaliseText(override, true).slice(0, SIGNOFF_LIMITS.comment) : '';
    if (reason && actor.manager) {
      await audit(tx, {
        at: now,
        actor,
        action: 'statement.signoff_overridden',
        detail: { reason, what: 'line', incidentId: line.incidentId, lineId: line.id },
      });
      return 'overridden';
    }
    const why = 'This line needs sign-off before it goes to journalists: send it for sign-off on the incident page';
    throw new AppError('validation', 'Sign-off needed', {
      fields: {
        line: actor.manager && override !== undefined ? `${why}, or give a reason to send it without.` : `${why}.`,
      },
    });
  }

  /** Whether the line may go without more: no sign-off needed, or its current words approved. */
  async lineCleared(db: Db | Tx, line: Pick<LineToSign, 'id' | 'text'>): Promise<boolean> {
    if (!lineNeedsSignOff(this.deps.config.statements.signOff)) return true;
    const draft = await repo.lineDraftOf(db, line.id);
    return draft?.state === 'approved' && draft.approved_hash === wordsHash(line.text);
  }

  /** The sign-off of each of these lines (id → where it stands), for the incident page. */
  async lineSignOffs(lines: readonly Pick<LineToSign, 'id' | 'text'>[]): Promise<Map<string, LineSignOff>> {
    const drafts = await repo.lineDrafts(
      this.deps.db,
      lines.map((l) => l.id),
    );
    const requests = await repo.requestsOfDrafts(
      this.deps.db,
      drafts.map((d) => d.id),
    );
    const out = new Map<string, LineSignOff>();
    for (const l of lines) {
      const draft = drafts.find((d) => d.line_id === l.id) ?? null;
      out.set(l.id, {
        draft,
        requests: draft ? requests.filter((r) => r.draft_id === draft.id) : [],
        approved: draft?.state === 'approved' && draft.approved_hash === wordsHash(l.text),
      });
    }
    return out;
  }

  /**
   * The release gate, in the transaction of whatever gives the words to the journalist (`what`: a
   * response released to the status page, an SMS reply or an email reply): passes when `e` needs
   * no sign-off, or `words` are exactly the approved ones, or a manager gives `override` (recorded
   * on the timeline and in the audit log). Otherwise a 422 on the field of that form (`release`,
   * `reply`, `email`) that says what to do. Returns how they passed, for the timeline and reports.
   */
  async checkRelease(
    tx: Tx,
    e: Enquiry,
    words: string,
    actor: Actor & { manager?: boolean },
    override: string | null,
    now: Date,
    what: GatedSend = 'release',
  ): Promise<SignOffOutcome> {
    // The office's rule, or a topic of the enquiry that requires sign-off (issue 28).
    if (!needsSignOff(e, this.deps.config.statements.signOff) && !(await signOffTopicsOf(tx, e.id)).length)
      return 'not_required';
    const draft = await repo.draftOf(tx, e.id);
    if (draft?.state === 'approved' && draft.approved_hash === wordsHash(words)) return 'approved';
    // A current library line sent unchanged (issue 28) was signed off when it was approved: on the
    // record as that line. A withdrawn or superseded line's words are not one.
    const line = await this.deps.lines?.approvedLine(tx, words);
    if (line) {
      await audit(tx, {
        at: now,
        actor,
        action: 'statement.signed_off_as_line',
        enquiryId: e.id,
        detail: {
          what,
          line: line.id,
          approvedBy: line.approvedBy,
          approvedAt: line.approvedAt.toISOString(),
          signedOffAs: line.description,
        },
      });
      return 'approved';
    }
    const reason = override ? normaliseText(override, true).slice(0, SIGNOFF_LIMITS.comment) : '';
    if (reason && actor.manager) {
      await addEvent(tx, {
        enquiryId: e.id,
        at: now,
        kind: 'signoff_overridden',
        actor: actor.email,
        data: { reason, ...(what === 'release' ? {} : { what }) },
      });
      await audit(tx, {
        at: now,
        actor,
        action: 'statement.signoff_overridden',
        enquiryId: e.id,
        detail: { reason, what },
      });
      return 'overridden';
    }
    const say = GATED[what];
    const why = draft?.state === 'approved' ? say.differs : say.unapproved;
    throw new AppError('validation', 'Sign-off needed', {
      fields: { [what]: actor.manager ? `${why}, or give a reason to ${say.without}.` : `${why}.` },
    });
  }

  /** Runs `fn` on the enquiry locked, in one transaction; announces the change after the commit. */
  private async withEnquiry(reference: string, fn: (tx: Tx, e: Enquiry, now: Date) => Promise<void>): Promise<void> {
    await this.deps.db.transaction().execute(async (tx) => {
      const e = await lockByReference(tx, reference);
      if (!e) throw new AppError('not_found', `There is no enquiry ${reference}`);
      if (FINISHED.has(e.status)) throw new AppError('conflict', `Enquiry ${e.reference} is ${e.status}.`);
      await fn(tx, e, this.deps.clock());
    });
    this.deps.live?.announceChange(reference);
  }
}
