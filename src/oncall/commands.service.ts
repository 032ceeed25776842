import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { Tx } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { AppError } from '../http/errors.js';
import type { LineLibrary } from '../lines/lines.service.js';
import { dayInWords } from '../lines/lines.service.js';
import { foldToGsm, smsCapacity, smsLength } from '../telephony/sms-encoding.js';
import type { AckHandler } from '../sms/inbound.service.js';
import { HELP_TEXT, isBare, OK_WORD, parseCommand, type Command, type RefToken } from './commands.js';
import type { Candidate, OnCallActions, SmsOfficer } from './oncall-actions.service.js';

/** How many of the officer's open pages a "which enquiry?" reply lists. */
export const MAX_LISTED = 5;
/** How much of an outlet's name a listed candidate shows (the list must stay within two segments). */
const OUTLET_CHARS = 20;

/**
 * The answer to a bare command from a number that may not send them (a stranger's, and equally a
 * backup's, a removed colleague's or a phone whose shift and link time are over): it says
 * nothing about any enquiry.
 */
export const NOT_ON_CALL =
  'Press Desk: this number is not on call, so commands are not accepted. Journalists: please send your enquiry as a text in your own words.';

type TextKind = Extract<Command, { text: string }>['kind'];

/** What each text command is called in a reply asking for its text. */
const TEXT_NAMES = { reply: 'your reply', note: 'your note', done: 'the line you gave' } as const satisfies Record<
  TextKind,
  string
>;

/** A current library line `LINE n` may send. */
type UsableLine = { id: string; text: string; reviewBy: string | null };

/** Either the enquiry a command is about (and the text it carries), or the answer that ends it. */
type Target = { enquiry: Enquiry; text: string } | { answer: string };

function outletOf(c: Candidate): string {
  const outlet = c.outlet.replace(/\s+/g, ' ').trim() || 'SMS';
  // Cut, not "…": an ellipsis is not GSM-7 and would shrink every segment of the reply to 70 characters.
  return outlet.length > OUTLET_CHARS ? outlet.slice(0, OUTLET_CHARS).trim() : outlet;
}

