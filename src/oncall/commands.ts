import { normaliseReference } from '../enquiries/reference.js';

// The on-call officer's SMS commands, as text: what a message asks for, and the HELP text.
// Pure: no database, no clock. Who may send them and what they do is commands.service.ts.

/** A bare OK (or okay), as a reply to a shift reminder confirming the shift. */
export const OK_WORD = /^\s*ok(?:ay)?[\s.!]*$/i;

/** Every command an on-call officer can text (ACK is handled by ack.service.ts, before these). */
export type CommandKind = 'info' | 'call' | 'reply' | 'note' | 'done' | 'line' | 'lines' | 'help';

/**
 * What the officer wrote where a reference goes. `strong`: unmistakably meant as one (a PD
 * prefix, a dash, a digit, or a page's four-digit short code). A six-letter word such as
 * "ACCEPT" also spells a possible reference, so it is `strong: false`: when no enquiry has that
 * reference, the word is the start of the officer's text instead.
 */
export interface RefToken {
  /** As typed (a short code is matched against the officer's pages as typed). */
  raw: string;
  /** The canonical `PD-XXX-XXX`, or null for a short code. */
  reference: string | null;
  strong: boolean;
}

/** A parsed command: its kind and what it carries. */
export type Command =
  | { kind: 'help' }
  | { kind: 'info' | 'call'; ref: RefToken | null }
  | {
      kind: 'reply' | 'note' | 'done';
      ref: RefToken | null;
      /** The text after the reference (empty when none was given). */
      text: string;
      /** Everything after the command word: the text when `ref` turns out not to be a reference. */
      rest: string;
    }
  | {
      /**
       * `LINE 12`, `LINE 12 PD-7KM-4QX`, either with `SEND` after it (send a line past its review
       * date anyway): library line `lineId` (null: no number given) to the journalist. `extra`:
       * anything else written after it ('' when none), which makes it no line to send.
       */
      kind: 'line';
      lineId: string | null;
      ref: RefToken | null;
      send: boolean;
      extra: string;
    }
  | {
      kind: 'lines';
      /** The words to find lines by ('': the most used). */
      words: string;
    };

/** Each kind's line in the HELP text (GSM-7 characters only, so that it fits two segments). */
export const USAGE = {
  info: 'INFO ref: details',
  call: 'CALL ref: we put you through',
  reply: 'REPLY ref text: SMS to the journalist',
  note: 'NOTE ref text: internal note',
  done: 'DONE ref line: mark answered',
  line: 'LINE n ref: send line n',
  lines: 'LINES word: list lines',
  help: 'COMMANDS (or HELP, or ?): this list',
} as const satisfies Record<CommandKind, string>;

/**
 * Other ways to ask for the HELP text. A bare HELP (or INFO) is one of Twilio's help keywords:
 * Twilio answers it with its own help text as well as forwarding it, so the officer gets two
 * replies. COMMANDS and "?" are no keyword of Twilio's: only Press Desk's list comes back.
 */
export const HELP_ALIASES = ['COMMANDS', '?'] as const;
const HELP_ALIAS = /^\s*(?:commands[\s.!?]*|\?+\s*)$/i;

const KINDS = Object.keys(USAGE) as CommandKind[];

/** The HELP text: every command in one SMS of at most two segments. */
export const HELP_TEXT = `Press Desk commands: ACK ref: acknowledge. ${KINDS.filter((k) => k !== 'help')
  .map((k) => USAGE[k])
  .join('. ')}. ref is the PD- reference or page code; omit if one page is open.`;

// The word, then the end or a separator: "Info:" and "done." are commands, "Information" and
// "Done's" are not.
const WORD = new RegExp(`^\\s*(${KINDS.join('|')})(?:$|[\\s.:,;!?-]+)([\\s\\S]*)$`, 'i');
const SHORT_CODE = /^\d{4}$/;

/** Reads `token` as a reference or short code, or null when it cannot be one. */
export function refToken(token: string): RefToken | null {
  const raw = token.replace(/[.,;:!?]+$/, '');
  if (SHORT_CODE.test(raw)) return { raw, reference: null, strong: true };
  const reference = normaliseReference(raw);
  if (!reference) return null;
  const strong = /^pd/i.test(raw.replace(/[\s-]/g, '')) || raw.includes('-') || /\d/.test(raw);
  return { raw, reference, strong };
}

/**
 * The command `body` is, or null when it is none. `COMMANDS` and `?` are `HELP` (`HELP_ALIASES`).
 * `INFO`, `CALL` and `HELP` must stand alone
 * (apart from the reference and trailing punctuation): "Call me back about the fire" is not a
 * command. `REPLY`, `NOTE` and `DONE` take any text after the optional reference.
 */
export function parseCommand(body: string): Command | null {
  if (HELP_ALIAS.test(body)) return { kind: 'help' };
  const m = WORD.exec(body);
  if (!m) return null;
  const kind = m[1].toLowerCase() as CommandKind;
  const rest = m[2].trim();
  const [first = '', ...others] = rest.split(/\s+/).filter(Boolean);
  switch (kind) {
    case 'help':
      return /^[.!?]*$/.test(rest) ? { kind } : null;
    case 'info':
    case 'call': {
      if (!rest) return { kind, ref: null };
      const ref = others.length === 0 ? refToken(first) : null;
      return ref ? { kind, ref } : null;
    }
    case 'line': {
      // A number first ("LINE 12"), then an optional reference and SEND, in either order after it.
      const lineId = /^#?\d{1,9}$/.test(first) ? first.replace('#', '') : null;
      if (!lineId) return first ? null : { kind, lineId: null, ref: null, send: false, extra: '' };
      let ref: RefToken | null = null;
      let send = false;
      const extra: string[] = [];
      for (const w of others) {
        if (!send && /^send[.!]*$/i.test(w)) send = true;
        else if (!ref && !extra.length && refToken(w)?.strong) ref = refToken(w);
        else extra.push(w);
      }
      return { kind, lineId, ref, send, extra: extra.join(' ') };
    }
    case 'lines':
      return { kind, words: rest };
    case 'reply':
    case 'note':
    case 'done': {
      const ref = first ? refToken(first) : null;
      // The text keeps its own line breaks and spacing: only the reference is cut off its start.
      const text = ref ? rest.slice(first.length).trim() : rest;
      return { kind, ref, text, rest };
    }
    default:
      return kind satisfies never;
  }
}

/**
 * Whether a command carries nothing a journalist would write: the word alone or with a reference.
 * From a number that is not on call, such a text is refused; anything longer is a journalist's
 * enquiry that happens to start with the word ("Done deal at the council…").
 */
export function isBare(command: Command): boolean {
  if (command.kind === 'line') return command.extra === '';
  if (command.kind === 'lines') return command.words === '';
  return command.kind === 'reply' || command.kind === 'note' || command.kind === 'done' ? command.text === '' : true;
}
