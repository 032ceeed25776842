import twilio from 'twilio';
import type { OfficeConfig } from '../config.js';
import type { Enquiry } from '../db/schema.js';
import { formatDeadline } from '../hours/format.js';

// GSM 03.38 basic set: texts made only of these fit 160 characters a segment (153 when joined);
// anything else (emoji, most accents) drops a segment to 70 (67).
/** Characters of the GSM 7-bit alphabet (an SMS in these alone is not sent as UCS-2). */
export const GSM = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/;
// The extension table: in the GSM set, but each takes two of a segment's places (escape + char).
const GSM_EXTENDED = /[\^{}\\[~\]|€]/g;

/** How many characters fit in `segments` joined SMS segments for this text's encoding. */
export function smsCapacity(text: string, segments: number): number {
  const gsm = GSM.test(text);
  if (segments === 1) return gsm ? 160 : 70;
  return (gsm ? 153 : 67) * segments;
}

/** The places `text` takes in an SMS of its encoding (what `smsCapacity` is measured in). */
export function smsLength(text: string): number {
  return GSM.test(text) ? text.length + (text.match(GSM_EXTENDED)?.length ?? 0) : text.length;
}

/** True when `text` fits `segments` joined SMS segments. */
function fits(text: string, segments: number): boolean {
  return smsLength(text) <= smsCapacity(text, segments);
}

// Typography phones and word processors put in names and subjects, with the GSM characters that
// read the same: one curly apostrophe would otherwise turn a two-segment page into five.
const GSM_LOOKALIKES: Record<string, string> = { '‘': "'", '’': "'", '‚': "'", '“': '"', '”': '"', '„': '"', '–': '-', '—': '-', '…': '...', '\u00a0': ' ', '•': '*' };

/**
 * `text` with each character outside the GSM set replaced by a look-alike inside it where there
 * is one (curly quotes, dashes, letters with accents GSM lacks: "Siobhán" → "Siobhan"); others
 * (emoji, other scripts) stay, and the text is then sent as UCS-2. Only for texts to staff: the
 * link and the desk show the journalist's own spelling.
 */
export function foldToGsm(text: string): string {
  let out = '';
  for (const ch of text) {
    if (GSM.test(ch)) out += ch;
    else if (GSM_LOOKALIKES[ch] !== undefined) out += GSM_LOOKALIKES[ch];
    else {
      const bare = ch.normalize('NFD').replace(/\p{M}+/gu, '');
      out += bare && GSM.test(bare) ? bare : ch;
    }
  }
  return out;
}

/** `text` cut to `max` characters, the cut marked with `mark`. */
function trimTo(text: string, max: number, mark = '…'): string {
  if (max <= mark.length) return '';
  return text.length <= max ? text : `${text.slice(0, max - mark.length)}${mark}`;
}

function who(e: Enquiry): string {
  const name = e.name || 'Journalist';
  return [e.outlet ? `${name}, ${e.outlet}` : name, e.phone ?? e.email ?? ''].filter(Boolean).join(' ');
}

/** The fewest characters of the journalist and outlet worth keeping when the page runs long. */
const MIN_WHO = 12;

/**
 * The page SMS for one enquiry: reference, who and how to reach them, the deadline in office
 * time, the subject, when given the link to the enquiry's mobile view (on a line of its own, so
 * no punctuation touches it that a phone might take for part of it), and how to acknowledge
 * (last, where the officer looks for it). The whole text
 * fits two SMS segments: the subject is trimmed first, then the journalist and outlet, and only
 * when even that cannot fit (a UCS-2 text of 134 characters) the link is left out: the SMS
 * commands reach the enquiry without it. Names and subject are folded to GSM characters where a
 * look-alike exists, which keeps most pages at 306 characters rather than 134.
 */
export function pageSms(e: Enquiry, shortCode: string, office: OfficeConfig, now: Date, link: string | null = null): string {
  const deadline = e.deadline ? `Deadline ${formatDeadline(e.deadline, office, now)}.` : 'No deadline given.';
  const compose = (whom: string, subject: string | null, withLink: boolean) =>
    `URGENT media enquiry ${e.reference}. ${whom}. ${deadline}${subject === null ? '' : ` Subject: ${subject}`}${withLink && link ? `\nOpen: ${link}\n` : ' '}Reply ACK ${shortCode} to acknowledge.`;
  const fullWho = foldToGsm(who(e));
  const subject = foldToGsm(e.subject.replace(/\s+/g, ' ').trim());
  // An emoji in the subject alone would cut the text to 134 characters: rather the subject without it.
  const gsmSubject = [...subject].filter((ch) => GSM.test(ch)).join('').replace(/\s+/g, ' ').trim();
  const subjects = gsmSubject === subject ? [subject] : [subject, gsmSubject];
  for (const withLink of link ? [true, false] : [false]) {
    for (const subj of subjects) {
      const whole = compose(fullWho, subj, withLink);
      if (fits(whole, 2)) return whole;
      // A cut marked with "…" would make a GSM text UCS-2 (five segments, not two).
      const mark = GSM.test(whole) ? '...' : '…';
      const room = smsCapacity(whole, 2) - smsLength(compose(fullWho, '', withLink));
      for (let n = room; n > mark.length; n--) {
        const t = compose(fullWho, trimTo(subj, n, mark), withLink);
        if (fits(t, 2)) return t;
      }
    }
    const whole = compose(fullWho, subject, withLink);
    const mark = GSM.test(whole) ? '...' : '…';
    const roomForWho = smsCapacity(whole, 2) - smsLength(compose('', null, withLink));
    for (let n = Math.min(roomForWho, fullWho.length); n >= MIN_WHO; n--) {
      const t = compose(trimTo(fullWho, n, mark), null, withLink);
      if (fits(t, 2)) return t;
    }
  }
  return compose(trimTo(fullWho, MIN_WHO, '...'), null, false);
}