/** "PD-7KM-4QX 4821 (Evening Gazette), …", at most MAX_LISTED, then how many more. */
function listed(candidates: Candidate[]): string {
  const shown = candidates.slice(0, MAX_LISTED).map((c) => `${c.reference} ${c.shortCode} (${outletOf(c)})`);
  const more = candidates.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}.`;
}

/** `message` as the rest of a sentence after "Press Desk: ", ending in a full stop. */
function sentence(message: string): string {
  const text = message.trim().replace(/[.\s]+$/, '');
  // "Enter a note" reads "enter a note"; "PD-7KM-4QX has no…" keeps its capitals.
  const lowered = /^[A-Z][a-z]/.test(text) ? `${text[0].toLowerCase()}${text.slice(1)}` : text;
  return `${lowered}.`;
}

/** The reply for a validation problem: its message, and the field's advice when that adds something. */
function problem(err: AppError): string {
  const advice = Object.values(err.details.fields ?? {}).find((f) => f && f !== err.message);
  return `Press Desk: ${sentence(err.message)}${advice ? ` ${sentence(advice).replace(/^./, (c) => c.toUpperCase())}` : ''}`;
}

/**
 * The on-call officer's texts to the press office number, as the inbound SMS service's
 * `AckHandler`: `ACK` first (delegated to `ack`, unchanged), then `INFO`, `CALL`, `REPLY`,
 * `NOTE`, `DONE` and `HELP` (commands.ts), each running one `OnCallActions` action inside the
 * inbound transaction, so a retried MessageSid gets the stored reply and nothing runs twice.
 *
 * From a number that may act (`OnCallActions.officerFor`) every text is answered: a command
 * with what was done, anything else with the HELP text. A command acts only on an enquiry that
 * number may touch (`reachableEnquiry`); any other reference, existing or not, gets the answer of
 * a reference no enquiry has. From any other number a bare command is refused without naming
 * any enquiry, and any longer text returns null: it is a journalist's.
 */
export class SmsCommandHandler implements AckHandler {
  constructor(
    private readonly deps: {
      ack: AckHandler;
      actions: OnCallActions;
      clock: Clock;
      /** Confirms shifts by an OK reply to their reminder (rota-guard.service.ts). */
      shifts?: { confirmByText(tx: Tx, phone: string, now: Date): Promise<string | null> };
      /** A verification code texted back from the number it was sent to (verification.service.ts). */
      codes?: { verifyByText(tx: Tx, from: string, body: string): Promise<string | null> };
      /** The library of lines to take: `LINE n` and `LINES words` (src/lines). */
      lines?: Pick<LineLibrary, 'current' | 'reviewState' | 'suggest'>;
    },
  ) {}

  /** The reply to send, or null when the text is neither an ACK nor meant for the on-call service. */
  async handle(tx: Tx, message: { from: string; body: string; messageSid: string }): Promise<string | null> {
    const acked = await this.deps.ack.handle(tx, message);
    if (acked !== null) return acked;
    const command = parseCommand(message.body);
    const now = this.deps.clock();
    if (this.deps.codes) {
      const verified = await this.deps.codes.verifyByText(tx, message.from, message.body);
      if (verified !== null) return verified;
    }
    // OK answers a shift reminder; from a phone with nothing to confirm it is left to the rest.
    if (this.deps.shifts && OK_WORD.test(message.body)) {
      const confirmed = await this.deps.shifts.confirmByText(tx, message.from, now);
      if (confirmed !== null) return confirmed;
    }
    const officer = await this.deps.actions.officerFor(tx, message.from, now);
    if (!officer) return command && isBare(command) ? NOT_ON_CALL : null;
    if (!command || command.kind === 'help') return HELP_TEXT;
    if (command.kind === 'lines') return this.findLines(command.words);
    let line: UsableLine | undefined;
    if (command.kind === 'line') {
      const usable = await this.usableLine(command);
      if (typeof usable === 'string') return usable;
      line = usable;
    }
    return this.run(tx, command, officer, message.messageSid, now, line);
  }

  /** `LINES words`: up to 5 current lines as "12 Title", within two segments. */
  private async findLines(words: string): Promise<string> {
    if (!this.deps.lines) return HELP_TEXT;
    const found = (await this.deps.lines.suggest(words)).filter((s) => s.kind === 'line').slice(0, MAX_LISTED);
    const what = foldToGsm(words.replace(/\s+/g, ' ').trim()).slice(0, 20);
    if (!found.length)
      return what ? `Press Desk: no current line matches "${what}".` : 'Press Desk: the library has no current line.';
    const head = 'Press Desk lines: ';
    const tail = '. Text LINE n ref to send one.';
    // Titles are cut (never the numbers) so the list stays within two GSM segments.
    const items = found.map((l) => ({ id: l.id, title: foldToGsm(l.title.replace(/\s+/g, ' ').trim()) }));
    const text = (cut: number) =>
      `${head}${items.map((l) => `${l.id} ${l.title.slice(0, cut).trim()}`).join('; ')}${tail}`;
    let cut = 60;
    while (cut > 8 && smsLength(text(cut)) > smsCapacity(text(cut), 2)) cut -= 4;
    return text(cut);
  }

  /** The current library line `LINE n` names, or the answer refusing it (no such line, withdrawn, replaced). */
  private async usableLine(command: Extract<Command, { kind: 'line' }>): Promise<UsableLine | string> {
    if (!this.deps.lines) return HELP_TEXT;
    if (!command.lineId) return 'Press Desk: say which line, e.g. LINE 12 (LINES flood lists lines about floods).';
    if (command.extra)
      return `Press Desk: nothing sent. To send line ${command.lineId} text LINE ${command.lineId}, or LINE ${command.lineId} and the reference.`;
    const r = await this.deps.lines.current(command.lineId);
    if (!r.ok) {
      const more = r.refusal.kind === 'superseded' ? `: text LINE ${r.refusal.by}` : '';
      return `Press Desk: nothing sent. ${foldToGsm(r.refusal.message)}${more}.`;
    }
    return { id: r.line.id, text: r.line.text, reviewBy: r.line.review_by };
  }

  private async run(
    tx: Tx,
    command: Exclude<Command, { kind: 'help' | 'lines' }>,
    officer: SmsOfficer,
    messageSid: string,
    now: Date,
    line?: UsableLine,
  ): Promise<string> {
    const target = await this.target(tx, command, officer);
    if ('answer' in target) return target.answer;
    const { enquiry: e, text } = target;
    const actions = this.deps.actions;
    if ('text' in command && !text) {
      return `Press Desk: nothing done. Put ${TEXT_NAMES[command.kind]} after the reference: ${command.kind.toUpperCase()} ${e.reference} followed by the text.`;
    }
    // A line past its review date goes only when the officer says SEND: they check it first.
    if (command.kind === 'line' && line && !command.send && this.deps.lines) {
      const review = this.deps.lines.reviewState({ review_by: line.reviewBy }, now);
      if (review.kind === 'due')
        return `Press Desk: line ${line.id} was due for review on ${dayInWords(review.since)}: text LINE ${line.id} ${e.reference} SEND to send it anyway.`;
    }
    // A savepoint, so that an action refused half-way leaves nothing behind while the inbound
    // text and its reply are still stored (the transaction goes on and commits).
    await sql`SAVEPOINT oncall_command`.execute(tx);
    try {
      // Work on the enquiry is the officer having it: it acknowledges the page (reading it does not).
      const acked = command.kind !== 'info' && (await actions.acknowledge(tx, e, officer, 'sms'));
      let answer: string;
      switch (command.kind) {
        case 'info':
          await actions.viewed(tx, e, officer, 'sms', now);
          answer = actions.info(e, now);
          break;
        case 'call':
          await actions.call(tx, e, officer, `sms:${messageSid}`, now);
          answer = `Press Desk: ringing you now to connect you to the journalist for ${e.reference}.`;
          break;
        case 'reply': {
          const { to } = await actions.reply(tx, e, officer, text);
          answer = `Press Desk: reply to ${e.reference} queued to ${to}.`;
          break;
        }
        case 'line': {
          // Exactly the library's words, through the same path as REPLY (and its sign-off gate).
          if (!line) return HELP_TEXT;
          const { to } = await actions.reply(tx, e, officer, line.text);
          answer = `Press Desk: line ${line.id} to ${e.reference} queued to ${to}.`;
          break;
        }
        case 'note':
          await actions.note(tx, e, officer, text);
          answer = `Press Desk: note added to ${e.reference}.`;
          break;
        case 'done':
          await actions.done(tx, e, officer, text);
          answer = `Press Desk: ${e.reference} marked answered; your line is recorded.`;
          break;
        default:
          return command satisfies never;
      }
      await sql`RELEASE SAVEPOINT oncall_command`.execute(tx);
      return acked ? `${answer} Page acknowledged: escalation stopped.` : answer;
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation') throw err;
      await sql`ROLLBACK TO SAVEPOINT oncall_command`.execute(tx);
      return problem(err);
    }
  }

  /**
   * The enquiry a command is about: the one its reference or short code names among those the
   * officer may touch, else the only enquiry paged to this phone. Otherwise the answer lists the
   * officer's open pages, the same whether the reference names another's enquiry or none.
   */
  private async target(
    tx: Tx,
    command: Exclude<Command, { kind: 'help' | 'lines' }>,
    officer: SmsOfficer,
  ): Promise<Target> {
    const text = 'text' in command ? command.text : '';
    const candidates = await this.deps.actions.candidates(tx, officer);
    const ref: RefToken | null = command.ref;
    // "LINE 12 PD-7KM-4QX": the example keeps the line's number.
    const word = command.kind === 'line' && command.lineId ? `LINE ${command.lineId}` : command.kind.toUpperCase();
    if (!ref) return this.only(tx, word, candidates, text);
    const named = candidates.find(
      (c) => c.shortCode === ref.raw || (ref.reference !== null && c.reference === ref.reference),
    );
    const enquiry = named
      ? await this.deps.actions.findEnquiry(tx, named.reference)
      : ref.reference
        ? await this.deps.actions.reachableEnquiry(tx, officer, ref.reference)
        : undefined;
    if (enquiry) return { enquiry, text };
    // "NOTE ACCEPT they will call back": a word that merely spells a reference starts the text.
    if (!ref.strong && 'rest' in command) return this.only(tx, word, candidates, command.rest);
    const where = candidates.length ? `Your open pages: ${listed(candidates)}` : 'You have no open page.';
    return { answer: `Press Desk: nothing matches "${ref.raw.slice(0, 20)}". ${where}` };
  }

  /** The only enquiry paged to the officer, or the answer asking which one (listing the candidates). */
  private async only(tx: Tx, word: string, candidates: Candidate[], text: string): Promise<Target> {
    const enquiry =
      candidates.length === 1 ? await this.deps.actions.findEnquiry(tx, candidates[0].reference) : undefined;
    if (enquiry) return { enquiry, text };
    if (candidates.length < 2)
      return { answer: `Press Desk: you have no open page, so say which enquiry, e.g. ${word} PD-7KM-4QX.` };
    return {
      answer: `Press Desk: which enquiry? Add its reference or code, e.g. ${word} ${candidates[0].reference}. Open pages: ${listed(candidates)}`,
    };
  }
}