/**
 * One SMS for several pages held back within the bundling window: each enquiry on a line, and
 * a single ACK that acknowledges every one listed.
 */
export function bundleSms(items: Array<{ enquiry: Enquiry; shortCode: string }>, office: OfficeConfig, now: Date): string {
  const n = items.length;
  const head = n === 1 ? 'URGENT: 1 more media enquiry:' : `URGENT: ${n} more media enquiries:`;
  const lines = items.map(({ enquiry: e, shortCode }) => {
    const deadline = e.deadline ? ` by ${formatDeadline(e.deadline, office, now)}` : '';
    return `\n${e.reference} (${shortCode}) ${e.outlet || e.phone || 'SMS'}${deadline}: ${trimTo(e.subject.replace(/\s+/g, ' '), 60)}`;
  });
  const tail = `\nReply ACK to acknowledge ${n === 1 ? 'it' : 'all'}, or ACK <code> for one.`;
  return head + lines.join('') + tail;
}

/**
 * What the on-call phone hears when rung: the summary, then a keypress gathered and posted to
 * `gatherUrl` (press 1 to acknowledge). The summary is said twice in case the first is missed.
 */
export function pageCallTwiml(e: Enquiry, office: OfficeConfig, now: Date, gatherUrl: string): string {
  const summary = `This is Press Desk. An urgent media enquiry has not been acknowledged. ${spokenEnquiry(e, office, now, 200)}`;
  return callTwiml(summary, 'Press 1 to acknowledge.', 'The enquiry will be escalated.', gatherUrl);
}

/** At most this many enquiries are read out on a bundled call; the texts list them all. */
const SPOKEN_IN_A_BUNDLE = 5;

/**
 * One call for several pages held back within the bundling window: how many, each enquiry in
 * turn (the first few), and one keypress (posted to `gatherUrl`, which names every page) that
 * acknowledges them all. Kept well inside Twilio's 4,000 characters for inline TwiML.
 */
export function bundleCallTwiml(items: Array<{ enquiry: Enquiry }>, office: OfficeConfig, now: Date, gatherUrl: string): string {
  const n = items.length;
  const spoken = items.slice(0, SPOKEN_IN_A_BUNDLE).map(({ enquiry }, i) => `Enquiry ${i + 1}. ${spokenEnquiry(enquiry, office, now, 60)}`);
  const rest = n > SPOKEN_IN_A_BUNDLE ? ` And ${n - SPOKEN_IN_A_BUNDLE} more, listed in the texts.` : '';
  const summary = `This is Press Desk. ${n === 1 ? 'An urgent media enquiry has' : `${n} urgent media enquiries have`} not been acknowledged. ${spoken.join(' ')}${rest}`;
  return callTwiml(summary, n === 1 ? 'Press 1 to acknowledge.' : `Press 1 to acknowledge all ${n}.`, 'They will be escalated.', gatherUrl);
}

/** One enquiry as read out on a call: reference letter by letter, outlet, deadline, subject. */
function spokenEnquiry(e: Enquiry, office: OfficeConfig, now: Date, subjectLength: number): string {
  const spokenRef = e.reference.replace(/^PD-/, '').split('').join(' ');
  const deadline = e.deadline ? `The deadline is ${formatDeadline(e.deadline, office, now)}.` : '';
  return `Reference ${spokenRef}. From ${e.outlet || 'a journalist'}. ${deadline} Subject: ${trimTo(e.subject, subjectLength)}.`;
}

/** A page call: the summary and the prompt, twice, inside one keypress gather; then goodbye. */
function callTwiml(summary: string, prompt: string, escalation: string, gatherUrl: string): string {
  const r = new twilio.twiml.VoiceResponse();
  const gather = r.gather({ numDigits: 1, action: gatherUrl, method: 'POST', timeout: 10 });
  gather.say({ voice: 'alice', language: 'en-GB' }, summary);
  gather.say({ voice: 'alice', language: 'en-GB' }, prompt);
  gather.say({ voice: 'alice', language: 'en-GB' }, summary);
  gather.say({ voice: 'alice', language: 'en-GB' }, prompt);
  r.say({ voice: 'alice', language: 'en-GB' }, `No key pressed. ${escalation} Goodbye.`);
  return r.toString();
}

/** The one SMS a journalist gets when the on-call officer acknowledges their urgent enquiry. */
export function journalistAckSms(e: Enquiry, officeName: string): string {
  return `${officeName}: we have your urgent enquiry ${e.reference}. The on-call press officer has it and will be in touch.`;
}
